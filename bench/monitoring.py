"""The return-to-poverty monitoring's benchmark child process (run by bench/run.py with the database in the
environment).

    python bench/monitoring.py load DIR              → the synthetic registry, the departments' alerts and the
                                                       monitoring cases of DIR (a generated Parquet directory) loaded
                                                       as `fupin synth --into-db` loads them
    python bench/monitoring.py run AREA DATE YEAR     → the area's monitoring run as `fupin monitoring run` runs it:
                                                       the alerts of the 12 months matched to the area's people, new
                                                       cases opened (the first run), every open case scored and ranked
                                                       and its elimination criteria judged, written back
    python bench/monitoring.py floor AREA DATE YEAR   → the matching, scoring and ranking hand-written in one SQL
                                                       statement run by the database; compared with what the run
                                                       stored

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


def load(directory: str) -> dict[str, Any]:
    from fupin.external.services import external_load
    from fupin.monitoring.models import Case, FollowUp, Source
    from fupin.registry.models import Member
    from fupin.seed.services import synth_monitoring_load, synth_registry_load

    out = Path(directory)
    started = time.perf_counter()
    synth_registry_load(actor=None, out=out)
    registry = time.perf_counter() - started
    started = time.perf_counter()
    report = external_load(actor=None, kind_name="risk_alerts", path=out / "risk_alerts.parquet", partial=True)
    alerts = time.perf_counter() - started
    started = time.perf_counter()
    synth_monitoring_load(actor=None, out=out)
    loaded = time.perf_counter() - started
    return {"registry_seconds": registry, "alerts_seconds": alerts, "load_seconds": loaded,
            "alerts": report.rows_loaded, "members": Member.objects.count(), "cases": Case.objects.count(),
            "sources": Source.objects.count(), "follow_ups": FollowUp.objects.count()}  # fmt: skip


def run(area: str, on: str, year: int) -> dict[str, Any]:
    from fupin.monitoring.services import monitoring_run

    started = time.perf_counter()
    r = monitoring_run(actor=None, area_code=area, on=date.fromisoformat(on), year=year)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "alerts": r.alerts,
        "matched": r.matched,
        "opened": r.opened,
        "merged": r.merged,
        "known": r.known,
        "scored": r.scored,
        "overdue": r.overdue,
        "ready": r.ready,
    }


def _day(column: str, vendor: str) -> str:
    """A date column as days since 1970-01-01, the same number on both databases."""
    if vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def floor_sql(area: str, on: date, year: int, vendor: str) -> tuple[str, list[Any]]:
    """The rules of ``analytics.monitoring`` (match_alerts, risk_factors, risk_scores) by hand, for PostgreSQL and
    SQLite alike: one statement, the database's own plan."""
    from fupin.analytics.monitoring import POINTS
    from fupin.core import codes
    from fupin.policy.selectors import param

    lo, hi = codes.code_range(area)
    since = on - timedelta(days=364)
    line, drop = float(param("monitoring_income_line", year)), float(param("monitoring_drop_ratio", year))
    dbl = "DOUBLE PRECISION" if vendor == "postgresql" else "REAL"
    false = "FALSE" if vendor == "postgresql" else "0"
    visited = _day("f.visited_on", vendor)
    sql = f"""
WITH c AS (SELECT id, household_id, village_id FROM monitoring_case
           WHERE village_id BETWEEN %s AND %s AND status IN ('identifying', 'monitored')),
p AS (SELECT id_number AS pid, MIN(CAST(household_id AS VARCHAR(20))) AS hh FROM registry_member
      WHERE village_id BETWEEN %s AND %s AND deceased_on IS NULL GROUP BY id_number),
a AS (SELECT CAST(p.hh AS BIGINT) AS hh, r.kind, r.amount, r.person_id FROM external_riskalert r
      JOIN p ON p.pid = r.person_id WHERE r.occurred_on BETWEEN %s AND %s),
bills AS (SELECT hh, SUM(amount) AS b FROM a WHERE kind = '大额医疗费用' GROUP BY hh),
shocks AS (SELECT hh, COUNT(*) AS n FROM a WHERE kind IN ('自然灾害', '意外事故') GROUP BY hh),
drops AS (SELECT hh, COUNT(*) AS n FROM a WHERE kind = '辍学' GROUP BY hh),
dis AS (SELECT hh, COUNT(DISTINCT person_id) AS n FROM a WHERE kind = '新增残疾' GROUP BY hh),
fr AS (SELECT f.case_id, CAST(f.income_per_capita AS {dbl}) AS income, CAST(f.rigid_spending AS {dbl}) AS rigid,
              f.guarantees_ok AS ok, ROW_NUMBER() OVER (PARTITION BY f.case_id ORDER BY {visited} DESC) AS n
       FROM monitoring_followup f JOIN c ON c.id = f.case_id),
fu AS (SELECT case_id, income, rigid, ok FROM fr WHERE n = 1),
t AS (SELECT c.id, c.village_id, COALESCE(fu.income, CAST(y.income_per_capita AS {dbl})) AS income,
             CAST(y.income_per_capita AS {dbl}) AS iy, CAST(z.income_per_capita AS {dbl}) AS il, h.size,
             COALESCE(bills.b, 0) + COALESCE(fu.rigid, 0) AS rigid,
             CASE WHEN y.id IS NULL THEN NULL ELSE (y.food_ok AND y.clothing_ok AND y.education_ok AND y.medical_ok
                  AND y.water_ok AND (y.housing_grade IN ('A', 'B') OR y.relocated)) END AS yok, fu.ok AS fok,
             (SELECT COUNT(*) FROM registry_member m WHERE m.household_id = h.id AND m.disability <> ''
              AND m.deceased_on IS NULL) + COALESCE(dis.n, 0) AS disabled,
             COALESCE(shocks.n, 0) AS shocks, COALESCE(drops.n, 0) AS dropouts
      FROM c JOIN registry_household h ON h.id = c.household_id
      LEFT JOIN registry_householdyear y ON y.household_id = h.id AND y.year = %s
      LEFT JOIN registry_householdyear z ON z.household_id = h.id AND z.year = %s
      LEFT JOIN fu ON fu.case_id = c.id LEFT JOIN bills ON bills.hh = c.household_id
      LEFT JOIN shocks ON shocks.hh = c.household_id LEFT JOIN drops ON drops.hh = c.household_id
      LEFT JOIN dis ON dis.hh = c.household_id),
s AS (SELECT id, village_id,
        CASE WHEN income < %s THEN {POINTS["low_income"]} ELSE 0 END
      + CASE WHEN il > 0 AND (il - iy) / il >= %s THEN {POINTS["income_drop"]} ELSE 0 END
      + CASE WHEN ROUND(rigid * 100) > ROUND(COALESCE(income, 0) * size * 100) THEN {POINTS["rigid_spending"]}
             ELSE 0 END
      + CASE WHEN yok = {false} OR fok = {false} THEN {POINTS["guarantee_gap"]} ELSE 0 END
      + CASE WHEN disabled > 0 THEN {POINTS["disability"]} ELSE 0 END
      + CASE WHEN shocks > 0 THEN {POINTS["disaster"]} ELSE 0 END
      + CASE WHEN dropouts > 0 THEN {POINTS["dropout"]} ELSE 0 END AS score
      FROM t)
SELECT id, score,
       ROW_NUMBER() OVER (PARTITION BY village_id ORDER BY score DESC, id) AS village_rank,
       ROW_NUMBER() OVER (PARTITION BY SUBSTR(village_id, 1, 9) ORDER BY score DESC, id) AS township_rank
FROM s
"""
    return sql, [lo, hi, lo, hi, since, on, year, year - 1, line, drop]


def floor(area: str, on: str, year: int) -> dict[str, Any]:
    from django.db import connection

    from fupin.monitoring.models import Case

    sql, args = floor_sql(area, date.fromisoformat(on), year, connection.vendor)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    seconds = time.perf_counter() - started
    stored = {pk: (score, vr, tr) for pk, score, vr, tr in
              Case.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "score", "village_rank",
                                                                           "township_rank")}  # fmt: skip
    differ = sum(1 for pk, score, vr, tr in rows if stored.get(pk) != (int(score), int(vr), int(tr)))
    return {"seconds": seconds, "cases": len(rows), "differ": differ,
            "scored": sum(1 for _, score, _, _ in rows if score)}  # fmt: skip


def main() -> None:
    _django()
    action, *args = sys.argv[1:]
    if action == "load":
        out = load(args[0])
    elif action == "run":
        out = run(args[0], args[1], int(args[2]))
    else:
        out = floor(args[0], args[1], int(args[2]))
    print(json.dumps(out, ensure_ascii=False, default=str))  # noqa: T201


if __name__ == "__main__":
    main()
