"""The rules on four engines: identical findings, 100% recall and precision on the planted truth, thresholds."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fupin.analytics import engines, truth
from fupin.analytics.params import Params
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
P2017 = Params.defaults(2017)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from fupin.synth.generate import generate

    out = tmp_path_factory.mktemp("tiny")
    generate(scale="tiny", seed=2017, year=2017, out=out, progress=None)
    return out


def test_four_engines_give_identical_findings_and_hit_the_planted_truth(tiny):
    tables = engines.read_parquet_dir(tiny)
    from fupin.analytics.indicators import indicators
    from fupin.analytics.verdicts import household as verdicts

    results, others = {}, {}
    for engine in ("duckdb", "sqlite", "postgres", "spark"):
        with engines.load(tables, engine, pg_url=PG_URL) as inputs:
            results[engine] = run_rules(inputs, P2017).findings
            # a household may have several reasons of one code (a child each): detail and value order them
            sort = [(c, "ascending") for c in ("household_id", "code", "detail", "value")]
            others[engine] = (
                verdicts.exit_vetoes(inputs, P2017).to_pyarrow().sort_by(sort),
                verdicts.monitoring_triggers(inputs, P2017).to_pyarrow().sort_by(sort),
                indicators(inputs["households"], [2014, 2015, 2016, 2017]),
            )
    for engine, (vetoes, triggers, values) in others.items():
        assert vetoes.num_rows > 1000
        assert vetoes.equals(others["duckdb"][0]), engine
        assert triggers.equals(others["duckdb"][1]), engine
        assert values.equals(others["duckdb"][2]), engine
    reference = results["duckdb"]
    assert reference.num_rows > 200
    for engine, findings in results.items():
        assert findings.equals(reference), engine
    for s in truth.score(reference, pq.read_table(tiny / "answers.parquet")):
        assert (s.recall, s.precision) == (1.0, 1.0), s


def test_the_rules_read_only_the_checked_year_of_the_one_year_tables(tiny):
    """A check run hands the rules only the checked year's rows of ONE_YEAR's tables: the findings must be the same
    as from every year's rows (the tiny county holds 2014–2017)."""
    import pyarrow.compute as pc

    from fupin.analytics.schema import ONE_YEAR

    tables = engines.read_parquet_dir(tiny)
    assert len(set(tables["household_years"].column("year").to_pylist())) == 4
    alone = {n: t.filter(pc.equal(t.column("year"), 2017)) if n in ONE_YEAR else t for n, t in tables.items()}
    with engines.load(tables, "duckdb") as inputs:
        every = run_rules(inputs, P2017).findings
    with engines.load(alone, "duckdb") as inputs:
        assert run_rules(inputs, P2017).findings.equals(every)
    assert every.num_rows > 200


def test_a_layout_cut_into_parts_is_read_by_duckdb_under_a_memory_cap_and_by_spark(tiny, tmp_path, capsys):
    """The national path: tables as directories of part files (one per province), read by the engine itself."""
    from django.core.management import call_command

    from fupin.analytics.run import run_parquet

    with engines.load(engines.read_parquet_dir(tiny), "duckdb") as inputs:
        reference = run_rules(inputs, P2017).findings
    for name in [*engines.TABLES, "answers"]:
        table = pq.read_table(tiny / f"{name}.parquet")
        half = table.num_rows // 2
        for part, piece in enumerate((table.slice(0, half), table.slice(half))):
            (tmp_path / name / f"province={part}").mkdir(parents=True)
            pq.write_table(piece, tmp_path / name / f"province={part}" / "part-0.parquet")
    people = pq.read_metadata(tiny / "members.parquet").num_rows
    for engine, cap in (("duckdb", "256MB"), ("spark", None)):
        out = run_parquet(tmp_path, engine, P2017, memory_limit=cap)
        assert out.result.findings.equals(reference), engine
        assert out.people == people
        assert out.indicators.num_rows > 100
    call_command("checks", "--year", "2017", "--parquet", str(tmp_path), "--out", str(tmp_path / "f.parquet"))
    assert f"{people:,} 人：共 {reference.num_rows:,} 条发现" in capsys.readouterr().out
    assert pq.read_table(tmp_path / "f.parquet").equals(reference)


# --------------------------------------------------------------------------- given / when / then at thresholds

ID_A = "520526197001010012"  # valid check digit computed below
ID_B = "520526198002020021"


def _fix(number: str) -> str:
    from stdnum.cn import ric

    return number[:17] + ric.calc_check_digit(number[:17] + "0")


