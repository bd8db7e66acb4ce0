"""The registry's spreadsheets besides the import itself: the import template, the error workbook of a refused
import, and the export in the template's layout (so an export re-imports unchanged)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.permissions import allowed
from fupin.lib import tabular as tb
from fupin.lib.idnumbers import mask
from fupin.lib.templates import workbook_template

from .importspec import HOUSEHOLDS, SPECS, ImportReport, summary_lines
from .models import ImportBatch, Member
from .selectors import shown_id

SHEET_TITLE = "贫困户家庭成员"


def write_template(path: Path, kind: str = "households") -> Path:
    """The import template: headers (required ones marked *), an example row, and a sheet explaining each column."""
    spec = SPECS[kind]
    return workbook_template(path, spec, sheet=SHEET_TITLE, rows=[[c.example for c in spec]], notes=(
        "每行一名家庭成员；同一户的各行户编号相同，户级各列（户编号至帮扶责任人电话）须一致。",
        "每户须有且只有一名户主。身份证号全省唯一：一人只能属于一户。",
        "重复导入同一文件不会产生重复数据；识别、脱贫年度和迁移须通过相应程序办理，导入时不能修改。",
    ))  # fmt: skip


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


def export_households(*, viewer: Actor, path: Path, area_code: str = "", status: str = "") -> int:
    """Every scoped member row in the import template's layout (so an export re-imports unchanged)."""
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
    headers = [c.header for c in HOUSEHOLDS]
    rows = (export_row(m, shown_id(viewer, m.id_number)) for m in qs.iterator(chunk_size=5000))
    return tb.write_rows(Path(path), headers, rows, sheet=SHEET_TITLE)


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
