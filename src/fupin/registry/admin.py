from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Helper, Household, HouseholdYear, ImportBatch, Member, Procedure, ProcedureStep


@admin.register(Household)
class HouseholdAdmin(ScopedReadOnlyAdmin):
    list_display = ("household_no", "head_name", "size", "attribute", "main_cause", "status", "village")
    list_filter = ("status", "attribute", "main_cause")
    search_fields = ("household_no", "head_name")
    list_select_related = ("village",)


@admin.register(Member)
class MemberAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "household", "sex", "birth_date", "relation")
    search_fields = ("name",)
    list_select_related = ("household",)
    exclude = ("id_number",)  # full ID numbers only on the household page, for the roles that may see them


@admin.register(HouseholdYear)
class HouseholdYearAdmin(ScopedReadOnlyAdmin):
    list_display = ("household", "year", "poor", "income_per_capita", "housing_grade")
    list_filter = ("year", "poor", "housing_grade")


@admin.register(Helper)
class HelperAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "unit", "phone", "county")
    search_fields = ("name", "unit")


@admin.register(Procedure)
class ProcedureAdmin(ScopedReadOnlyAdmin):
    list_display = ("household", "kind", "status", "year", "opened_on", "closed_on")
    list_filter = ("kind", "status", "year")
    list_select_related = ("household",)


@admin.register(ProcedureStep)
class ProcedureStepAdmin(ScopedReadOnlyAdmin):
    list_display = ("procedure", "seq", "step", "on", "signer", "approved")
    list_filter = ("step", "approved")


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedReadOnlyAdmin):
    list_display = ("at", "kind", "file_name", "actor_username", "mode", "rows_total", "rows_taken", "rows_refused")
    list_filter = ("kind", "mode", "dry_run")
