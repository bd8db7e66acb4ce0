"""Household verdicts at their thresholds (`fupin evaluate` has its own tests in test_evaluate.py)."""

from __future__ import annotations

import pyarrow as pa
import pytest

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


@pytest.mark.parametrize(("income", "ok"), [(3334.99, False), (3335.0, False), (3335.01, True)])
def test_exit_income_strictly_above_the_exit_line(income, ok):
    """稳定超过 (POLICY §3): at the line is not above it."""
    verdict = _exit([_year(income)]).to_pylist()[0]
    assert verdict["ok"] is ok
    if not ok:
        assert verdict["reasons"] == f"人均纯收入 {income:,.2f} 元未超过退出标准 3,335 元"


def test_every_veto_is_named_in_order():
    # the recorded 基本医疗 judgement no longer decides: the members' insurance does (all insured here)
    verdict = _exit([_year(1000, food_ok=False, medical_ok=False, housing_grade="D", water_ok=False)], identified=2017)
    assert verdict.to_pylist()[0]["reasons"] == (
        "人均纯收入 1,000.00 元未超过退出标准 3,335 元；不愁吃未达标；住房不安全（D 级危房，未搬迁）；"
        "饮水不安全（登记为不安全，缺少水量、水质、取水时间和停水天数）；当年识别的贫困户不能当年退出"
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
