"""What every registry import does around its own checks and writes: a household refused whole, the mode's
all-or-nothing, and the batch row with its audit entry in the same transaction as the writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
from django.db import IntegrityError, transaction

from fupin.audit.services import audit_record
from fupin.core.actors import Actor
from fupin.core.errors import ConflictError
from fupin.lib import tabular as tb

from .importspec import ImportReport
from .models import ImportBatch


def take_whole_households(
    sheet: tb.Sheet, hh: pa.Array, bad: np.ndarray, errors: list[tb.RowError], *, report: ImportReport, mode: str
) -> np.ndarray:
    """Spread each refused row to its household (naming the row that caused it), fill the report's errors and
    refused rows, and return the rows to write: the good households, or none in mode ``all`` when any is bad."""
    hh_list = hh.to_pylist()
    bad = tb.spread_to_groups(hh, bad) if sheet.n else bad
    caused = {e.row for e in errors}
    for i in np.flatnonzero(bad).tolist():
        row = int(sheet.rows[i])
        if row not in caused:
            errors.append(tb.RowError(row, "户编号", hh_list[i] or "", "同户其他行有错误，整户未导入"))
    errors.sort(key=lambda e: (e.row, e.column))
    report.errors = errors
    report.refused_rows = sheet.rows[bad]
    take = ~bad
    if mode == "all" and bad.any():
        take[:] = False
    report.rows_taken = int(take.sum())
    return take


def write_with_batch(
    *,
    actor: Actor | None,
    report: ImportReport,
    write: Callable[[], None] | None,
    conflict: str,
    audit_extra: dict[str, list[Any]] | None = None,
) -> None:
    """In one transaction: ``write`` (None: nothing to write — a dry run or nothing taken), the ``ImportBatch`` row
    and, when something was written, its audit entry. A unique-key clash with a concurrent import rolls all of it
    back and is refused with ``conflict`` (Chinese)."""
    try:
        with transaction.atomic():
            if write is not None:
                write()
                report.written = True
            batch = ImportBatch.objects.create(
                kind=report.kind,
                file_name=report.file_name[:255],
                sha256=report.sha256,
                area_code=getattr(actor, "scope_code", None) or "520000000000",
                actor_username=getattr(actor, "username", "") or "system",
                mode=report.mode,
                dry_run=report.dry_run,
                rows_total=report.rows_total,
                rows_taken=report.rows_taken if report.written else 0,
                rows_refused=report.rows_refused,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
            )
            report.batch_id = batch.pk
            if report.written:
                audit_record(
                    actor=actor,
                    action="registry.import",
                    entity=batch,
                    area_code=batch.area_code,
                    changes={
                        **(audit_extra or {}),
                        "file": [None, report.file_name],
                        "sha256": [None, report.sha256],
                        "created": [None, report.created],
                        "updated": [None, report.updated],
                        "rows": [None, f"{report.rows_taken}/{report.rows_total}"],
                    },
                )
    except IntegrityError:  # a concurrent import of the same rows committed first; this transaction rolled back
        raise ConflictError(conflict) from None
