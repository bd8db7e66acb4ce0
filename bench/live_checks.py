"""The live-database checks benchmark's child process (run by bench/run.py with the database in the environment).

    python bench/live_checks.py parquet DIR OUT     → the rules on DuckDB over DIR's Parquet (the synthetic
                                                      province as generated): seconds; finding keys → OUT
    python bench/live_checks.py compare A B ANSWERS → finding keys A against B, and A against the planted answers
    python bench/live_checks.py stored YEAR OUT     → the latest check run's own time (read + rules + merge) and
                                                      the stored findings of YEAR that are present → OUT
    python bench/live_checks.py reads AREA          → reading the area's canonical tables three ways: the cursor
                                                      (Python rows, as before), COPY parsed by Arrow (what check
                                                      runs use), ADBC's PostgreSQL driver
    python bench/live_checks.py floor YEAR AREA     → every rule hand-written in SQL, run by PostgreSQL over views
                                                      of the live tables with the canonical columns
    python bench/live_checks.py pushdown YEAR AREA S → the Ibis rules compiled to PostgreSQL over the same views,
                                                      each rule stopped after S seconds

Each prints one JSON line.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

KEYS = ("rule_id", "household_id", "person_id")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def parquet(directory: Path, out: Path) -> dict[str, Any]:
    """The rules alone, as a check run runs them: DuckDB over the Parquet files."""
    import pyarrow.parquet as pq

    from fupin.analytics import engines
    from fupin.analytics.params import Params
    from fupin.analytics.run import run_rules

    started = time.perf_counter()
    with engines.from_parquet(directory, "duckdb") as inputs:
        result = run_rules(inputs, Params.defaults(2017))
    seconds = time.perf_counter() - started
    keys = result.findings.select(list(KEYS))
    pq.write_table(keys, out)
    return {"seconds": seconds, "findings": keys.num_rows, "counts": result.by_rule()}


def compare(stored: Path, parquet: Path, answers: Path) -> dict[str, Any]:
    """Stored findings against the Parquet path's (as sets of keys) and against the planted answers."""
    import pyarrow.parquet as pq

    from fupin.analytics import truth

    a, b = pq.read_table(stored), pq.read_table(parquet)
    ka = {tuple(r.values()) for r in a.to_pylist()}
    kb = {tuple(r.values()) for r in b.to_pylist()}
    scores = truth.score(a, pq.read_table(answers))
    return {
        "stored": len(ka), "parquet": len(kb), "only_stored": len(ka - kb), "only_parquet": len(kb - ka),
        "perfect": all((s.recall, s.precision) == (1.0, 1.0) for s in scores),
        "planted": sum(s.planted for s in scores),
    }  # fmt: skip


def stored(year: int, out: Path) -> dict[str, Any]:
    _django()
    import pyarrow as pa
    import pyarrow.parquet as pq

    from fupin.checks.models import CheckRun, Finding

    run = CheckRun.objects.order_by("-id").first()
    rows = Finding.objects.filter(year=year, present=True).values_list("rule_id", "household_no", "person_id")
    cols = list(zip(*rows, strict=True)) or [(), (), ()]
    table = pa.table({k: pa.array(c, pa.string()) for k, c in zip(KEYS, cols, strict=True)})
    empty = pa.compute.equal(table["person_id"], "")
    table = table.set_column(
        2, "person_id", pa.compute.if_else(empty, pa.scalar(None, pa.string()), table["person_id"])
    )
    pq.write_table(table, out)
    return {"seconds": run.seconds if run else 0.0, "findings": table.num_rows, "area": run.area_code if run else ""}


