"""Scale: the synthetic province copied into a national layout cut into provinces, and the rules run over it.

    python bench/scale.py replicate SRC DST --copies K
        K copies of the province under DST/<table>/province=PP/part-0.parquet, each relabelled to a real province
        code PP (codes, household numbers and ID numbers rewritten; ID check digits recomputed, the planted wrong
        ones kept wrong), so IDs never collide across provinces and the planted answers stay true.
    python bench/scale.py run DIR --engine duckdb|spark [--memory-limit 4GB] [--spill DIR]
        All rules + indicators over DIR read by the engine itself (never through Python memory); prints one JSON
        line: seconds, rows, people, findings, recall/precision against the planted answers.

No Django: this runs beside Spark as well as on a laptop.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fupin.analytics.schema import TABLES as RULE_TABLES  # noqa: E402 - after the path set-up above

# Real province codes (GB/T 2260) in the order copies take them; 52 (Guizhou) first, i.e. copy 1 is the original.
PROVINCES = [
    "52", "53", "51", "50", "45", "43", "42", "41", "36", "35", "34", "37", "13", "14", "15", "21", "22", "23",
    "61", "62", "63", "64", "65", "44", "46", "32", "33", "31", "11", "12", "54",
]  # fmt: skip
CODE_COLUMNS = {"household_id", "village_code", "county_code", "area_code", "head_id"}
ID_COLUMNS = {"person_id", "owner_id", "legal_rep_id", "head_id"}
# every table the rules read, and the planted answers
TABLES = [*RULE_TABLES, "answers"]


def _relabel(column: str, province: str) -> str:
    """SQL giving the column's value in province ``province`` (a function of the value alone, so joins hold).

    An ID number's check digit moves with its first two digits: their weights are 7 and 9, so the weighted sum
    changes by delta = 7·Δd1 + 9·Δd2 and the check character moves by delta along '10X98765432' (mod 11). A valid
    number stays valid, a planted wrong one stays wrong — without summing 17 digits per row."""
    moved = f"('{province}' || substr({column}, 3))"
    if column not in ID_COLUMNS:
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE {moved} END AS {column}"
    d1, d2 = int(province[0]), int(province[1])
    delta = (
        f"(({d1} - CAST(substr({column}, 1, 1) AS INTEGER)) * 7 + ({d2} - CAST(substr({column}, 2, 1) AS INTEGER)) * 9)"
    )
    index = f"strpos('10X98765432', upper(substr({column}, 18, 1)))"
    well_formed = f"length({column}) = 18 AND regexp_matches(substr({column}, 1, 17), '^[0-9]{{17}}$') AND {index} > 0"
    check = f"substr('10X98765432', ((({index} - 1 + {delta}) % 11 + 11) % 11) + 1, 1)"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN {well_formed} THEN substr({moved}, 1, 17) || {check} "
        f"ELSE {moved} END AS {column}"
    )


def replicate(src: Path, dst: Path, copies: int) -> dict[str, object]:
    import duckdb
    import pyarrow.parquet as pq

    if copies > len(PROVINCES):
        raise SystemExit(f"at most {len(PROVINCES)} copies")
    started = time.perf_counter()
    if dst.exists():
        shutil.rmtree(dst)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    for name in TABLES:
        columns = pq.read_schema(src / f"{name}.parquet").names
        for province in PROVINCES[:copies]:
            select = ", ".join(_relabel(c, province) if c in CODE_COLUMNS | ID_COLUMNS else c for c in columns)
            out = dst / name / f"province={province}"
            out.mkdir(parents=True)
            con.execute(
                f"COPY (SELECT {select} FROM read_parquet('{src / f'{name}.parquet'}')) "
                f"TO '{out / 'part-0.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
            )
    people = con.execute(f"SELECT count(*) FROM read_parquet('{dst / 'members' / '**' / '*.parquet'}')").fetchone()
    size = sum(f.stat().st_size for f in dst.rglob("*.parquet"))
    return {"seconds": time.perf_counter() - started, "copies": copies, "people": people[0] if people else 0,
            "bytes": size}  # fmt: skip


def subset(directory: Path, provinces: int, out: Path) -> Path:
    """A layout of the first ``provinces`` provinces of ``directory`` (symbolic links, no copy)."""
    for table in directory.iterdir():
        if table.is_dir():
            parts = sorted(table.iterdir(), key=lambda p: PROVINCES.index(p.name.split("=")[1]))[:provinces]
            (out / table.name).mkdir(parents=True)
            for part in parts:
                (out / table.name / part.name).symlink_to(part.resolve(), target_is_directory=True)
    return out


def run(directory: Path, engine: str, memory_limit: str | None, spill: Path | None) -> dict[str, object]:
    import pyarrow.dataset as ds

    from fupin.analytics import truth
    from fupin.analytics.params import Params
    from fupin.analytics.run import run_parquet

    out = run_parquet(directory, engine, Params.defaults(2017), memory_limit=memory_limit, spill_dir=spill)
    source = directory / "answers" if (directory / "answers").is_dir() else directory / "answers.parquet"
    answers = ds.dataset(str(source), format="parquet").to_table(columns=["kind", "household_id", "person_id"])
    scores = truth.score(out.result.findings, answers)
    return {
        "engine": engine, "seconds": out.seconds, "load_seconds": out.load_seconds, "people": out.people,
        "households": out.households, "findings": out.result.findings.num_rows,
        "indicator_rows": out.indicators.num_rows, "recall_min": min(s.recall for s in scores),
        "precision_min": min(s.precision for s in scores),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    rep = sub.add_parser("replicate")
    rep.add_argument("src", type=Path)
    rep.add_argument("dst", type=Path)
    rep.add_argument("--copies", type=int, required=True)
    go = sub.add_parser("run")
    go.add_argument("dir", type=Path)
    go.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    go.add_argument("--memory-limit")
    go.add_argument("--spill", type=Path)
    go.add_argument("--provinces", type=int, help="only the first N provinces of the layout")
    args = parser.parse_args()
    if args.what == "replicate":
        out = replicate(args.src, args.dst, args.copies)
    elif args.provinces:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            out = run(subset(args.dir, args.provinces, Path(tmp)), args.engine, args.memory_limit, args.spill)
            out["provinces"] = args.provinces
    else:
        out = run(args.dir, args.engine, args.memory_limit, args.spill)
    print(json.dumps(out))  # noqa: T201


if __name__ == "__main__":
    main()
