"""The assessment's benchmark child process (run by bench/run.py with the database in the environment).

    python bench/assessment.py load COUNTIES|province → the synthetic province's classifications, helping units and
                                                          cadres (posted in 2017, rated: a year score and grade, the
                                                          masses' score), the assessed areas' dashboard indicators
                                                          (drawn, as a refresh would leave them) and the assessment
                                                          (``assessment_load``: leaders, contacts, debriefings, the
                                                          schemes with their 观摩 scores, run once, cases, grades);
                                                          the answer file to $FUPIN_DATA_DIR/assessment_answers.parquet
    python bench/assessment.py run AREA YEAR          → every scheme of the year at once as `fupin assessment all`
                                                          runs it (read the figures, score in Ibis on DuckDB, write
                                                          the results and their audit), then the units' grades; also
                                                          the read-and-score part alone
    python bench/assessment.py floor AREA YEAR        → the same scoring hand-written in one SQL statement run by
                                                          the database over the values the run read (staged in a
                                                          table); compared with the stored results and scored
                                                          against the planted answers

Each prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
YEAR = 2017


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _answers() -> Path:
    return Path(os.environ["FUPIN_DATA_DIR"]) / "assessment_answers.parquet"


def _indicators(area_codes: list[str], seed: int) -> int:
    """The dashboards' indicators of the assessed areas for 2016 and 2017, drawn (poor people falling, exits,
    findings partly open, the exit rates): what a refresh over a loaded registry leaves in ``IndicatorValue``."""
    import numpy as np

    from fupin.stats.models import IndicatorValue

    rng = np.random.default_rng([seed, 19])
    rows = []
    for code in area_codes:
        before = float(rng.integers(200, 20000))
        now = before * float(rng.uniform(0.5, 0.95))
        found = float(rng.integers(0, 400))
        for year, key, value in (
            (2016, "poor_people", before), (YEAR, "poor_people", now), (YEAR, "exit_people", before - now),
            (2016, "incidence", before / 1000), (YEAR, "incidence", now / 1000), (YEAR, "findings", found),
            (YEAR, "findings_open", float(int(found * rng.uniform(0, 0.5)))),
            (YEAR, "wrong_exit_rate", float(rng.uniform(0, 1.9))), (YEAR, "missed_rate", float(rng.uniform(0, 1.9))),
        ):  # fmt: skip
            rows.append(IndicatorValue(area_code=code, year=year, key=key, value=round(value, 4)))
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _ratings(seed: int) -> int:
    """A 2017 rating of every posting (year score, grade by the lines, a few capped) and the masses' score."""
    import numpy as np

    from fupin.cadres.models import Posting
    from fupin.fieldwork.models import Rating, RatingScore

    rng = np.random.default_rng([seed, 20])
    postings = list(Posting.objects.values_list("pk", "village_id"))
    scores = np.clip(rng.normal(86, 5, len(postings)), 55, 99).round(2)
    masses = np.clip(rng.normal(85, 8, len(postings)), 40, 100).round(2)
    capped = rng.random(len(postings)) < 0.02  # unexcused absences: 基本称职 whatever the score
    ratings, raters = [], []
    for (pk, village), s, m, c in zip(postings, scores, masses, capped, strict=True):
        earned = "优秀" if s >= 90 else "称职" if s >= 75 else "基本称职" if s >= 60 else "不称职"
        grade = "基本称职" if c and earned in ("优秀", "称职") else earned
        ratings.append(Rating(posting_id=pk, village_id=village, year=YEAR, score=float(s), earned=earned,
                              grade=grade, reasons="暗访无故不在岗" if grade != earned else ""))  # fmt: skip
        raters.append(RatingScore(posting_id=pk, village_id=village, year=YEAR, period="year", rater="masses",
                                  score=float(m), entered_by="bench"))  # fmt: skip
    Rating.objects.bulk_create(ratings, batch_size=5000)
    RatingScore.objects.bulk_create(raters, batch_size=5000)
    return len(ratings)


