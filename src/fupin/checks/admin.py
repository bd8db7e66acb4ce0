from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import CheckRun, Finding


@admin.register(CheckRun)
class CheckRunAdmin(ScopedReadOnlyAdmin):
    list_display = ("started_at", "year", "area_code", "engine", "actor_username", "new_findings", "seconds")


@admin.register(Finding)
class FindingAdmin(ScopedReadOnlyAdmin):
    list_display = ("rule_id", "year", "household_no", "category", "status", "present", "explanation")
    list_filter = ("rule_id", "category", "status", "present", "year")
