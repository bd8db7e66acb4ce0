"""Import templates: the workbook a user fills in, made from the import's column spec (pure; openpyxl deferred)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .tabular import Col


def workbook_template(
    path: Path,
    spec: Sequence[Col],
    *,
    sheet: str,
    rows: Iterable[Sequence[Any]],
    notes: Iterable[str],
    bool_lists: bool = False,
) -> Path:
    """An import template for ``spec``: headers (required ones marked * and shaded, each with its help as a
    comment), the example ``rows``, text columns formatted as text (ID numbers keep their digits), drop-down lists
    for choices (and 是/否 for yes/no columns when ``bool_lists``), and a 填写说明 sheet: every column with its
    level, help and choices, then the ``notes``."""
    from openpyxl import Workbook  # deferred: only writing a template needs openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    def choices_of(c: Col) -> tuple[str, ...]:
        return c.choices or (("是", "否") if bool_lists and c.kind == "bool" else ())

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append([c.header + ("*" if c.required else "") for c in spec])
    for row in rows:
        ws.append(list(row))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FDE9D9")
    for i, c in enumerate(spec, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        if c.required:
            cell.fill = fill
        if c.help or c.choices:
            cell.comment = Comment(c.help or "可选：" + "、".join(c.choices), "fupin")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = max(10, len(c.header) * 2 + 4)
        if c.kind in {"text", "idnumber", "village"}:
            for r in range(2, 5002):
                ws.cell(row=r, column=i).number_format = "@"
        choices = choices_of(c)
        if choices and len("、".join(choices)) < 250:  # Excel's limit on a list typed into the validation
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not c.required)
            dv.error, dv.errorTitle = "请从下拉列表中选择", "取值不在范围内"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5001")
    ws.freeze_panes = "A2"
    explained = wb.create_sheet("填写说明")
    explained.append(["列", "必填", "层级", "说明", "可选值"])
    for c in spec:
        level = "户" if c.level == "household" else "成员"
        explained.append([c.header, "是" if c.required else "", level, c.help, "、".join(choices_of(c))])
    explained.append([])
    for line in notes:
        explained.append([line])
    path = Path(path)
    wb.save(path)
    return path
