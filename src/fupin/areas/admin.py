from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Area, AreaClassification


@admin.register(Area)
class AreaAdmin(ScopedReadOnlyAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level", "kind")
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(AreaClassification)
class AreaClassificationAdmin(ScopedReadOnlyAdmin):
    list_display = ("year", "kind", "area", "note")
    list_filter = ("year", "kind")
    search_fields = ("area__name", "area__code")
    list_select_related = ("area",)
