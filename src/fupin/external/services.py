"""`fupin external load KIND FILE`: a department's snapshot, checked column by column, replacing the kind's rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import models, transaction

from fupin.analytics.monitoring import ALERT_KINDS
from fupin.areas.models import Area
from fupin.audit.services import audit_record
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.bulk import bulk_insert
from fupin.core.permissions import require
from fupin.lib import tabular as tb
from fupin.lib.safefiles import MB, Limits

from .models import (
    Assistance,
    Business,
    Death,
    DisabilityCertificate,
    HousingAppraisal,
    Hukou,
    MedicalInsured,
    RealEstate,
    RiskAlert,
    SchoolEnrolment,
    StatePayroll,
    SurveyHousehold,
    Vehicle,
)


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    title: str
    columns: tuple[tuple[str, str, str, bool], ...]  # field, Chinese header, kind, required
    choices: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # a choice column's (label, code) pairs


ID = "idnumber"
KINDS: dict[str, Kind] = {
    "vehicles": Kind(
        Vehicle,
        "车辆",
        (
            ("owner_id", "车主身份证号", ID, True),
            ("plate", "号牌", "text", True),
            ("vehicle_type", "车辆类型", "text", True),
            ("value_yuan", "价值(元)", "int", True),
            ("registered_on", "登记日期", "date", False),
        ),
    ),
    "real_estate": Kind(
        RealEstate,
        "不动产",
        (
            ("owner_id", "权利人身份证号", ID, True),
            ("county_code", "所在县", "text", False),
            ("kind", "房屋类型", "text", True),
            ("location", "坐落", "text", False),
            ("floor_area_m2", "建筑面积", "float", False),
            ("registered_on", "登记日期", "date", False),
        ),
    ),
    "businesses": Kind(
        Business,
        "市场主体",
        (
            ("legal_rep_id", "法定代表人身份证号", ID, True),
            ("name", "名称", "text", True),
            ("status", "登记状态", "text", True),
            ("registered_capital", "注册资本", "float", False),
            ("registered_on", "成立日期", "date", False),
        ),
    ),
    "state_payroll": Kind(
        StatePayroll,
        "财政供养人员",
        (
            ("person_id", "身份证号", ID, True),
            ("employer", "工作单位", "text", True),
            ("monthly_pay", "月工资", "float", False),
        ),
    ),
    "deaths": Kind(Death, "死亡人员", (("person_id", "身份证号", ID, True), ("death_date", "死亡日期", "date", True))),
    "hukou": Kind(
        Hukou,
        "户籍人口",
        (
            ("person_id", "身份证号", ID, True),
            ("household_id", "户号", "text", False),
            ("village_code", "户籍地村代码", "text", False),
            ("status", "户籍状态", "text", True),
        ),
    ),
    "survey_households": Kind(
        SurveyHousehold,
        "抽样调查户",
        (
            ("household_id", "调查户编号", "text", True),
            ("village_code", "村代码", "village", True),
            ("size", "人口", "int", True),
            ("income_per_capita", "人均纯收入", "float", True),
            ("housing_grade", "住房等级", "text", False),
        ),
    ),
    "school_enrolment": Kind(
        SchoolEnrolment,
        "学籍(教育)",
        (
            ("person_id", "身份证号", ID, True),
            ("school", "学校", "text", False),
            ("stage", "学段", "text", True),
            ("year", "学年", "int", True),
            ("status", "学籍状态", "text", True),
        ),
    ),
    "medical_insured": Kind(
        MedicalInsured,
        "参保人员(医保)",
        (
            ("person_id", "身份证号", ID, True),
            ("year", "参保年度", "int", True),
            ("basic", "基本医疗保险", "bool", True),
            ("critical", "大病保险", "bool", True),
        ),
    ),
    "housing_appraisal": Kind(
        HousingAppraisal,
        "危房鉴定(住建)",
        (
            ("owner_id", "户主身份证号", ID, True),
            ("village_code", "村代码", "text", False),
            ("grade", "鉴定等级", "text", True),
            ("appraised_on", "鉴定日期", "date", True),
            ("renovated", "已改造", "bool", True),
        ),
    ),
    "assistance": Kind(
        Assistance,
        "低保/特困人员(民政)",
        (
            ("person_id", "身份证号", ID, True),
            ("kind", "救助类别", "text", True),
            ("since", "起始日期", "date", True),
            ("ended", "终止日期", "date", False),
        ),
    ),
    "disability": Kind(
        DisabilityCertificate,
        "残疾人证(残联)",
        (
            ("person_id", "身份证号", ID, True),
            ("category", "残疾类别", "text", True),
            ("grade", "残疾等级", "text", True),
        ),
    ),
    "risk_alerts": Kind(
        RiskAlert,
        "部门预警信息(医保、教育、民政、应急、残联、公安)",
        (
            ("alert_no", "预警编号", "text", True),
            ("department", "预警部门", "text", True),
            ("kind", "预警类别", "choice", True),
            ("person_id", "身份证号", ID, True),
            ("occurred_on", "发生日期", "date", True),
            ("amount", "金额(元)", "float", False),
            ("detail", "情况说明", "text", False),
        ),
        (("kind", tuple((label, code) for code, label in ALERT_KINDS.items())),),
    ),
}
DB_COLUMN = {"village_code": "village_id"}  # only where the model has a village foreign key (survey households)


def _db_column(kind: Kind, name: str) -> str:
    return DB_COLUMN.get(name, name) if kind.model is SurveyHousehold else name


@dataclass
class LoadReport:
    kind: str
    rows_total: int = 0
    rows_loaded: int = 0
    errors: list[tb.RowError] = field(default_factory=list)
    written: bool = False

    @property
    def rows_refused(self) -> int:
        return len({e.row for e in self.errors})


def _max_len(kind: Kind, fname: str) -> int:
    """A text column's longest value: its model field's (100 where the field has none)."""
    names = {f.name: f for f in kind.model._meta.get_fields()}
    return int(getattr(names.get(fname), "max_length", None) or 100)


def _spec(kind: Kind, english: bool) -> list[tb.Col]:
    """A choice column stores its Chinese label; a file may give the label or the code."""
    choices = dict(kind.choices)
    return [
        tb.Col(fname if english else header, fname, "member", ckind, required, max_len=_max_len(kind, fname),
               choices=tuple(label for label, _ in choices.get(fname, ())),
               aliases=tuple((code, label) for label, code in choices.get(fname, ())))
        for fname, header, ckind, required in kind.columns
    ]  # fmt: skip


def _limits() -> Limits:
    """Department snapshots are province-wide and loaded by administrators: larger than an upload may be."""
    return replace(settings.UPLOAD_LIMITS, max_bytes=4096 * MB, max_rows=1_048_576, max_cells=60_000_000)


def _read(path: Path, kind: Kind) -> tuple[tb.Sheet, list[tb.Col]]:
    if path.suffix.lower() == ".parquet":
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several kinds for a broken file
            raise tb.FileUnreadable(f"无法读取 Parquet 文件：{str(exc)[:120]}") from None
        spec = _spec(kind, english=True)
        missing = [c.header for c in spec if c.required and c.header not in table.column_names]
        if missing:
            raise tb.FileUnreadable(f"缺少必需的列：{'、'.join(missing)}")
        columns = {}
        for c in spec:
            if c.header in table.column_names:
                col = table.column(c.header).combine_chunks()
                columns[c.header] = pc.cast(col, pa.string())
        return tb.Sheet(columns, np.arange(2, 2 + table.num_rows, dtype=np.int64)), spec
    try:
        spec = _spec(kind, english=False)
        return tb.read_table(path, spec, limits=_limits()), spec
    except tb.FileUnreadable as first:
        try:
            spec = _spec(kind, english=True)
            return tb.read_table(path, spec, limits=_limits()), spec
        except tb.FileUnreadable:
            raise first from None


def external_load(*, actor: Actor | None, kind_name: str, path: Path, partial: bool = False) -> LoadReport:
    """Replace one kind's rows with a file's valid rows (all-or-nothing unless ``partial``)."""
    require(actor, "external.load")
    kind = KINDS[kind_name]
    path = Path(path)
    progress.report("读取文件")
    sheet, spec = _read(path, kind)
    progress.report(f"逐行校验（{sheet.n:,} 行）", 0, sheet.n)
    villages = set(Area.objects.filter(level=codes.VILLAGE).values_list("code", flat=True))
    checked = tb.check_columns(sheet, spec, villages=villages, allowed=None)
    report = LoadReport(kind_name, sheet.n, errors=sorted(checked.errors, key=lambda e: (e.row, e.column)))
    take = ~checked.bad
    if report.errors and not partial:
        return report
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    progress.report("写入数据库", sheet.n, sheet.n)
    with transaction.atomic():
        kind.model._default_manager.all().delete()
        mask = pa.array(take)
        cols = {}
        for c in spec:
            if c.field in checked.values:
                cols[_db_column(kind, c.field)] = pc.filter(checked.values[c.field], mask)
        for fname, _, ckind, _ in kind.columns:  # optional text columns absent from the file
            if ckind == "text" and fname not in checked.values:
                cols[_db_column(kind, fname)] = pa.array([""] * int(take.sum()), pa.string())
        bulk_insert(kind.model, pa.table(cols))
        report.rows_loaded, report.written = int(take.sum()), True
        audit_record(
            actor=actor,
            action="external.load",
            entity=None,
            entity_type=f"external.{kind_name}",
            entity_id=digest[:16],
            area_code="520000000000",
            changes={"file": [None, path.name], "sha256": [None, digest], "rows": [None, report.rows_loaded]},
        )
    return report