def reads(area: str) -> dict[str, Any]:
    _django()
    import pyarrow as pa
    from django.conf import settings
    from django.db import connection

    from fupin.checks.sources import QUERIES, read_chunks
    from fupin.core import codes
    from fupin.core.arrow import bind, query_table
    from fupin.registry.tables import area_bounds

    chunks = read_chunks(area)

    def each(read: Any) -> tuple[float, int]:
        started, rows = time.perf_counter(), 0
        for sql, columns in QUERIES.values():
            for chunk in chunks if "%s" in sql else [area]:
                rows += read(sql, area_bounds(sql, *codes.code_range(chunk)), columns).num_rows
        return time.perf_counter() - started, rows

    def cursor(sql: str, params: list[str], columns: Any) -> pa.Table:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        return pa.table([pa.array([r[k] for r in rows], t) for k, (_, t) in enumerate(columns)],
                        names=[c for c, _ in columns])  # fmt: skip

    out: dict[str, Any] = {}
    out["copy"], out["rows"] = each(query_table)
    out["cursor"], _ = each(cursor)
    if connection.vendor == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc

        db = settings.DATABASES["default"]
        uri = (
            f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        with adbc.connect(uri) as conn:

            def arrow(sql: str, params: list[str], columns: Any) -> pa.Table:
                with conn.cursor() as cur:
                    cur.execute(bind(sql, params)[0])
                    return cur.fetch_arrow_table()

            out["adbc"], _ = each(arrow)
    return out


def _views(cur: Any, area: str, schema: str) -> None:
    """One view per canonical table over the live tables, bounded to the area (the check run's own queries)."""
    from fupin.checks.sources import QUERIES
    from fupin.core import codes
    from fupin.registry.tables import area_bounds

    lo, hi = codes.code_range(area)
    cur.execute(f"CREATE SCHEMA {schema}")
    for name, (sql, columns) in QUERIES.items():
        literal = sql.replace("%s", "'{}'").format(*area_bounds(sql, lo, hi))
        cur.execute(f"CREATE VIEW {schema}.{name} ({', '.join(c for c, _ in columns)}) AS {literal}")


def floor(year: int, area: str) -> dict[str, Any]:
    _django()
    import sqlglot
    from django.db import connection

    from checks import FLOOR_SQL, VIEWS
    from fupin.registry.verdicts import params_for

    p = params_for(year)
    fmt = {"y": year, "car": int(p.car_value), "line": p.poverty_line, "exit_line": p.exit_line}
    schema = "fupin_floor"
    counts: dict[str, int] = {}
    with connection.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        _views(cur, area, schema)
        cur.execute(f"SET search_path TO {schema}, public")
        cur.execute("SET work_mem = '256MB'")
        started = time.perf_counter()
        for key, sql in FLOOR_SQL.items():
            text = sqlglot.transpile(sql.format(**fmt), read="duckdb", write="postgres")[0]
            # PostgreSQL has no arg_max: the value at the latest date is the first of the values ordered by it
            text = re.sub(r"ARG_MAX\(([^,]+(?:\([^)]*\))?), ([a-z_]+)\)", r"(ARRAY_AGG(\1 ORDER BY \2 DESC))[1]", text)
            if key in VIEWS:
                cur.execute(text.replace("CREATE TEMPORARY VIEW", "CREATE VIEW"))
                continue
            cur.execute(f"SELECT count(*) FROM ({text}) AS q")
            counts[key] = cur.fetchone()[0]
        seconds = time.perf_counter() - started
        cur.execute("SET search_path TO public")
        cur.execute(f"DROP SCHEMA {schema} CASCADE")
    return {"seconds": seconds, "findings": sum(counts.values()), "counts": counts}


def pushdown(year: int, area: str, timeout: int) -> dict[str, Any]:
    _django()
    import ibis
    from django.conf import settings
    from django.db import connection, transaction

    from fupin.analytics.engines import _canonical_expr
    from fupin.analytics.run import run_rules
    from fupin.registry.verdicts import params_for

    schema = "fupin_pushdown"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        _views(cur, area, schema)
    db = settings.DATABASES["default"]
    con = ibis.postgres.connect(host=db["HOST"] or "127.0.0.1", port=int(db["PORT"] or 5432), user=db["USER"],
                                password=db["PASSWORD"] or None, database=db["NAME"])  # fmt: skip
    con.raw_sql("SET cursor_tuple_fraction = 1.0")
    con.raw_sql("SET work_mem = '256MB'")
    con.raw_sql(f"SET statement_timeout = '{timeout}s'")
    from fupin.analytics.rules import RULES
    from fupin.checks.sources import QUERIES

    counts: dict[str, int] = {}
    late: list[str] = []
    try:
        inputs = {name: _canonical_expr(name, con.table(name, database=schema)) for name in QUERIES}
        params = params_for(year)
        started = time.perf_counter()
        for rule in RULES:  # each rule alone, so that one the planner gets wrong does not hide the others
            try:
                counts[rule.id] = run_rules(inputs, params, [rule]).findings.num_rows
            except Exception as exc:
                if "timeout" not in str(exc).lower() and "cancel" not in str(exc).lower():
                    raise
                late.append(rule.id)
        seconds = time.perf_counter() - started
    finally:
        con.raw_sql("SET statement_timeout = 0")
        con.raw_sql(f"DROP SCHEMA {schema} CASCADE")
        con.disconnect()
    return {"seconds": seconds, "findings": sum(counts.values()), "counts": counts, "timed_out": late}


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    if what == "parquet":
        out = parquet(Path(args[0]), Path(args[1]))
    elif what == "compare":
        out = compare(Path(args[0]), Path(args[1]), Path(args[2]))
    elif what == "stored":
        out = stored(int(args[0]), Path(args[1]))
    elif what == "reads":
        out = reads(args[0])
    elif what == "floor":
        out = floor(int(args[0]), args[1])
    else:
        out = pushdown(int(args[0]), args[1], int(args[2]))
    print(json.dumps(out))  # noqa: T201
