from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Case, FollowUp, Measure, Source


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    list_display = ("household", "village", "status", "group", "risk", "opened_on", "deadline", "decided_on", "score")
    list_filter = ("status", "group", "risk")


@admin.register(Source)
class SourceAdmin(ScopedReadOnlyAdmin):
    list_display = ("case", "channel", "reported_on", "risk", "department")
    list_filter = ("channel", "risk")


@admin.register(Measure)
class MeasureAdmin(ScopedReadOnlyAdmin):
    list_display = ("case", "kind", "responsible", "started_on", "ended_on")
    list_filter = ("kind",)


@admin.register(FollowUp)
class FollowUpAdmin(ScopedReadOnlyAdmin):
    list_display = ("case", "visited_on", "visitor", "income_per_capita", "guarantees_ok")
