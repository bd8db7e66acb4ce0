"""`fupin evaluate`: third-party exit evaluation from a spreadsheet, judged by the live system's exit rule."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from fupin.analytics.evaluate_spec import SPEC
from fupin.checks.management.commands.evaluate import Command as Evaluate
from fupin.policy.services import parameter_set

pytestmark = pytest.mark.django_db  # the stored policy parameters are read from the database

HOUSEHOLD = {"户编号": "A1", "识别年度": 2015, "人均纯收入": 5000, "不愁吃": "是", "不愁穿": "是", "住房等级": "B"}
# a child of compulsory-school age in 2017 (9) and an adult, with valid ID numbers
CHILD = {"姓名": "小明", "身份证号": "520526200809010035"}
ADULT = {"姓名": "王德发", "身份证号": "520526197803120028"}
INSURED = {"基本医疗保险": "是", "大病保险": "是"}


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    headers: list[str] = []
    for r in rows:
        headers.extend(h for h in r if h not in headers)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def _run(tmp_path: Path, rows: list[dict[str, Any]], *args: str, year: int = 2017) -> tuple[list[dict[str, str]], str]:
    """(result rows as read back from CSV, stdout); raises CommandError as the command does."""
    source = _write(tmp_path / "eval.xlsx", rows)
    out, stdout = tmp_path / "out.csv", io.StringIO()
    call_command("evaluate", str(source), "--year", str(year), "--out", str(out), *args, stdout=stdout)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh)), stdout.getvalue()


def _verdicts(tmp_path: Path, rows: list[dict[str, Any]], *args: str) -> list[tuple[str, str, str, str]]:
    got, _ = _run(tmp_path, rows, *args)
    return [(r["户编号"], r["退出结论"], r["原因"], r["数据不一致"]) for r in got]


def test_the_water_column_is_honoured_and_water_facts_decide(tmp_path):
    rows = [
        HOUSEHOLD | {"户编号": "W1", "饮水安全": "否"},
        HOUSEHOLD | {"户编号": "W2", "饮水安全": None},  # blank: safe
        HOUSEHOLD | {"户编号": "W3", "饮水安全": "是", "人均日供水量(升)": 30},  # facts decide: under 35 litres
        HOUSEHOLD | {"户编号": "W4", "饮水安全": "否", "人均日供水量(升)": 60, "水质达标": "是"},
        HOUSEHOLD | {"户编号": "W5", "人均日供水量(升)": 25, "属缺水地区": "是", "往返取水时间(分钟)": 21},
    ]
    assert _verdicts(tmp_path, rows) == [
        ("W1", "不符合", "饮水不安全（登记为不安全，缺少水量、水质、取水时间和停水天数）", ""),
        ("W2", "符合退出标准", "", ""),
        ("W3", "不符合", "饮水不安全：人均日供水 30 升，低于 35 升",
         "饮水安全：登记为安全，但按水量、水质、取水时间、停水天数不安全"),
        ("W4", "符合退出标准", "", "饮水安全：登记为不安全，但按水量、水质、取水时间、停水天数安全"),
        ("W5", "不符合", "饮水不安全：人力取水往返 21 分钟，超过 20 分钟", ""),
    ]  # fmt: skip


def test_the_stored_exit_line_is_used_and_exit_line_overrides_it(tmp_path, province_admin):
    parameter_set(actor=province_admin, key="exit_line", year=2017, value=3500)
    rows = [HOUSEHOLD | {"人均纯收入": 3400}]
    got, stdout = _run(tmp_path, rows)
    assert [(r["退出结论"], r["原因"]) for r in got] == [("不符合", "人均纯收入 3,400.00 元未超过退出标准 3,500 元")]
    assert stdout.splitlines()[0] == "退出标准：人均纯收入高于 3,500 元；来源：省级政策参数（2017 年设定）"
    got, stdout = _run(tmp_path, rows, "--exit-line", "3000")
    assert [(r["退出结论"], r["原因"]) for r in got] == [("符合退出标准", "")]
    assert stdout.splitlines()[0] == "退出标准：人均纯收入高于 3,000 元；来源：命令行 --exit-line"


def test_without_a_stored_exit_line_the_default_is_used_and_said(tmp_path):
    _, stdout = _run(tmp_path, [HOUSEHOLD])
    assert stdout.splitlines()[0] == "退出标准：人均纯收入高于 3,335 元；来源：默认值（未设定省级政策参数）"


@pytest.mark.parametrize(("income", "verdict"), [(3335, "不符合"), (3335.01, "符合退出标准")])
def test_income_must_be_strictly_above_the_exit_line(tmp_path, income, verdict):
    got = _verdicts(tmp_path, [HOUSEHOLD | {"人均纯收入": income}])
    reason = "人均纯收入 3,335.00 元未超过退出标准 3,335 元" if verdict == "不符合" else ""
    assert got == [("A1", verdict, reason, "")]


def test_income_from_its_sources_and_a_disagreeing_total_refused(tmp_path):
    sources = {"工资性收入": 6000, "生产经营性收入": 2000, "生产经营费用": 1000, "财产性收入": 0, "转移性收入": 1000}
    computed = {k: v for k, v in HOUSEHOLD.items() if k != "人均纯收入"} | sources | {"家庭人口": 3}  # 8000 / 3
    rows = [
        computed | {"户编号": "S1"},
        computed | {"户编号": "S2", "人均纯收入": 2666.67},  # agrees to the fen
        computed | {"户编号": "S3", "人均纯收入": 2700},
        computed | {"户编号": "S4", "家庭人口": None},
    ]
    stderr = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("evaluate", str(_write(tmp_path / "e.xlsx", rows)), "--year", "2017",
                     "--out", str(tmp_path / "o.csv"), stdout=io.StringIO(), stderr=stderr)  # fmt: skip
    assert info.value.returncode == 1
    assert stderr.getvalue().splitlines() == [
        "第 4 行【人均纯收入】“2700.00”：填写的人均纯收入 2,700.00 元与按各项收入和家庭人口计算的 2,666.67 元不一致"
        "（相差超过 0.01 元）",
        "第 5 行【家庭人口】“”：填写了各项收入时必须填写家庭人口",
    ]
    with open(tmp_path / "o.csv", encoding="utf-8-sig") as fh:
        got = [(r["户编号"], r["原因"]) for r in csv.DictReader(fh)]
    assert got == [
        ("S1", "人均纯收入 2,666.67 元未超过退出标准 3,335 元"),
        ("S2", "人均纯收入 2,666.67 元未超过退出标准 3,335 元"),
    ]


def test_a_household_identified_after_the_year_is_refused_not_judged(tmp_path):
    rows = [
        HOUSEHOLD | {"户编号": "Y1"},
        HOUSEHOLD | {"户编号": "Y2", "识别年度": 2017},
        HOUSEHOLD | {"户编号": "Y3", "识别年度": 2018},
    ]
    stderr = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("evaluate", str(_write(tmp_path / "e.xlsx", rows)), "--year", "2017",
                     "--out", str(tmp_path / "o.csv"), stdout=io.StringIO(), stderr=stderr)  # fmt: skip
    assert info.value.returncode == 1
    assert "`fupin template evaluate`" in str(info.value)
    assert stderr.getvalue().splitlines() == ["第 4 行【识别年度】“2018”：识别年度晚于评估年度"]
    with open(tmp_path / "o.csv", encoding="utf-8-sig") as fh:
        got = [(r["户编号"], r["退出结论"], r["原因"]) for r in csv.DictReader(fh)]
    assert got == [("Y1", "符合退出标准", ""), ("Y2", "不符合", "当年识别的贫困户不能当年退出")]


def test_member_facts_decide_education_and_medical(tmp_path):
    member_rows = [
        # E1: the child is neither in school nor taught at home, though recorded as 有保障
        HOUSEHOLD | {"户编号": "E1", "义务教育有保障": "是"} | ADULT | INSURED | {"在校生": "否"},
        HOUSEHOLD | {"户编号": "E1", "义务教育有保障": "是"} | CHILD | INSURED | {"在校生": "否"},
        # M1: recorded as 无保障 but every member is insured; 送教上门 counts as schooling
        HOUSEHOLD | {"户编号": "M1", "基本医疗有保障": "否"}
        | {"姓名": "李四", "出生日期": "2009-05-01", "送教上门": "是", "基本医疗保险": "是", "大病保险": "是"},
        # M2: one member without 大病保险
        HOUSEHOLD | {"户编号": "M2"} | ADULT | {"身份证号": None, "出生日期": "1978-03-12", "基本医疗保险": "是"},
        # R1, R2: no member rows — the recorded judgement decides
        HOUSEHOLD | {"户编号": "R1", "义务教育有保障": "否", "基本医疗有保障": "是"},
        HOUSEHOLD | {"户编号": "R2", "基本医疗有保障": "否"},
    ]  # fmt: skip
    assert _verdicts(tmp_path, member_rows) == [
        ("E1", "不符合", "义务教育无保障：小明（9 岁）未在校，也未送教上门",
         "义务教育：登记为有保障，但按成员在校信息无保障"),
        ("M1", "符合退出标准", "", "基本医疗：登记为无保障，但按成员参保信息有保障"),
        ("M2", "不符合", "基本医疗无保障：王德发未参加大病保险", ""),
        ("R1", "不符合", "义务教育无保障（评估表登记）", ""),
        ("R2", "不符合", "基本医疗无保障（评估表登记）", ""),
    ]  # fmt: skip


def test_template_round_trip_and_result_workbook(tmp_path):
    template = tmp_path / "模板.xlsx"
    call_command("template", "evaluate", "--out", str(template), stdout=io.StringIO())
    wb = load_workbook(template)
    sheet, notes = wb.worksheets
    assert [c.value for c in sheet[1]] == [c.header + ("*" if c.required else "") for c in SPEC]
    assert notes.title == "填写说明"
    assert [r[0] for r in notes.iter_rows(min_row=2, max_row=len(SPEC) + 1, values_only=True)] == [
        c.header for c in SPEC
    ]
    assert any("A,B,C,D" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)
    for year in (2017, 2020):
        stdout = io.StringIO()
        call_command("evaluate", str(template), "--year", str(year), stdout=stdout)  # default output name
        result = load_workbook(tmp_path / f"退出评估结果-{year}.xlsx")
        assert result.sheetnames == ["退出评估结果"]
        rows = list(result["退出评估结果"].iter_rows(values_only=True))
        assert rows == [("户编号", "退出结论", "原因", "数据不一致"), ("52052610100100001", "符合退出标准", None, None)]


def test_help_lists_every_column_and_errors_point_to_the_template(tmp_path):
    text = Evaluate().create_parser("fupin", "evaluate").format_help()
    assert "……" not in text
    for c in SPEC:
        assert f"\n    {c.header}{'*' if c.required else ''}" in text, c.header
    assert "空白视为安全" in text
    assert "fupin template evaluate" in text
    missing = _write(tmp_path / "e.xlsx", [{k: v for k, v in HOUSEHOLD.items() if k != "住房等级"}])
    with pytest.raises(CommandError) as info:
        call_command("evaluate", str(missing), "--year", "2017", stdout=io.StringIO())
    assert info.value.returncode == 2
    assert str(info.value).startswith("文件无法读取：缺少必需的列：住房等级。")
    assert str(info.value).endswith("请使用 `fupin template evaluate` 生成的模板")
