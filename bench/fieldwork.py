"""The field-work benchmark's child process (run by bench/run.py with the database in the environment).

    python bench/fieldwork.py review AREA YEAR   → the year-end review as `fupin field review` runs it (read the
                                                   area's tables, the Ibis ratings on DuckDB, write ratings, cadre
                                                   records and proposals): seconds, rated, grades
    python bench/fieldwork.py floor AREA YEAR    → the same ratings hand-written in one SQL statement run by the
                                                   database over the live tables; compared with the stored ones
    python bench/fieldwork.py tallies AREA YEAR  → the tallies rebuilt from the work log (the service) against a
                                                   hand-written GROUP BY; the province's tallies read from the
                                                   monthly rows against counting the log itself
    python bench/fieldwork.py accounts N PASSWORD → N first secretaries' accounts linked to postings (bench-fs-K)

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


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def review(area: str, year: int) -> dict[str, Any]:
    from django.db import connection

    from fupin.fieldwork.models import Rating, WorkLog
    from fupin.fieldwork.services import ratings_compute

    started = time.perf_counter()
    run = ratings_compute(actor=None, area_code=area, year=year, proposals=True)
    seconds = time.perf_counter() - started
    rated, made = seconds, run.proposed
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM fieldwork_worklog")
        logs = cursor.fetchone()[0]
    del WorkLog
    return {"seconds": seconds, "ratings_seconds": rated, "rated": run.rated, "grades": run.grades,
            "capped": run.capped, "proposed": made, "logs": logs,
            "stored": Rating.objects.filter(year=year).count()}  # fmt: skip


def _floor_sql(year: int, params: dict[str, Any]) -> str:
    """The ratings rule written by hand for PostgreSQL (and SQLite): weighted period scores, quarters and year-end,
    unexcused absences (no approved leave that day), the red lines' caps, the least rank."""
    weights = " UNION ALL ".join(f"SELECT '{r}' AS rater, {float(w)} AS weight" for r, w in params["weights"].items())
    wq = float(params["quarters_weight"])
    e, c, b = params["grade_min"]
    n1, n2, n3 = params["absence_caps"]
    first, last = f"'{year}-01-01'", f"'{year}-12-31'"
    return f"""
WITH w AS ({weights}),
per AS (SELECT s.posting_id, s.period, SUM(s.score * w.weight) / SUM(w.weight) AS ps
        FROM fieldwork_ratingscore s JOIN w ON w.rater = s.rater
        WHERE s.year = {year} AND w.weight > 0 GROUP BY s.posting_id, s.period),
q AS (SELECT posting_id, AVG(ps) AS q FROM per WHERE period <> 'year' GROUP BY posting_id),
y AS (SELECT posting_id, MAX(ps) AS y FROM per WHERE period = 'year' GROUP BY posting_id),
p AS (SELECT id AS posting_id FROM cadres_posting WHERE start <= {last} AND ("end" IS NULL OR "end" >= {first})),
ab AS (SELECT i.posting_id, COUNT(DISTINCT i.date) AS n FROM fieldwork_inspection i
       WHERE NOT i.present AND i.date BETWEEN {first} AND {last}
         AND NOT EXISTS (SELECT 1 FROM fieldwork_leaverequest l WHERE l.posting_id = i.posting_id
                         AND l.status = 'approved' AND i.date BETWEEN l.start AND l."end")
       GROUP BY i.posting_id),
vc AS (SELECT v.posting_id, MIN(CASE r.rating_cap WHEN '优秀' THEN 4 WHEN '称职' THEN 3 WHEN '基本称职' THEN 2
                                                  WHEN '不称职' THEN 1 END) AS cap
       FROM fieldwork_violation v JOIN fieldwork_redline r ON r.id = v.red_line_id
       WHERE v.date BETWEEN {first} AND {last} AND r.rating_cap <> '' GROUP BY v.posting_id),
s AS (SELECT p.posting_id,
             CASE WHEN q.q IS NOT NULL AND y.y IS NOT NULL THEN q.q * {wq} + y.y * (1 - {wq})
                  WHEN y.y IS NOT NULL THEN y.y ELSE q.q END AS score,
             COALESCE(ab.n, 0) AS n, COALESCE(vc.cap, 4) AS cap
      FROM p LEFT JOIN q ON q.posting_id = p.posting_id LEFT JOIN y ON y.posting_id = p.posting_id
             LEFT JOIN ab ON ab.posting_id = p.posting_id LEFT JOIN vc ON vc.posting_id = p.posting_id),
r AS (SELECT posting_id,
             CASE WHEN score + 1e-6 >= {e} THEN 4 WHEN score + 1e-6 >= {c} THEN 3 WHEN score + 1e-6 >= {b} THEN 2
                  ELSE 1 END AS earned,
             CASE WHEN n >= {n3} THEN 1 WHEN n >= {n2} THEN 2 WHEN n >= {n1} THEN 3 ELSE 4 END AS acap, cap
      FROM s WHERE score IS NOT NULL)
SELECT posting_id, CASE WHEN earned <= acap AND earned <= cap THEN earned WHEN acap <= cap THEN acap ELSE cap END
FROM r"""


