"""One benchmark harness: `make bench` (or `.venv/bin/python bench/run.py [NAME ...] [--smoke]`).

Each benchmark runs several times in a fresh subprocess; the harness records the median and spread of wall
time, the peak resident memory of the child (wait4 rusage), the data size, and the ratio against a baseline
measured in the same run (or a stated goal). Results go to docs/benchmarks.md, rewritten from the tables this
harness produced — never typed by hand. `--smoke` runs everything at tiny scale once (CI), writing nowhere.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUPIN = str(Path(sys.executable).with_name("fupin"))
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str


def run_child(args: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> Run:
    started = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 - our own commands
        args, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(args)}\n{output}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def bench_synth(smoke: bool, repeat: int) -> dict[str, object]:
    scales = ["tiny"] if smoke else ["tiny", "county", "province"]
    rows = []
    for scale in scales:
        runs = []
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(1 if smoke else repeat):
                runs.append(run_child([FUPIN, "synth", "--scale", scale, "--seed", str(2017 + i), "--out", tmp]))
            manifest = json.loads((Path(tmp) / "manifest.json").read_text(encoding="utf-8"))
        rows.append(_row(f"synth {scale}", runs, f"{manifest['rows']['members']:,} people, "
                         f"{manifest['rows']['households']:,} households", baseline=("goal 600 s", 600.0)))  # fmt: skip
    return {"name": "synth", "title": "Synthetic province → Parquet (`fupin synth`)", "rows": rows}


def bench_areas(smoke: bool, repeat: int) -> dict[str, object]:
    runs, floor = [], []
    for _ in range(1 if smoke else repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base", "FUPIN_DATABASE_URL": ""}
            run_child([FUPIN, "migrate", "-v0"], env)
            runs.append(run_child([FUPIN, "areas", "load"], env))
        # Floor: only reading and validating the five CSV files, no database.
        floor.append(
            run_child([sys.executable, "-c", "from fupin.areas.loader import read_divisions; read_divisions()"])
        )
    base = statistics.median(r.seconds for r in floor)
    return {
        "name": "areas",
        "title": "Division tree load into SQLite (`fupin areas load`, 19,572 units, audited)",
        "rows": [_row("areas load (SQLite)", runs, "19,572 units", baseline=("CSV read+validate only", base))],
    }


def bench_registry_load(smoke: bool, repeat: int) -> dict[str, object]:
    """The tiny county through `synth --into-db` into a fresh SQLite file, against generating it alone."""
    runs, gen = [], []
    for _ in range(1 if smoke else repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base", "FUPIN_DATABASE_URL": ""}
            run_child([FUPIN, "migrate", "-v0"], env)
            run_child([FUPIN, "areas", "load"], env)
            runs.append(run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--into-db"], env))
            gen.append(run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--out", f"{tmp}/pq"], env))
    rows = sum(int(n) for n in _numbers(runs[-1].output))
    base = statistics.median(r.seconds for r in gen)
    return {
        "name": "registry_load",
        "title": "Registry bulk load into SQLite (`fupin synth --scale tiny --into-db`)",
        "rows": [_row("tiny county → SQLite", runs, f"{rows:,} rows", baseline=("generate to Parquet only", base))],
    }


PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/fupin")


def _pg(dbname: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + dbname


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(_pg("postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


def bench_import(smoke: bool, repeat: int) -> dict[str, object]:
    """`fupin import households` of the tiny county's people (CSV and xlsx) into a fresh PostgreSQL database,
    against the floor of PostgreSQL COPY-ing the same CSV into an unindexed table with no checks at all."""
    import re

    sys.path.insert(0, str(ROOT / "bench"))
    from import_files import build_table, write_files

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--out", f"{tmp}/pq"])
        table = build_table(Path(tmp) / "pq", limit=3000 if smoke else None)
        csv_path, xlsx_path = write_files(table, Path(tmp) / "files")
        env = {"FUPIN_DATABASE_URL": _pg("fupin_bench_tpl"), "DJANGO_SETTINGS_MODULE": "config.settings.base",
               "FUPIN_DATA_DIR": tmp}  # fmt: skip
        _pg_admin("DROP DATABASE IF EXISTS fupin_bench", "DROP DATABASE IF EXISTS fupin_bench_tpl",
                  "CREATE DATABASE fupin_bench_tpl")  # fmt: skip
        run_child([FUPIN, "migrate", "-v0"], env)
        run_child([FUPIN, "areas", "load"], env)
        env["FUPIN_DATABASE_URL"] = _pg("fupin_bench")
        floor = []
        copy_floor = (
            "import psycopg,sys,time\n"
            f"c=psycopg.connect({_pg('fupin_bench')!r})\n"
            "cols=','.join(f'c{i} text' for i in range(18))\n"
            "c.execute(f'CREATE TABLE raw_import ({cols})')\n"
            "t=time.perf_counter()\n"
            "with c.cursor().copy('COPY raw_import FROM STDIN WITH (FORMAT csv, HEADER true)') as cp:\n"
            f"    cp.write(open({str(csv_path)!r},'rb').read())\n"
            "c.commit(); print(time.perf_counter()-t)\n"
        )
        schema_floor: list[Run] = []
        schema_copy = (
            "import psycopg,time,io\n"
            f"c=psycopg.connect({_pg('fupin_bench')!r})\n"
            "bufs={}\n"
            "for t in ('registry_household','registry_member'):\n"
            "    b=io.BytesIO()\n"
            "    with c.cursor().copy(f'COPY {t} TO STDOUT') as cp:\n"
            "        for chunk in cp: b.write(chunk)\n"
            "    bufs[t]=b.getvalue()\n"
            "c.execute('TRUNCATE registry_member, registry_household CASCADE'); c.commit()\n"
            "t0=time.perf_counter()\n"
            "for t in ('registry_household','registry_member'):\n"
            "    with c.cursor().copy(f'COPY {t} FROM STDIN') as cp: cp.write(bufs[t])\n"
            "c.commit(); print(time.perf_counter()-t0)\n"
        )
        for fmt, path in (("CSV", csv_path), ("xlsx", xlsx_path)):
            runs = []
            for _ in range(1 if smoke else repeat):
                _pg_admin("DROP DATABASE IF EXISTS fupin_bench", "CREATE DATABASE fupin_bench TEMPLATE fupin_bench_tpl")
                # exit 1: the synthetic data's planted faults (bad checksums, 13+ months of migrant work) are refused
                run = run_child([FUPIN, "import", "households", str(path), "--partial"], env, ok=(0, 1))
                inside = float(re.search(r"用时 ([0-9.]+) 秒", run.output).group(1))  # type: ignore[union-attr]
                runs.append(Run(inside, run.peak_mb, run.output))
                if fmt == "CSV":
                    out = run_child([sys.executable, "-c", schema_copy])
                    schema_floor.append(Run(float(out.output.strip()), out.peak_mb, ""))
                    _pg_admin("DROP DATABASE IF EXISTS fupin_bench", "CREATE DATABASE fupin_bench")
                    out = run_child([sys.executable, "-c", copy_floor])
                    floor.append(Run(float(out.output.strip()), out.peak_mb, ""))
            base = statistics.median(r.seconds for r in floor)
            median = statistics.median(r.seconds for r in runs)
            row = _row(f"import {fmt} → PostgreSQL", runs, f"{table.num_rows:,} rows", ("raw COPY of the CSV", base))
            row["rows_per_s"] = round(table.num_rows / median)
            row["data"] = f"{row['data']} · {row['rows_per_s']:,} rows/s"
            rows.append(row)
            if fmt == "CSV":
                label = "same rows: COPY into the real indexed tables + commit, no checks"
                schema = _row(label, schema_floor, f"{table.num_rows:,} rows", ("raw COPY of the CSV", base))
                rows.append(schema)
                print(f"  schema floor: {table.num_rows / schema['median_s']:,.0f} rows/s")  # type: ignore[operator]  # noqa: T201
            print(f"  import {fmt}: {table.num_rows / median:,.0f} rows/s")  # noqa: T201
        _pg_admin("DROP DATABASE IF EXISTS fupin_bench", "DROP DATABASE IF EXISTS fupin_bench_tpl")
    return {
        "name": "import",
        "title": "Registry import (`fupin import households --partial`, one row per person, checks + audit) into "
        "PostgreSQL; time inside the command, goal ≥50,000 rows/s CSV, ≥10,000 rows/s xlsx",
        "rows": rows,
    }


def _years_seed(env: dict[str, str], n: int, files: Path) -> int:
    """Migrate, load the division tree and the tiny county into the database ``env`` points at, then write the
    yearly-records files of its first ``n`` people into ``files``; returns the files' row count."""
    run_child([FUPIN, "migrate", "-v0"], env)
    run_child([FUPIN, "areas", "load"], env)
    run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--into-db"], env)
    made = run_child([sys.executable, str(ROOT / "bench" / "years_files.py"), str(n), str(files)], env)
    return int(made.output.strip().splitlines()[-1])


