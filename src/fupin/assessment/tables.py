"""A scheme's inputs as the rule's Arrow tables (``analytics.assessment.score``): the assessed areas, the
indicators and every (area, indicator) value — from the dashboards' indicators (incidence, exits, findings, the
exit rates: the same figures the dashboards show), from the cadres' ratings and violations and the 软弱涣散 lists
(per village, summed to the assessed areas by ``analytics.assessment.rollup``), and the entered values."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa

from fupin.analytics import assessment as rules
from fupin.core import codes
from fupin.core.arrow import query_table
from fupin.stats.models import IndicatorValue

from .choices import Source
from .models import Debriefing, EnteredValue

if TYPE_CHECKING:
    from .models import Indicator, Scheme

FACTS = (
    "SELECT r.village_id, 'cadres_good', SUM(CASE WHEN r.grade IN ('优秀', '称职') THEN 1 ELSE 0 END),"
    " COUNT(*) FROM fieldwork_rating r WHERE r.year = %s AND r.village_id BETWEEN %s AND %s GROUP BY r.village_id"
    " UNION ALL SELECT v.village_id, 'violations', COUNT(*), NULL FROM fieldwork_violation v"
    " WHERE v.date BETWEEN %s AND %s AND v.village_id BETWEEN %s AND %s GROUP BY v.village_id"
    " UNION ALL SELECT w.village_id, 'weak_villages', COUNT(*), NULL FROM partyorg_weakcase w"
    " WHERE w.year = %s AND w.village_id BETWEEN %s AND %s GROUP BY w.village_id"
)
COUNTS = {Source.VIOLATIONS, Source.WEAK_VILLAGES}  # no row is none at all: 0
STATS_KEYS = ("incidence", "poor_people", "exit_people", "findings", "findings_open", "wrong_exit_rate", "missed_rate")


def _stats(area_codes: list[str], year: int) -> dict[str, dict[str, float | None]]:
    """The dashboards' figures each computed source reads, per area (None: not on record)."""
    rows = IndicatorValue.objects.filter(area_code__in=area_codes, year__in=[year - 1, year], key__in=STATS_KEYS)
    got: dict[tuple[str, int, str], float] = {(r.area_code, r.year, r.key): r.value for r in rows}

    def v(code: str, key: str, y: int = year) -> float | None:
        return got.get((code, y, key))

    out: dict[str, dict[str, float | None]] = {}
    for code in area_codes:
        now, before = v(code, "incidence"), v(code, "incidence", year - 1)
        poor_before, poor_now, exits = v(code, "poor_people", year - 1), v(code, "poor_people"), v(code, "exit_people")
        found, still_open = v(code, "findings"), v(code, "findings_open")
        out[code] = {
            Source.INCIDENCE: now,
            Source.INCIDENCE_FALL: None if now is None or before is None else round(before - now, 4),
            Source.POOR_FALL: None
            if not poor_before or poor_now is None
            else round(100 * (poor_before - poor_now) / poor_before, 4),
            Source.EXIT_SHARE: None if not poor_before or exits is None else round(100 * exits / poor_before, 4),
            Source.FINDINGS_OPEN: None
            if found is None
            else (round(100 * (still_open or 0) / found, 4) if found else 0.0),
            Source.WRONG_EXIT_RATE: v(code, "wrong_exit_rate"),
            Source.MISSED_RATE: v(code, "missed_rate"),
        }
    return out


def _facts(year: int, area_codes: list[str]) -> dict[tuple[str, str], float | None]:
    """The per-village facts of ``year`` summed to each of ``area_codes`` (of any levels), read once over the
    villages their codes span."""
    from fupin.analytics import engines

    lo = min(area_codes)
    hi = max(codes.code_range(c)[1] for c in area_codes)
    first, last = date(year, 1, 1), date(year, 12, 31)
    facts = query_table(FACTS, [year, lo, hi, first, last, lo, hi, year, lo, hi],
                        [(f.name, f.type) for f in rules.FACTS])  # fmt: skip
    out: dict[tuple[str, str], float | None] = {}
    by_digits: dict[int, list[str]] = {}
    for c in area_codes:
        by_digits.setdefault(len(codes.prefix(c)), []).append(c)
    with engines.load({"facts": facts}, "duckdb") as t:
        for digits, level_codes in sorted(by_digits.items()):
            areas = ibis.memtable(pa.table({"area_code": pa.array(sorted(set(level_codes)), pa.string())}))
            rolled = rules.rollup(t["facts"], areas, digits=digits).to_pyarrow().to_pylist()
            out.update({(r["area_code"], r["key"]): r["value"] for r in rolled})
    return out


