"""两不愁三保障 from facts and both income lines at their thresholds (just below, at, just above), on all four
engines: one world of households, each a case, judged by the exit verdict, identification need and the 数据不一致
rules; every engine must give the expected reasons exactly."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pytest

from fupin.analytics import engines
from fupin.analytics.params import Params
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules
from fupin.analytics.verdicts import household as verdicts

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
P = Params.defaults(2017)  # poverty line 2,952; exit line 3,335; school age 6–15; water 35/20 L, 20 min, 36 days
SAFE = dict(income_per_capita=5000.0, production_income=0.0, food_ok=True, clothing_ok=True, education_ok=True,
            medical_ok=True, housing_grade="B", relocated=False, water_ok=True, water_litres=60,
            water_quality_ok=True, water_minutes=5, water_cut_days=0, water_short_area=False)  # fmt: skip
# household → (its year's facts over SAFE, its child's facts or None, expected exit veto codes)
CASES: dict[str, tuple[dict[str, object], dict[str, object] | None, list[str]]] = {
    "exit_below": ({"income_per_capita": 3334.99}, None, ["income"]),
    "exit_at": ({"income_per_capita": 3335.0}, None, ["income"]),
    "exit_above": ({"income_per_capita": 3335.01}, None, []),
    "poverty_below": ({"income_per_capita": 2951.99}, None, ["income"]),
    "poverty_at": ({"income_per_capita": 2952.0}, None, ["income"]),
    "litres_below": ({"water_litres": 34}, None, ["water_quantity"]),
    "litres_at": ({"water_litres": 35}, None, []),
    "short_below": ({"water_litres": 19, "water_short_area": True}, None, ["water_quantity"]),
    "short_at": ({"water_litres": 20, "water_short_area": True}, None, []),
    "minutes_at": ({"water_minutes": 20}, None, []),
    "minutes_above": ({"water_minutes": 21}, None, ["water_time"]),
    "cut_at": ({"water_cut_days": 36}, None, []),
    "cut_above": ({"water_cut_days": 37}, None, ["water_cut"]),
    "quality_bad": ({"water_quality_ok": False}, None, ["water_quality"]),
    "no_water_facts": ({"water_litres": None, "water_quality_ok": None, "water_minutes": None, "water_cut_days": None,
                        "water_ok": False}, None, ["water"]),
    "child_5": ({}, {"born": 2012, "student": False}, []),
    "child_6": ({}, {"born": 2011, "student": False}, ["education"]),
    "child_15": ({}, {"born": 2002, "student": False}, ["education"]),
    "child_16": ({}, {"born": 2001, "student": False}, []),
    "child_home": ({}, {"born": 2008, "student": False, "home_schooled": True}, []),
    "child_school": ({}, {"born": 2008, "student": True}, []),
    "uninsured": ({}, {"born": 1990, "student": False, "critical_illness_insurance": False}, ["medical"]),
    "house_c": ({"housing_grade": "C"}, None, ["housing"]),
    "house_moved": ({"housing_grade": "D", "relocated": True}, None, []),
}  # fmt: skip


def _world() -> dict[str, pa.Table]:
    households, members, years = [], [], []
    for k, (hid, (facts, child, _)) in enumerate(CASES.items()):
        households.append(dict(household_id=hid, village_code="520526101001", attribute="一般贫困户",
                               main_cause="缺资金", identified_year=2014, exit_year=None, size=2))  # fmt: skip
        adult = dict(person_id=f"P{k:03d}A", household_id=hid, name="甲", birth_date=date(1970, 1, 1), relation="户主",
                     student=False, home_schooled=False, health="健康", labour="普通劳动力", migrant_months=0,
                     medical_insurance=True, critical_illness_insurance=True)  # fmt: skip
        members.append(adult)
        if child is not None:
            extra = {key: value for key, value in child.items() if key != "born"}
            members.append({**adult, "person_id": f"P{k:03d}B", "name": "乙", "relation": "子女",
                            "birth_date": date(int(child["born"]), 6, 1), **extra})  # fmt: skip
        years.append({"household_id": hid, "year": 2017, **SAFE, **facts})
    return {
        name: engines.canonical(name, pa.Table.from_pylist(rows))
        for name, rows in (("households", households), ("members", members), ("household_years", years))
    }


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres", "spark"])
def test_guarantees_and_income_lines_at_their_thresholds(engine):
    with engines.load(_world(), engine, pg_url=PG_URL) as inputs:
        vetoes = verdicts.exit_vetoes(inputs, P).to_pyarrow().to_pylist()
        needs = verdicts.need_reasons(inputs, P).to_pyarrow().to_pylist()
        flags = run_rules(inputs, P, [BY_ID["flag_education"], BY_ID["flag_medical"], BY_ID["flag_water"]])
    got: dict[str, list[str]] = {h: [] for h in CASES}
    for row in vetoes:
        got[row["household_id"]].append(row["code"])
    assert {h: sorted(c) for h, c in got.items()} == {h: sorted(case[2]) for h, case in CASES.items()}
    # identification: income strictly below the poverty line (at it is not below); the guarantees alike
    need = {r["household_id"] for r in needs if r["code"] == "income"}
    assert need == {"poverty_below"}
    # every guarantee gap above contradicts a recorded ✓: a 数据不一致 finding for each, none for the others
    flagged = {(f["rule_id"], f["household_id"]) for f in flags.findings.to_pylist()}
    expected = {("flag_education", h) for h, c in CASES.items() if "education" in c[2]}
    expected |= {("flag_medical", h) for h, c in CASES.items() if "medical" in c[2]}
    expected |= {("flag_water", h) for h, c in CASES.items() if any(x.startswith("water_") for x in c[2])}
    assert flagged == expected
    details = {f["household_id"]: f["detail"] for f in flags.findings.to_pylist() if f["rule_id"] == "flag_water"}
    assert details["litres_below"] == "登记为有保障，但人均日供水 34 升，低于 35 升"
    assert details["cut_above"] == "登记为有保障，但全年停水 37 天，超过 36 天"
