"""``fupin import households``: the 建档立卡 spreadsheet (one row per person) into the registry.

Checks run column-wise (:mod:`fupin.lib.tabular`); a household is taken whole or refused whole (a bad row refuses its
household, naming the row that caused it). Modes: ``all`` (default) writes nothing if any row is refused;
``partial`` writes the households that passed. Re-importing the same file changes nothing: people are keyed on
their ID numbers, households on their numbers, and only differing values are written, each audited old→new.
Identification and exit years and moves between households or villages are refused here: they change only through
the procedures and transfer services, which keep their history.

The checks live here; the writing in ``importwrite`` (new rows go in with PostgreSQL ``COPY``, an Arrow table
written as CSV in memory, or ``executemany`` elsewhere); the columns and the report in ``importspec``; template,
error workbook and export in ``workbooks``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from fupin.areas.models import Area
from fupin.core import codes, progress, scoping
from fupin.core.actors import Actor
from fupin.core.bulk import fetch_by_key
from fupin.core.permissions import require
from fupin.lib import tabular as tb
from fupin.lib.templates import workbook_template

from .history import id_taken_message
from .importrun import take_whole_households, write_with_batch
from .importspec import (
    EXAMPLE_VILLAGE,
    HELPER_FIELDS,
    HOUSEHOLD_FIELDS,
    HOUSEHOLDS,
    MEMBER_FIELDS,
    TEMPLATE_NOTES,
    ImportReport,
    example_row,
)
from .importwrite import write_import
from .models import Household, Member


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _village_sets(actor: Actor | None) -> tuple[set[str], set[str] | None]:
    villages = set(Area.objects.filter(level=codes.VILLAGE).values_list("code", flat=True))
    if actor is None or actor.is_superuser:
        return villages, None
    scope = scoping.scope_of(actor)
    return villages, {v for v in villages if scope.contains(v)}


def template_village(actor: Actor | None) -> str:
    """The village the template's example row names: the first village inside the actor's area (so the example
    imports for the one who downloaded it), or the default example village for no one / the whole province."""
    scope = scoping.scope_of(actor)
    if actor is None or scope.everything:
        return EXAMPLE_VILLAGE
    villages = Area.objects.filter(level=codes.VILLAGE).order_by("code")
    if scope.lo is not None and scope.hi is not None:
        villages = villages.filter(code__gte=scope.lo, code__lte=scope.hi)
    return villages.values_list("code", flat=True).first() or EXAMPLE_VILLAGE


def households_template(path: Path, *, actor: Actor | None) -> Path:
    """The households import template whose example row is in the actor's own area (``template_village``)."""
    from .workbooks import SHEET_TITLE

    return workbook_template(
        path, HOUSEHOLDS, sheet=SHEET_TITLE, rows=[example_row(template_village(actor))], notes=TEMPLATE_NOTES
    )