def _years_rows(
    target: str, files: Path, count: int, *, env: dict[str, str], fresh: Callable[[], object], times: int
) -> list[dict[str, object]]:
    """CSV and xlsx rows for one database: each run on a fresh copy (``fresh()``), first the `--dry-run`
    baseline, then the import proper, both on the same pristine database."""
    import re

    rows = []
    for fmt in ("CSV", "xlsx"):
        path = files / f"years.{fmt.lower()}"
        runs, floor = [], []
        for _ in range(times):
            fresh()
            for into, args in ((floor, ["--dry-run"]), (runs, [])):
                # exit 1: synthetic people whose facts the checks refuse (e.g. a stage without 在校生)
                run = run_child([FUPIN, "import", "years", str(path), "--partial", *args], env, ok=(0, 1))
                inside = float(re.search(r"用时 ([0-9.]+) 秒", run.output).group(1))  # type: ignore[union-attr]
                into.append(Run(inside, run.peak_mb, run.output))
        base = statistics.median(r.seconds for r in floor)
        median = statistics.median(r.seconds for r in runs)
        label = f"import years {fmt} → {target}"
        row = _row(label, runs, f"{count:,} rows", ("the same, --dry-run", base))
        row["rows_per_s"] = round(count / median)
        row["data"] = f"{row['data']} · {row['rows_per_s']:,} rows/s"
        rows.append(row)
        print(f"  {label}: {count / median:,.0f} rows/s")  # noqa: T201
    return rows


def bench_years_import(smoke: bool, repeat: int) -> dict[str, object]:
    """`fupin import years` of N people's yearly records (CSV and xlsx) into SQLite and into PostgreSQL, each
    holding the tiny county, each run on a fresh copy of the database (the records are created), against reading
    and checking the file alone on the same copy (`--dry-run`, which also reads the database's households and
    members). PostgreSQL copies come from the template database ``fupin_bench_years_tpl``."""
    import shutil

    n = 2000 if smoke else 10_000
    times = 1 if smoke else repeat
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base", "FUPIN_DATABASE_URL": ""}
        lite_files, pg_files = Path(tmp) / "files-sqlite", Path(tmp) / "files-pg"
        count = _years_seed(env, n, lite_files)
        db, pristine = Path(tmp) / "fupin.sqlite3", Path(tmp) / "pristine.sqlite3"
        shutil.copyfile(db, pristine)
        rows += _years_rows(
            "SQLite", lite_files, count, env=env, fresh=lambda: shutil.copyfile(pristine, db), times=times
        )

        pg_env = {**env, "FUPIN_DATABASE_URL": _pg("fupin_bench_years_tpl")}
        _pg_admin("DROP DATABASE IF EXISTS fupin_bench_years", "DROP DATABASE IF EXISTS fupin_bench_years_tpl",
                  "CREATE DATABASE fupin_bench_years_tpl")  # fmt: skip
        try:
            pg_count = _years_seed(pg_env, n, pg_files)
            # the same county from the same seed: both targets should import the same rows
            if (pg_files / "years.csv").read_bytes() != (lite_files / "years.csv").read_bytes():
                print("  note: the PostgreSQL years file differs from the SQLite one")  # noqa: T201
            pg_env["FUPIN_DATABASE_URL"] = _pg("fupin_bench_years")

            def fresh() -> None:
                _pg_admin("DROP DATABASE IF EXISTS fupin_bench_years",
                          "CREATE DATABASE fupin_bench_years TEMPLATE fupin_bench_years_tpl")  # fmt: skip

            rows += _years_rows("PostgreSQL", pg_files, pg_count, env=pg_env, fresh=fresh, times=times)
        finally:
            _pg_admin("DROP DATABASE IF EXISTS fupin_bench_years", "DROP DATABASE IF EXISTS fupin_bench_years_tpl")
    return {
        "name": "years_import",
        "title": "Yearly records import (`fupin import years --partial`, one row per person, checks + audit) into "
        "SQLite and PostgreSQL; time inside the command, goal ≥2,000 rows/s for 10,000 rows",
        "rows": rows,
    }


CACHE = ROOT / "bench" / ".cache"


def _province_parquet() -> Path:
    """The synthetic province (seed 2017) as Parquet, generated once and cached under bench/.cache."""
    out = CACHE / "province-2017"
    if not (out / "manifest.json").exists():
        run_child([FUPIN, "synth", "--scale", "province", "--seed", "2017", "--out", str(out)])
    return out


def bench_checks(smoke: bool, repeat: int) -> dict[str, object]:
    """All rules on DuckDB over the province (Ibis) vs the same rules hand-written in DuckDB SQL, and vs the
    per-household ORM loop on a sample of a loaded county, extrapolated to the province's households."""
    with tempfile.TemporaryDirectory() as tmp:
        data = _source(smoke, tmp)
        manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
        households = manifest["rows"]["households"]
        rules, floor, scores, counts = [], [], [], {}
        for _ in range(1 if smoke else repeat):
            run = run_child([sys.executable, str(ROOT / "bench" / "checks.py"), str(data), "rules"])
            out = json.loads(run.output)
            rules.append(Run(out["seconds"], run.peak_mb, ""))
            scores = out["scores"]
            counts = out["counts"]
            run = run_child([sys.executable, str(ROOT / "bench" / "checks.py"), str(data), "floor"])
            hand = json.loads(run.output)
            floor.append(Run(hand["seconds"], run.peak_mb, ""))
            differ = {k: (n, counts.get(k, 0)) for k, n in hand["counts"].items() if n != counts.get(k, 0)}
            if differ:  # the floor must do the same work: same hits per rule (hand-written count, Ibis count)
                raise SystemExit(f"checks: the SQL floor and the rules disagree: {differ}")
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base", "FUPIN_DATABASE_URL": ""}
        run_child([FUPIN, "migrate", "-v0"], env)
        run_child([FUPIN, "areas", "load"], env)
        run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--into-db"], env)
        loop = run_child([sys.executable, str(ROOT / "bench" / "checks_loop.py"), "50" if smoke else "1000"], env)
        per = json.loads(loop.output)["per_household"]
    base = statistics.median(r.seconds for r in floor)
    size = f"{households:,} households, {manifest['rows']['members']:,} people"
    rules_row = _row("all rules + indicators, Ibis on DuckDB", rules, size, ("the same, hand-written DuckDB SQL", base))
    extrapolated = per * households
    median = statistics.median(r.seconds for r in rules)
    loop_row = {
        "case": "per-household ORM loop (SQLite), sampled and extrapolated",
        "data": f"{per * 1000:.2f} ms/household × {households:,}",
        "runs": 1,
        "median_s": round(extrapolated, 1),
        "spread_s": "—",
        "peak_mb": round(loop.peak_mb, 1),
        "baseline": f"all rules + indicators, Ibis on DuckDB ({median:.3f} s)",
        "ratio": round(extrapolated / median, 1),
    }
    if not smoke:
        _write_checks_doc(scores, counts, size)
    print(f"  checks: {median:.2f} s vs floor {base:.2f} s; loop {extrapolated:,.0f} s ({extrapolated / median:,.0f}×)")  # noqa: T201
    return {
        "name": "checks",
        "title": "Checks (`fupin.analytics` rules) on the synthetic province: "
        "goal ≤1.5× the SQL floor, ≥100× the loop, <2 min",
        "rows": [rules_row, loop_row],
    }


