"""``fupin import households``: the 建档立卡 spreadsheet (one row per person) into the registry.

Checks run column-wise (``tabular.py``); a household is taken whole or refused whole (a bad row refuses its
household, naming the row that caused it). Modes: ``all`` (default) writes nothing if any row is refused;
``partial`` writes the households that passed. Re-importing the same file changes nothing: people are keyed on
their ID numbers, households on their numbers, and only differing values are written, each audited old→new.
Identification and exit years and moves between households or villages are refused here: they change only through
the procedures and transfer services, which keep their history.

New rows go in with PostgreSQL ``COPY`` (an Arrow table written as CSV in memory), or ``executemany`` elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.conf import settings
from django.db import connection, models, transaction

from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, scoping

from . import tabular as tb
from .models import Attribute, Cause, Helper, Household, ImportBatch, Member, Relation, Status
from .services import household_refresh

EDUCATION = ("学龄前儿童", "文盲或半文盲", "小学", "初中", "高中", "大专及以上")
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
LABOUR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
SEX = ("男", "女")

H, M = "household", "member"
HOUSEHOLDS: list[tb.Col] = [
    tb.Col("户编号", "household_no", H, "text", True, max_len=24, example="52052610100100001", help="全省唯一"),
    tb.Col("村代码", "village_code", H, "village", True, example="520526101001", help="12 位统计用区划代码"),
    tb.Col("村民小组", "group_name", H, "text", max_len=32, example="一组"),
    tb.Col(
        "贫困户属性",
        "attribute",
        H,
        "choice",
        True,
        tuple(Attribute.values),
        (
            ("一般户", "一般贫困户"),
            ("低保户", "低保贫困户"),
            ("五保户", "特困供养贫困户"),
            ("五保贫困户", "特困供养贫困户"),
        ),
        example="一般贫困户",
    ),
    tb.Col("主要致贫原因", "main_cause", H, "choice", True, tuple(Cause.values), example="因病"),
    tb.Col("识别年度", "identified_year", H, "int", True, lo=2013, hi=2035, example="2014"),
    tb.Col("脱贫年度", "exit_year", H, "int", lo=2014, hi=2035, example="", help="未脱贫留空"),
    tb.Col("联系电话", "phone", H, "text", max_len=20, example="13800000000"),
    tb.Col("帮扶责任人", "helper_name", H, "text", max_len=32, example="李明"),
    tb.Col("帮扶单位", "helper_unit", H, "text", max_len=100, example="县农业农村局"),
    tb.Col("帮扶责任人电话", "helper_phone", H, "text", max_len=20, example="13900000000"),
    tb.Col("姓名", "name", M, "text", True, max_len=32, example="王德发"),
    tb.Col(
        "身份证号",
        "id_number",
        M,
        "idnumber",
        True,
        example="52052619700101001X",
        help="设为文本格式；15 位旧号自动升位",
    ),
    tb.Col("性别", "sex_given", M, "choice", choices=SEX, example="男", help="可空；填写时须与身份证号一致"),
    tb.Col("出生日期", "birth_given", M, "date", example="1970-01-01", help="可空；填写时须与身份证号一致"),
    tb.Col(
        "与户主关系",
        "relation",
        M,
        "choice",
        True,
        tuple(Relation.values),
        (
            ("本人", "户主"),
            ("之子", "子女"),
            ("之女", "子女"),
            ("儿子", "子女"),
            ("女儿", "子女"),
            ("妻", "配偶"),
            ("夫", "配偶"),
        ),
        example="户主",
    ),
    tb.Col("文化程度", "education", M, "choice", choices=EDUCATION, example="初中"),
    tb.Col("在校生", "student", M, "bool", example="否", help="是/否，空白视为否"),
    tb.Col("健康状况", "health", M, "choice", choices=HEALTH, example="健康"),
    tb.Col("劳动技能", "labour", M, "choice", choices=LABOUR, example="普通劳动力"),
    tb.Col("残疾情况", "disability", M, "text", max_len=16, example="", help="如：肢体三级"),
    tb.Col("务工时间(月)", "migrant_months", M, "int", lo=0, hi=12, example="6"),
    tb.Col("基本医疗保险", "medical_insurance", M, "bool", example="是", help="是/否，空白视为否"),
    tb.Col("大病保险", "critical_illness_insurance", M, "bool", example="是", help="是/否，空白视为否"),
]
HOUSEHOLD_FIELDS = ("village_code", "group_name", "attribute", "main_cause", "identified_year", "exit_year", "phone")
HELPER_FIELDS = ("helper_name", "helper_unit", "helper_phone")
MEMBER_FIELDS = (
    "name",
    "relation",
    "education",
    "student",
    "health",
    "labour",
    "disability",
    "migrant_months",
    "medical_insurance",
    "critical_illness_insurance",
)
SPECS = {"households": HOUSEHOLDS}


@dataclass
class ImportReport:
    kind: str
    file_name: str
    sha256: str
    mode: str
    dry_run: bool
    rows_total: int = 0
    rows_taken: int = 0
    errors: list[tb.RowError] = field(default_factory=list)
    refused_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    batch_id: int | None = None
    written: bool = False

    @property
    def rows_refused(self) -> int:
        return len(self.refused_rows)

    @property
    def exit_code(self) -> int:
        return 0 if not self.rows_refused else 1


# ------------------------------------------------------------------------------------------------- template


def write_template(path: Path, kind: str = "households") -> Path:
    """The import template: headers (required ones marked *), an example row, and a sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "贫困户家庭成员"
    ws.append([c.header + ("*" if c.required else "") for c in spec])
    ws.append([c.example for c in spec])
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
            for row in range(2, 5002):
                ws.cell(row=row, column=i).number_format = "@"
        if c.choices and len("、".join(c.choices)) < 250:
            dv = DataValidation(type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=not c.required)
            dv.error, dv.errorTitle = "请从下拉列表中选择", "取值不在范围内"
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5001")
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "必填", "层级", "说明", "可选值"])
    for c in spec:
        notes.append(
            [c.header, "是" if c.required else "", "户" if c.level == H else "成员", c.help, "、".join(c.choices)]
        )
    notes.append([])
    notes.append(["每行一名家庭成员；同一户的各行户编号相同，户级各列（户编号至帮扶责任人电话）须一致。"])
    notes.append(["每户须有且只有一名户主。身份证号全省唯一：一人只能属于一户。"])
    notes.append(["重复导入同一文件不会产生重复数据；识别、脱贫年度和迁移须通过相应程序办理，导入时不能修改。"])
    path = Path(path)
    wb.save(path)
    return path


