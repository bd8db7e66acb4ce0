"""What a dashboard shows for one area and year — read from the precomputed indicator table only.

A few indexed lookups per page whatever the size of the area: the area's own series (every year, every key),
one year's values of its children and, for a province or prefecture, of its counties (the map). The registry,
findings and postings are never read here; `indicators_refresh` (after each check run) and the
incremental refresh job (after every write that changes an indicator: `stats.services.mark_due`) keep it current.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fupin.checks.models import FindingStatus
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.scoping import scoped

from .models import IndicatorValue
from .selectors import indicator_series

CHILD_KEYS = (
    "poor_households", "poor_people", "incidence", "exit_people", "return_households", "findings", "findings_open",
    "fs_needed", "fs_covered",
)  # fmt: skip
MAP_KEYS = ("poor_people", "incidence", "findings", "findings_open")


def _values(
    viewer: Actor | None, area_codes: list[str], year: int, keys: tuple[str, ...]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    if not area_codes:
        return out
    rows = scoped(IndicatorValue, viewer).filter(area_code__in=area_codes, year=year, key__in=keys)
    for code, key, value in rows.values_list("area_code", "key", "value"):
        out[code][key] = value
    return out


def dashboard(
    *, viewer: Actor | None, area: Any, year: int, children: list[Any], counties: list[Any]
) -> dict[str, Any]:
    """JSON-ready data of one area's dashboard. ``children`` and ``counties`` are the scoped Area rows under it
    (the caller has them already); counties are drawn on the map only above the county level."""
    from fupin.analytics.rules import BY_ID  # lazy: the rule catalogue loads Ibis (≈1.5 s), not needed at start-up

    series = indicator_series(viewer=viewer, area_code=area.code)
    current = series.get(year, {})
    years = sorted(series)
    trend = {
        "years": years,
        **{
            key: [series[y].get(key) for y in years]
            for key in ("poor_people", "incidence", "exit_people", "return_people", "monitored_people")
        },
    }
    by_rule = sorted(
        (
            {"rule": key.removeprefix("findings_"), "title": BY_ID[key.removeprefix("findings_")].title, "n": int(v)}
            for key, v in current.items()
            if key.startswith("findings_") and key.removeprefix("findings_") in BY_ID
        ),
        key=lambda r: -int(r["n"]),  # type: ignore[call-overload]
    )
    by_status = [
        {"status": s.value, "label": s.label, "n": int(current[f"status_{s.value}"])}
        for s in FindingStatus
        if current.get(f"status_{s.value}")
    ]
    child_values = _values(viewer, [c.code for c in children], year, CHILD_KEYS)
    child_rows = [
        {"code": c.code, "name": c.name, "level": c.level, "kind": c.kind, **child_values.get(c.code, {})}
        for c in children
    ]
    map_rows: list[dict[str, Any]] = []
    if area.level < codes.COUNTY and counties:
        county_values = _values(viewer, [c.code for c in counties], year, MAP_KEYS)
        map_rows = [{"code": c.code, "name": c.name, **county_values.get(c.code, {})} for c in counties]
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "year": year,
        "years": years,
        "current": current,
        "trend": trend,
        "by_rule": by_rule,
        "by_status": by_status,
        "coverage": {"needed": current.get("fs_needed"), "covered": current.get("fs_covered")},
        "children": child_rows,
        "counties": map_rows,
    }
