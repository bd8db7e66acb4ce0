"""Data sources → Ibis tables with the canonical columns, on the chosen engine.

``from_parquet(dir, engine)``: Parquet files (the synthetic province, or a national layout cut into provinces)
read by the engine itself. ``from_arrow(tables, engine)``: Arrow tables (e.g.
pulled from the live database) loaded into an engine. SQLite and PostgreSQL get real tables (a temporary file /
a throw-away schema); DuckDB and Spark read Parquet directly or take Arrow in memory.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .schema import OPTIONAL, TABLES

_ARROW_TYPES = {"boolean": pa.bool_(), "int32": pa.int32()}

ENGINES = ("duckdb", "sqlite", "postgres", "spark")


def canonical(name: str, table: pa.Table) -> pa.Table:
    """Only the columns the rules read; synthetic 0 exit years become nulls; string IDs stay strings."""
    cols = TABLES[name]
    for column, typ in OPTIONAL.get(name, {}).items():
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, _ARROW_TYPES[typ]))
        elif pa.types.is_null(table.schema.field(column).type):  # all nulls, e.g. read back from Python rows
            i = table.column_names.index(column)
            table = table.set_column(i, column, table.column(column).cast(_ARROW_TYPES[typ]))
    table = table.select([c for c in cols if c in table.column_names])
    if name == "households" and "exit_year" in table.column_names:
        ey = table.column("exit_year").cast(pa.int32())
        ey = pc.if_else(pc.equal(ey, 0), pa.scalar(None, pa.int32()), ey)
        table = table.set_column(table.column_names.index("exit_year"), "exit_year", ey)
    return table


def read_parquet_dir(directory: Path) -> dict[str, pa.Table]:
    return {name: canonical(name, pq.read_table(Path(directory) / f"{name}.parquet")) for name in TABLES}


_SPARK: Any = None


def spark_session() -> Any:
    """One local Spark session per process (2 cores, no UI, UTC)."""
    global _SPARK  # noqa: PLW0603 - a JVM is started once per process
    if _SPARK is None:
        from pyspark.sql import SparkSession

        _SPARK = (
            SparkSession.builder.master(os.environ.get("FUPIN_SPARK_MASTER", "local[2]"))
            .appName("fupin")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", os.environ.get("FUPIN_SPARK_PARTITIONS", "4"))
            .config("spark.driver.memory", os.environ.get("FUPIN_SPARK_MEMORY", "4g"))
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


@contextmanager
def load(tables: dict[str, pa.Table], engine: str, *, pg_url: str = "") -> Iterator[dict[str, Any]]:
    """Ibis tables on ``engine`` holding ``tables``; temporary storage is removed on exit."""
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        yield {name: con.create_table(name, t) for name, t in tables.items()}
        con.disconnect()
    elif engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            con = ibis.sqlite.connect(str(Path(tmp) / "rules.sqlite"))
            out = {name: con.create_table(name, t) for name, t in tables.items()}
            con.raw_sql("ANALYZE")  # statistics for the planner, as on PostgreSQL below
            yield out
            con.disconnect()
    elif engine == "postgres":
        con = _postgres(pg_url)
        schema = f"fupin_rules_{uuid.uuid4().hex[:8]}"
        con.raw_sql(f"CREATE SCHEMA {schema}")
        # Ibis reads results through a server-side cursor, which PostgreSQL plans for the first 10% of rows (nested
        # loops); the rules always read every row
        con.raw_sql("SET cursor_tuple_fraction = 1.0")
        try:
            out = {name: con.create_table(name, t, database=schema) for name, t in tables.items()}
            # fresh tables have no statistics: without them the planner takes nested loops over large joins
            con.raw_sql(f"ANALYZE {', '.join(f'{schema}.{name}' for name in tables)}")
            yield out
        finally:
            con.raw_sql(f"DROP SCHEMA {schema} CASCADE")
            con.disconnect()
    elif engine == "spark":
        # Spark reads Arrow through Parquet files: its own reader keeps types and nulls exactly (the pandas route of
        # in-memory tables does not) and is faster for large tables.
        con = ibis.pyspark.connect(spark_session())
        with tempfile.TemporaryDirectory() as tmp:
            out = {}
            for name, t in tables.items():
                path = Path(tmp) / f"{name}.parquet"
                pq.write_table(t, path)
                out[name] = con.read_parquet(str(path), table_name=f"fupin_{name}_{uuid.uuid4().hex[:6]}")
            yield out
    else:
        raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")


def parquet_source(directory: Path | str, name: str) -> str | None:
    """Where table ``name`` lies under ``directory``: one file ``name.parquet``, or a directory ``name/`` of part
    files (e.g. ``members/province=11/part-0.parquet``, a national layout cut into provinces); None if absent."""
    if "://" in str(directory):  # cluster storage (hdfs://, s3a://): the partitioned layout, not checked from here
        return f"{str(directory).rstrip('/')}/{name}"
    directory = Path(directory)
    if (directory / f"{name}.parquet").is_file():
        return str(directory / f"{name}.parquet")
    if (directory / name).is_dir():
        return str(directory / name / "**" / "*.parquet")
    return None


def _canonical_expr(name: str, table: Any) -> Any:
    """``canonical`` as an Ibis expression, for tables read straight from Parquet by the engine."""
    missing = {c: ibis.null(t) for c, t in OPTIONAL.get(name, {}).items() if c not in table.columns}
    if missing:
        table = table.mutate(**missing)
    table = table.select([c for c in TABLES[name] if c in table.columns])
    if name == "households" and "exit_year" in table.columns:
        ey = table.exit_year.cast("int32")
        table = table.mutate(exit_year=ibis.cases((ey == 0, ibis.null("int32")), else_=ey))
    return table


@contextmanager
def from_parquet(
    directory: Path | str, engine: str, *, memory_limit: str | None = None, spill_dir: Path | None = None
) -> Iterator[dict[str, Any]]:
    """Ibis tables read by the engine itself from Parquet under ``directory`` (files or partitioned directories),
    never through Python memory — the path for data larger than RAM.

    DuckDB scans them through views and works under ``memory_limit`` (e.g. "4GB"), spilling to ``spill_dir`` when
    a join or sort needs more; Spark reads them in place, partitions and all (a cluster: set
    FUPIN_SPARK_MASTER and point ``directory`` at storage every executor sees)."""
    if engine == "duckdb":
        with tempfile.TemporaryDirectory(dir=spill_dir) as tmp:
            config = {"temp_directory": str(Path(tmp) / "spill"), "preserve_insertion_order": False}
            if memory_limit:
                config["memory_limit"] = memory_limit
            con = ibis.duckdb.connect(str(Path(tmp) / "rules.duckdb"), **config)
            out = {}
            for name in TABLES:
                source = parquet_source(directory, name)
                if source is None:
                    continue
                # a view over the files: each rule scans the Parquet columns it needs (measured faster than
                # copying everything into DuckDB's own storage first, and no second copy on disk)
                out[name] = _canonical_expr(name, con.read_parquet(source, table_name=f"raw_{name}",
                                                                   hive_partitioning=False))  # fmt: skip
            yield out
            con.disconnect()
    elif engine == "spark":
        con = ibis.pyspark.connect(spark_session())
        out = {}
        for name in TABLES:
            source = parquet_source(directory, name)
            if source is None:
                continue
            path = source.removesuffix("/**/*.parquet")
            raw = con.read_parquet(path, table_name=f"fupin_{name}_{uuid.uuid4().hex[:6]}")
            out[name] = _canonical_expr(name, raw)
        yield out
    else:
        # engines that take Arrow: each table read whole (a directory of part files as one dataset)
        tables = {
            name: canonical(name, pq.read_table(Path(directory) / name if "*" in src else src))
            for name in TABLES
            if (src := parquet_source(directory, name)) is not None
        }
        with load(tables, engine) as inputs:
            yield inputs


def _postgres(url: str) -> Any:
    from urllib.parse import urlparse

    u = urlparse(url or os.environ.get("FUPIN_DATABASE_URL") or os.environ.get("PG_URL") or "")
    if not u.hostname:
        raise ValueError("PostgreSQL 引擎需要 FUPIN_DATABASE_URL（postgres://user@host:port/db）")
    return ibis.postgres.connect(
        host=u.hostname, port=u.port or 5432, user=u.username or "postgres", password=u.password or None,
        database=(u.path or "/postgres").lstrip("/") or "postgres",
    )  # fmt: skip
