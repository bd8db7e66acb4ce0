"""A scheme's inputs as the rule's Arrow tables (``analytics.assessment.score``): the assessed areas, the
indicators and every (area, indicator) value — from the dashboards' indicators (incidence, exits, findings, the
exit rates: the same figures the dashboards show), from the cadres' ratings and violations and the 软弱涣散 lists
(per village, summed to the assessed areas by ``analytics.assessment.rollup``), and the entered values."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from fupin.analytics import assessment as rules
from fupin.core import codes
from fupin.core.arrow import query_table
from fupin.stats.models import IndicatorValue

from .choices import Source
from .models import Debriefing

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
            Source.POOR_FALL: round(100 * (poor_before - (poor_now or 0)) / poor_before, 4) if poor_before else None,
            Source.EXIT_SHARE: round(100 * (exits or 0) / poor_before, 4) if poor_before else None,
            Source.FINDINGS_OPEN: None
            if found is None
            else (round(100 * (still_open or 0) / found, 4) if found else 0.0),
            Source.WRONG_EXIT_RATE: v(code, "wrong_exit_rate"),
            Source.MISSED_RATE: v(code, "missed_rate"),
        }
    return out


def _facts(scheme: Scheme, areas: pa.Table) -> dict[tuple[str, str], float | None]:
    from fupin.analytics import engines

    lo, hi = codes.code_range(scheme.area_id)
    y = scheme.year
    first, last = date(y, 1, 1), date(y, 12, 31)
    facts = query_table(FACTS, [y, lo, hi, first, last, lo, hi, y, lo, hi], [(f.name, f.type) for f in rules.FACTS])
    digits = len(codes.prefix(str(areas.column("area_code")[0]))) if areas.num_rows else 12
    with engines.load({"facts": facts, "areas": areas}, "duckdb") as t:
        rolled = rules.rollup(t["facts"], t["areas"], digits=digits).to_pyarrow().to_pylist()
    return {(r["area_code"], r["key"]): r["value"] for r in rolled}


def indicator_values(scheme: Scheme, indicators: list[Indicator], area_codes: list[str]) -> dict[str, pa.Table]:
    areas = pa.table({"area_code": pa.array(area_codes, pa.string())}, schema=rules.AREAS)
    sources = {i.source for i in indicators}
    local = COUNTS | {Source.CADRES_GOOD, Source.ENTERED, Source.DEBRIEFING}
    stats = _stats(area_codes, scheme.year) if sources - local else {}
    facts = _facts(scheme, areas) if sources & (COUNTS | {Source.CADRES_GOOD}) else {}
    debriefs: dict[str, float] = {}
    if Source.DEBRIEFING in sources:
        rows_ = Debriefing.objects.filter(area_id__in=area_codes, year=scheme.year).values_list("area_id", "score")
        debriefs = {code: float(score) for code, score in rows_}
    entered: dict[tuple[int, str], float] = {}
    for i in indicators:
        if i.source == Source.ENTERED:
            entered.update({(i.order, v.area_id): v.value for v in i.values.all()})
    rows: list[dict[str, Any]] = []
    for i in indicators:
        for code in area_codes:
            if i.source == Source.ENTERED:
                value = entered.get((i.order, code))
            elif i.source in COUNTS:
                value = facts.get((code, i.source), 0.0)
            elif i.source == Source.DEBRIEFING:
                value = debriefs.get(code)
            elif i.source == Source.CADRES_GOOD:
                value = facts.get((code, i.source))
            else:
                value = stats[code][i.source]
            if value is not None:
                rows.append({"area_code": code, "indicator": i.order, "value": float(value)})
    specs = [
        {
            "indicator": i.order,
            "weight": float(i.weight),
            "higher_better": i.higher_better,
            "method": i.method,
            "target": i.target,
            "step": i.step,
            "veto": i.veto,
        }
        for i in indicators
    ]
    return {
        "areas": areas,
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
