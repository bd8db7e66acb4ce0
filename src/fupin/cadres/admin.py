from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Benefit, Cadre, DispatchPlan, HelpingUnit, PlanItem, Posting, Promotion, WorkTeam


@admin.register(HelpingUnit)
class HelpingUnitAdmin(ScopedReadOnlyAdmin):
    list_display = ("unit_id", "name", "level", "kind", "area")


@admin.register(Cadre)
class CadreAdmin(ScopedReadOnlyAdmin):
    list_display = ("name", "unit", "cadre_type", "rank", "years_of_work", "staff_status", "rating_last")
    list_filter = ("cadre_type", "staff_status")
    exclude = ("person_id",)


@admin.register(Posting)
class PostingAdmin(ScopedReadOnlyAdmin):
    list_display = ("cadre", "village", "role", "round", "start", "end", "status")
    list_filter = ("role", "status", "round")


@admin.register(DispatchPlan)
class DispatchPlanAdmin(ScopedReadOnlyAdmin):
    list_display = ("round", "area_code", "status", "objective", "certified_objective", "created_at")


@admin.register(PlanItem)
class PlanItemAdmin(ScopedReadOnlyAdmin):
    list_display = ("plan", "village", "cadre", "cost", "edited", "reason")


@admin.register(Benefit)
class BenefitAdmin(ScopedReadOnlyAdmin):
    list_display = ("posting", "kind", "year", "amount", "note")


@admin.register(WorkTeam)
class WorkTeamAdmin(ScopedReadOnlyAdmin):
    list_display = ("area", "kind", "round")


@admin.register(Promotion)
class PromotionAdmin(ScopedReadOnlyAdmin):
    list_display = ("cadre", "on", "post", "recorded_by")
