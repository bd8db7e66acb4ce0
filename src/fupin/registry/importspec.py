"""The households import's columns and its report: what the template, the import and the error workbook share.

One row per person; the household columns repeat on each of its rows. ``HOUSEHOLDS`` drives the template, the
checks (:mod:`fupin.lib.tabular`) and the export layout, so an export re-imports unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from fupin.lib import tabular as tb
from fupin.lib.idnumbers import upgrade_15

from .models import Attribute, Cause, Relation

EXAMPLE_VILLAGE = "520526101001"  # 威宁县么站社区: the example row's village when the template is for no one


def example_id_number(village: str) -> str:
    """A valid 18-digit ID number (born 1970-01-01, male, the check digit computed) of the village's county."""
    return upgrade_15(village[:6] + "700101" + "991")


EDUCATION = ("学龄前儿童", "文盲或半文盲", "小学", "初中", "高中", "大专及以上")
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
LABOUR = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
SEX = ("男", "女")

H, M = "household", "member"
HOUSEHOLDS: list[tb.Col] = [
    tb.Col("户编号", "household_no", H, "text", True, max_len=24, example=EXAMPLE_VILLAGE + "99001", help="全省唯一"),
    tb.Col("村代码", "village_code", H, "village", True, example=EXAMPLE_VILLAGE, help="12 位统计用区划代码"),
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
        example=example_id_number(EXAMPLE_VILLAGE),
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

TEMPLATE_NOTES = (
    "每行一名家庭成员；同一户的各行户编号相同，户级各列（户编号至帮扶责任人电话）须一致。",
    "每户须有且只有一名户主。身份证号全省唯一：一人只能属于一户。",
    "重复导入同一文件不会产生重复数据；识别、脱贫年度和迁移须通过相应程序办理，导入时不能修改。",
    "示例行可以直接试导入；正式导入前请删除或改为真实数据。",
)


def example_row(village: str = EXAMPLE_VILLAGE) -> list[str]:
    """The template's example row for ``village`` (one inside the downloading user's area): it passes every check
    of the import — the household number and the ID number's county follow the village."""
    values = {c.field: c.example for c in HOUSEHOLDS}
    values.update(
        household_no=village + "99001", village_code=village, id_number=example_id_number(village)
    )  # fmt: skip
    return [values[c.field] for c in HOUSEHOLDS]


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


def _households_written(report: ImportReport) -> str:
    return (
        f"新增 户 {report.created.get('households', 0)}、成员 {report.created.get('members', 0)}、"
        f"帮扶责任人 {report.created.get('helpers', 0)}；更新 户 {report.updated.get('households', 0)}、"
        f"成员 {report.updated.get('members', 0)}；未变 {report.unchanged} 人"
    )


# How to take only the good households, in the words of the face that shows the outcome.
PARTIAL_HINT_CLI = "或加 --partial 只导入无错的户"
PARTIAL_HINT_WEB = "或勾选“只导入无错的户”后重新上传"


def summary_lines(
    report: ImportReport,
    written: Callable[[ImportReport], str] = _households_written,
    *,
    partial_hint: str = PARTIAL_HINT_CLI,
) -> list[str]:
    """The import's outcome in a few Chinese lines (CLI output, the web page, the error workbook); ``written``
    says what a written import created and changed (households by default); ``partial_hint`` how to import only
    the good households where the outcome is read (the command's option, the web form's checkbox)."""
    mode = "整文件（有错则全部不导入）" if report.mode == "all" else "部分（导入无错的户）"
    lines = [
        f"文件：{report.file_name}（SHA-256 {report.sha256[:16]}…）",
        f"模式：{mode}{'，试导入（未写入）' if report.dry_run else ''}",
        f"总行数 {report.rows_total}，导入 {report.rows_taken if report.written else 0}，拒绝 {report.rows_refused}",
    ]
    if report.written:
        lines.append(written(report))
    elif report.mode == "all" and report.rows_refused:
        lines.append(f"因有被拒绝的行，按整文件模式没有写入任何数据；改正后重新导入，{partial_hint}")
    elif report.dry_run:
        lines.append(f"试导入：可导入 {report.rows_taken} 行，未写入数据库")
    if report.ignored_headers:
        lines.append(f"未识别的列（已忽略）：{'、'.join(report.ignored_headers)}")
    return lines