def bench_dispatch(smoke: bool, repeat: int) -> dict[str, object]:
    """First secretaries and resident cadres for the province (or, smoke, one county): min-cost flows; the
    first-secretary plan certified by its LP optimum."""
    with tempfile.TemporaryDirectory() as tmp:
        data = _source(smoke, tmp)
        rows = []
        for label, county in (("province plan", "-"), ("county plan (道真)", "520325")):
            runs, lp_runs, out = [], [], {}
            for _ in range(1 if smoke else repeat):
                run = run_child([sys.executable, str(ROOT / "bench" / "dispatch.py"), str(data), county, "--certify"])
                out = json.loads(run.output)
                if out["objective"] != out["lp_objective"]:
                    raise SystemExit(f"dispatch not certified: flow {out['objective']} ≠ LP {out['lp_objective']}")
                runs.append(Run(out["seconds"], run.peak_mb, ""))
                lp_runs.append(out["lp_seconds"])
            size = (
                f"{out['villages']:,} villages ({out['covered']:,} first secretaries, "
                f"{out['resident_covered']:,}/{out['resident_slots']:,} resident slots), {out['cadres']:,} eligible "
                f"cadres, {out['arcs']:,} arcs; first-secretary objective {out['objective']:,} = LP"
            )
            baseline = ("first-secretary LP certificate (GLOP)", statistics.median(lp_runs))
            rows.append(_row(f"{label}: min-cost flows", runs, size, baseline))
    print(f"  dispatch: {rows[0]['median_s']} s province, {rows[1]['median_s']} s county")  # noqa: T201
    return {
        "name": "dispatch",
        "title": "Dispatch of first secretaries and resident cadres (OR-Tools min-cost flows; the first-secretary "
        "plan certified by its LP): goal <60 s and <2 GB for the province, <1 s for a county; time = flows, "
        "the certificate's time is the baseline column",
        "rows": rows,
    }


