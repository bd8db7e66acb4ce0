from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Adjustment, LeaveRequest, LogTally, ResidentRequest, WorkLog


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