def import_households(  # noqa: PLR0915 - the checks read best as one list, in the order users see them
    *,
    actor: Actor | None,
    path: Path,
    mode: str = "all",
    dry_run: bool = False,
    keep_copy: bool = True,
    capped: bool = False,
) -> ImportReport:
    """Check and (unless ``dry_run``) write a households file.

    Raises ``fupin.lib.tabular.FileUnreadable`` when the file as a whole cannot be read (exit code 2)."""
    if mode not in {"all", "partial"}:
        raise ValueError(mode)
    require(actor, "registry.import")  # each row's village is checked against the actor's area below
    path = Path(path)
    report = ImportReport("households", path.name, _sha256(path) if path.exists() else "", mode, dry_run)
    progress.report("读取文件")
    sheet = tb.read_table(path, HOUSEHOLDS, limits=settings.UPLOAD_LIMITS, capped=capped)
    progress.report(f"逐行校验（{sheet.n:,} 行）", 0, sheet.n)
    report.rows_total, report.ignored_headers = sheet.n, sheet.ignored_headers
    villages, allowed = _village_sets(actor)
    checked = tb.check_columns(sheet, HOUSEHOLDS, villages=villages, allowed=allowed)
    tb.cross_check_identity(checked, sheet, HOUSEHOLDS)
    v = checked.values
    by_field = {c.field: c for c in HOUSEHOLDS}
    bad = checked.bad
    errors = checked.errors

    def refuse(mask: np.ndarray, col: str, reason: Any, arr: pa.Array | None = None) -> None:
        collector = tb.Collector(tb.Sheet({}, sheet.rows))
        collector.add(mask, by_field[col], arr if arr is not None else v.get(col), reason)
        bad[mask] = True
        errors.extend(collector.errors)

    n = sheet.n
    hh = v["household_no"]
    ids = v["id_number"]
    if n:
        refuse(tb.duplicates(ids), "id_number", "身份证号在本文件中出现多次（一人只能属于一户）")
        for name in (*HOUSEHOLD_FIELDS, *HELPER_FIELDS):
            if name in v:
                refuse(tb.group_inconsistent(hh, v[name]), name, "同一户编号的各行此列不一致")
        heads = tb.np_bool(pc.equal(v["relation"], "户主"))
        head_count = _group_count(hh, heads)
        refuse(heads & (head_count > 1), "relation", "同一户有多名户主")
        exit_year = v.get("exit_year")
        if exit_year is not None:
            ey = pc.fill_null(exit_year, 0).to_numpy(zero_copy_only=False)
            iy = pc.fill_null(v["identified_year"], 0).to_numpy(zero_copy_only=False)
            refuse((ey > 0) & (ey <= iy), "exit_year", "脱贫年度须晚于识别年度（当年识别不能当年退出）")

    # Against the database: existing households and people.
    hh_list = hh.to_pylist()
    id_list = ids.to_pylist()
    existing_hh = fetch_by_key(
        Household,
        "household_no",
        hh_list,
        [
            "id",
            "village_id",
            "identified_year",
            "exit_year",
            "attribute",
            "main_cause",
            "group_name",
            "phone",
            "helper_id",
        ],
    )
    existing_m = fetch_by_key(Member, "id_number", id_list, ["id", "household__household_no", *MEMBER_FIELDS])
    if existing_m:
        elsewhere = np.array(
            [(m := existing_m.get(pid)) is not None and m[1] != h for pid, h in zip(id_list, hh_list, strict=True)]
        )
        refuse(
            elsewhere,
            "id_number",
            lambda val: id_taken_message(actor, existing_m[val][1]),
        )
    if existing_hh:
        years = v["identified_year"].to_pylist()
        exits = v["exit_year"].to_pylist() if "exit_year" in v else [None] * n
        vill = v["village_code"].to_pylist()
        moved = np.zeros(n, dtype=bool)
        redated = np.zeros(n, dtype=bool)
        for i, h in enumerate(hh_list):
            old = existing_hh.get(h)
            if old is None:
                continue
            moved[i] = old[1] != vill[i]
            redated[i] = (old[2], old[3]) != (years[i], exits[i])
        refuse(moved, "village_code", "该户已登记在另一个村；整户迁移请用迁移功能")
        refuse(redated, "identified_year", "识别、脱贫年度须通过识别、退出程序变更，导入时不能修改")
        if allowed is not None:
            outside = np.array([(o := existing_hh.get(h)) is not None and o[1] not in allowed for h in hh_list])
            refuse(outside, "household_no", "该户编号已被使用（不在您的管辖范围内）")
    new_hh = np.array([h not in existing_hh for h in hh_list], dtype=bool)
    if n:
        heads = tb.np_bool(pc.equal(v["relation"], "户主"))
        no_head = new_hh & (_group_count(hh, heads) == 0)
        refuse(no_head, "relation", "新建的户须有一名户主")

    take = take_whole_households(sheet, hh, bad, errors, report=report, mode=mode)

    def write() -> None:
        write_import(actor=actor, report=report, v=v, derived=checked.derived, take=take, new_hh=new_hh,
                     existing_hh=existing_hh, existing_m=existing_m)  # fmt: skip

    progress.report("写入数据库", sheet.n, sheet.n)
    write_with_batch(
        actor=actor,
        report=report,
        write=write if not dry_run and take.any() else None,
        conflict="另一个导入同时写入了相同的户或身份证号，本次导入未写入任何数据：请稍后重新导入（重复导入不会产生重复数据）",
    )
    if keep_copy and report.written:
        archive = Path(settings.DATA_DIR) / "imports"
        archive.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, archive / f"{report.sha256}{path.suffix.lower()}")
    return report


def _group_count(group: pa.Array, mask: np.ndarray) -> np.ndarray:
    """Per row: how many rows of its group have ``mask`` set."""
    values = group.to_numpy(zero_copy_only=False).astype(str)
    _, inverse = np.unique(values, return_inverse=True)
    counts = np.bincount(inverse, weights=mask.astype(np.int64)).astype(np.int64)
    return counts[inverse]
