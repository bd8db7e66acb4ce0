"""Household verdicts at their thresholds, and `fupin evaluate` without a database."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from fupin.analytics import engines
from fupin.analytics.params import Params
from fupin.analytics.verdicts import household as verdicts
from tests.analytics.test_rules_on_every_engine import world

P = Params.defaults(2017)  # exit line 3,335; monitoring line 4,200


def _year(income: float, **facts: object) -> dict[str, object]:
    row = dict(household_id="H1", year=2017, income_per_capita=income, production_income=0.0, food_ok=True,
               clothing_ok=True, education_ok=True, medical_ok=True, housing_grade="B", relocated=False,
               water_ok=True)  # fmt: skip
    row.update(facts)
    return row


def _exit(rows: list[dict[str, object]], identified: int = 2014) -> pa.Table:
    t = world(household_years=rows)
    t["households"] = engines.canonical(
        "households", t["households"].set_column(4, "identified_year", pa.array([identified], pa.int64()))
    )
    with engines.load(t, "duckdb") as i:
        reasons = verdicts.exit_vetoes(i, P).to_pyarrow()
    return verdicts.assemble(reasons, ["H1"], verdicts.EXIT_VETOES, P.exit_line)


@pytest.mark.parametrize(("income", "ok"), [(3334.99, False), (3335.0, True), (3335.01, True)])
def test_exit_income_at_the_exit_line(income, ok):
    verdict = _exit([_year(income)]).to_pylist()[0]
    assert verdict["ok"] is ok
    if not ok:
        assert verdict["reasons"] == "人均纯收入 3,334.99 元低于退出标准 3,335 元"


def test_every_veto_is_named_in_order():
    verdict = _exit([_year(1000, food_ok=False, medical_ok=False, housing_grade="D", water_ok=False)], identified=2017)
    assert verdict.to_pylist()[0]["reasons"] == (
        "人均纯收入 1,000.00 元低于退出标准 3,335 元；不愁吃未达标；基本医疗无保障；住房不安全（D 级危房，未搬迁）；"
        "饮水不安全；当年识别的贫困户不能当年退出"
    )
    relocated = _exit([_year(5000, housing_grade="D", relocated=True)]).to_pylist()[0]
    assert relocated["ok"] is True  # 易地扶贫搬迁 counts as safe housing
    missing = _exit([_year(5000) | {"year": 2016}]).to_pylist()[0]
    assert missing["reasons"] == "缺少该年度收入与两不愁三保障记录"


def _monitor(now: float, before: float | None) -> list[str]:
    rows = [_year(now)] + ([_year(before) | {"year": 2016}] if before is not None else [])
    t = world(household_years=rows)
    t["households"] = engines.canonical(
        "households", t["households"].set_column(5, "exit_year", pa.array([2016], pa.int32()))
    )
    with engines.load(t, "duckdb") as i:
        return sorted(verdicts.monitoring_triggers(i, P).to_pyarrow().column("code").to_pylist())


def test_monitoring_triggers_at_their_thresholds():
    assert _monitor(4199.99, None) == ["low_income"]
    assert _monitor(4200.0, None) == []
    assert _monitor(5000.0, 10000.0) == ["drop"]  # exactly 50% down
    assert _monitor(5001.0, 10000.0) == []


def test_identification_reasons_for_surveyed_households():
    surveyed = [
        dict(household_id=h, village_code="520526101001", size=3, income_per_capita=income)
        for h, income in (("S1", 2951.0), ("S2", 2952.0))
    ]
    t = world(survey_households=surveyed)
    with engines.load(t, "duckdb") as i:
        rows = verdicts.identification_reasons(i, P).to_pyarrow().to_pylist()
    assert [r["household_id"] for r in rows] == ["S1"]


HEAD = [
    "户编号",
    "识别年度",
    "人均纯收入",
    "不愁吃",
    "不愁穿",
    "义务教育有保障",
    "基本医疗有保障",
    "住房等级",
    "易地扶贫搬迁",
    "饮水安全",
]


def test_evaluate_command_needs_no_database(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEAD)
    ws.append(["A1", 2015, 4000, "是", "是", "是", "是", "B", "否", "是"])
    ws.append(["A2", 2015, 3000, "是", "是", "是", "否", "C", "否", "是"])
    ws.append(["A3", 2017, 9000, "是", "是", "是", "是", "A", "否", "是"])
    wb.save(tmp_path / "eval.xlsx")
    call_command("evaluate", str(tmp_path / "eval.xlsx"), "--year", "2017", "--out", str(tmp_path / "out.xlsx"))
    got = [tuple(c.value for c in r) for r in load_workbook(tmp_path / "out.xlsx").active.iter_rows(min_row=2)]  # type: ignore[union-attr]
    assert got == [
        ("A1", "符合退出标准", None),
        ("A2", "不符合", "人均纯收入 3,000.00 元低于退出标准 3,335 元；基本医疗无保障；住房不安全（C 级危房，未搬迁）"),
        ("A3", "不符合", "当年识别的贫困户不能当年退出"),
    ]
    ws.append(["A4", "去年", 1, "是", "是", "是", "是", "E", "否", "是"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(CommandError) as info:
        call_command("evaluate", str(tmp_path / "bad.xlsx"), "--year", "2017", "--out", str(tmp_path / "o2.csv"))
    assert info.value.returncode == 1
    assert "A3" in (tmp_path / "o2.csv").read_text(encoding="utf-8-sig")
