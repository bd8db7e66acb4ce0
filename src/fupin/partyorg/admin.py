from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import (
    Election,
    Guarantee,
    IdentifyRun,
    OrgYear,
    PartyOrg,
    Reserve,
    Review,
    Seat,
    SecretaryAdjustment,
    VillageCadre,
    Visit,
    WeakCase,
)


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "kind", "members")
    list_filter = ("kind",)


@admin.register(VillageCadre)
class VillageCadreAdmin(ScopedReadOnlyAdmin):
    list_display = ("ref", "name", "village", "gender", "birth_year", "education", "source")
    list_filter = ("source", "education")


@admin.register(Seat)
class SeatAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "person", "committee", "post", "start", "end", "new")
    list_filter = ("committee", "post")


@admin.register(Reserve)
class ReserveAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "person", "added", "promoted", "removed")


@admin.register(Election)
class ElectionAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "round", "step", "elected_on", "filed_on")
    list_filter = ("round", "step")


@admin.register(OrgYear)
class OrgYearAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "new_members", "satisfaction")
    list_filter = ("year",)


@admin.register(Review)
class ReviewAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "person", "grade", "township_rank", "township_size")
    list_filter = ("year", "grade")


@admin.register(SecretaryAdjustment)
class SecretaryAdjustmentAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "person", "reason", "status", "replacement", "decided_on")
    list_filter = ("year", "reason", "status")


@admin.register(WeakCase)
class WeakCaseAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "status", "leader", "deadline", "score", "accepted_on")
    list_filter = ("year", "status")


@admin.register(Visit)
class VisitAdmin(ScopedReadOnlyAdmin):
    list_display = ("date", "village", "visitor", "visitor_title")


@admin.register(Guarantee)
class GuaranteeAdmin(ScopedReadOnlyAdmin):
    list_display = ("village", "year", "secretary_pay", "pay_paid", "office_funds", "funds_paid")
    list_filter = ("year",)


@admin.register(IdentifyRun)
class IdentifyRunAdmin(ScopedReadOnlyAdmin):
    list_display = ("area_code", "year", "organizations", "weak", "at")
    list_filter = ("year",)
