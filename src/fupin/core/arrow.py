"""Rows of the live database as Arrow columns, through Django's connection (SQLite or PostgreSQL).

PostgreSQL streams the result with ``COPY (query) TO STDOUT`` as CSV and Arrow's C++ reader parses it into typed
columns: no Python object per value (measured in docs/benchmarks.md, "Checks on the live database"). It runs on
Django's own connection, so it sees the current transaction's writes exactly like the ORM does. SQLite (the
demo, tests) fetches rows through the cursor.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

Columns = Sequence[tuple[str, pa.DataType]]


def _convert(value: Any, typ: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_date32(typ) and isinstance(value, str):  # SQLite returns dates as text
        return date.fromisoformat(value[:10])
    if pa.types.is_boolean(typ):  # and booleans as 0/1
        return bool(value)
    return value


def schema_of(columns: Columns) -> pa.Schema:
    return pa.schema(list(columns))


def query_table(sql: str, params: Sequence[Any], columns: Columns) -> pa.Table:
    """The result of ``sql`` as a table whose columns are named and typed by ``columns`` (in select order)."""
    if connection.vendor == "postgresql":
        return _copy_table(sql, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    arrays = []
    for k, (_, typ) in enumerate(columns):
        values = [r[k] for r in rows]
        if pa.types.is_date32(typ) or pa.types.is_boolean(typ):
            values = [_convert(v, typ) for v in values]
        arrays.append(pa.array(values, typ))
    return pa.table(arrays, names=[c for c, _ in columns])


def _copy_table(sql: str, params: Sequence[Any], columns: Columns) -> pa.Table:
    """PostgreSQL: the query's rows as CSV through COPY, parsed by Arrow. In PostgreSQL's CSV a NULL is an unquoted
    empty field and an empty string a quoted one; booleans are t/f."""
    names = [c for c, _ in columns]
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        # COPY takes no bind parameters: psycopg merges them into the statement client-side, quoted as literals
        statement = raw.mogrify(sql, list(params)) if params else sql
        buf = io.BytesIO()
        with raw.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
    if buf.tell() == 0:
        return schema_of(columns).empty_table()
    buf.seek(0)
    return pa_csv.read_csv(
        buf,
        read_options=pa_csv.ReadOptions(column_names=names, block_size=16 << 20),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict(columns),
            true_values=["t"],
            false_values=["f"],
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
