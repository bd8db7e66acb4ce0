"""The registry's spreadsheets besides the import itself: the import template, the error workbook of a refused
import, and the export in the template's layout (so an export re-imports unchanged)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fupin.core import codes, progress, scoping
from fupin.core.actors import Actor
from fupin.core.permissions import allowed
from fupin.lib import tabular as tb
from fupin.lib.idnumbers import mask

from .choices import Status
from .importspec import HOUSEHOLDS, ImportReport, summary_lines
from .models import HouseholdYear, ImportBatch, Member
from .selectors import household_export_queryset, shown_id

SHEET_TITLE = "贫困户家庭成员"


def write_error_workbook(
    report: ImportReport,
    path: Path,
    source: Path,
    *,
    spec: list[tb.Col] = HOUSEHOLDS,
    lines: Callable[[ImportReport], list[str]] = summary_lines,
) -> Path:
    """Refused rows: one sheet of (row, column, value, reason), the outcome (``lines``), and one with the refused rows
    as they were in the file (read again with the import's ``spec``)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    detail = wb.create_sheet("错误明细")
    detail.append(["行号", "列", "填写的值", "原因"])
    for e in report.errors:
        detail.append([e.row, e.column, tb.neutralise(e.value), e.reason])
    summary = wb.create_sheet("导入结果")
    for line in lines(report):
        summary.append([line])
    try:
        sheet = tb.read_table(source, spec)
        rows_sheet = wb.create_sheet("被拒绝的行")
        headers = list(sheet.columns)
        rows_sheet.append(["行号", *headers, "原因"])
        refused = set(report.refused_rows.tolist())
        reasons: dict[int, list[str]] = defaultdict(list)
        for e in report.errors:
            reasons[e.row].append(f"{e.column}：{e.reason}")
        cols = [sheet.columns[h].to_pylist() for h in headers]
        for i, row in enumerate(sheet.rows.tolist()):
            if row in refused:
                rows_sheet.append([row, *(tb.neutralise(c[i]) for c in cols), "；".join(reasons[row])])
    except tb.FileUnreadable:
        pass
    path = Path(path)
    wb.save(path)
    return path


EXTRA_HEADERS = ("户状态(导出)", "最近年度(导出)", "最近年度人均纯收入(元)(导出)")


def export_households(*, viewer: Actor, path: Path, area_code: str = "", status: str = "", text: str = "") -> int:
    """Every scoped member row in the import template's layout (so an export re-imports unchanged)."""
    if text:
        qs = household_export_queryset(viewer=viewer, text=text, area_code=area_code, status=status)
    else:
        qs = (
            scoping.scoped(Member, viewer)
            .select_related("household", "household__helper")
            .order_by("household__household_no", "id")
        )
        if area_code:
            lo, hi = codes.code_range(area_code)
            qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
        if status:
            qs = qs.filter(household__status=status)
    headers, rows = member_table(viewer, qs)
    return tb.write_rows(Path(path), headers, rows, sheet=SHEET_TITLE)


def member_table(viewer: Actor, qs: Any) -> tuple[list[str], Iterator[list[Any]]]:
    """Headers and rows (streamed, with progress) of an export of members: the template's columns (so an export
    re-imports unchanged), then what a reader wants beside them — the household's status and its latest year's
    income (the import ignores these columns)."""
    latest = HouseholdYear.objects.filter(household_id=OuterRef("household_id")).order_by("-year")
    qs = qs.annotate(
        latest_year=Subquery(latest.values("year")[:1]), latest_income=Subquery(latest.values("income_per_capita")[:1])
    )
    headers = [c.header for c in HOUSEHOLDS] + list(EXTRA_HEADERS)
    total = qs.count()
    progress.report("导出家庭成员", 0, total)
    status_label = dict(Status.choices)

    def rows() -> Iterator[list[Any]]:
        for i, m in enumerate(qs.iterator(chunk_size=5000), 1):
            income = m.latest_income
            yield [*export_row(m, shown_id(viewer, m.id_number)), status_label.get(m.household.status, ""),
                   m.latest_year or "", f"{income:.2f}" if income is not None else ""]  # fmt: skip
            if i % 2000 == 0:
                progress.report("导出家庭成员", i, total)

    return headers, rows()


def export_row(m: Member, id_text: str) -> list[Any]:
    """One member as a row of the template (``id_text``: the ID number as the viewer may see it)."""
    h = m.household
    helper = h.helper
    yes = {True: "是", False: "否"}
    return [
        h.household_no,
        h.village_id,
        h.group_name,
        h.attribute,
        h.main_cause,
        h.identified_year,
        h.exit_year or "",
        h.phone,
        helper.name if helper else "",
        helper.unit if helper else "",
        helper.phone if helper else "",
        m.name,
        id_text,
        m.sex,
        m.birth_date.isoformat(),
        m.relation,
        m.education,
        yes[m.student],
        m.health,
        m.labour,
        m.disability,
        m.migrant_months,
        yes[m.medical_insurance],
        yes[m.critical_illness_insurance],
    ]


_ID_LIKE = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{7,8}([0-9]{3}[0-9Xx])(?![0-9])")


def error_workbook_for(*, viewer: Actor, batch: ImportBatch, path: Path) -> bytes | None:
    """The error workbook of ``batch`` as ``viewer`` may have it, or None when there is none (any more).

    Kept ``settings.IMPORT_ERRORS_KEEP_DAYS`` days, then deleted. The uploader's own area gets it as written;
    anyone else who may see the batch (the levels above) gets every ID number in it masked."""
    if not path.exists():
        return None
    if timezone.now() - batch.at > timedelta(days=settings.IMPORT_ERRORS_KEEP_DAYS):
        path.unlink(missing_ok=True)
        return None
    if viewer.area_id == batch.area_code and allowed(viewer, "registry.full_id"):
        return path.read_bytes()
    from openpyxl import Workbook, load_workbook  # deferred: only a download needs openpyxl

    source, out = load_workbook(path, read_only=True), Workbook(write_only=True)
    for ws in source.worksheets:
        target = out.create_sheet(ws.title)
        for row in ws.iter_rows(values_only=True):
            target.append([_ID_LIKE.sub(lambda m: mask(m.group(0)), v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