# ----------------------------------------------------------------------------------------------- the import


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _village_sets(actor: Any) -> tuple[set[str], set[str] | None]:
    from fupin.areas.models import Area

    villages = set(Area.objects.filter(level=codes.VILLAGE).values_list("code", flat=True))
    if actor is None or actor.is_superuser:
        return villages, None
    scope = scoping.scope_of(actor)
    return villages, {v for v in villages if scope.contains(v)}


def _fetch(model: type[models.Model], key: str, values: list[str], fields: Sequence[str]) -> dict[str, tuple[Any, ...]]:
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


def import_households(  # noqa: PLR0912, PLR0915 - the checks read best as one list, in the order users see them
    *, actor: Any, path: Path, mode: str = "all", dry_run: bool = False, keep_copy: bool = True
) -> ImportReport:
    """Check and (unless ``dry_run``) write a households file. Raises tabular.FileUnreadable for exit code 2."""
    if mode not in {"all", "partial"}:
        raise ValueError(mode)
    if actor is not None and getattr(actor, "is_read_only", False):
        from fupin.core.errors import PermissionDeniedError

        raise PermissionDeniedError("督查审计员为只读角色，不能导入数据")
    path = Path(path)
    report = ImportReport("households", path.name, _sha256(path) if path.exists() else "", mode, dry_run)
    sheet = tb.read_table(path, HOUSEHOLDS)
    report.rows_total, report.ignored_headers = sheet.n, sheet.ignored_headers
    villages, allowed = _village_sets(actor)
    checked = tb.check_columns(sheet, HOUSEHOLDS, villages=villages, allowed=allowed)
    tb.cross_check_identity(checked, sheet, HOUSEHOLDS)
    v = checked.values
    by_field = {c.field: c for c in HOUSEHOLDS}
    bad = checked.bad
    errors = checked.errors

    def refuse(mask: np.ndarray, col: str, reason: Any, arr: pa.Array | None = None) -> None:
        collector = tb._Collector(tb.Sheet({}, sheet.rows))
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
        heads = tb._np_bool(pc.equal(v["relation"], "户主"))
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
    existing_hh = _fetch(
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
    existing_m = _fetch(Member, "id_number", id_list, ["id", "household__household_no", *MEMBER_FIELDS])
    if existing_m:
        elsewhere = np.array(
            [(m := existing_m.get(pid)) is not None and m[1] != h for pid, h in zip(id_list, hh_list, strict=True)]
        )
        refuse(
            elsewhere,
            "id_number",
            lambda val: f"该身份证号已登记在户 {existing_m[val][1]}，一人只能属于一户；家庭成员变动请用迁移或分户功能",
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
        heads = tb._np_bool(pc.equal(v["relation"], "户主"))
        no_head = new_hh & (_group_count(hh, heads) == 0)
        refuse(no_head, "relation", "新建的户须有一名户主")

    bad = tb.spread_to_groups(hh, bad) if n else bad
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
    with transaction.atomic():
        if not dry_run and take.any():
            _write(
                actor=actor,
                report=report,
                v=v,
                derived=checked.derived,
                take=take,
                new_hh=new_hh,
                existing_hh=existing_hh,
                existing_m=existing_m,
            )
            report.written = True
        batch = ImportBatch.objects.create(
            kind=report.kind,
            file_name=report.file_name[:255],
            sha256=report.sha256,
            area_code=getattr(actor, "scope_code", None) or "520000000000",
            actor_username=getattr(actor, "username", "") or "system",
            mode=mode,
            dry_run=dry_run,
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
                    "file": [None, report.file_name],
                    "sha256": [None, report.sha256],
                    "created": [None, report.created],
                    "updated": [None, report.updated],
                    "rows": [None, f"{report.rows_taken}/{report.rows_total}"],
                },
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


def _write(  # noqa: PLR0915
    *,
    actor: Any,
    report: ImportReport,
    v: dict[str, pa.Array],
    derived: dict[str, pa.Array],
    take: np.ndarray,
    new_hh: np.ndarray,
    existing_hh: dict[str, tuple[Any, ...]],
    existing_m: dict[str, tuple[Any, ...]],
) -> None:
    n = len(take)
    hh = v["household_no"]
    hh_np = hh.to_numpy(zero_copy_only=False).astype(str)
    # one row per household: its first row in the file
    _, first = np.unique(hh_np, return_index=True)
    first = first[take[first]]
    helper_ids = _helpers(v, first)
    # -------- new households
    new_first = first[new_hh[first]]
    is_head = tb._np_bool(pc.equal(v["relation"], "户主"))
    head_name = dict(
        zip(hh_np[is_head & take], np.asarray(v["name"].to_pylist(), dtype=object)[is_head & take], strict=True)
    )
    sizes = dict(zip(*np.unique(hh_np[take], return_counts=True), strict=True))
    exit_year = v.get("exit_year", pa.nulls(n, pa.int64()))
    if len(new_first):
        idx = pa.array(new_first)
        nos = hh_np[new_first]
        households = pa.table(
            {
                "household_no": hh.take(idx),
                "village_id": v["village_code"].take(idx),
                "attribute": v["attribute"].take(idx),
                "main_cause": v["main_cause"].take(idx),
                "status": pa.array(
                    np.where(
                        pc.is_valid(exit_year.take(idx)).to_numpy(zero_copy_only=False),
                        Status.EXITED.value,
                        Status.POOR.value,
                    )
                ),
                "identified_year": v["identified_year"].take(idx),
                "exit_year": exit_year.take(idx),
                "head_name": pa.array([head_name.get(h, "") for h in nos], pa.string()),
                "size": pa.array([int(sizes[h]) for h in nos], pa.int64()),
                "group_name": _col(v, "group_name", n).take(idx),
                "phone": _col(v, "phone", n).take(idx),
                "helper_id": pa.array([helper_ids.get(int(i)) for i in new_first], pa.int64()),
                "monitoring_group": pa.array([""] * len(new_first), pa.string()),
            }
        )
        bulk_insert(Household, households)
    report.created["households"] = len(new_first)
    # -------- changed households
    changes: list[Change] = []
    updated_hh = 0
    old_first = first[~new_hh[first]]
    if len(old_first):
        cols = {
            name: _col(v, name, n).take(pa.array(old_first)).to_pylist()
            for name in ("attribute", "main_cause", "group_name", "phone")
        }
        objs = []
        for j, i in enumerate(old_first.tolist()):
            no = hh_np[i]
            old = existing_hh[no]
            old_values = {
                "attribute": old[4],
                "main_cause": old[5],
                "group_name": old[6],
                "phone": old[7],
                "helper_id": old[8],
            }
            new_values = {name: cols[name][j] for name in ("attribute", "main_cause", "group_name", "phone")}
            new_values["helper_id"] = helper_ids.get(i, old[8])
            diff = {k: [old_values[k], new_values[k]] for k in new_values if old_values[k] != new_values[k]}
            if diff:
                objs.append(Household(pk=old[0], **new_values))
                changes.append(Change("registry.import_update", None, diff, old[1], "registry.household", no))
        if objs:
            Household.objects.bulk_update(
                objs, ["attribute", "main_cause", "group_name", "phone", "helper_id"], batch_size=2000
            )
        updated_hh = len(objs)
    report.updated["households"] = updated_hh
    # -------- members: new ones inserted, existing ones compared
    hh_ids = {no: row[0] for no, row in _fetch(Household, "household_no", hh_np[first].tolist(), ["id"]).items()}
    id_np = np.asarray(v["id_number"].to_pylist(), dtype=object)
    is_new_member = (
        np.array([pid not in existing_m for pid in id_np], dtype=bool) if existing_m else np.ones(n, dtype=bool)
    )
    insert = take & is_new_member
    if insert.any():
        mask = pa.array(insert)
        member_hh = hh_np[insert]
        village_of = dict(zip(hh_np[first], v["village_code"].take(pa.array(first)).to_pylist(), strict=True))
        members = pa.table(
            {
                "id_number": pc.filter(v["id_number"], mask),
                "household_id": pa.array([hh_ids[h] for h in member_hh], pa.int64()),
                "village_id": pa.array([village_of[h] for h in member_hh], pa.string()),
                "name": pc.filter(v["name"], mask),
                "sex": pc.filter(derived["sex"], mask),
                "birth_date": pc.filter(derived["birth_date"], mask),
                "relation": pc.filter(v["relation"], mask),
                "education": pc.filter(_col(v, "education", n), mask),
                "student": pc.filter(_col(v, "student", n, False), mask),
                "health": pc.filter(_col(v, "health", n), mask),
                "labour": pc.filter(_col(v, "labour", n), mask),
                "disability": pc.filter(_col(v, "disability", n), mask),
                "migrant_months": pc.filter(pc.fill_null(_col(v, "migrant_months", n, 0), 0), mask),
                "medical_insurance": pc.filter(_col(v, "medical_insurance", n, False), mask),
                "critical_illness_insurance": pc.filter(_col(v, "critical_illness_insurance", n, False), mask),
            }
        )
        bulk_insert(Member, members)
    report.created["members"] = int(insert.sum())
    unchanged, updated_m, touched = _update_members(v, take & ~is_new_member, existing_m, hh_np, changes)
    report.updated["members"] = updated_m
    report.unchanged = unchanged
    report.created["helpers"] = helper_ids.get(-1, 0)
    # households that existed and got members or member changes: head and size again
    old_touched = {hh_np[i] for i in np.flatnonzero(take & ~new_hh).tolist() if is_new_member[i]} | touched
    for no in sorted(old_touched):
        household_refresh(Household.objects.get(household_no=no))
    if changes:
        audit_record_many(actor=actor, changes=changes)


def _col(v: dict[str, pa.Array], name: str, n: int, default: Any = "") -> pa.Array:
    arr = v.get(name)
    if arr is None:
        return pa.array([default] * n)
    return arr


def _update_members(
    v: dict[str, pa.Array],
    rows: np.ndarray,
    existing_m: dict[str, tuple[Any, ...]],
    hh_np: np.ndarray,
    changes: list[Change],
) -> tuple[int, int, set[str]]:
    if not rows.any():
        return 0, 0, set()
    idx = pa.array(np.flatnonzero(rows))
    n = len(hh_np)
    file_values = {
        name: _col(v, name, n, False if name in {"student", "medical_insurance", "critical_illness_insurance"} else "")
        .take(idx)
        .to_pylist()
        for name in MEMBER_FIELDS
    }
    if "migrant_months" in v:
        file_values["migrant_months"] = [x or 0 for x in file_values["migrant_months"]]
    else:
        file_values["migrant_months"] = [0] * len(idx)
    ids = v["id_number"].take(idx).to_pylist()
    objs = []
    unchanged = 0
    touched: set[str] = set()
    per_household: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for j, pid in enumerate(ids):
        old = existing_m[pid]
        old_values = dict(zip(MEMBER_FIELDS, old[2:], strict=True))
        new_values = {name: file_values[name][j] for name in MEMBER_FIELDS}
        diff = {k: [old_values[k], new_values[k]] for k in MEMBER_FIELDS if old_values[k] != new_values[k]}
        if not diff:
            unchanged += 1
            continue
        objs.append(Member(pk=old[0], **new_values))
        no = old[1]
        touched.add(no)
        for k, pair in diff.items():
            label = getattr(Member._meta.get_field(k), "verbose_name", k)
            per_household[no][f"成员 {old_values['name']}·{label}"] = pair
    if objs:
        Member.objects.bulk_update(objs, list(MEMBER_FIELDS), batch_size=2000)
    villages = dict(
        Household.objects.filter(household_no__in=list(per_household)).values_list("household_no", "village_id")
    )
    for no, diff in per_household.items():
        changes.append(Change("registry.import_update", None, diff, villages[no], "registry.household", no))
    return unchanged, len(objs), touched


def _helpers(v: dict[str, pa.Array], first: np.ndarray) -> dict[int, Any]:
    """Row index (first row of each household) → helper id; get-or-create helpers per (county, name, phone).
    The count of helpers created is returned under key -1."""
    if "helper_name" not in v or not len(first):
        return {}
    idx = pa.array(first)
    names = v["helper_name"].take(idx).to_pylist()
    units = _col(v, "helper_unit", len(v["helper_name"])).take(idx).to_pylist()
    phones = _col(v, "helper_phone", len(v["helper_name"])).take(idx).to_pylist()
    counties = [c[:6] + "000000" for c in v["village_code"].take(idx).to_pylist()]
    wanted = {(c, nm, ph): u for c, nm, u, ph in zip(counties, names, units, phones, strict=True) if nm}
    if not wanted:
        return {}
    existing = {
        (h.county_id, h.name, h.phone): h.pk
        for h in Helper.objects.filter(county_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted})
    }
    missing = [
        Helper(county_id=c, name=nm, phone=ph, unit=u)
        for (c, nm, ph), u in wanted.items()
        if (c, nm, ph) not in existing
    ]
    if missing:
        Helper.objects.bulk_create(missing, batch_size=2000)
        existing = {
            (h.county_id, h.name, h.phone): h.pk
            for h in Helper.objects.filter(county_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted})
        }
    out: dict[int, Any] = {-1: len(missing)}
    for i, c, nm, ph in zip(first.tolist(), counties, names, phones, strict=True):
        if nm:
            out[i] = existing[(c, nm, ph)]
    return out