Item = tuple["Scheme", list["Indicator"], list[str]]  # a scheme, its indicators and its assessed areas' codes


def scheme_inputs(items: list[Item]) -> dict[str, pa.Table]:
    """The rule's four tables for schemes of one year: every scheme's assessed areas, indicators and values."""
    years = {scheme.year for scheme, _, _ in items}
    if len(years) != 1:
        raise ValueError(f"schemes of one year at a time, not {sorted(years)}")
    year = years.pop()
    all_codes = sorted({c for _, _, area_codes in items for c in area_codes})
    sources = {i.source for _, indicators, _ in items for i in indicators}
    local = COUNTS | {Source.CADRES_GOOD, Source.ENTERED, Source.DEBRIEFING}
    stats = _stats(all_codes, year) if sources - local else {}
    facts = _facts(year, all_codes) if sources & (COUNTS | {Source.CADRES_GOOD}) and all_codes else {}
    debriefs: dict[str, float] = {}
    if Source.DEBRIEFING in sources:
        got = Debriefing.objects.filter(area_id__in=all_codes, year=year).values_list("area_id", "score")
        debriefs = {code: float(score) for code, score in got}
    entered_ids = [i.pk for _, indicators, _ in items for i in indicators if i.source == Source.ENTERED]
    entered = {
        (ind, code): value
        for ind, code, value in EnteredValue.objects.filter(indicator_id__in=entered_ids).values_list(
            "indicator_id", "area_id", "value"
        )
    }
    rows: list[dict[str, Any]] = []
    for scheme, indicators, area_codes in items:
        for i in indicators:
            for code in area_codes:
                if i.source == Source.ENTERED:
                    value = entered.get((i.pk, code))
                elif i.source in COUNTS:
                    value = facts.get((code, i.source), 0.0)
                elif i.source == Source.DEBRIEFING:
                    value = debriefs.get(code)
                elif i.source == Source.CADRES_GOOD:
                    value = facts.get((code, i.source))
                else:
                    value = stats[code][i.source]
                if value is not None:
                    rows.append({"scheme": scheme.pk, "area_code": code, "indicator": i.order, "value": float(value)})
    specs = [
        {"scheme": scheme.pk, "indicator": i.order, "weight": float(i.weight), "higher_better": i.higher_better,
         "method": i.method, "target": i.target, "step": i.step, "veto": i.veto}
        for scheme, indicators, _ in items
        for i in indicators
    ]  # fmt: skip
    return {
        "schemes": pa.Table.from_pylist(
            [{"scheme": s.pk, "bottom": s.bottom} for s, _, _ in items], schema=rules.SCHEMES
        ),
        "areas": pa.Table.from_pylist(
            [{"scheme": s.pk, "area_code": c} for s, _, codes_ in items for c in codes_], schema=rules.AREAS
        ),
        "values": pa.Table.from_pylist(rows, schema=rules.VALUES),
        "indicators": pa.Table.from_pylist(specs, schema=rules.INDICATORS),
    }


UNIT_CADRES = (
    "SELECT u.unit_id, p.id, p.village_id, CAST(r.score AS DOUBLE PRECISION), r.grade,"
    " (SELECT AVG(CAST(s.score AS DOUBLE PRECISION)) FROM fieldwork_ratingscore s"
    "   WHERE s.posting_id = p.id AND s.year = %s AND s.rater = 'masses')"
    " FROM cadres_posting p JOIN cadres_cadre c ON c.id = p.cadre_id JOIN cadres_helpingunit u ON u.id = c.unit_id"
    " LEFT JOIN fieldwork_rating r ON r.posting_id = p.id AND r.year = %s"
    ' WHERE u.area_id BETWEEN %s AND %s AND p.start <= %s AND (p."end" IS NULL OR p."end" >= %s)'
)


def unit_cadres(area_code: str, year: int) -> pa.Table:
    """The cadres the area's helping units had posted during ``year``, with their year's rating and the masses'
    mean score (``analytics.assessment.UNIT_CADRES``)."""
    lo, hi = codes.code_range(area_code)
    params = [year, year, lo, hi, date(year, 12, 31), date(year, 1, 1)]
    return query_table(UNIT_CADRES, params, [(f.name, f.type) for f in rules.UNIT_CADRES])
