"""What a check run reads: the registry's and the departments' canonical tables for one area.

``live_tables`` holds them in memory (a county, a what-if). ``stage_tables`` writes them to Parquet files county
by county, so that reading a province costs the memory of one county: the rules then run on DuckDB over the files
under a memory limit (``analytics.engines.from_parquet``), the same path as the synthetic province's Parquet."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fupin.analytics.engines import canonical
from fupin.areas.models import Area
from fupin.core import codes, progress
from fupin.core.arrow import Columns, query_table, schema_of
from fupin.external.tables import QUERIES as EXTERNAL_QUERIES
from fupin.external.tables import external_tables
from fupin.registry.tables import QUERIES as REGISTRY_QUERIES
from fupin.registry.tables import registry_tables

QUERIES: dict[str, tuple[str, Columns]] = {**REGISTRY_QUERIES, **EXTERNAL_QUERIES}


def live_tables(area_code: str) -> dict[str, pa.Table]:
    """Every canonical table the rules read, bounded to the area where the table is area-bound."""
    return {**registry_tables(area_code), **external_tables(area_code)}


def read_chunks(area_code: str) -> list[str]:
    """The parts an area's tables are read in: its counties (one county's rows at a time), or the area itself when
    it is a county or below (or when no county under it is known)."""
    area_code = codes.normalize(area_code)
    if codes.level_of(area_code) >= codes.COUNTY:
        return [area_code]
    lo, hi = codes.code_range(area_code)
    counties = Area.objects.filter(level=codes.COUNTY, code__gte=lo, code__lte=hi).order_by("code")
    return list(counties.values_list("code", flat=True)) or [area_code]


def stage_tables(area_code: str, directory: Path) -> dict[str, int]:
    """Write every canonical table of the area to ``directory/<name>.parquet``; area-bound tables are read one
    county at a time. Returns the rows written per table."""
    chunks = read_chunks(area_code)
    bound = [name for name, (sql, _) in QUERIES.items() if "%s" in sql]
    steps, done = len(bound) * len(chunks) + len(QUERIES) - len(bound), 0
    rows: dict[str, int] = {}
    for name, (sql, columns) in QUERIES.items():
        schema = canonical(name, schema_of(columns).empty_table()).schema
        with pq.ParquetWriter(directory / f"{name}.parquet", schema) as writer:
            rows[name] = 0
            for chunk in chunks if name in bound else [area_code]:
                progress.report("读取户、成员和部门比对数据", done, steps)
                lo, hi = codes.code_range(chunk)
                table = canonical(name, query_table(sql, [lo, hi] if name in bound else [], columns))
                writer.write_table(table.cast(schema))
                rows[name] += table.num_rows
                done += 1
    return rows