def _write_checks_doc(scores: list[dict[str, object]], counts: dict[str, int], size: str) -> None:
    from fupin.analytics.rules import BY_ID, RULES

    lines = [
        "# Checks: recall and precision on the planted truth",
        "",
        "Produced by `make bench NAMES=checks` (bench/run.py) on the synthetic province (seed 2017, " + size + "),",
        "rules run on DuckDB; the same findings come out of SQLite, PostgreSQL and Spark",
        "(tests/analytics/test_rules_on_every_engine.py).",
        f"Machine: {machine()} · date: {datetime.now(UTC):%Y-%m-%d}",
        "",
        "| rule | title | category | planted | found | true positives | recall | precision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        rule = BY_ID[str(s["rule"])]
        lines.append(
            f"| `{rule.id}` | {rule.title} | {rule.category} | {s['planted']:,} | {s['found']:,} | {s['tp']:,} | "
            f"{float(s['recall']):.1%} | {float(s['precision']):.1%} |"  # type: ignore[arg-type]
        )
    for rule in RULES:
        if not rule.planted:
            found = counts.get(rule.id, 0)
            lines.append(f"| `{rule.id}` | {rule.title} | {rule.category} | not planted | {found:,} | — | — | — |")
    lines += [
        "",
        "Rules marked *not planted* have no planted truth in the synthetic data: what they find there is what the",
        "generator produced naturally (e.g. poor households in C/D houses). They are proven by the threshold tests in",
        "tests/analytics/test_rules_on_every_engine.py (just below, at and just above each limit) and by the",
        "four-engine equality test.",
        "",
        "A rule's definition and the planted cases it covers are documented in docs/synthetic-data.md; decoys",
        "just outside each threshold (a 29,999-yuan vehicle, a death on 1 January of the next year, a survey household",
        "exactly at the line) are in the data, so a loose rule would lose precision here.",
        "",
    ]
    (ROOT / "docs" / "checks.md").write_text("\n".join(lines), encoding="utf-8")


def _layout(source: Path, copies: int, label: str) -> tuple[Path, dict[str, object]]:
    """``copies`` relabelled provinces of ``source`` under bench/.cache (made once, reused while the source is)."""
    out = CACHE / f"{label}-{copies}"
    stamp = out / "layout.json"
    want = {"source": str(source), "copies": copies, "source_mtime": (source / "manifest.json").stat().st_mtime}
    if stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("want") == want:
        return out, json.loads(stamp.read_text(encoding="utf-8"))
    made = json.loads(run_child([sys.executable, str(ROOT / "bench" / "scale.py"), "replicate", str(source),
                                 str(out), "--copies", str(copies)]).output)  # fmt: skip
    made["want"] = want
    stamp.write_text(json.dumps(made), encoding="utf-8")
    return out, made


def _source(smoke: bool, tmp: str) -> Path:
    """The data a benchmark runs on: the cached province, or (smoke) the tiny county generated into ``tmp``."""
    if not smoke:
        return _province_parquet()
    data = Path(tmp) / "tiny"
    run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--out", str(data)])
    return data


def bench_scale(smoke: bool, repeat: int) -> dict[str, object]:
    """All rules + indicators at 1×, 2× and 4× the province (copies relabelled to other provinces), DuckDB reading
    the Parquet itself with its memory capped at 4 GB (spilling to disk past it): how cost grows with rows."""
    cap = "1GB" if smoke else "4GB"
    with tempfile.TemporaryDirectory() as tmp:
        source = _source(smoke, tmp)
        rows, base, first = [], 0.0, 0
        for copies in (1, 2) if smoke else (1, 2, 4):
            layout, made = _layout(source, copies, "smoke-scale" if smoke else "scale")
            runs, out = [], {}
            for _ in range(1 if smoke else repeat):
                run = run_child([sys.executable, str(ROOT / "bench" / "scale.py"), "run", str(layout), "--engine",
                                 "duckdb", "--memory-limit", cap, "--spill", tmp])  # fmt: skip
                out = json.loads(run.output)
                runs.append(Run(out["seconds"], run.peak_mb, ""))
            if copies == 1:
                base, first = statistics.median(r.seconds for r in runs), int(out["findings"])
            if out["findings"] != first * copies or out["recall_min"] < 1 or out["precision_min"] < 1:
                raise SystemExit(f"scale {copies}×: {out['findings']} findings, expected {first * copies} at 100%")
            size = (f"{copies}× ({out['households']:,} households, {out['people']:,} people, "
                    f"{int(made['bytes']) / 1e6:,.0f} MB Parquet); {out['findings']:,} findings, recall and "
                    "precision 100%")  # fmt: skip
            rows.append(_row(f"{copies}× province, DuckDB capped at {cap}", runs, size, ("1× province", base)))
    print(f"  scale: {[r['median_s'] for r in rows]} s")  # noqa: T201
    return {
        "name": "scale",
        "title": f"Scaling: checks + indicators at 1×, 2×, 4× the province (DuckDB over Parquet, memory capped at "
        f"{cap}); ratio = time against 1× — linear growth is ratio ≈ copies",
        "rows": rows,
    }


NATIONAL_COPIES = 16  # 16 × 6.23M ≈ 100M people: a national-sized layout cut into provinces


SPARK_PROVINCES = 1  # of the 16: Spark local on 2 cores takes ~10 min a province (docs/scale.md)


def bench_national(smoke: bool, repeat: int) -> dict[str, object]:
    """The national-sized layout (16 provinces, ~100M people): all rules + indicators on DuckDB capped at 4 GB over
    all of it, and on PySpark local[2] over the first province(s) read from the same layout — the per-row cost
    that sizes a cluster. Once each: the national run takes long."""
    with tempfile.TemporaryDirectory() as tmp:
        source = _source(smoke, tmp)
        copies = 2 if smoke else NATIONAL_COPIES
        layout, made = _layout(source, copies, "smoke-national" if smoke else "national")
        script = [sys.executable, str(ROOT / "bench" / "scale.py"), "run", str(layout)]
        duck = run_child([*script, "--engine", "duckdb", "--memory-limit", "1GB" if smoke else "4GB", "--spill", tmp])
        spark = run_child([*script, "--engine", "spark", "--provinces", "1" if smoke else str(SPARK_PROVINCES)])
    d, s = json.loads(duck.output), json.loads(spark.output)
    if s["findings"] * copies != d["findings"] * (1 if smoke else SPARK_PROVINCES):
        raise SystemExit(f"national: Spark {s['findings']} findings in {s['provinces']} province(s), DuckDB "
                         f"{d['findings']} in {copies}")  # fmt: skip
    for out in (d, s):
        if out["recall_min"] < 1 or out["precision_min"] < 1:
            raise SystemExit(f"national: recall/precision below 100% on {out['engine']}")
    per_d, per_s = d["seconds"] / d["people"] * 1e6, s["seconds"] / s["people"] * 1e6
    rows = [
        _row("DuckDB, 4 GB cap, the whole layout", [Run(d["seconds"], duck.peak_mb, "")],
             f"{copies} provinces, {d['households']:,} households, {d['people']:,} people "
             f"({int(made['bytes']) / 1e9:,.1f} GB Parquet); {d['findings']:,} findings, recall and precision 100%; "
             f"{per_d:.2f} s per million people", ("itself", d["seconds"])),
        _row(f"PySpark local[2], {s['provinces']} of the {copies} provinces", [Run(s["seconds"], spark.peak_mb, "")],
             f"{s['people']:,} people read from the same layout; {s['findings']:,} findings (= DuckDB's per "
             f"province), 100%; {per_s:.2f} s per million people (the driver's JVM is not in the peak memory)",
             ("DuckDB per million people × these people", per_d * s["people"] / 1e6)),
    ]  # fmt: skip
    print(f"  national: duckdb {d['seconds']:.0f} s, spark {s['seconds']:.0f} s ({s['people']:,} people)")  # noqa: T201
    return {
        "name": "national",
        "title": "National scale: all rules + indicators over ~100M people cut into 16 provinces (docs/scale.md)",
        "rows": rows,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


PROVINCE_DB = "fupin_province"


def _province_db(env: dict[str, str]) -> None:
    """The synthetic province in PostgreSQL (registry, department data, cadres, checks and indicators), built once
    and kept: rebuilt only when it is missing or incomplete."""
    import psycopg

    try:
        with psycopg.connect(_pg(PROVINCE_DB), connect_timeout=5) as conn:
            households = conn.execute("SELECT count(*) FROM registry_household").fetchone()
            refreshed = conn.execute("SELECT count(*) FROM stats_indicatorrefresh").fetchone()
        if households and households[0] > 1_000_000 and refreshed and refreshed[0]:
            return
    except psycopg.Error:
        pass
    _pg_admin(f"DROP DATABASE IF EXISTS {PROVINCE_DB} WITH (FORCE)", f"CREATE DATABASE {PROVINCE_DB}")
    for args in (["migrate", "-v0"], ["areas", "load"], ["demo"],
                 ["synth", "--scale", "province", "--seed", "2017", "--into-db"],
                 ["checks", "--year", "2017", "--area", "520000000000"]):  # fmt: skip
        run_child([FUPIN, *args], env)


LIVE = str(ROOT / "bench" / "live_checks.py")


def _live_case(env: dict[str, str], area: str, parquet_dir: Path, tmp: str, repeat: int) -> dict[str, Any]:
    """`fupin checks` on the database in ``env`` ``repeat`` times (each a child: wall time and peak memory), the
    run's own time (read + rules + merge) from the database, the Parquet path on the same data, and the stored
    findings compared with the Parquet path's and with the planted answers — anything but identical and 100% stops
    the benchmark."""
    commands, own, rules = [], [], []
    for _ in range(repeat):
        commands.append(run_child([FUPIN, "checks", "--year", "2017", "--area", area], env))
        out = json.loads(run_child([sys.executable, LIVE, "stored", "2017", f"{tmp}/stored.parquet"], env).output)
        own.append(Run(out["seconds"], commands[-1].peak_mb, ""))
        run = run_child([sys.executable, LIVE, "parquet", str(parquet_dir), f"{tmp}/parquet.parquet"])
        rules.append(Run(json.loads(run.output)["seconds"], run.peak_mb, ""))
    same = json.loads(run_child([sys.executable, LIVE, "compare", f"{tmp}/stored.parquet", f"{tmp}/parquet.parquet",
                                 str(parquet_dir / "answers.parquet")]).output)  # fmt: skip
    if same["only_stored"] or same["only_parquet"] or not same["perfect"]:
        raise SystemExit(f"live checks: the stored findings differ from the Parquet path's or miss the truth: {same}")
    return {"commands": commands, "own": own, "rules": rules, "findings": same["stored"]}


def bench_live_checks(smoke: bool, repeat: int) -> dict[str, object]:
    """`fupin checks` on the live database (issue 16): the province in PostgreSQL (smoke: the tiny county) and the
    tiny county in SQLite, against the rules on DuckDB over the same data as Parquet, a hand-written SQL floor run
    by PostgreSQL over the same tables, the Ibis rules pushed down into PostgreSQL, and three ways of reading."""
    repeat = 1 if smoke else repeat
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # SQLite, the tiny county (the demo's database)
        tiny = Path(tmp) / "tiny"
        run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--out", str(tiny)])
        env = {"FUPIN_DATA_DIR": tmp, "FUPIN_DATABASE_URL": f"sqlite:///{tmp}/live.sqlite3",
               "DJANGO_SETTINGS_MODULE": "config.settings.base"}  # fmt: skip
        for args in (
            ["migrate", "-v0"],
            ["areas", "load"],
            ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"],
        ):
            run_child([FUPIN, *args], env)
        case = _live_case(env, "520325000000", tiny, tmp, repeat)
        size = f"tiny county 道真 (SQLite): {case['findings']:,} findings = the Parquet path's, 100% on the planted"
        base = statistics.median(r.seconds for r in case["rules"])
        rows += [
            _row("SQLite: fupin checks, the run's own time (read + rules + merge)", case["own"], size,
                 ("the rules on DuckDB over the same data as Parquet", base)),
            _row("SQLite: the whole command (with the indicator refresh)", case["commands"], size,
                 ("the rules on DuckDB over the same data as Parquet", base)),
        ]  # fmt: skip
        # PostgreSQL: the province (smoke: the tiny county in a fresh database)
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        if smoke:
            _pg_admin("DROP DATABASE IF EXISTS fupin_bench_live WITH (FORCE)", "CREATE DATABASE fupin_bench_live")
            env["FUPIN_DATABASE_URL"] = _pg("fupin_bench_live")
            for args in (["migrate", "-v0"], ["areas", "load"],
                         ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"]):  # fmt: skip
                run_child([FUPIN, *args], env)
            area, data, label = "520325000000", tiny, "tiny county (PostgreSQL)"
        else:
            env["FUPIN_DATABASE_URL"] = _pg(PROVINCE_DB)
            _province_db(env)
            area, data, label = "520000000000", _province_parquet(), "province (PostgreSQL)"
        case = _live_case(env, area, data, tmp, repeat)
        size = f"{label}: {case['findings']:,} findings = the Parquet path's, 100% on the planted"
        base = statistics.median(r.seconds for r in case["rules"])
        own = statistics.median(r.seconds for r in case["own"])
        floor = json.loads(run_child([sys.executable, LIVE, "floor", "2017", area], env).output)
        if floor["findings"] != case["findings"]:
            raise SystemExit(f"live checks: the SQL floor found {floor['findings']}, the check {case['findings']}")
        # the push-down, on one county (道真): PostgreSQL plans some rules' joins over the views as nested loops
        county, county_own = "520325000000", own
        if not smoke:
            run_child([FUPIN, "checks", "--year", "2017", "--area", county], env)
            stored = run_child([sys.executable, LIVE, "stored", "2017", f"{tmp}/county.parquet"], env)
            county_own = json.loads(stored.output)["seconds"]
        push = run_child([sys.executable, LIVE, "pushdown", "2017", county, "2" if smoke else "30"], env)
        pushed = json.loads(push.output)
        late = f"; {len(pushed['timed_out'])} rules stopped at the limit ({', '.join(pushed['timed_out'])})"
        reads = run_child([sys.executable, LIVE, "reads", area], env)
        read = json.loads(reads.output)
        rows += [
            _row("PostgreSQL: fupin checks, the run's own time (read + rules + merge)", case["own"], size,
                 ("the rules on DuckDB over the same data as Parquet", base)),
            _row("PostgreSQL: the whole command (with the indicator refresh of every area)", case["commands"], size,
                 ("the rules on DuckDB over the same data as Parquet", base)),
            _row("PostgreSQL: every rule hand-written in SQL, run by PostgreSQL over the live tables (floor)",
                 [Run(floor["seconds"], 0.0, "")], f"{floor['findings']:,} findings",
                 ("the check run's own time", own)),
            _row("PostgreSQL: the Ibis rules pushed down into PostgreSQL (views over the live tables), 道真 only",
                 [Run(pushed["seconds"], push.peak_mb, "")],
                 f"{pushed['findings']:,} findings" + (late if pushed["timed_out"] else ""),
                 ("the check run's own time for 道真", county_own)),
            _row("PostgreSQL: reading the tables, ADBC (binary COPY → Arrow in C++), what a check run does",
                 [Run(read["adbc"], reads.peak_mb, "")], f"{read['rows']:,} rows, one connection, by county",
                 ("rows through the cursor as Python objects (before)", read["cursor"])),
            _row("PostgreSQL: reading the tables, COPY … TO STDOUT (CSV) parsed by Arrow (inside a transaction)",
                 [Run(read["copy"], reads.peak_mb, "")], f"{read['rows']:,} rows, by county",
                 ("rows through the cursor as Python objects (before)", read["cursor"])),
        ]  # fmt: skip
        if smoke:
            _pg_admin("DROP DATABASE IF EXISTS fupin_bench_live WITH (FORCE)")
    return {
        "name": "live_checks",
        "title": "Checks on the live database (`fupin checks --year 2017`): time and peak "
        "memory of the command against the rules on DuckDB over the same data as Parquet (goal ≤1.5×, <2 GB); "
        "findings identical and 100% on the planted truth (the benchmark refuses anything else)",
        "rows": rows,
    }


def bench_dashboard(smoke: bool, repeat: int) -> dict[str, object]:
    """20 virtual users (closed loop, no think time) on the dashboards of the province-scale PostgreSQL database,
    served by gunicorn with the production settings behind a (simulated) TLS proxy; smoke: 4 users, tiny county
    in SQLite. Latency of each dashboard page, p95 against the 300 ms goal."""
    import secrets

    users, seconds = (4, 3.0) if smoke else (20, 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.production",
               "FUPIN_SECRET_KEY": secrets.token_urlsafe(40), "FUPIN_AUDIT_KEY": secrets.token_urlsafe(40),
               "FUPIN_SSL_REDIRECT": "0"}  # fmt: skip
        if smoke:
            env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/smoke.sqlite3"
            for args in (["migrate", "-v0"], ["areas", "load"], ["demo"],
                         ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"],
                         ["checks", "--year", "2017", "--area", "520325"]):  # fmt: skip
                run_child([FUPIN, *args], env)
            size = "tiny county (SQLite)"
        else:
            env["FUPIN_DATABASE_URL"] = _pg(PROVINCE_DB)
            _province_db(env)
            import psycopg

            with psycopg.connect(_pg(PROVINCE_DB)) as conn:
                row = conn.execute("SELECT (SELECT count(*) FROM registry_household), "
                                   "(SELECT count(*) FROM registry_member), "
                                   "(SELECT count(*) FROM stats_indicatorvalue)").fetchone()  # fmt: skip
            assert row is not None
            size = f"province PostgreSQL: {row[0]:,} households, {row[1]:,} people, {row[2]:,} indicator values"
        run_child([FUPIN, "collectstatic", "--noinput", "-v0"], env)
        cache = _redis_cache()
        if cache and not smoke:
            env["FUPIN_CACHE_URL"] = cache  # one cache for all workers, emptied: the warm-up renders every page once
        workers = "2" if smoke else "4"
        with _gunicorn(env, workers) as (base, pid):
            results, runs = [], []
            for _ in range(1 if smoke else repeat):
                load = [sys.executable, str(ROOT / "bench" / "dashboard_load.py"), base,
                        "--users", str(users), "--seconds", str(seconds),
                        "--warmup", "1" if smoke else "20"]  # fmt: skip
                run = run_child(load)
                out = json.loads(run.output)
                if out["errors"]:
                    raise SystemExit(f"dashboard load: {out['errors']} requests failed")
                results.append(out)
                runs.append(Run(out["p95_ms"] / 1000, _rss_mb(pid), ""))
            busy = _load_with_refreshes([*load[:-2], "--warmup", "1"], env)
    last = results[-1]
    row = _row(f"p95 latency, {users} users, no think time", runs,
               f"{size}; {last['requests']:,} requests in {seconds:.0f} s ({last['throughput']} req/s), "
               f"p50 {last['p50_ms']} ms, p99 {last['p99_ms']} ms; gunicorn {workers} sync workers, "
               f"{'Redis' if 'FUPIN_CACHE_URL' in env else 'per-process'} cache emptied before a 20 s warm-up",
               baseline=("goal 300 ms", 0.300))  # fmt: skip
    row["case"] = f"dashboard p95 ({users} concurrent users)"
    busy_row = _row(f"p95 latency, {users} users, while incremental refreshes run back to back",
                    [Run(busy["p95_ms"] / 1000, 0.0, "")],
                    f"{size}; {busy['requests']:,} requests in {seconds:.0f} s, p50 {busy['p50_ms']} ms, "
                    f"p99 {busy['p99_ms']} ms; beside it a worker refreshing a random village and its ancestors, "
                    "then pausing 1 s, in a loop (a write every second somewhere in the province)",
                    baseline=("goal 300 ms", 0.300))  # fmt: skip
    busy_row["case"] = f"dashboard p95 ({users} users) with refreshes running"
    print(f"  dashboard: p95 {[r['p95_ms'] for r in results]} ms")  # noqa: T201
    return {
        "name": "dashboard",
        "title": "Dashboard latency under load (gunicorn, production settings, loopback load generator "
        "bench/dashboard_load.py): goal p95 < 300 ms with 20 concurrent users; time column = p95 in seconds, "
        "peak memory = the server's workers",
        "rows": [row, busy_row],
    }


@contextmanager
def _gunicorn(env: dict[str, str], workers: str) -> Iterator[tuple[str, int]]:
    """The app under gunicorn (sync workers) on a free loopback port, answering: (its URL, the master's pid)."""
    import signal
    import urllib.request

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server
        [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--chdir", str(ROOT / "src"),
         "-b", f"127.0.0.1:{port}", "-w", workers, "--forwarded-allow-ips", "127.0.0.1"],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def _load_with_refreshes(load: list[str], env: dict[str, str]) -> dict[str, Any]:
    """The dashboard load while the worker's incremental refreshes run back to back (dashboards never stale)."""
    import signal

    refresher = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(ROOT / "bench" / "refresh.py"), "loop"], env={**os.environ, **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(2)
        busy: dict[str, Any] = json.loads(run_child(load).output)
    finally:
        os.killpg(refresher.pid, signal.SIGTERM)
        refresher.wait(20)
    if busy["errors"]:
        raise SystemExit(f"dashboard load with refreshes: {busy['errors']} requests failed")
    return busy


def bench_refresh(smoke: bool, repeat: int) -> dict[str, object]:
    """Dashboards never stale: the incremental refresh after one household's change (its village, then the
    township, county, prefecture and province rolled up from their children) against a full refresh of the
    province, on the province-scale PostgreSQL database (smoke: the tiny county in SQLite)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FUPIN_DATA_DIR": tmp}
        if smoke:
            env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/smoke.sqlite3"
            for args in (["migrate", "-v0"], ["areas", "load"],
                         ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"]):  # fmt: skip
                run_child([FUPIN, *args], env)
            size = "tiny county (SQLite)"
        else:
            env["FUPIN_DATABASE_URL"] = _pg(PROVINCE_DB)
            _province_db(env)
            size = "province PostgreSQL"
        run = run_child([sys.executable, str(ROOT / "bench" / "refresh.py"), "measure", "--repeat",
                         "1" if smoke else str(repeat)], env)  # fmt: skip
    out = json.loads(run.output.strip().splitlines()[-1])
    size = f"{size}: {out['households']:,} households, years 2014–{out['year']}"
    full = [Run(s, run.peak_mb, "") for s in out["full"]]
    incremental = [Run(s, run.peak_mb, "") for s in out["incremental"]]
    full_median = statistics.median(out["full"])
    rows = [
        _row("full refresh of the province (every area, every year)", full, size, baseline=("itself", full_median)),
        _row(
            "incremental refresh after one household's change (village + 4 ancestors), random villages",
            incremental,
            size,
            baseline=("full province refresh", full_median),
        ),
    ]
    return {"name": "refresh", "title": "Indicator refresh: incremental (what the worker does after a write) against "
            "a full refresh of the province; ratio = incremental ÷ full", "rows": rows}  # fmt: skip


def _redis_cache() -> str:
    """redis://127.0.0.1:6379/15, emptied, if a Redis answers there; "" otherwise (each worker caches alone)."""
    try:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1)
        client.flushdb()
    except Exception:
        return ""
    return "redis://127.0.0.1:6379/15"


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the gunicorn master and workers), in MB."""
    total = 0
    try:
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)],  # noqa: S603, S607
                             capture_output=True, text=True, check=False).stdout  # fmt: skip
        total = sum(int(x) for x in out.split())
    except (OSError, ValueError):
        pass
    return total / 1024


def _numbers(output: str) -> list[str]:
    """Household, member and yearly-record counts from the command's `…户，…人，…条年度记录已入库` line."""
    import re

    line = next((ln for ln in output.splitlines() if "已入库" in ln), "")
    return re.findall(r"(\d+) (?:户|人|条)", line)


FIELD = str(ROOT / "bench" / "fieldwork.py")
FIELD_YEAR = "2018"


def _production_env(env: dict[str, str], extra: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` under the production settings (fresh keys; behind a simulated TLS proxy, so no redirect), its
    static files collected: what gunicorn serves in the load benchmarks."""
    import secrets

    keys = {"FUPIN_SECRET_KEY": secrets.token_urlsafe(40), "FUPIN_AUDIT_KEY": secrets.token_urlsafe(40)}
    prod = {**env, **keys, "DJANGO_SETTINGS_MODULE": "config.settings.production", "FUPIN_SSL_REDIRECT": "0",
            **(extra or {})}  # fmt: skip
    run_child([FUPIN, "collectstatic", "--noinput", "-v0"], prod)
    return prod


def bench_fieldwork(smoke: bool, repeat: int) -> dict[str, object]:
    """The field work (issue 17): the province's year-end review (ratings of every posted cadre, their records,
    the proposals) against the ratings hand-written in one SQL statement; the tallies rebuilt from the work log
    against a hand-written GROUP BY, and read from the monthly rows against counting the log; a log entry saved
    from the phone by 20 first secretaries at once (gunicorn, production settings). Smoke: the tiny county in
    SQLite, 4 users."""
    import secrets

    repeat = 1 if smoke else repeat
    users, seconds = (4, 3.0) if smoke else (20, 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        if smoke:
            env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/field.sqlite3"
            for args in (["migrate", "-v0"], ["areas", "load"],
                         ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"]):  # fmt: skip
                run_child([FUPIN, *args], env)
            area, label = "520325000000", "tiny county 道真 (SQLite)"
        else:
            env["FUPIN_DATABASE_URL"] = _pg(PROVINCE_DB)
            _province_db(env)
            area, label = "520000000000", "province (PostgreSQL)"
        reviews, runs = [], []
        for _ in range(repeat):
            run = run_child([sys.executable, FIELD, "review", area, FIELD_YEAR], env)
            out = json.loads(run.output)
            reviews.append(out)
            runs.append(Run(out["seconds"], run.peak_mb, ""))
        floor = json.loads(run_child([sys.executable, FIELD, "floor", area, FIELD_YEAR], env).output)
        last = reviews[-1]
        if floor["differ"] or floor["rated"] != last["rated"]:
            raise SystemExit(f"field work: the SQL floor rated {floor['rated']}, {floor['differ']} differ")
        grades = "，".join(f"{g} {n:,}" for g, n in sorted(last["grades"].items()))
        size = (f"{label}: {last['rated']:,} posted cadres rated ({grades}; {last['capped']} capped), "
                f"{last['logs']:,} work-log entries; ratings identical to the SQL floor's")  # fmt: skip
        tallies = [json.loads(run_child([sys.executable, FIELD, "tallies", area, FIELD_YEAR], env).output)
                   for _ in range(repeat)]  # fmt: skip
        if not all(t["same"] for t in tallies):
            raise SystemExit("field work: the tallies differ from counting the log")
        t_size = f"{label}: {tallies[-1]['entries']:,} entries of {FIELD_YEAR} → {tallies[-1]['rows']:,} monthly rows"
        floor_s = statistics.median(t["floor_seconds"] for t in tallies)
        count_s = statistics.median(t["count_seconds"] for t in tallies)
        rows = [
            _row("the year-end review (`fupin field review`: read, Ibis ratings on DuckDB, write ratings, records, "
                 "proposals)", runs, size, ("the ratings hand-written in SQL, run by the database", floor["seconds"])),
            _row("the tallies rebuilt from the work log (service)",
                 [Run(t["rebuild_seconds"], 0.0, "") for t in tallies], t_size,
                 ("a hand-written GROUP BY over the log", floor_s)),
            _row("the tallies of the whole area read for a dashboard (monthly rows)",
                 [Run(t["read_seconds"], 0.0, "") for t in tallies], t_size,
                 ("counting the log itself", count_s)),
        ]  # fmt: skip
        # a log entry saved from the phone, N first secretaries at once
        password = secrets.token_urlsafe(12)
        run_child([sys.executable, FIELD, "accounts", str(users), password], env)
        prod = _production_env(env)
        workers = "2" if smoke else "4"
        with _gunicorn(prod, workers) as (base, _):
            loads = []
            for _ in range(repeat):
                load = [sys.executable, str(ROOT / "bench" / "field_load.py"), base, password,
                        "--users", str(users), "--seconds", str(seconds),
                        "--warmup", "1" if smoke else "5"]  # fmt: skip
                out = json.loads(run_child(load).output)
                if out["errors"]:
                    raise SystemExit(f"field load: {out['errors']} saves failed: {out['statuses']}")
                loads.append(out)
    saved = loads[-1]
    save_row = _row(f"a work-log entry saved from the phone, p95, {users} first secretaries at once",
                    [Run(o["p95_ms"] / 1000, 0.0, "") for o in loads],
                    f"{label}; {saved['saves']:,} saves in {seconds:.0f} s ({saved['throughput']}/s), p50 "
                    f"{saved['p50_ms']} ms, p99 {saved['p99_ms']} ms; gunicorn {workers} sync workers, each save "
                    "audited and its village's tally updated in the same transaction",
                    baseline=("goal 300 ms", 0.300))  # fmt: skip
    print(f"  fieldwork: review {[round(r.seconds, 2) for r in runs]} s, save p95 {saved['p95_ms']} ms")  # noqa: T201
    return {
        "name": "fieldwork",
        "title": "Field work (驻村管理): the province's year-end review and tallies against hand-written SQL, and "
        "saving a work-log entry under load (goal p95 < 300 ms with 20 concurrent users)",
        "rows": [*rows, save_row],
    }


DEVICES_DB = "fupin_devices"


def bench_devices(smoke: bool, repeat: int) -> dict[str, object]:
    """The field devices (issue 22): N phones with ODK Collect, each a first secretary's with a token of their own,
    come online at once and send their outboxes (each submission through the work-log form and service, audited,
    kept once by its instanceID), then resend them all (duplicates: answered, nothing written); and one phone's
    first download (its forms, its village's households and cases through the API). gunicorn, production settings.
    Smoke: the tiny county in SQLite, 4 devices."""
    import secrets

    repeat = 1 if smoke else repeat
    devices, box = (4, 5) if smoke else (20, 10)
    with tempfile.TemporaryDirectory() as tmp:
        env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        if smoke:
            env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/devices.sqlite3"
            scale, label = "tiny", "tiny county 道真 (SQLite)"
        else:
            # a county in PostgreSQL: a device's requests touch its own village's rows by index, so the province
            # would add its half hour of loading and nothing per request
            _pg_admin(f"DROP DATABASE IF EXISTS {DEVICES_DB} WITH (FORCE)", f"CREATE DATABASE {DEVICES_DB}")
            env["FUPIN_DATABASE_URL"] = _pg(DEVICES_DB)
            scale, label = "county", "one county (PostgreSQL)"
        for args in (["migrate", "-v0"], ["areas", "load"],
                     ["synth", "--scale", scale, "--seed", "2017", "--into-db"]):  # fmt: skip
            run_child([FUPIN, *args], env)
        run_child([sys.executable, FIELD, "accounts", str(devices), secrets.token_urlsafe(12)], env)
        prod = _production_env(env, {"FUPIN_API_TOKEN_RATE": "100000/min"})
        workers = "2" if smoke else "4"
        outs = []
        with _gunicorn(prod, workers) as (base, _):
            for _ in range(repeat):
                tokens = json.loads(run_child([sys.executable, FIELD, "tokens", str(devices)], env).output)["tokens"]
                path = Path(tmp) / "tokens.json"
                path.write_text(json.dumps(tokens), encoding="utf-8")
                out = json.loads(run_child([sys.executable, str(ROOT / "bench" / "device_load.py"), base, str(path),
                                            "--outbox", str(box)]).output)  # fmt: skip
                sent, again = out["sync"], out["resend"]
                if sent["statuses"] != {"201": devices * box} or again["statuses"] != {"202": devices * box}:
                    raise SystemExit(f"devices: sent {sent['statuses']}, resent {again['statuses']}")
                outs.append(out)
    if not smoke:
        _pg_admin(f"DROP DATABASE IF EXISTS {DEVICES_DB} WITH (FORCE)")
    last = outs[-1]
    sent, again, first = last["sync"], last["resend"], last["download"]
    size = (f"{label}; {devices} devices × {box} submissions = {sent['submissions']:,} in {sent['seconds']} s, "
            f"p50 {sent['p50_ms']} ms, p99 {sent['p99_ms']} ms; each accepted once (201), then every one resent "
            f"(202, nothing written: p95 {again['p95_ms']} ms); gunicorn {workers} sync workers")  # fmt: skip
    rows = [
        _row(f"an outbox submission (ODK Collect → work log), p95, {devices} devices syncing at once",
             [Run(o["sync"]["p95_ms"] / 1000, 0.0, "") for o in outs], size, baseline=("goal 300 ms", 0.300)),
        _row("one cadre's first download: form list, forms, the village's households and cases (API pages)",
             [Run(o["download"]["seconds"], 0.0, "") for o in outs],
             f"{label}; {first['bytes'] / 1024:,.0f} KB in {first['requests']} requests: "
             f"{first['households']:,} households, {first['cases']:,} cases, the forms with the village's "
             "households as choices", baseline=("goal 5 s on a phone's first sync", 5.0)),
    ]  # fmt: skip
    print(f"  devices: p95 {sent['p95_ms']} ms, download {first['seconds']} s, {first['bytes']:,} B")  # noqa: T201
    return {
        "name": "devices",
        "title": "Field devices (ODK Collect): 20 phones sending their outboxes at once, and one phone's first "
        "download (goal p95 < 300 ms per submission)",
        "rows": rows,
    }


PARTY = str(ROOT / "bench" / "partyorg.py")
PARTY_DB = "fupin_party"


def bench_partyorg(smoke: bool, repeat: int) -> dict[str, object]:
    """The village Party organizations (issue 18): the year's 软弱涣散 identification (read the organizations,
    seats, yearly facts and reviews, judge the four criteria in Ibis on DuckDB, write the cases, their audit and
    the classification) over the province's 13,615 organizations in PostgreSQL and SQLite, against the criteria
    hand-written in one SQL statement; the list identical to the SQL's and scored against the planted answers.
    Smoke: one county (威宁) in SQLite."""
    repeat = 1 if smoke else repeat
    year = "2018"
    rows = []
    engines = [("sqlite", "520526")] if smoke else [("postgresql", "province"), ("sqlite", "province")]
    for vendor, counties in engines:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
            if vendor == "sqlite":
                env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/party.sqlite3"
            else:
                _pg_admin(f"DROP DATABASE IF EXISTS {PARTY_DB} WITH (FORCE)", f"CREATE DATABASE {PARTY_DB}")
                env["FUPIN_DATABASE_URL"] = _pg(PARTY_DB)
            for args in (["migrate", "-v0"], ["areas", "load"]):
                run_child([FUPIN, *args], env)
            loaded = json.loads(run_child([sys.executable, PARTY, "load", counties], env).output)
            area = "520000000000" if counties == "province" else f"{counties}000000"
            label = f"{'province' if counties == 'province' else 'county ' + counties} ({vendor})"
            runs, judged = [], []
            for _ in range(repeat):
                run = run_child([sys.executable, PARTY, "identify", area, year], env)
                out = json.loads(run.output)
                runs.append(Run(out["seconds"], run.peak_mb, ""))
                judged.append(Run(out["judge_seconds"], run.peak_mb, ""))
            floors = [json.loads(run_child([sys.executable, PARTY, "floor", area, year], env).output)
                      for _ in range(repeat)]  # fmt: skip
            f = floors[-1]
            if f["differ"] or f["recall"] < 1 or f["precision"] < 1 or f["near_flagged"]:
                raise SystemExit(f"partyorg ({vendor}): {f}")
            floor_s = statistics.median(x["seconds"] for x in floors)
            size = (f"{label}: {out['organizations']:,} organizations, {out['seats']:,} secretaries' seats, "
                    f"{out['weak']:,} weak villages of {year} ({out['hits']:,} criteria hit); list identical to the "
                    f"SQL's; planted {f['planted']} hits found (recall {f['recall']:.0%}, precision "
                    f"{f['precision']:.0%}), {f['near_misses']} near misses left alone")  # fmt: skip
            rows.append(_row(f"the year's 软弱涣散 identification (`fupin party identify`), {vendor}", runs, size,
                             ("the four criteria hand-written in SQL, run by the database", floor_s)))  # fmt: skip
            rows.append(_row(f"… its read-and-judge part alone (tables as Arrow, Ibis on DuckDB), {vendor}", judged,
                             size, ("the same SQL", floor_s)))  # fmt: skip
            rows.append(_row(f"loading the synthetic organizations (`partyorg_load`, incl. the 2017 and 2018 "
                             f"lists), {vendor}", [Run(loaded["load_seconds"], 0.0, "")],
                             f"{label}: {loaded['rows']:,} rows",
                             ("generating them", loaded["generate_seconds"])))  # fmt: skip
            print(f"  partyorg {vendor}: identify {[round(r.seconds, 2) for r in runs]} s, floor {floor_s:.3f} s")  # noqa: T201
        if vendor == "postgresql":
            _pg_admin(f"DROP DATABASE IF EXISTS {PARTY_DB} WITH (FORCE)")
    return {
        "name": "partyorg",
        "title": "Village Party organizations (建强组织): the province's yearly 软弱涣散 identification against "
        "hand-written SQL",
        "rows": rows,
    }


ASSESS = str(ROOT / "bench" / "assessment.py")
ASSESS_DB = "fupin_assess"


def bench_assessment(smoke: bool, repeat: int) -> dict[str, object]:
    """Assessment and accountability (issue 19): the province's assessment of all its schemes in one run — the
    province over its 88 counties, each prefecture over its townships (1,510), each county over its deep-poverty
    villages (2,760) — reading the dashboards' indicators, the cadres' ratings and violations, the 软弱涣散 lists,
    the 述职评议 and the entered 观摩 scores, scoring in Ibis on DuckDB and writing the results and their audit; then
    the grades of the province's helping units over its posted cadres (~51,000). Against the scoring hand-written in
    one SQL statement over the same values; results identical, the planted vetoes and unapproved head changes found.
    Smoke: one county (威宁) in SQLite."""
    repeat = 1 if smoke else repeat
    rows = []
    engines = [("sqlite", "520526")] if smoke else [("postgresql", "province"), ("sqlite", "province")]
    for vendor, counties in engines:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
            if vendor == "sqlite":
                env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/assess.sqlite3"
            else:
                _pg_admin(f"DROP DATABASE IF EXISTS {ASSESS_DB} WITH (FORCE)", f"CREATE DATABASE {ASSESS_DB}")
                env["FUPIN_DATABASE_URL"] = _pg(ASSESS_DB)
            for args in (["migrate", "-v0"], ["areas", "load"]):
                run_child([FUPIN, *args], env)
            loaded = json.loads(run_child([sys.executable, ASSESS, "load", counties], env).output)
            area = "520000000000" if counties == "province" else f"{counties}000000"
            label = f"{'province' if counties == 'province' else 'county ' + counties} ({vendor})"
            runs, scored, graded = [], [], []
            for _ in range(repeat):
                run = run_child([sys.executable, ASSESS, "run", area, "2017"], env)
                out = json.loads(run.output)
                runs.append(Run(out["seconds"], run.peak_mb, ""))
                scored.append(Run(out["score_seconds"], run.peak_mb, ""))
                graded.append(Run(out["unit_seconds"], run.peak_mb, ""))
            floors = [json.loads(run_child([sys.executable, ASSESS, "floor", area, "2017"], env).output)
                      for _ in range(repeat)]  # fmt: skip
            f = floors[-1]
            if (f["differ"] or f["recall"] < 1 or f["precision"] < 1 or f["near_flagged"]
                    or f["stability_found"] < f["stability_planted"] or f["stability_extra"]
                    or f["stability_near_flagged"]):  # fmt: skip
                raise SystemExit(f"assessment ({vendor}): {f}")
            floor_s = statistics.median(x["seconds"] for x in floors)
            levels = out["by_level"]
            size = (f"{label}: {out['schemes']} schemes, {out['assessed']:,} areas ranked ({levels.get('3', 0):,} "
                    f"counties, {levels.get('4', 0):,} townships, {levels.get('5', 0):,} villages), "
                    f"{out['values']:,} indicator values; results identical to the SQL's; planted vetoes "
                    f"{f['planted']} all ranked last (recall {f['recall']:.0%}, precision {f['precision']:.0%}), "
                    f"{f['near_misses']} near misses left alone; {f['stability_found']}/{f['stability_planted']} "
                    f"planted unapproved head changes found, none else")  # fmt: skip
            units = f"{out['units']:,} helping units with posted cadres ({loaded['cadres']:,} cadres rated)"
            rows.append(_row(f"all the year's schemes at once (`fupin assessment all`), {vendor}", runs, size,
                             ("the scoring hand-written in SQL, run by the database", floor_s)))  # fmt: skip
            rows.append(_row(f"… its read-and-score part alone (tables as Arrow, Ibis on DuckDB), {vendor}", scored,
                             size, ("the same SQL", floor_s)))  # fmt: skip
            rows.append(_row(f"the helping units' grades (`unit_grades_run`), {vendor}", graded, units,
                             ("the schemes' SQL floor, for scale", floor_s)))  # fmt: skip
            prepared = ("preparing classifications, cadres, ratings and indicators", loaded["prepare_seconds"])
            rows.append(_row(f"loading the synthetic assessment (`assessment_load`, incl. its first run), {vendor}",
                             [Run(loaded["load_seconds"], 0.0, "")], f"{label}: {loaded['rows']:,} rows",
                             prepared))  # fmt: skip
            print(f"  assessment {vendor}: all schemes {[round(r.seconds, 2) for r in runs]} s, "  # noqa: T201
                  f"floor {floor_s:.3f} s")  # fmt: skip
        if vendor == "postgresql":
            _pg_admin(f"DROP DATABASE IF EXISTS {ASSESS_DB} WITH (FORCE)")
    return {
        "name": "assessment",
        "title": "Assessment (压实责任): the province's assessment of all its schemes and its helping units' grades "
        "against hand-written SQL",
        "rows": rows,
    }


MONITOR = str(ROOT / "bench" / "monitoring.py")
MONITOR_DB = "fupin_monitor"


def bench_monitoring(smoke: bool, repeat: int) -> dict[str, object]:
    """Return-to-poverty monitoring (issue 21): the province's monitoring run — the departments' alerts of the last
    12 months matched by ID number to the registered people, new cases opened with their identification procedures
    (the first run), every open case scored and ranked in its village and township and its elimination criteria
    judged (Ibis on DuckDB), written back — against the matching, scoring and ranking hand-written in one SQL
    statement; the scores and ranks identical. Smoke: the tiny county in SQLite."""
    repeat = 1 if smoke else repeat
    rows = []
    on, year = "2017-12-31", "2017"
    # the province on PostgreSQL, the production path (SQLite runs the same code at the tiny scale, in the smoke)
    engines = [("sqlite", "tiny")] if smoke else [("postgresql", "province")]
    for vendor, scale in engines:
        with tempfile.TemporaryDirectory() as tmp:
            if scale == "province":
                source = _province_parquet()
            else:
                source = Path(tmp) / "tiny"
                run_child([FUPIN, "synth", "--scale", "tiny", "--seed", "2017", "--out", str(source)])
            env = {"FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
            if vendor == "sqlite":
                env["FUPIN_DATABASE_URL"] = f"sqlite:///{tmp}/monitor.sqlite3"
            else:
                _pg_admin(f"DROP DATABASE IF EXISTS {MONITOR_DB} WITH (FORCE)", f"CREATE DATABASE {MONITOR_DB}")
                env["FUPIN_DATABASE_URL"] = _pg(MONITOR_DB)
            for args in (["migrate", "-v0"], ["areas", "load"]):
                run_child([FUPIN, *args], env)
            loaded = json.loads(run_child([sys.executable, MONITOR, "load", str(source)], env).output)
            area = "520000000000"
            runs, outs = [], []
            for _ in range(repeat + 1):  # the first run takes the new alerts in; the others find them known
                run = run_child([sys.executable, MONITOR, "run", area, on, year], env)
                outs.append(json.loads(run.output))
                runs.append(Run(outs[-1]["seconds"], run.peak_mb, ""))
            floors = [json.loads(run_child([sys.executable, MONITOR, "floor", area, on, year], env).output)
                      for _ in range(repeat)]  # fmt: skip
            f = floors[-1]
            if f["differ"] or f["cases"] != outs[-1]["scored"]:
                raise SystemExit(f"monitoring ({vendor}): {f} against {outs[-1]}")
            floor_s = statistics.median(x["seconds"] for x in floors)
            first, later = outs[0], outs[-1]
            label = f"{scale} ({vendor})"
            size = (f"{label}: {loaded['members']:,} registered people, {first['alerts']:,} alerts of the 12 months "
                    f"({first['matched']:,} matched), {loaded['cases']:,} cases loaded; scores and ranks of "
                    f"{later['scored']:,} open cases identical to the SQL's")  # fmt: skip
            sql = ("matching, scoring and ranking hand-written in SQL, run by the database", floor_s)
            rows.append(_row(f"the first run (`fupin monitoring run`): {first['opened']:,} cases opened with their "
                             f"procedures, {first['merged']:,} alerts merged, then scored, {vendor}", runs[:1], size,
                             sql))  # fmt: skip
            rows.append(_row(f"a later run (every alert known: matched, scored, ranked, judged, written), {vendor}",
                             runs[1:], size, ("the same SQL", floor_s)))  # fmt: skip
            rows.append(_row(f"loading the synthetic cases (`monitoring_load`), {vendor}",
                             [Run(loaded["load_seconds"], 0.0, "")],
                             f"{label}: {loaded['cases']:,} cases, {loaded['sources']:,} sources, "
                             f"{loaded['follow_ups']:,} follow-up visits",
                             ("loading the registry they belong to", loaded["registry_seconds"])))  # fmt: skip
            print(f"  monitoring {vendor}: runs {[round(r.seconds, 2) for r in runs]} s, "  # noqa: T201
                  f"floor {floor_s:.3f} s")  # fmt: skip
        if vendor == "postgresql":
            _pg_admin(f"DROP DATABASE IF EXISTS {MONITOR_DB} WITH (FORCE)")
    return {
        "name": "monitoring",
        "title": "Return-to-poverty monitoring (防返贫监测): the province's run — alerts matched, cases opened, every "
        "case scored, ranked and judged — against hand-written SQL",
        "rows": rows,
    }


def _row(label: str, runs: list[Run], size: str, baseline: tuple[str, float]) -> dict[str, object]:
    secs = [r.seconds for r in runs]
    median = statistics.median(secs)
    return {
        "case": label,
        "data": size,
        "runs": len(runs),
        "median_s": round(median, 3),
        "spread_s": f"{min(secs):.3f}–{max(secs):.3f}",
        "peak_mb": round(max(r.peak_mb for r in runs), 1),
        "baseline": f"{baseline[0]} ({baseline[1]:.3f} s)",
        "ratio": round(median / baseline[1], 3) if baseline[1] else None,
    }


BENCHMARKS: dict[str, Callable[[bool, int], dict[str, object]]] = {
    "synth": bench_synth,
    "areas": bench_areas,
    "registry_load": bench_registry_load,
    "import": bench_import,
    "years_import": bench_years_import,
    "checks": bench_checks,
    "live_checks": bench_live_checks,
    "dispatch": bench_dispatch,
    "dashboard": bench_dashboard,
    "refresh": bench_refresh,
    "scale": bench_scale,
    "national": bench_national,
    "fieldwork": bench_fieldwork,
    "partyorg": bench_partyorg,
    "assessment": bench_assessment,
    "monitoring": bench_monitoring,
    "devices": bench_devices,
}


def machine() -> str:
    mem = ""
    try:
        kb = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, Python {platform.python_version()}, {platform.system()}"


def render(results: dict[str, dict[str, object]]) -> str:
    lines = ["# Benchmarks", "", "Produced by `make bench` (bench/run.py); do not edit by hand.", ""]
    for result in results.values():
        lines += [f"## {result['title']}", "", f"Machine: {result['machine']} · date: {result['date']}", ""]
        lines.append("| case | data | runs | median (s) | spread (s) | peak memory (MB) | baseline | ratio |")
        lines.append("|---|---|---|---|---|---|---|---|")
        for row in result["rows"]:  # type: ignore[attr-defined]
            lines.append(
                f"| {row['case']} | {row['data']} | {row['runs']} | {row['median_s']} | {row['spread_s']} | "
                f"{row['peak_mb']} | {row['baseline']} | {row['ratio']} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--smoke", action="store_true", help="tiny scale, once, write nothing (CI)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() and not args.smoke else {}
    for name in names:
        result = BENCHMARKS[name](args.smoke, args.repeat)
        result["machine"] = machine()
        result["date"] = datetime.now(UTC).strftime("%Y-%m-%d")
        results[name] = result
        for row in result["rows"]:  # type: ignore[attr-defined]
            print(f"{row['case']}: median {row['median_s']} s, peak {row['peak_mb']} MB, ratio {row['ratio']}")  # noqa: T201
    if not args.smoke:
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        DOC.write_text(render(results), encoding="utf-8")


if __name__ == "__main__":
    main()
