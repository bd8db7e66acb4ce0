"""The village Party organizations' benchmark child process (run by bench/run.py with the database in the
environment).

    python bench/partyorg.py load COUNTIES|province  → the synthetic organizations of the counties (or the province)
                                                       loaded through ``partyorg_load``; the answer file written to
                                                       $FUPIN_DATA_DIR/partyorg_answers.parquet
    python bench/partyorg.py identify AREA YEAR       → the year's 软弱涣散 identification as `fupin party identify`
                                                       runs it (the year's list cleared first): read, the Ibis
                                                       criteria on DuckDB, cases, audit, classification; also the
                                                       read-and-judge part alone
    python bench/partyorg.py floor AREA YEAR          → the same criteria hand-written in one SQL statement run by
                                                       the database; compared with the stored list and scored
                                                       against the planted answers

Each prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def _answers() -> Path:
    return Path(os.environ["FUPIN_DATA_DIR"]) / "partyorg_answers.parquet"


def load(counties: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from fupin.partyorg.loading import partyorg_load
    from fupin.synth.party import party_orgs, party_tables
    from fupin.synth.province import plan_province

    plan = plan_province(2017)
    wanted = sorted(plan.counties) if counties == "province" else counties.split(",")
    started = time.perf_counter()
    tables = {"party_orgs": party_orgs(plan, 2017, wanted), **party_tables(plan, 2017, wanted)}
    generated = time.perf_counter() - started
    pq.write_table(tables["partyorg_answers"], _answers())
    started = time.perf_counter()
    counts = partyorg_load(actor=None, tables=tables, source="bench")
    return {"generate_seconds": generated, "load_seconds": time.perf_counter() - started, "counts": counts,
            "rows": sum(t.num_rows for n, t in tables.items() if n != "partyorg_answers")}  # fmt: skip


def identify(area: str, year: int) -> dict[str, Any]:
    from fupin.areas.models import AreaClassification
    from fupin.core import codes
    from fupin.partyorg.models import WeakCase
    from fupin.partyorg.services import weak_compute, weak_identify, weak_params
    from fupin.partyorg.tables import weak_tables

    lo, hi = codes.code_range(area)
    WeakCase.objects.filter(year=year, village_id__gte=lo, village_id__lte=hi).delete()
    AreaClassification.objects.filter(year=year, kind="weak_village", area_id__gte=lo, area_id__lte=hi).delete()
    started = time.perf_counter()
    result = weak_identify(actor=None, area_code=area, year=year)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    tables = weak_tables(area, year, weak_params(year)["no_member_years"])
    hits = weak_compute(tables, year)
    judged = time.perf_counter() - started
    return {"seconds": seconds, "judge_seconds": judged, "organizations": result.organizations, "weak": result.weak,
            "hits": hits.num_rows, "by_criterion": dict(result.by_criterion),
            "seats": tables["seats"].num_rows}  # fmt: skip


def _floor_sql(area: str, year: int, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The four criteria by hand, for PostgreSQL and SQLite alike (dates compared as dates or ISO text)."""
    from fupin.core import codes

    lo, hi = codes.code_range(area)
    as_of = date(year, 12, 31)
    cutoff = as_of - timedelta(days=params["vacancy_days"])  # vacant more than N days ⇔ left before the cutoff
    first = year - params["no_member_years"] + 1
    sql = """
WITH o AS (SELECT village_id AS v FROM partyorg_partyorg WHERE village_id BETWEEN %s AND %s),
sec AS (SELECT s.village_id AS v, s."end" AS e FROM partyorg_seat s JOIN o ON o.v = s.village_id
        WHERE s.post = 'secretary' AND s.start <= %s),
held AS (SELECT DISTINCT v FROM sec WHERE e IS NULL OR e > %s),
vac AS (SELECT o.v, MAX(sec.e) AS last FROM o LEFT JOIN sec ON sec.v = o.v
        WHERE o.v NOT IN (SELECT v FROM held) GROUP BY o.v)
SELECT v, 'vacancy' FROM vac WHERE last IS NULL OR last < %s
UNION ALL
SELECT y.village_id, 'no_members' FROM partyorg_orgyear y JOIN o ON o.v = y.village_id
WHERE y.year BETWEEN %s AND %s GROUP BY y.village_id HAVING COUNT(DISTINCT y.year) = %s AND SUM(y.new_members) = 0
UNION ALL
SELECT y.village_id, 'satisfaction' FROM partyorg_orgyear y JOIN o ON o.v = y.village_id
WHERE y.year = %s AND y.satisfaction < %s
UNION ALL
SELECT r.village_id, 'ranking' FROM partyorg_review r JOIN o ON o.v = r.village_id
WHERE r.year = %s AND r.grade = 'poor' AND r.township_rank = r.township_size
"""
    args = [lo, hi, as_of, as_of, cutoff, first, year, params["no_member_years"], year, params["satisfaction_min"],
            year]  # fmt: skip
    return sql, args


def floor(area: str, year: int) -> dict[str, Any]:
    import pyarrow.parquet as pq
    from django.db import connection

    from fupin.core import codes
    from fupin.partyorg.models import WeakCase
    from fupin.partyorg.services import weak_params

    sql, args = _floor_sql(area, year, weak_params(year))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    by_sql = {(v, c) for v, c in rows}
    lo, hi = codes.code_range(area)
    stored = {
        (c.village_id, r["criterion"])
        for c in WeakCase.objects.filter(year=year, village_id__gte=lo, village_id__lte=hi)
        for r in c.reasons
        if r["criterion"] not in ("manual", "carried", "cleared")
    }
    answers = pq.read_table(_answers()).to_pylist()
    planted = {(a["village_code"], a["criterion"]) for a in answers if a["kind"] == "weak" and a["planted"]
               and a["year"] == year and lo <= a["village_code"] <= hi}  # fmt: skip
    near = {(a["village_code"], a["criterion"]) for a in answers if a["kind"] == "weak" and not a["planted"]
            and a["year"] == year and lo <= a["village_code"] <= hi}  # fmt: skip
    found = stored & planted
    return {"seconds": seconds, "rows": len(by_sql), "differ": len(by_sql ^ stored), "stored": len(stored),
            "planted": len(planted), "near_misses": len(near), "near_flagged": len(stored & near),
            "recall": len(found) / len(planted) if planted else 1.0,
            "precision": len(found) / len(stored) if stored else 1.0}  # fmt: skip


def main() -> None:
    _django()
    action = sys.argv[1]
    if action == "load":
        out = load(sys.argv[2])
    elif action == "identify":
        out = identify(sys.argv[2], int(sys.argv[3]))
    else:
        out = floor(sys.argv[2], int(sys.argv[3]))
    print(json.dumps(out, default=str))  # noqa: T201


if __name__ == "__main__":
    main()
