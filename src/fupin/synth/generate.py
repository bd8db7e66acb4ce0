"""Write the synthetic province (or one prefecture, or one county) as Parquet files plus a manifest."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import calibration as cal
from .county import generate_county
from .province import ProvincePlan, plan_province

FILES = ("area_classifications", "county_targets", "households", "members", "household_years")


def _progress(done: int, total: int, started: float, label: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\r生成 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} 县  {elapsed:6.1f}s  {label}   ")
    sys.stderr.flush()


def counties_for(plan: ProvincePlan, scale: str) -> list[str]:
    spec = cal.SCALES[scale]
    if spec.counties is not None:
        return list(spec.counties)
    if spec.prefecture is not None:
        return sorted(c for c in plan.counties if c.startswith(spec.prefecture))
    return sorted(plan.counties)


def generate(
    *,
    scale: str,
    seed: int,
    out: Path,
    year: int = 2017,
    progress: Callable[[int, int, float, str], None] | None = _progress,
) -> dict[str, Any]:
    if year != 2017:
        raise ValueError("the synthetic province is calibrated to the end of 2017 (--year 2017)")
    if scale not in cal.SCALES:
        raise ValueError(f"unknown scale {scale!r}: {', '.join(cal.SCALES)}")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    plan = plan_province(seed)
    counties = counties_for(plan, scale)
    wanted = set(counties)

    classes = [c for c in plan.classifications if c[0][:6] in wanted or c[0][:6] not in plan.counties]
    pq.write_table(
        pa.table(
            {
                "area_code": [c[0] for c in classes],
                "year": pa.array([c[1] for c in classes], pa.int16()),
                "kind": [c[2] for c in classes],
            }
        ),
        out / "area_classifications.parquet",
    )
    targets = [plan.counties[c] for c in counties]
    pq.write_table(
        pa.table(
            {
                "county_code": [c.code + "000000" for c in targets],
                "name": [c.name for c in targets],
                "kind": [c.kind for c in targets],
                "rural_population": pa.array([c.rural_population for c in targets], pa.int64()),
                **{f"remaining_{y}": pa.array([c.remaining[y] for c in targets], pa.int64()) for y in cal.YEARS},
            }
        ),
        out / "county_targets.parquet",
    )
    writers: dict[str, pq.ParquetWriter] = {}
    counts = {"households": 0, "members": 0, "household_years": 0}
    try:
        for i, code in enumerate(counties):
            tables = generate_county(plan.counties[code], plan.village_weight, seed)
            for name, table in zip(("households", "members", "household_years"), tables, strict=True):
                if name not in writers:
                    writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema, compression="zstd")
                writers[name].write_table(table)
                counts[name] += table.num_rows
            if progress:
                progress(i + 1, len(counties), started, plan.counties[code].name)
    finally:
        for w in writers.values():
            w.close()
    if progress:
        sys.stderr.write("\n")
    manifest = {
        "scale": scale,
        "seed": seed,
        "year": year,
        "counties": len(counties),
        "rows": counts,
        "registered_poor_remaining": {str(y): sum(c.remaining[y] for c in targets) for y in cal.YEARS},
        "rural_population": sum(c.rural_population for c in targets),
        "files": {f"{n}.parquet": _sha256(out / f"{n}.parquet") for n in FILES},
        "seconds": round(time.monotonic() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
