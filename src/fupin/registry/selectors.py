from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from fupin.audit.models import AuditEntry
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.parsing import ascii_digits, ascii_int
from fupin.core.permissions import allowed
from fupin.lib.idnumbers import mask

from .choices import ProcedureKind, Status
from .models import Household, HouseholdYear, ImportBatch, Member, Procedure
from .procedures import STARTS_FROM, may_override
from .verdicts import household_verdict


def can_see_full_id(viewer: Actor | None) -> bool:
    """Only the poverty office of the county and township, and the village's own roles, see full ID numbers."""
    return viewer is not None and allowed(viewer, "registry.full_id")


def shown_id(viewer: Actor | None, number: str) -> str:
    return number if can_see_full_id(viewer) else mask(number)


def households_visible(*, viewer: Actor | None) -> QuerySet[Household]:
    return scoping.scoped(Household, viewer)


def household_get(*, viewer: Actor | None, household_no: str) -> Household:
    households = households_visible(viewer=viewer).filter(household_no=household_no)
    household = households.select_related("village", "helper").first()
    if household is None:
        raise NotFoundError("该户不存在或不在您的管辖范围内")
    return household


def household_search(
    *, viewer: Actor | None, text: str = "", area_code: str = "", status: str = ""
) -> QuerySet[Household]:
    """By head's or a member's name, a full ID number, or a household number prefix; within an area."""
    qs = households_visible(viewer=viewer)
    text = text.strip().upper()[:100]
    if area_code:
        try:
            lo, hi = codes.code_range(area_code)
        except codes.AreaCodeError:
            return qs.none()
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    if status:
        qs = qs.filter(status=status)
    if text:
        if len(text) == 18 and ascii_digits(text[:17]):
            member_households = scoping.scoped(Member, viewer).filter(id_number=text).values("household_id")
            qs = qs.filter(pk__in=member_households)
        elif ascii_digits(text, max_digits=24):
            qs = qs.filter(household_no__startswith=text)
        else:
            member_households = scoping.scoped(Member, viewer).filter(name=text).values("household_id")
            qs = qs.filter(Q(head_name=text) | Q(pk__in=member_households))
    return qs.order_by("household_no")


def household_members(*, viewer: Actor | None, household: Household) -> list[Member]:
    return list(scoping.scoped(Member, viewer).filter(household=household).order_by("id"))


def household_years(*, viewer: Actor | None, household: Household) -> list[HouseholdYear]:
    return list(scoping.scoped(HouseholdYear, viewer).filter(household=household).order_by("year"))


def household_year_get(*, viewer: Actor | None, household: Household, year: int) -> HouseholdYear | None:
    return scoping.scoped(HouseholdYear, viewer).filter(household=household, year=year).first()


def household_procedures(*, viewer: Actor | None, household: Household) -> list[Any]:

    return list(
        scoping.scoped(Procedure, viewer)
        .filter(household=household)
        .prefetch_related("steps")
        .order_by("opened_on", "id")
    )


def household_history(*, viewer: Actor | None, household: Household, limit: int = 200) -> list[Any]:
    """The household's audit entries (every service write names the household), newest first."""
    return list(
        scoping.scoped(AuditEntry, viewer)
        .filter(entity_type="registry.household", entity_id=household.household_no)
        .order_by("-seq")[:limit]
    )


# The household list's orders: sort key -> (field, descending); the household number breaks ties (and is the
# whole key of the default order).
HOUSEHOLD_SORTS: dict[str, tuple[str, bool]] = {
    "": ("", False), "-size": ("size", True), "year": ("identified_year", False),
}  # fmt: skip


def household_listing(
    *, viewer: Actor, text: str = "", area_code: str = "", status: str = "", sort: str = "", after: str = ""
) -> QuerySet[Household]:
    """``household_search`` in the order ``sort`` names, continuing after the page key ``after`` (keyset paging:
    no COUNT(*), no OFFSET). A key is a household number, or ``value|household_no`` for the other orders (see
    ``household_cursor``)."""
    field, descending = HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS[""])
    qs = household_search(viewer=viewer, text=text, area_code=area_code, status=status)
    if field:
        qs = qs.order_by(f"-{field}", "-household_no") if descending else qs.order_by(field, "household_no")
    if after:
        value, _, number = after.rpartition("|")
        cmp = "lt" if descending else "gt"
        if field and (key := ascii_int(value)) is not None:
            qs = qs.filter(Q(**{f"{field}__{cmp}": key}) | Q(**{field: key, f"household_no__{cmp}": number}))
        elif not field:
            qs = qs.filter(household_no__gt=number)
    return qs


def household_cursor(household: Household, sort: str = "") -> str:
    """The page key that continues ``household_listing`` (in the order ``sort``) after ``household``."""
    field, _ = HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS[""])
    return f"{getattr(household, field)}|{household.household_no}" if field else household.household_no


def household_export_members(
    *, viewer: Actor, text: str = "", area_code: str = "", status: str = ""
) -> Iterator[Member]:
    """The members of the households ``household_search`` finds, by household number, streamed (exports)."""
    households = household_search(viewer=viewer, text=text, area_code=area_code, status=status)
    members = (
        scoping.scoped(Member, viewer)
        .filter(household__in=households.values("pk"))
        .select_related("household", "household__helper")
        .order_by("household__household_no", "id")
    )
    return members.iterator(chunk_size=5000)


def procedure_get(*, viewer: Actor, household: Household, procedure_id: int) -> Procedure | None:
    return scoping.scoped(Procedure, viewer).filter(pk=procedure_id, household=household).first()


def procedure_kinds_startable(*, household: Household) -> list[tuple[str, str]]:
    """(kind, label) of the procedures that may start from the household's present status."""
    return [(k, label) for k, label in ProcedureKind.choices if household.status in STARTS_FROM[k]]


def imports_allowed(viewer: Actor) -> bool:
    """Whether the viewer may upload households (the poverty office; never the read-only inspector)."""
    return allowed(viewer, "registry.import")


def import_batches_recent(*, viewer: Actor, limit: int = 20) -> list[ImportBatch]:
    return list(scoping.scoped(ImportBatch, viewer).order_by("-at")[:limit])


def import_batch_get(*, viewer: Actor, batch_id: int) -> ImportBatch | None:
    return scoping.scoped(ImportBatch, viewer).filter(pk=batch_id).first()


def verdict_override_allowed(viewer: Actor | None, household: Household) -> bool:
    """Whether the viewer may approve a procedure against a failing verdict: county level or above (the rule
    ``procedures.may_override`` that the procedure services enforce), with the right to run the household's
    procedures."""
    if viewer is None or viewer.is_superuser:
        return True
    return allowed(viewer, "registry.procedure", household.village_id) and may_override(viewer)


def household_verdict_latest(*, viewer: Actor | None, household: Household) -> Any:
    """The verdict the household page shows: for its latest yearly record, whether it may exit (a household on the
    register) or whether a monitoring trigger holds (an exited one); None without records or for other statuses."""
    latest = scoping.scoped(HouseholdYear, viewer).filter(household=household).order_by("-year").first()
    if latest is None:
        return None
    if household.status in {Status.POOR, Status.RETURNED}:
        return household_verdict(household, ProcedureKind.EXIT, latest.year)
    if household.status == Status.EXITED:
        return household_verdict(household, ProcedureKind.MONITORING, latest.year)
    return None
