"""Rows of the live database as Arrow columns (SQLite or PostgreSQL).

``query_table`` reads through Django's own connection, so it sees the current transaction's writes exactly like
the ORM: PostgreSQL streams the result with ``COPY (query) TO STDOUT`` as CSV parsed by Arrow's C++ reader (no
Python object per value), SQLite fetches rows through the cursor.

``snapshot_readers`` are for a series of large reads (a check run over a province): on PostgreSQL, outside a
transaction, ADBC connections (``adbc-driver-postgresql``: binary COPY decoded to Arrow in C++, no Python per
row), each in a ``REPEATABLE READ READ ONLY`` transaction on one exported snapshot of the database. psycopg
hands COPY data over one row at a time, which costs more than PostgreSQL's own work at that size (measured in
docs/benchmarks.md, "Checks on the live database").
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection

Columns = Sequence[tuple[str, pa.DataType]]
COPY_BLOCK = 16 << 20  # bytes of CSV Arrow parses at a time
Reader = Callable[[str, Sequence[Any], Columns], pa.Table]


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
    # COPY takes no bind parameters: psycopg merges them into the statement client-side, quoted as literals
    statement = _literal(sql, params)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        buf = io.BytesIO()
        with raw.copy(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buf.write(block)
    if buf.tell() == 0:
        return schema_of(columns).empty_table()
    buf.seek(0)
    return pa_csv.read_csv(
        buf,
        read_options=pa_csv.ReadOptions(column_names=names, block_size=COPY_BLOCK),
        # a quoted value may hold a line break: without this a result larger than a block loses its place
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict(columns),
            true_values=["t"],
            false_values=["f"],
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )


def _literal(sql: str, params: Sequence[Any]) -> str:
    """The statement with its parameters merged in as quoted literals (psycopg's client-side quoting)."""
    if not params:
        return sql
    with connection.cursor() as cursor:
        return _mogrify(cursor.cursor, sql, params)


def _mogrify(raw: Any, sql: str, params: Sequence[Any]) -> str:
    """psycopg's client-side merge of parameters (a ClientCursor's, whatever cursor class Django was set to use)."""
    import psycopg

    return str(psycopg.ClientCursor(raw.connection).mogrify(sql, list(params)))


# connection parameters libpq takes from a URI (Django's OPTIONS may hold others, e.g. server_side_binding)
LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options",
                 "target_session_attrs", "gssencmode", "passfile")  # fmt: skip


def postgres_uri() -> str:
    """The default database as a libpq URI (what ADBC connects with), from Django's settings."""
    db = connection.settings_dict
    auth = quote(db.get("USER") or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
    host = db.get("HOST") or ""
    options = db.get("OPTIONS") or {}
    query = {k: str(options[k]) for k in LIBPQ_OPTIONS if k in options}  # ?sslmode=… of FUPIN_DATABASE_URL
    if host.startswith("/"):  # a Unix socket directory (and its port, which names the socket file)
        query["host"], host = host, ""
        if db.get("PORT"):
            query["port"] = str(db["PORT"])
    netloc = f"{auth}@" if auth else ""
    netloc += f"{host}:{db.get('PORT') or 5432}" if host else ""
    return f"postgresql://{netloc}/{quote(db['NAME'], safe='')}" + (
        f"?{urlencode(query, quote_via=quote)}" if query else ""
    )


def _typed(table: pa.Table, columns: Columns) -> pa.Table:
    """A result renamed and cast to ``columns`` (ADBC gives PostgreSQL's own names and types, e.g. int2)."""
    schema = schema_of(columns)
    return pa.Table.from_arrays([table.column(k).cast(field.type) for k, field in enumerate(schema)], schema=schema)


@contextmanager
def snapshot_readers(n: int = 2) -> Iterator[list[Reader]]:
    """Readers for a series of large reads. On PostgreSQL outside a transaction: ``n`` ADBC connections in one
    read-only snapshot (the first exports it, the others adopt it), each to be used by one thread at a time, so that
    PostgreSQL works on ``n`` reads at once; statements must come bound (``bind``): the threads do not touch
    Django's connection. Otherwise one reader, ``query_table`` (SQLite; or inside the caller's transaction, whose
    own writes it must see)."""
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or importlib.util.find_spec("adbc_driver_postgresql") is None
    ):
        yield [query_table]
        return
    import adbc_driver_postgresql.dbapi as adbc

    uri = postgres_uri()
    with ExitStack() as stack:
        cursors = []
        for k in range(max(1, n)):
            conn = stack.enter_context(adbc.connect(uri, autocommit=True))
            cursor = stack.enter_context(conn.cursor())
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            if k == 0:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetch_arrow_table().column(0)[0].as_py()
            else:
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # PostgreSQL's own identifier
            stack.callback(cursor.execute, "COMMIT")
            cursors.append(cursor)
        yield [_adbc_reader(c) for c in cursors]


def _adbc_reader(cursor: Any) -> Reader:
    def read(sql: str, params: Sequence[Any], columns: Columns) -> pa.Table:
        if params:
            raise ValueError("bind the statement first (fupin.core.arrow.bind)")
        cursor.execute(sql)
        return _typed(cursor.fetch_arrow_table(), columns)

    return read


def bind(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """(statement, parameters) for a reader of ``snapshot_readers``: merged into one literal statement on PostgreSQL
    (psycopg's quoting), unchanged elsewhere."""
    if connection.vendor != "postgresql":
        return sql, list(params)
    return _literal(sql, params), []