def bulk_insert(model: type[models.Model], table: pa.Table) -> None:
    """Insert an Arrow table's rows; PostgreSQL gets COPY … FROM STDIN (CSV), other databases executemany."""
    if table.num_rows == 0:
        return
    name = model._meta.db_table
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
        else:
            marks = ", ".join(["%s"] * len(columns))
            rows = list(zip(*(col.to_pylist() for col in table.columns), strict=True))
            cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", rows)  # noqa: S608 - names from models


# ------------------------------------------------------------------------------------------------ error book


def write_error_workbook(report: ImportReport, path: Path, source: Path) -> Path:
    """Refused rows: one sheet of (row, column, value, reason), one with the refused rows as they were in the file."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    detail = wb.create_sheet("错误明细")
    detail.append(["行号", "列", "填写的值", "原因"])
    for e in report.errors:
        detail.append([e.row, e.column, e.value, e.reason])
    summary = wb.create_sheet("导入结果")
    for line in summary_lines(report):
        summary.append([line])
    try:
        sheet = tb.read_table(source, HOUSEHOLDS)
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
                rows_sheet.append([row, *(c[i] for c in cols), "；".join(reasons[row])])
    except tb.FileUnreadable:
        pass
    path = Path(path)
    wb.save(path)
    return path


def summary_lines(report: ImportReport) -> list[str]:
    mode = "整文件（有错则全部不导入）" if report.mode == "all" else "部分（导入无错的户）"
    lines = [
        f"文件：{report.file_name}（SHA-256 {report.sha256[:16]}…）",
        f"模式：{mode}{'，试导入（未写入）' if report.dry_run else ''}",
        f"总行数 {report.rows_total}，导入 {report.rows_taken if report.written else 0}，拒绝 {report.rows_refused}",
    ]
    if report.written:
        lines.append(
            f"新增 户 {report.created.get('households', 0)}、成员 {report.created.get('members', 0)}、"
            f"帮扶责任人 {report.created.get('helpers', 0)}；更新 户 {report.updated.get('households', 0)}、"
            f"成员 {report.updated.get('members', 0)}；未变 {report.unchanged} 人"
        )
    elif report.mode == "all" and report.rows_refused:
        lines.append("因有被拒绝的行，按整文件模式没有写入任何数据；改正后重新导入，或用 --partial 只导入无错的户")
    elif report.dry_run:
        lines.append(f"试导入：可导入 {report.rows_taken} 行，未写入数据库")
    if report.ignored_headers:
        lines.append(f"未识别的列（已忽略）：{'、'.join(report.ignored_headers)}")
    return lines


def export_households(*, viewer: Any, path: Path, area_code: str = "", status: str = "") -> int:
    """Every scoped member row in the import template's layout (so an export re-imports unchanged)."""
    from .selectors import shown_id

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
    rows = (_export_row(m, shown_id(viewer, m.id_number)) for m in qs.iterator(chunk_size=5000))
    return _write_rows(Path(path), headers, rows)


def _export_row(m: Member, id_text: str) -> list[Any]:
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


def _write_rows(path: Path, headers: list[str], rows: Any) -> int:
    count = 0
    if path.suffix.lower() == ".csv":
        import csv

        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("贫困户家庭成员")
    ws.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
        count += 1
    wb.save(path)
    return count
