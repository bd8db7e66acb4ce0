"""Reading the precomputed indicators: an area's series, the latest refresh, and the exit verdicts built on them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from fupin.analytics.verdicts.county import CountyLimits
from fupin.analytics.verdicts.county import county_exit_verdict as county_verdict
from fupin.analytics.verdicts.village import village_exit_verdict as village_verdict
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.scoping import scoped
from fupin.policy.selectors import param

from .models import IndicatorDue, IndicatorRefresh, IndicatorValue


def indicator_series(*, viewer: Actor | None, area_code: str) -> dict[int, dict[str, float]]:
    """{year: {key: value}} for one area the viewer may see (empty if none were computed)."""
    out: dict[int, dict[str, float]] = defaultdict(dict)
    for v in scoped(IndicatorValue, viewer).filter(area_code=codes.normalize(area_code)):
        out[v.year][v.key] = v.value
    return dict(sorted(out.items()))


def indicators_stamp(area_code: str | None = None) -> tuple[int, Any]:
    """(id, time) of the latest indicator refresh that rewrote the area's indicators — a refresh of the area, of
    an ancestor, or of an area under it (which rolls up through it) —, (0, None) before the first. Without an
    area: the latest refresh anywhere. Two indexed lookups."""
    qs = IndicatorRefresh.objects.all()
    if area_code:
        area_code = codes.normalize(area_code)
        lo, hi = codes.code_range(area_code)
        qs = qs.filter(Q(area_code__in=codes.ancestor_codes(area_code)) | Q(area_code__gte=lo, area_code__lte=hi))
    latest = qs.order_by("-id").values_list("id", "at").first()
    return latest if latest else (0, None)


def indicators_pending(area_code: str) -> bool:
    """Whether a write in or above the area is still waiting for the refresh job (the dashboard says so)."""
    area_code = codes.normalize(area_code)
    lo, hi = codes.code_range(area_code)
    up = [*codes.ancestor_codes(area_code), area_code]
    return IndicatorDue.objects.filter(Q(area_code__gte=lo, area_code__lte=hi) | Q(area_code__in=up)).exists()


def village_exit_verdict(
    *, viewer: Actor | None, area_code: str, year: int, values: dict[str, float] | None = None
) -> dict[str, Any]:
    """The village's exit verdict for the year, from its indicators (``values`` when the caller has them)."""
    v = values if values is not None else indicator_series(viewer=viewer, area_code=area_code).get(year, {})
    return village_verdict(v, incidence_limit=100 * param("village_exit_incidence", year))


def county_exit_verdict(
    *, viewer: Actor | None, area_code: str, year: int, values: dict[str, float] | None = None
) -> dict[str, Any]:
    """The county's exit verdict (三率一度) for the year, from its indicators and the year's limits."""
    v = values if values is not None else indicator_series(viewer=viewer, area_code=area_code).get(year, {})
    limits = CountyLimits(
        comprehensive_incidence=100 * param("county_exit_incidence", year),
        wrong_exit_rate=100 * param("county_wrong_exit_rate", year),
        missed_rate=100 * param("county_missed_rate", year),
        approval_rate=100 * param("county_approval_min", year),
    )
    return county_verdict(v, limits)
