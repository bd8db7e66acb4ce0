"""What a check run reads: the registry's and the departments' canonical tables for one area.

``live_tables`` holds them in memory (a county, a what-if). ``stage_tables`` writes them to Parquet files county
by county, so that reading a province costs the memory of one county: the rules then run on DuckDB over the files
under a memory limit (``analytics.engines.from_parquet``), the same path as the synthetic province's Parquet."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from queue import Queue
from threading import Lock

import pyarrow as pa
import pyarrow.parquet as pq

from fupin.analytics.engines import canonical
from fupin.analytics.schema import ONE_YEAR
from fupin.areas.models import Area
from fupin.core import codes, progress
from fupin.core.arrow import Columns, Reader, bind, schema_of, snapshot_readers
from fupin.external.tables import QUERIES as EXTERNAL_QUERIES
from fupin.external.tables import external_tables
from fupin.partyorg.tables import CHECK_QUERIES as PARTY_QUERIES
from fupin.partyorg.tables import check_tables
from fupin.registry.tables import QUERIES as REGISTRY_QUERIES
from fupin.registry.tables import area_bounds, registry_tables

QUERIES: dict[str, tuple[str, Columns]] = {**REGISTRY_QUERIES, **EXTERNAL_QUERIES, **PARTY_QUERIES}
STAGE_READERS = 2  # reads at once on PostgreSQL (one server process each): measured best on 2 cores


def live_tables(area_code: str) -> dict[str, pa.Table]:
    """Every canonical table the rules read, bounded to the area where the table is area-bound."""
    return {**registry_tables(area_code), **external_tables(area_code), **check_tables(area_code)}


def read_chunks(area_code: str) -> list[str]:
    """The parts an area's tables are read in: its counties (one county's rows at a time), or the area itself when
    it is a county or below (or when no county under it is known)."""
    area_code = codes.normalize(area_code)
    if codes.level_of(area_code) >= codes.COUNTY:
        return [area_code]
    lo, hi = codes.code_range(area_code)
    counties = Area.objects.filter(level=codes.COUNTY, code__gte=lo, code__lte=hi).order_by("code")
    return list(counties.values_list("code", flat=True)) or [area_code]


def stage_tables(area_code: str, directory: Path, year: int | None = None) -> dict[str, int]:
    """Write every canonical table of the area to ``directory/<name>.parquet``; area-bound tables
    are read one county at a time (PostgreSQL: two reads at once, in one snapshot); with ``year``, the tables the
    rules read for one year only (``ONE_YEAR``) hold that year's rows. Returns the rows written per table."""
    chunks = read_chunks(area_code)
    tasks = []
    for name, (sql, columns) in QUERIES.items():
        for chunk in chunks if "%s" in sql else [area_code]:
            params: list[object] = list(area_bounds(sql, *codes.code_range(chunk)))
            query = sql
            if year is not None and name in ONE_YEAR:
                query, params = f"SELECT * FROM ({sql}) AS q WHERE q.year = %s", [*params, year]  # noqa: S608
            tasks.append((name, *bind(query, params), columns))
    rows = dict.fromkeys(QUERIES, 0)
    schemas = {name: canonical(name, schema_of(columns).empty_table()).schema for name, (_, columns) in QUERIES.items()}
    locks = {name: Lock() for name in QUERIES}

    def stage(read: Reader, task: tuple[str, str, list[object], Columns]) -> tuple[str, int]:
        name, statement, params, columns = task
        table = canonical(name, read(statement, params, columns)).cast(schemas[name])
        with locks[name]:  # one file per table, its row groups written by whichever reader got there
            writers[name].write_table(table)
        return name, table.num_rows

    with ExitStack() as stack, snapshot_readers(STAGE_READERS) as readers:
        writers = {
            name: stack.enter_context(pq.ParquetWriter(directory / f"{name}.parquet", schema))
            for name, schema in schemas.items()
        }
        free: Queue[Reader] = Queue()
        for reader in readers:
            free.put(reader)

        def run(task: tuple[str, str, list[object], Columns]) -> tuple[str, int]:
            reader = free.get()  # a connection serves one thread at a time
            try:
                return stage(reader, task)
            finally:
                free.put(reader)

        progress.report("读取户、成员和部门比对数据", 0, len(tasks))
        with ThreadPoolExecutor(len(readers), thread_name_prefix="fupin-stage") as pool:
            # one reader is Django's connection, which belongs to this thread: no pool then
            done = pool.map(run, tasks) if len(readers) > 1 else map(run, tasks)
            for k, (name, n) in enumerate(done, 1):
                rows[name] += n
                progress.report("读取户、成员和部门比对数据", k, len(tasks))
    return rows
