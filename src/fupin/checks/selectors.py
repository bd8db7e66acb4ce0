"""Reading check findings: always within the viewer's area (a finding carries its village's code)."""

from __future__ import annotations

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
