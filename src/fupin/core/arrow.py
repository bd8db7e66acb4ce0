"""Rows of the live database as Arrow columns, through Django's connection (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa
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


def query_table(sql: str, params: Sequence[Any], columns: Columns) -> pa.Table:
    """The result of ``sql`` as a table whose columns are named and typed by ``columns`` (in select order)."""
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