def load(counties: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from fupin.assessment.loading import assessment_load
    from fupin.cadres.services import cadres_load
    from fupin.seed.services import synth_classifications_load
    from fupin.synth.assessment import assessment_tables
    from fupin.synth.cadres import generate_cadres, plan_cadres
    from fupin.synth.province import plan_province

    plan = plan_province(YEAR)
    wanted = sorted(plan.counties) if counties == "province" else counties.split(",")
    started = time.perf_counter()
    synth_classifications_load(actor=None, scale="province", seed=YEAR)
    cadre_plan = plan_cadres(plan, YEAR)
    units = cadre_plan.units.to_pylist()
    cadres = 0
    for county in wanted:  # county by county: a province's 51,000 ID numbers exceed SQLite's bound parameters
        rows = generate_cadres(cadre_plan, county, YEAR).to_pylist()
        used = {c["unit_id"] for c in rows}
        cadres += cadres_load(actor=None, units=[u for u in units if u["unit_id"] in used], cadres=rows, source="b")
    rated = _ratings(YEAR)
    tables = assessment_tables(plan, YEAR, wanted)
    assessed = sorted(set(tables["assessment_scores"].column("area_code").to_pylist()))
    indicators = _indicators(assessed, YEAR)
    prepared = time.perf_counter() - started
    pq.write_table(tables["assessment_answers"], _answers())
    started = time.perf_counter()
    counts = assessment_load(actor=None, tables=tables, source="bench")
    return {"prepare_seconds": prepared, "load_seconds": time.perf_counter() - started, "counts": counts,
            "cadres": cadres, "ratings": rated, "indicators": indicators,
            "rows": sum(t.num_rows for n, t in tables.items() if n != "assessment_answers")}  # fmt: skip


def run(area: str, year: int) -> dict[str, Any]:
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines
    from fupin.assessment.models import Scheme
    from fupin.assessment.services import _ready, schemes_run, unit_grades_run
    from fupin.assessment.tables import scheme_inputs
    from fupin.cadres.models import HelpingUnit
    from fupin.core import codes

    started = time.perf_counter()
    done = schemes_run(actor=None, area_code=area, year=year)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    graded = unit_grades_run(actor=None, area_code=area, year=year)
    unit_seconds = time.perf_counter() - started
    lo, hi = codes.code_range(area)
    started = time.perf_counter()
    items = []
    for scheme in Scheme.objects.filter(year=year, area_id__gte=lo, area_id__lte=hi).order_by("pk"):
        indicators, areas = _ready(scheme)
        items.append((scheme, indicators, [a.code for a in areas]))
    tables = scheme_inputs(items)
    with engines.load(tables, "duckdb") as t:
        _, totals = rules.score(t["schemes"], t["areas"], t["values"], t["indicators"])
        scored = totals.to_pyarrow().num_rows
    judged = time.perf_counter() - started
    by_level: dict[int, int] = {}
    for _, _, area_codes in items:
        level = codes.level_of(area_codes[0]) if area_codes else 0
        by_level[level] = by_level.get(level, 0) + len(area_codes)
    return {"seconds": seconds, "score_seconds": judged, "unit_seconds": unit_seconds, "schemes": done.schemes,
            "assessed": done.assessed, "bottom": done.bottom, "scored": scored, "values": tables["values"].num_rows,
            "by_level": by_level, "units": graded.units, "units_total": HelpingUnit.objects.count(),
            "capped": graded.capped}  # fmt: skip


FLOOR = """
WITH g AS (
  SELECT a.scheme, a.area_code, i.indicator, i.weight, i.higher_better, i.method, i.target, i.step, i.veto,
         v.value
  FROM bench_areas a JOIN bench_indicators i ON i.scheme = a.scheme
  LEFT JOIN bench_values v ON v.scheme = a.scheme AND v.area_code = a.area_code AND v.indicator = i.indicator
), w AS (
  SELECT g.*, MIN(value) OVER (PARTITION BY scheme, indicator) AS lo,
         MAX(value) OVER (PARTITION BY scheme, indicator) AS hi FROM g
), s AS (
  SELECT scheme, area_code, indicator, weight, value, veto, higher_better,
    ROUND(1e-9 + CASE WHEN value IS NULL THEN 0.0 ELSE MAX(0.0, MIN(100.0,
      CASE method
        WHEN 'relative' THEN CASE WHEN hi = lo THEN 100.0 WHEN higher_better = 1 THEN 100.0 * (value - lo) / (hi - lo)
                                  ELSE 100.0 * (hi - value) / (hi - lo) END
        WHEN 'target' THEN CASE WHEN (higher_better = 1 AND value >= target) OR (higher_better = 0 AND value <= target)
                                THEN 100.0 WHEN higher_better = 1 THEN 100.0 * MAX(value, 0.0) / target
                                WHEN target > 0 THEN 100.0 * target / value ELSE 0.0 END
        ELSE 100.0 - step * value END)) END, 2) AS score
  FROM w
), p AS (
  SELECT scheme, area_code, ROUND(weight * score / 100.0 + 1e-9, 2) AS points,
    CASE WHEN veto IS NULL OR value IS NULL THEN 0 WHEN higher_better = 1 AND value < veto THEN 1
         WHEN higher_better = 0 AND value > veto THEN 1 ELSE 0 END AS vetoed
  FROM s
), t AS (
  SELECT scheme, area_code, ROUND(SUM(points) + 1e-9, 2) AS total, MAX(vetoed) AS vetoed
  FROM p GROUP BY scheme, area_code
)
SELECT t.scheme, t.area_code, t.total,
  RANK() OVER (PARTITION BY t.scheme ORDER BY t.vetoed, t.total DESC) AS rank,
  RANK() OVER (PARTITION BY t.scheme ORDER BY t.vetoed DESC, t.total) - 1 < b.bottom
    AND COUNT(*) OVER (PARTITION BY t.scheme) > b.bottom AS bottom
FROM t JOIN bench_schemes b ON b.scheme = t.scheme
"""


SQL_TYPES = {"string": "TEXT", "bool": "BOOLEAN", "double": "DOUBLE PRECISION"}


def _dialect(sql: str, vendor: str) -> str:
    """SQLite's two-argument MAX/MIN and 0/1 booleans as PostgreSQL writes them (ROUND on numeric there)."""
    if vendor != "postgresql":
        return sql
    for old, new in (("MAX(0.0, MIN(100.0,", "GREATEST(0.0, LEAST(100.0,"), ("MAX(value, 0.0)", "GREATEST(value, 0.0)"),
                     ("higher_better = 1", "higher_better"), ("higher_better = 0", "NOT higher_better"),
                     ("ROUND(", "ROUND(CAST("), (", 2)", " AS NUMERIC), 2)")):  # fmt: skip
        sql = sql.replace(old, new)
    return sql


def _stage(cursor: Any, tables: dict[str, Any]) -> None:
    for name, t in tables.items():
        cols = ", ".join(f"{f.name} {SQL_TYPES.get(str(f.type), 'BIGINT')}" for f in t.schema)
        cursor.execute(f"DROP TABLE IF EXISTS bench_{name}")
        cursor.execute(f"CREATE TABLE bench_{name} ({cols})")
        marks = ", ".join(["%s"] * len(t.schema))
        sql = f"INSERT INTO bench_{name} VALUES ({marks})"
        cursor.executemany(sql, [tuple(r.values()) for r in t.to_pylist()])


def floor(area: str, year: int) -> dict[str, Any]:
    import pyarrow.parquet as pq
    from django.db import connection

    from fupin.assessment.models import Result, Scheme
    from fupin.assessment.services import _ready
    from fupin.assessment.tables import scheme_inputs
    from fupin.core import codes

    lo, hi = codes.code_range(area)
    items = []
    for scheme in Scheme.objects.filter(year=year, area_id__gte=lo, area_id__lte=hi).order_by("pk"):
        indicators, areas = _ready(scheme)
        items.append((scheme, indicators, [a.code for a in areas]))
    tables = scheme_inputs(items)
    with connection.cursor() as cursor:
        _stage(cursor, tables)
        started = time.perf_counter()
        cursor.execute(_dialect(FLOOR, connection.vendor))
        rows = cursor.fetchall()
        seconds = time.perf_counter() - started
        for name in tables:
            cursor.execute(f"DROP TABLE bench_{name}")
    by_sql = {(s, a): (float(t), int(r), bool(b)) for s, a, t, r, b in rows}
    stored = {(r.scheme_id, r.area_id): (float(r.total), r.rank, r.bottom)
              for r in Result.objects.filter(scheme__in=[s for s, _, _ in items])}  # fmt: skip

    def same(x: tuple[float, int, bool] | None, y: tuple[float, int, bool] | None) -> bool:
        return x is not None and y is not None and round(x[0], 2) == round(y[0], 2) and x[2] == y[2]

    differ = sorted(k for k in set(by_sql) | set(stored) if not same(by_sql.get(k), stored.get(k)))
    if differ and os.environ.get("BENCH_DEBUG"):
        for k in differ[:3]:
            print(k, by_sql.get(k), stored.get(k), file=sys.stderr)  # noqa: T201
    ranks = sum(1 for k in set(by_sql) & set(stored) if by_sql[k][1] != stored[k][1])
    answers = pq.read_table(_answers()).to_pylist()
    scheme_key = {s.pk: f"{s.area_id}/{s.assessed}" for s, _, _ in items}
    planted = {(a["ref"], a["area_code"]) for a in answers if a["kind"] == "bottom" and a["planted"]}
    with_plant = {ref for ref, _ in planted}  # (a scheme of one or two areas has no planted veto: its last is real)
    bottom = {(scheme_key[s], a) for (s, a), (_, _, b) in stored.items() if b and scheme_key[s] in with_plant}
    near = {(a["ref"], a["area_code"]) for a in answers if a["kind"] == "bottom" and not a["planted"]}
    flagged = {(f["area_id"], f["post"], f["end"].year) for f in _scan(area)}
    stability = {(a["area_code"], a["ref"], a["year"]) for a in answers if a["kind"] == "stability"}
    planted_changes = {k for k in stability if any(a["planted"] for a in answers if a["kind"] == "stability"
                                                   and (a["area_code"], a["ref"], a["year"]) == k)}  # fmt: skip
    found = bottom & planted
    return {
        "seconds": seconds, "rows": len(by_sql), "differ": len(differ), "example": differ[:3], "rank_differ": ranks,
        "planted": len(planted), "bottom": len(bottom), "near_misses": len(near), "near_flagged": len(bottom & near),
        "recall": len(found) / len(planted) if planted else 1.0,
        "precision": len(found) / len(bottom) if bottom else 1.0,
        "stability_planted": len(planted_changes), "stability_found": len(flagged & planted_changes),
        "stability_extra": len(flagged - planted_changes),
        "stability_near_flagged": len(flagged & (stability - planted_changes)),
    }  # fmt: skip


def _scan(area: str) -> list[dict[str, Any]]:
    from fupin.assessment.leadership import stability_scan

    return stability_scan(area)


def main() -> None:
    _django()
    action = sys.argv[1]
    if action == "load":
        out = load(sys.argv[2])
    elif action == "run":
        out = run(sys.argv[2], int(sys.argv[3]))
    else:
        out = floor(sys.argv[2], int(sys.argv[3]))
    print(json.dumps(out, default=str))  # noqa: T201


if __name__ == "__main__":
    main()
