"""Reading check findings: always within the viewer's area (a finding carries its village's code)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fupin.core import codes, scoping
from fupin.core.actors import Actor

from .models import Finding


def findings_of(*, viewer: Actor) -> QuerySet[Finding]:
    """The findings in the viewer's area."""
    return scoping.scoped(Finding, viewer)


def finding_get(*, viewer: Actor, finding_id: int) -> Finding | None:
    return findings_of(viewer=viewer).filter(pk=finding_id).select_related("village").first()


def finding_search(
    *,
    viewer: Actor,
    rule: str = "",
    status: str = "",
    area_code: str = "",
    year: int | None = None,
    after: int | None = None,
) -> QuerySet[Finding]:
    """The viewer's findings narrowed by rule, status, area code and year, in id order, continuing after the id
    ``after`` (keyset paging: no COUNT, no OFFSET). An invalid area code finds nothing."""
    qs = findings_of(viewer=viewer)
    if rule:
        qs = qs.filter(rule_id=rule)
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(year=year)
    if area_code:
        try:
            lo, hi = codes.code_range(area_code)
            qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
        except codes.AreaCodeError:
            qs = qs.none()
    qs = qs.order_by("id")
    return qs.filter(id__gt=after) if after is not None else qs


def household_findings(*, viewer: Actor, household_no: str) -> list[Finding]:
    """The findings on one household, newest year first."""
    return list(findings_of(viewer=viewer).filter(household_no=household_no).order_by("-year", "rule_id"))


def finding_search_count(*, viewer: Actor, cap: int, **filters: Any) -> int:
    """How many findings ``finding_search`` finds, counted up to ``cap`` + 1 (a list says "more than cap")."""
    return finding_search(viewer=viewer, **filters)[: cap + 1].count()


def findings_to_act_on(*, viewer: Actor, statuses: list[str], limit: int = 5) -> tuple[dict[str, int], list[Finding]]:
    """The viewer's findings still on the rules' list in the given workflow statuses: how many in each, and the
    first few (oldest first) to open from a to-do list."""
    from django.db.models import Count

    qs = findings_of(viewer=viewer).filter(status__in=statuses, present=True)
    counts = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id")).order_by()}
    return counts, list(qs.select_related("village").order_by("id")[:limit])