def floor(area: str, year: int) -> dict[str, Any]:
    from django.db import connection

    from fupin.core import codes
    from fupin.fieldwork.choices import RANK
    from fupin.fieldwork.models import Rating
    from fupin.fieldwork.services import rating_params

    sql = _floor_sql(year, rating_params(year))
    lo, hi = codes.code_range(area)
    sql = sql.replace(
        "FROM cadres_posting WHERE", f"FROM cadres_posting WHERE village_id BETWEEN '{lo}' AND '{hi}' AND"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = dict(cursor.fetchall())
    seconds = time.perf_counter() - started
    stored = {p: RANK[g] for p, g in Rating.objects.filter(year=year).values_list("posting_id", "grade")}  # type: ignore[index]
    differ = sum(1 for p in set(rows) | set(stored) if rows.get(p) != stored.get(p))
    return {"seconds": seconds, "rated": len(rows), "differ": differ}


def tallies(area: str, year: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from fupin.core import codes
    from fupin.core.actors import SYSTEM_VIEWER
    from fupin.fieldwork import selectors
    from fupin.fieldwork.services import tallies_rebuild

    lo, hi = codes.code_range(area)
    started = time.perf_counter()
    n = tallies_rebuild(actor=None, area_code=area, year=year)
    rebuild = time.perf_counter() - started
    month = "EXTRACT(MONTH FROM date)" if connection.vendor == "postgresql" else "CAST(strftime('%m', date) AS INT)"
    floor_sql = (f"SELECT village_id, {month}, kind, COUNT(*), SUM(amount) FROM fieldwork_worklog "
                 f"WHERE village_id BETWEEN %s AND %s AND date BETWEEN %s AND %s GROUP BY 1, 2, 3")  # fmt: skip
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(floor_sql, [lo, hi, f"{year}-01-01", f"{year}-12-31"])
        groups = len(cursor.fetchall())
    floor_s = time.perf_counter() - started
    reads = []
    for _ in range(5):
        started = time.perf_counter()
        shown = selectors.tallies(viewer=SYSTEM_VIEWER, area_code=area, year=year)
        reads.append(time.perf_counter() - started)
    count_sql = ("SELECT kind, COUNT(*) FROM fieldwork_worklog WHERE village_id BETWEEN %s AND %s "
                 "AND date BETWEEN %s AND %s GROUP BY kind")  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(count_sql, [lo, hi, f"{year}-01-01", f"{year}-12-31"])
        counted = dict(cursor.fetchall())
    count_s = time.perf_counter() - started
    same = all(counted.get(t.kind, 0) == t.count for t in shown)
    return {"rebuild_seconds": rebuild, "rows": n, "floor_seconds": floor_s, "floor_rows": groups,
            "read_seconds": sorted(reads)[2], "count_seconds": count_s, "same": same,
            "entries": sum(t.count for t in shown)}  # fmt: skip


def accounts(n: int, password: str) -> dict[str, Any]:
    """``n`` first secretaries posted in different villages get an account each (bench-fs-1 …), linked."""
    from fupin.accounts.models import User
    from fupin.accounts.services import user_create
    from fupin.cadres.models import Posting
    from fupin.cadres.services import cadre_account_link

    made = 0
    free = Posting.objects.filter(status="active", role="first_secretary", cadre__account__isnull=True)
    free = free.select_related("cadre").order_by("village_id")
    for k in range(1, n + 1):
        name = f"bench-fs-{k}"
        user = User.objects.filter(username=name).first()
        if user is not None:  # an earlier run's account: this run's password, and a posting if it lost its own
            user.set_password(password)
            user.save(update_fields=["password"])
            if Posting.objects.filter(cadre__account=user, status="active").exists():
                continue
        posting = free.first()
        assert posting is not None, "no first secretary left to link"
        if user is None:
            user = user_create(actor=None, username=name, password=password, role="first_secretary",
                               area_code=posting.village_id, check_password=False)  # fmt: skip
        elif user.area_id != posting.village_id:
            User.objects.filter(pk=user.pk).update(area_id=posting.village_id)
            user.refresh_from_db()
        cadre_account_link(actor=None, cadre=posting.cadre, user=user)
        made += 1
    return {"accounts": made}


def tokens(n: int) -> dict[str, Any]:
    """A read-write personal token for each of bench-fs-1 … bench-fs-n (the devices' benchmark), made anew."""
    from fupin.accounts.models import AccessToken, User
    from fupin.accounts.tokens import token_create

    out = {}
    for k in range(1, n + 1):
        user = User.objects.get(username=f"bench-fs-{k}")
        AccessToken.objects.filter(user=user).delete()  # an earlier run's
        out[user.username] = token_create(actor=user, name="基准测试设备", days=30, scope="write")[1]
    return {"tokens": out}


if __name__ == "__main__":
    _django()
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "review":
        result = review(args[0], int(args[1]))
    elif mode == "floor":
        result = floor(args[0], int(args[1]))
    elif mode == "tallies":
        result = tallies(args[0], int(args[1]))
    elif mode == "accounts":
        result = accounts(int(args[0]), args[1])
    elif mode == "tokens":
        result = tokens(int(args[0]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result, ensure_ascii=False))  # noqa: T201