def world(**overrides: list[dict]) -> dict[str, pa.Table]:
    """A one-household world: household H1 (poor since 2014) with two members A and B."""
    a, b = _fix(ID_A), _fix(ID_B)
    base: dict[str, list[dict]] = {
        "households": [dict(household_id="H1", village_code="520526101001", attribute="一般贫困户", main_cause="因病",
                            identified_year=2014, exit_year=None, size=2)],
        "members": [
            dict(person_id=a, household_id="H1", name="甲", birth_date=date(1970, 1, 1), relation="户主", student=False,
                 health="长期慢性病", labour="普通劳动力", migrant_months=0, medical_insurance=True,
                 critical_illness_insurance=True),
            dict(person_id=b, household_id="H1", name="乙", birth_date=date(1980, 2, 2), relation="配偶", student=False,
                 health="健康", labour="普通劳动力", migrant_months=12, medical_insurance=True,
                 critical_illness_insurance=True),
        ],
        "household_years": [dict(household_id="H1", year=2017, income_per_capita=2500.0, production_income=0.0,
                                 food_ok=True, clothing_ok=True, education_ok=True, medical_ok=True,
                                 housing_grade="B", relocated=False)],
        "survey_households": [dict(household_id="S1", village_code="520526101001", size=3, income_per_capita=5000.0)],
        "vehicles": [dict(owner_id="000000000000000000", plate="贵F00000", vehicle_type="轿车", value_yuan=1)],
        "real_estate": [dict(owner_id="000000000000000000", kind="商品住房", location="x")],
        "businesses": [dict(owner_id="x", legal_rep_id="000000000000000000", name="x", status="存续")],
        "state_payroll": [dict(person_id="000000000000000000", employer="x")],
        "deaths": [dict(person_id="000000000000000000", death_date=date(2000, 1, 1))],
    }  # fmt: skip
    base.update(overrides)
    return {name: engines.canonical(name, pa.Table.from_pylist(rows)) for name, rows in base.items()}


def hits(rule_id: str, tables: dict[str, pa.Table], params: Params = P2017) -> list[dict]:
    with engines.load(tables, "duckdb") as inputs:
        return run_rules(inputs, params, [BY_ID[rule_id]]).findings.to_pylist()


A, B = _fix(ID_A), _fix(ID_B)


@pytest.mark.parametrize(("value", "hit"), [(29_999, False), (30_000, True), (30_001, True)])
def test_wrong_car_at_the_value_threshold(value, hit):
    t = world(vehicles=[dict(owner_id=A, plate="贵F12345", vehicle_type="轿车", value_yuan=value)])
    assert bool(hits("wrong_car", t)) is hit


def test_wrong_car_ignores_exited_households_and_follows_the_parameter():
    t = world(vehicles=[dict(owner_id=A, plate="贵F1", vehicle_type="轿车", value_yuan=40_000)])
    exited = world(vehicles=[dict(owner_id=A, plate="贵F1", vehicle_type="轿车", value_yuan=40_000)])
    exited["households"] = engines.canonical("households", exited["households"].set_column(
        5, "exit_year", pa.array([2016], pa.int32())))  # fmt: skip
    assert hits("wrong_car", t)[0]["value"] == 40_000
    assert hits("wrong_car", exited) == []
    assert hits("wrong_car", t, Params.defaults(2017, car_value=50_000)) == []


@pytest.mark.parametrize(("income", "hit"), [(2951.99, True), (2952.0, False), (2952.01, False)])
def test_wrong_exit_at_the_poverty_line(income, hit):
    t = world(household_years=[dict(household_id="H1", year=2017, income_per_capita=income, production_income=0.0,
                                     food_ok=True, clothing_ok=True, education_ok=True, medical_ok=True,
                                     housing_grade="B", relocated=False)])  # fmt: skip
    t["households"] = engines.canonical(
        "households", t["households"].set_column(5, "exit_year", pa.array([2017], pa.int32()))
    )
    assert bool(hits("wrong_exit", t)) is hit


@pytest.mark.parametrize(("income", "hit"), [(2951.99, True), (2952.0, False), (2952.01, False)])
def test_missed_at_the_poverty_line(income, hit):
    t = world(
        survey_households=[dict(household_id="S9", village_code="520526101001", size=2, income_per_capita=income)]
    )
    assert bool(hits("missed", t)) is hit


@pytest.mark.parametrize(("died", "hit"), [(date(2017, 12, 31), True), (date(2018, 1, 1), False)])
def test_deceased_member_up_to_the_end_of_the_year(died, hit):
    assert bool(hits("deceased_member", world(deaths=[dict(person_id=B, death_date=died)]))) is hit


@pytest.mark.parametrize(("months", "hit"), [(-1, True), (0, False), (12, False), (13, True)])
def test_migrant_months_bounds(months, hit):
    t = world()
    members = t["members"].to_pylist()
    members[1]["migrant_months"] = months
    t["members"] = engines.canonical("members", pa.Table.from_pylist(members))
    assert bool(hits("dq_migrant_months", t)) is hit


def test_id_checksum_rule_names_the_right_digit():
    t = world()
    members = t["members"].to_pylist()
    good = members[0]["person_id"]
    members[0]["person_id"] = good[:17] + ("0" if good[17] != "0" else "1")
    t["members"] = engines.canonical("members", pa.Table.from_pylist(members))
    found = hits("dq_id_checksum", t)
    assert [(f["person_id"], f["detail"]) for f in found] == [(members[0]["person_id"], good[17])]
    assert hits("dq_id_checksum", world()) == []


