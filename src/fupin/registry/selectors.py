from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fupin.accounts.models import FULL_ID_ROLES
from fupin.core import scoping
from fupin.core.errors import NotFoundError

from .idnumbers import mask
from .models import Household, HouseholdYear, Member


def can_see_full_id(viewer: Any) -> bool:
    return bool(getattr(viewer, "is_superuser", False) or getattr(viewer, "role", None) in FULL_ID_ROLES)


def shown_id(viewer: Any, number: str) -> str:
    return number if can_see_full_id(viewer) else mask(number)


def households_visible(*, viewer: Any) -> QuerySet[Household]:
    return scoping.scoped(Household, viewer)


def household_get(*, viewer: Any, household_no: str) -> Household:
    household = households_visible(viewer=viewer).filter(household_no=household_no).select_related("village").first()
    if household is None:
        raise NotFoundError("该户不存在或不在您的管辖范围内")
    return household


def household_search(*, viewer: Any, text: str = "", area_code: str = "", status: str = "") -> QuerySet[Household]:
    """By head's or a member's name, a full ID number, or a household number prefix; within an area."""
    qs = households_visible(viewer=viewer)
    text = text.strip().upper()
    if area_code:
        from fupin.core import codes

        try:
            lo, hi = codes.code_range(area_code)
        except codes.AreaCodeError:
            return qs.none()
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    if status:
        qs = qs.filter(status=status)
    if text:
        if len(text) == 18 and text[:17].isdigit():
            member_households = scoping.scoped(Member, viewer).filter(id_number=text).values("household_id")
            qs = qs.filter(pk__in=member_households)
        elif text.isdigit():
            qs = qs.filter(household_no__startswith=text)
        else:
            member_households = scoping.scoped(Member, viewer).filter(name=text).values("household_id")
            qs = qs.filter(Q(head_name=text) | Q(pk__in=member_households))
    return qs.order_by("household_no")


def household_members(*, viewer: Any, household: Household) -> list[Member]:
    return list(scoping.scoped(Member, viewer).filter(household=household).order_by("id"))


def household_years(*, viewer: Any, household: Household) -> list[HouseholdYear]:
    return list(scoping.scoped(HouseholdYear, viewer).filter(household=household).order_by("year"))


def household_procedures(*, viewer: Any, household: Household) -> list[Any]:
    from .models import Procedure

    return list(
        scoping.scoped(Procedure, viewer)
        .filter(household=household)
        .prefetch_related("steps")
        .order_by("opened_on", "id")
    )


def household_history(*, viewer: Any, household: Household, limit: int = 200) -> list[Any]:
    """The household's audit entries (every service write names the household), newest first."""
    from fupin.audit.models import AuditEntry

    return list(
        scoping.scoped(AuditEntry, viewer)
        .filter(entity_type="registry.household", entity_id=household.household_no)
        .order_by("-seq")[:limit]
    )
