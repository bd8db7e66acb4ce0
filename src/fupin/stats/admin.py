from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import AreaStatistic, IndicatorDue, IndicatorRefresh, IndicatorValue


@admin.register(AreaStatistic)
class AreaStatisticAdmin(ScopedReadOnlyAdmin):
    list_display = ("area", "year", "rural_population", "source")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ScopedReadOnlyAdmin):
    list_display = ("area_code", "year", "key", "value", "computed_at")
    list_filter = ("year", "key")


@admin.register(IndicatorRefresh)
class IndicatorRefreshAdmin(ScopedReadOnlyAdmin):
    list_display = ("at", "area_code", "kind", "last_year", "rows")
    list_filter = ("kind",)


@admin.register(IndicatorDue)
class IndicatorDueAdmin(ScopedReadOnlyAdmin):
    list_display = ("at", "area_code")
