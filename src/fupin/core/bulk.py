"""Database plumbing for column-wise loads: Arrow tables in, rows by key out — PostgreSQL gets COPY and arrays.

Used by every bulk loader (the registry's imports and bulk load, the departments' snapshots). Names come from
the models, never from users, so the SQL built here is safe.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import OperationalError, connection, models, transaction

GROWN = 0.2  # a load this large relative to a table's rows known to the planner refreshes its statistics


def bulk_insert(model: type[models.Model], table: pa.Table) -> None:
    """Insert an Arrow table's rows; PostgreSQL gets COPY … FROM STDIN (CSV), other databases executemany."""
    insert_table(model._meta.db_table, table)


def insert_table(name: str, table: pa.Table, *, analyze: bool = True) -> None:
    """``bulk_insert`` into a table by name (a staging table a service created; never a user's text);
    ``analyze=False`` for a table whose statistics the caller takes care of."""
    if table.num_rows == 0:
        return
    columns = table.column_names
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buf = io.BytesIO()
            pa_csv.write_csv(table, buf, pa_csv.WriteOptions(include_header=False))
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {name} ({quoted}) FROM STDIN WITH (FORMAT csv)") as copy:
                view = buf.getbuffer()
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])
            # a load that grows a table by a fifth or more leaves the planner's statistics wrong until autovacuum
            # comes by (after the load, if ever in a long transaction): the next reads got nested loops over
            # millions of rows. ANALYZE samples 30,000 rows, a fraction of a second, and sees this transaction's.
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [name])
            known = cursor.fetchone()
            if analyze and (known is None or known[0] < 0 or table.num_rows > GROWN * known[0]):
                _analyze(cursor, name)
        else:
            marks = ", ".join(["%s"] * len(columns))
            rows = list(zip(*(col.to_pylist() for col in table.columns), strict=True))
            cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", rows)  # noqa: S608 - names from models


def _analyze(cursor: Any, name: str) -> None:
    """ANALYZE inside the caller's transaction, unless another one holds the table's statistics lock (ANALYZE keeps
    it until commit): a concurrent load of the same table must not wait for this one, nor this one for it."""
    try:
        with transaction.atomic():  # a savepoint: the timeout setting and a refusal end with it
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
            cursor.execute(f"ANALYZE {name}")
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError:  # the lock is taken: autovacuum or the other load's ANALYZE will do
        return


def fetch_by_key(
    model: type[models.Model], key: str, values: list[str], fields: Sequence[str]
) -> dict[str, tuple[Any, ...]]:
    """{key: (fields…)} for the rows whose ``key`` is in ``values``; one ``= ANY(array)`` query on PostgreSQL
    (a 100,000-element IN list costs more to build than to run), chunks of IN elsewhere."""
    out: dict[str, tuple[Any, ...]] = {}
    unique = sorted({x for x in values if x})
    if not unique:
        return out
    qs = model._default_manager.all()
    if connection.vendor == "postgresql" and not any("," in x for x in unique):
        # one text parameter split on the server: adapting a 100,000-element list costs more than the query
        sql, params = qs.filter(**{f"{key}__in": ["\x00"]}).values_list(key, *fields).query.sql_with_params()
        sql = sql.replace("IN (%s)", "= ANY(string_to_array(%s, ','))")
        with connection.cursor() as cursor:
            cursor.execute(sql, [",".join(unique) if p == "\x00" else p for p in params])
            for row in cursor.fetchall():
                out[row[0]] = tuple(row[1:])
        return out
    for i in range(0, len(unique), 5000):
        chunk = unique[i : i + 5000]
        for row in qs.filter(**{f"{key}__in": chunk}).values_list(key, *fields):
            out[row[0]] = tuple(row[1:])
    return out


def update_from_table(
    model: type[models.Model], table: pa.Table, *, key: str = "id", constants: dict[str, Any] | None = None
) -> None:
    """Set columns of many rows at once: ``table`` holds the key and the new values (columns named as the model's
    database columns), ``constants`` values every row gets. The rows are staged in a temporary table shaped like
    the model's (COPY on PostgreSQL) and applied by one ``UPDATE … FROM`` — a province's rows in seconds, where
    ``bulk_update`` builds a CASE per row and field. The caller holds the transaction."""
    if table.num_rows == 0:
        return
    target = model._meta.db_table
    stage = f"stage_{target}"
    q = connection.ops.quote_name
    columns = table.column_names
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT {', '.join(q(c) for c in columns)} FROM {target} "  # noqa: S608 - names from models
                       "WHERE 1 = 0")  # fmt: skip
        insert_table(stage, table, analyze=False)
        sets = [f"{q(c)} = {stage}.{q(c)}" for c in columns if c != key]
        params: list[Any] = []
        for column, value in (constants or {}).items():
            field = next(f for f in model._meta.concrete_fields if f.column == column)
            sets.append(f"{q(column)} = %s")
            params.append(field.get_db_prep_save(value, connection))
        cursor.execute(f"UPDATE {target} SET {', '.join(sets)} FROM {stage} "  # noqa: S608 - names from models
                       f"WHERE {target}.{q(key)} = {stage}.{q(key)}", params)  # fmt: skip
        cursor.execute(f"DROP TABLE {stage}")
