from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import (
    Adjustment,
    GuidanceDone,
    Inspection,
    LeaveRequest,
    LogTally,
    Rating,
    RatingScore,
    ResidentRequest,
    Violation,
    WorkLog,
)


@admin.register(WorkLog)
class WorkLogAdmin(ScopedReadOnlyAdmin):
    list_display = ("date", "kind", "village", "posting", "household", "amount")
    list_filter = ("kind",)


@admin.register(ResidentRequest)
class ResidentRequestAdmin(ScopedReadOnlyAdmin):
    list_display = ("received", "category", "village", "requester", "deadline", "status")
    list_filter = ("category", "status")


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ScopedReadOnlyAdmin):
    list_display = ("posting", "village", "kind", "start", "end", "days", "status")
    list_filter = ("kind", "status")


@admin.register(LogTally)
class LogTallyAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "month", "kind", "count", "amount")
    list_filter = ("year", "kind")


@admin.register(Adjustment)
class AdjustmentAdmin(ScopedReadOnlyAdmin):
    list_display = ("posting", "village", "reason", "by_rule", "status", "created_at")
    list_filter = ("status", "by_rule")


@admin.register(Inspection)
class InspectionAdmin(ScopedReadOnlyAdmin):
    list_display = ("date", "kind", "village", "posting", "present", "inspector")
    list_filter = ("kind", "present")


@admin.register(Violation)
class ViolationAdmin(ScopedReadOnlyAdmin):
    list_display = ("date", "red_line", "village", "posting", "recorded_by")


@admin.register(RatingScore)
class RatingScoreAdmin(ScopedReadOnlyAdmin):
    list_display = ("posting", "year", "period", "rater", "score")
    list_filter = ("year", "period", "rater")


@admin.register(Rating)
class RatingAdmin(ScopedReadOnlyAdmin):
    list_display = ("posting", "village", "year", "score", "earned", "grade", "reasons")
    list_filter = ("year", "grade")


@admin.register(GuidanceDone)
class GuidanceDoneAdmin(ScopedReadOnlyAdmin):
    list_display = ("item", "posting", "village", "done_on")