def test_cause_illness_needs_nobody_ill():
    assert hits("dq_cause_illness_all_healthy", world()) == []  # 甲 has a chronic illness
    t = world()
    members = t["members"].to_pylist()
    members[0]["health"] = "健康"
    t["members"] = engines.canonical("members", pa.Table.from_pylist(members))
    assert [f["household_id"] for f in hits("dq_cause_illness_all_healthy", t)] == ["H1"]


@pytest.mark.parametrize(
    ("rule_id", "table", "row"),
    [
        ("wrong_town_housing", "real_estate", {"kind": "商品住房", "location": "县城"}),
        ("wrong_business", "businesses", {"name": "某商贸公司", "status": "存续"}),
        ("wrong_state_payroll", "state_payroll", {"employer": "县某局"}),
    ],
)
def test_department_matches_on_the_id_number(rule_id, table, row):
    key = {"real_estate": "owner_id", "businesses": "legal_rep_id", "state_payroll": "person_id"}[table]
    assert [f["person_id"] for f in hits(rule_id, world(**{table: [{key: A, **row}]}))] == [A]
    # decoys: someone else's record, or a business that no longer exists / a rural self-built house
    assert hits(rule_id, world(**{table: [{key: "111111111111111111", **row}]})) == []
    if table == "businesses":
        assert hits(rule_id, world(businesses=[{key: A, "name": "x", "status": "注销"}])) == []
    if table == "real_estate":
        assert hits(rule_id, world(real_estate=[{key: A, "kind": "农村自建房", "location": "x"}])) == []


def test_explanations_are_chinese_sentences_with_the_facts():
    t = world(vehicles=[dict(owner_id=A, plate="贵F12345", vehicle_type="轿车", value_yuan=45_000)])
    row = hits("wrong_car", t)[0]
    assert (
        BY_ID["wrong_car"].explanation(row)
        == f"成员 {A} 名下有价值 45,000 元的车辆（轿车，号牌 贵F12345），达到错评标准"
    )


def _with_members(t: dict[str, pa.Table], **changes: object) -> dict[str, pa.Table]:
    members = t["members"].to_pylist()
    members[1].update(changes)
    t["members"] = engines.canonical("members", pa.Table.from_pylist(members))
    return t


@pytest.mark.parametrize(
    ("grade", "relocated", "hit"), [("B", False, False), ("C", False, True), ("D", False, True), ("D", True, False)]
)
def test_housing_unsafe(grade, relocated, hit):
    year = dict(household_id="H1", year=2017, income_per_capita=2500.0, production_income=0.0, food_ok=True,
                clothing_ok=True, education_ok=True, medical_ok=True, housing_grade=grade,
                relocated=relocated)  # fmt: skip
    assert bool(hits("housing_unsafe", world(household_years=[year]))) is hit


@pytest.mark.parametrize(("born", "hit"), [(2012, True), (2011, False), (1994, False), (1993, True)])
def test_student_age_6_to_23_at_year_end(born, hit):
    t = _with_members(world(), student=True, birth_date=date(born, 6, 1))
    assert bool(hits("dq_student_age", t)) is hit


@pytest.mark.parametrize(("born", "labour", "hit"), [(2002, "普通劳动力", True), (2001, "普通劳动力", False),
                                                     (2005, "无劳动力", False)])  # fmt: skip
def test_labour_under_16(born, labour, hit):
    t = _with_members(world(), birth_date=date(born, 6, 1), labour=labour)
    assert bool(hits("dq_labour_age", t)) is hit


def test_cause_consistency_for_school_and_disability():
    t = world()
    t["households"] = engines.canonical("households", t["households"].set_column(3, "main_cause", pa.array(["因学"])))
    assert [f["household_id"] for f in hits("dq_cause_school_no_student", t)] == ["H1"]
    assert hits("dq_cause_school_no_student", _with_members(t, student=True)) == []
    t["households"] = engines.canonical("households", t["households"].set_column(3, "main_cause", pa.array(["因残"])))
    assert len(hits("dq_cause_disability_none", t)) == 1
    assert hits("dq_cause_disability_none", _with_members(t, health="残疾")) == []


@pytest.mark.parametrize(("income", "hit"), [(-0.01, True), (0.0, False), (100_000.0, False), (100_000.01, True)])
def test_income_range(income, hit):
    year = dict(household_id="H1", year=2017, income_per_capita=income, production_income=0.0, food_ok=True,
                clothing_ok=True, education_ok=True, medical_ok=True, housing_grade="A", relocated=False)  # fmt: skip
    assert bool(hits("dq_income_range", world(household_years=[year]))) is hit


def test_duplicate_person_across_households():
    t = world()
    members = t["members"].to_pylist()
    members.append({**members[1], "household_id": "H2"})
    t["members"] = engines.canonical("members", pa.Table.from_pylist(members))
    assert sorted(f["household_id"] for f in hits("dq_duplicate_person", t)) == ["H1", "H2"]
    assert hits("dq_duplicate_person", world()) == []
