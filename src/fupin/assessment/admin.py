from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import (
    CampaignTask,
    Case,
    ContactPoint,
    ContactVisit,
    Debriefing,
    EnteredValue,
    Leader,
    LeaderChange,
    Result,
    Scheme,
    UnitGrade,
)


@admin.register(Scheme)
class SchemeAdmin(ScopedReadOnlyAdmin):
    list_display = ("year", "area", "title", "assessed", "bottom", "consequence", "status")
    list_filter = ("year", "assessed", "status")


@admin.register(EnteredValue)
class EnteredValueAdmin(ScopedReadOnlyAdmin):
    list_display = ("indicator", "area", "value", "entered_at")


@admin.register(Result)
class ResultAdmin(ScopedReadOnlyAdmin):
    list_display = ("scheme", "area", "total", "rank", "bottom", "capped")
    list_filter = ("bottom",)


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = ("opened_on", "kind", "area", "subject", "status", "deadline", "closed_on")
    list_filter = ("kind", "status", "accountability")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        """The departments' rule as on the pages: discipline files are not every officer's to read."""
        from .selectors import cases_visible

        return cases_visible(request.user)  # type: ignore[arg-type]


@admin.register(UnitGrade)
class UnitGradeAdmin(ScopedReadOnlyAdmin):
    list_display = ("year", "unit", "cadres", "score", "earned", "grade", "reasons")
    list_filter = ("year", "grade")


@admin.register(Leader)
class LeaderAdmin(ScopedReadOnlyAdmin):
    list_display = ("area", "post", "title", "name", "start", "end")
    list_filter = ("post",)


@admin.register(LeaderChange)
class LeaderChangeAdmin(ScopedReadOnlyAdmin):
    list_display = ("area", "post", "leader", "successor", "on", "status")
    list_filter = ("status",)


@admin.register(ContactPoint)
class ContactPointAdmin(ScopedReadOnlyAdmin):
    list_display = ("leader", "area", "kind", "start", "end")


@admin.register(ContactVisit)
class ContactVisitAdmin(ScopedReadOnlyAdmin):
    list_display = ("point", "area", "date", "recorded_by")


@admin.register(Debriefing)
class DebriefingAdmin(ScopedReadOnlyAdmin):
    list_display = ("year", "area", "name", "score", "grade", "held_on")
    list_filter = ("year", "grade")


@admin.register(CampaignTask)
class CampaignTaskAdmin(ScopedReadOnlyAdmin):
    list_display = ("campaign", "area", "step", "title", "due", "done_on")
    list_filter = ("step",)
