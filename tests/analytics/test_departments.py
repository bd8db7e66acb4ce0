"""部门比对 rules: thresholds on tiny hand-built worlds (DuckDB), the planted truth of the synthetic county, and the
department tables through `fupin external load` and back out as the rules' canonical tables."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fupin.analytics import engines, truth
from fupin.analytics.params import Params
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules
from fupin.synth.departments import SCHEMAS, correct_ids

P2017 = Params.defaults(2017)


def _fix(number: str) -> str:
    return str(correct_ids(pa.array([number]).to_numpy(zero_copy_only=False))[0])


HEAD, CHILD = _fix("520526197001010010"), _fix("520526200806060020")
OTHER = _fix("520526198002020030")  # someone else: a department snapshot that is loaded but has no row of H1's
ENROLLED_ELSEWHERE = [dict(person_id=OTHER, school="某中学", stage="初中", year=2017, status="在读")]
INSURED_ELSEWHERE = [dict(person_id=OTHER, year=2017, basic=True, critical=True)]
ASSISTED_ELSEWHERE = [dict(person_id=OTHER, kind="低保", since=date(2015, 1, 1), ended=None)]


def world(**overrides: list[dict]) -> dict[str, pa.Table]:
    """Household H1 (低保贫困户, poor since 2014, house graded B) with the head and a child in school aged 9 at the
    end of 2017; both insured; every department table empty unless given."""
    base: dict[str, list[dict]] = {
        "households": [dict(household_id="H1", village_code="520526101001", attribute="低保贫困户",
                            main_cause="因病", identified_year=2014, exit_year=None, size=2)],
        "members": [
            dict(person_id=HEAD, household_id="H1", name="甲", birth_date=date(1970, 1, 1), relation="户主",
                 student=False, home_schooled=False, health="长期慢性病", labour="普通劳动力", migrant_months=0,
                 medical_insurance=True, critical_illness_insurance=True),
            dict(person_id=CHILD, household_id="H1", name="乙", birth_date=date(2008, 6, 6), relation="子女",
                 student=True, home_schooled=False, health="健康", labour="无劳动力", migrant_months=0,
                 medical_insurance=True, critical_illness_insurance=True),
        ],
        "household_years": [dict(household_id="H1", year=2017, income_per_capita=2500.0, production_income=0.0,
                                 food_ok=True, clothing_ok=True, education_ok=True, medical_ok=True,
                                 housing_grade="B", relocated=False)],
    }  # fmt: skip
    base.update({name: [] for name in SCHEMAS})
    base["school_enrolment"] = [dict(person_id=CHILD, school="某中心小学", stage="小学", year=2017, status="在读")]
    base["medical_insured"] = [dict(person_id=p, year=2017, basic=True, critical=True) for p in (HEAD, CHILD)]
    base["assistance"] = [dict(person_id=HEAD, kind="低保", since=date(2015, 3, 1), ended=None)]
    base.update(overrides)
    tables = {}
    for name, rows in base.items():
        table = pa.Table.from_pylist(rows, SCHEMAS[name]) if name in SCHEMAS else pa.Table.from_pylist(rows)
        tables[name] = engines.canonical(name, table)
    return tables


def hits(rule_id: str, tables: dict[str, pa.Table], params: Params = P2017) -> list[dict]:
    with engines.load(tables, "duckdb") as inputs:
        return run_rules(inputs, params, [BY_ID[rule_id]]).findings.to_pylist()


def members(**changes: object) -> list[dict]:
    rows = world()["members"].to_pylist()
    rows[1].update(changes)
    return rows


def test_a_consistent_household_gives_no_department_finding():
    t = world()
    for rule_id in ("dept_dropout", "dept_uninsured", "dept_housing_grade", "dept_dibao", "dept_disability"):
        assert hits(rule_id, t) == [], rule_id


# --------------------------------------------------------------------------- 教育 学籍


@pytest.mark.parametrize(("born", "hit"), [(2012, False), (2011, True), (2002, True), (2001, False)])
def test_dropout_at_the_edges_of_the_compulsory_band(born, hit):
    """Ages 6–15 at the end of 2017 (born 2011–2002); a student without a 2017 学籍 outside them is no dropout."""
    t = world(members=members(birth_date=date(born, 12, 31)), school_enrolment=ENROLLED_ELSEWHERE)
    assert bool(hits("dept_dropout", t)) is hit


def test_dropout_band_follows_the_parameters():
    t = world(members=members(birth_date=date(2001, 1, 1)), school_enrolment=ENROLLED_ELSEWHERE)
    assert hits("dept_dropout", t) == []
    assert len(hits("dept_dropout", t, Params.defaults(2017, school_age_max=16))) == 1


@pytest.mark.parametrize(
    ("records", "detail"),
    [
        ([], "无 2017 学年学籍"),
        ([(2016, "在读")], "无 2017 学年学籍"),
        ([(2017, "辍学")], "2017 学年学籍状态为辍学"),
        ([(2016, "在读"), (2017, "辍学")], "2017 学年学籍状态为辍学"),
        ([(2017, "在读")], None),
        ([(2017, "休学")], None),
        ([(2016, "辍学"), (2017, "在读")], None),
        ([(2017, "辍学"), (2017, "在读")], None),  # dropped out of one school, enrolled at another
    ],
)
def test_dropout_reads_the_school_year(records, detail):
    rows = [dict(person_id=CHILD, school="x", stage="小学", year=y, status=s) for y, s in records]
    found = hits("dept_dropout", world(school_enrolment=rows + ENROLLED_ELSEWHERE))  # the year's snapshot loaded
    assert [(f["person_id"], f["value"], f["detail"]) for f in found] == ([(CHILD, 9.0, detail)] if detail else [])


@pytest.mark.parametrize("change", [dict(student=False), dict(home_schooled=True)])
def test_dropout_leaves_out_non_students_and_home_schooling(change):
    assert hits("dept_dropout", world(members=members(**change), school_enrolment=ENROLLED_ELSEWHERE)) == []


def test_a_mistyped_id_number_has_no_record_in_the_department():
    typo = CHILD[:17] + ("0" if CHILD[17] != "0" else "1")
    assert [f["person_id"] for f in hits("dept_dropout", world(members=members(person_id=typo)))] == [typo]


def test_department_rules_cover_only_the_registered_poor():
    exited = [dict(household_id="H1", village_code="520526101001", attribute="低保贫困户", main_cause="因病",
                   identified_year=2014, exit_year=2017, size=2)]  # fmt: skip
    t = world(households=exited, school_enrolment=ENROLLED_ELSEWHERE, medical_insured=INSURED_ELSEWHERE,
              assistance=ASSISTED_ELSEWHERE,
              disability=[dict(person_id=CHILD, category="肢体", grade="四级")])  # fmt: skip
    for rule_id in ("dept_dropout", "dept_uninsured", "dept_dibao", "dept_disability"):
        assert hits(rule_id, t) == [], rule_id
        assert hits(rule_id, {**t, "households": world()["households"]}), rule_id


# --------------------------------------------------------------------------- 医保


@pytest.mark.parametrize(
    ("records", "detail"),
    [
        ([], "医保部门无 2017 年度参保记录"),
        ([(2016, True, True)], "医保部门无 2017 年度参保记录"),
        ([(2018, True, True)], "医保部门无 2017 年度参保记录"),
        ([(2017, True, False)], "医保部门记录未参加大病保险"),
        ([(2017, False, True)], "医保部门记录未参加基本医疗保险"),
        ([(2017, False, False)], "医保部门记录未参加基本医疗保险和大病保险"),
        ([(2017, True, True)], None),
        ([(2016, True, False), (2017, True, True)], None),
    ],
)
def test_uninsured_against_the_years_record(records, detail):
    rows = [dict(person_id=HEAD, year=2017, basic=True, critical=True)]
    rows += [dict(person_id=CHILD, year=y, basic=b, critical=c) for y, b, c in records]  # HEAD's row: loaded
    found = hits("dept_uninsured", world(medical_insured=rows))
    assert [(f["person_id"], f["detail"]) for f in found] == ([(CHILD, detail)] if detail else [])


@pytest.mark.parametrize("change", [dict(medical_insurance=False), dict(critical_illness_insurance=False)])
def test_uninsured_needs_the_registry_to_say_insured(change):
    rows = [dict(person_id=HEAD, year=2017, basic=True, critical=True)]
    assert hits("dept_uninsured", world(members=members(**change), medical_insured=rows)) == []
    assert len(hits("dept_uninsured", world(medical_insured=rows))) == 1


# --------------------------------------------------------------------------- 住建 危房鉴定


def _appraisal(owner: str, grade: str, on: date, renovated: bool = False) -> dict:
    return dict(owner_id=owner, village_code="520526101001", grade=grade, appraised_on=on, renovated=renovated)


def _year(grade: str = "B", relocated: bool = False) -> list[dict]:
    row = dict(
        household_id="H1",
        year=2017,
        income_per_capita=2500.0,
        production_income=0.0,
        food_ok=True,
        clothing_ok=True,
        education_ok=True,
        medical_ok=True,
        housing_grade=grade,
        relocated=relocated,
    )
    return [row]


@pytest.mark.parametrize(
    ("appraisals", "grade"),
    [
        ([("C", date(2017, 12, 31))], "C"),  # on the last day of the year
        ([("D", date(2018, 1, 1))], None),  # the day after
        ([("B", date(2015, 4, 1)), ("D", date(2017, 6, 1))], "D"),  # the latest appraisal counts
        ([("D", date(2015, 4, 1)), ("A", date(2016, 6, 1))], None),
        ([("A", date(2016, 6, 1)), ("D", date(2018, 1, 1))], None),  # later than the year: not yet known
        ([("B", date(2017, 12, 31))], None),
    ],
)
def test_housing_grade_reads_the_latest_appraisal_by_the_year_end(appraisals, grade):
    rows = [_appraisal(HEAD, g, on) for g, on in appraisals]
    found = hits("dept_housing_grade", world(housing_appraisal=rows))
    assert [(f["household_id"], f["detail"]) for f in found] == ([("H1", grade)] if grade else [])


@pytest.mark.parametrize(
    ("registry", "relocated", "renovated", "owner", "hit"),
    [
        ("A", False, False, "head", True),
        ("C", False, False, "head", False),  # the registry already says unsafe
        ("B", True, False, "head", False),  # relocated: the old house is left behind
        ("B", False, True, "head", False),  # renovated since
        ("B", False, False, "child", False),  # only the head's appraisal is the household's house
    ],
)
def test_housing_grade_conditions(registry, relocated, renovated, owner, hit):
    rows = [_appraisal(HEAD if owner == "head" else CHILD, "D", date(2016, 5, 5), renovated)]
    t = world(household_years=_year(registry, relocated), housing_appraisal=rows)
    assert bool(hits("dept_housing_grade", t)) is hit


# --------------------------------------------------------------------------- 民政 低保 / 特困供养


@pytest.mark.parametrize(
    ("since", "ended", "hit"),
    [
        (date(2015, 3, 1), None, False),
        (date(2015, 3, 1), date(2017, 12, 30), True),  # ended the day before the year end
        (date(2015, 3, 1), date(2017, 12, 31), False),  # in force on the last day
        (date(2015, 3, 1), date(2018, 1, 1), False),
        (date(2017, 12, 31), None, False),
        (date(2018, 1, 1), None, True),  # starts after the year
    ],
)
def test_dibao_household_needs_a_member_on_dibao_at_the_year_end(since, ended, hit):
    t = world(assistance=[dict(person_id=CHILD, kind="低保", since=since, ended=ended)])
    found = hits("dept_dibao", t)
    assert bool(found) is hit
    if hit:
        assert found[0]["detail"] == "登记为低保贫困户，但民政低保名单中无该户成员在 2017 年末享受低保"


def test_dibao_entries_of_other_kinds_or_households_do_not_count():
    assert len(hits("dept_dibao", world(assistance=ASSISTED_ELSEWHERE))) == 1
    assert len(hits("dept_dibao", world(assistance=[dict(person_id="x", kind="低保", since=date(2015, 1, 1),
                                                         ended=None)]))) == 1  # fmt: skip
    ordinary = {**world()["households"].to_pylist()[0], "attribute": "一般贫困户"}
    t = world(households=[ordinary], assistance=ASSISTED_ELSEWHERE)
    assert hits("dept_dibao", t) == []  # an ordinary household needs no 低保


@pytest.mark.parametrize(
    ("attribute", "since", "ended", "hit"),
    [
        ("一般贫困户", date(2016, 1, 1), None, True),
        ("低保贫困户", date(2016, 1, 1), None, True),
        ("特困供养贫困户", date(2016, 1, 1), None, False),
        ("一般贫困户", date(2016, 1, 1), date(2017, 12, 30), False),
        ("一般贫困户", date(2016, 1, 1), date(2017, 12, 31), True),
        ("一般贫困户", date(2018, 1, 1), None, False),
    ],
)
def test_tekun_member_needs_the_tekun_attribute(attribute, since, ended, hit):
    rows = [dict(person_id=HEAD, kind="低保", since=date(2015, 3, 1), ended=None),
            dict(person_id=CHILD, kind="特困供养", since=since, ended=ended)]  # fmt: skip
    household = {**world()["households"].to_pylist()[0], "attribute": attribute}
    found = hits("dept_dibao", world(households=[household], assistance=rows))
    assert [f["detail"] for f in found] == (
        [f"成员乙在民政特困供养名单中（2017 年末），但户属性登记为{attribute}"] if hit else []
    )


# --------------------------------------------------------------------------- 残联


@pytest.mark.parametrize(("health", "hit"), [("健康", True), ("长期慢性病", True), ("残疾", False)])
def test_disability_certificate_against_health(health, hit):
    t = world(members=members(health=health), disability=[dict(person_id=CHILD, category="肢体", grade="四级")])
    found = hits("dept_disability", t)
    assert [(f["person_id"], f["detail"]) for f in found] == (
        [(CHILD, f"肢体四级残疾，健康状况登记为{health}")] if hit else []
    )
    assert hits("dept_disability", world(disability=[dict(person_id="x", category="肢体", grade="四级")])) == []


def test_explanations_are_sentences():
    row = hits("dept_dropout", world(school_enrolment=ENROLLED_ELSEWHERE))[0]
    assert BY_ID["dept_dropout"].explanation(row) == f"成员 {CHILD} 年末 9 岁，登记为在校生，但无 2017 学年学籍"


# --------------------------------------------------------------------------- the synthetic county


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from fupin.synth.generate import generate

    out = tmp_path_factory.mktemp("tiny")
    generate(scale="tiny", seed=2017, year=2017, out=out, progress=None)
    return out


def test_planted_truth_on_the_tiny_county(tiny):
    with engines.load(engines.read_parquet_dir(tiny), "duckdb") as inputs:
        findings = run_rules(inputs, P2017).findings
    answers = pq.read_table(tiny / "answers.parquet")
    scores = {s.rule_id: s for s in truth.score(findings, answers)}
    for rule_id in ("dept_dropout", "dept_uninsured", "dept_housing_grade", "dept_dibao", "dept_disability"):
        assert scores[rule_id].planted >= 5, rule_id
    for s in scores.values():
        assert (s.recall, s.precision) == (1.0, 1.0), s


def test_department_files_always_exist_with_their_schema(tiny):
    for name, schema in SCHEMAS.items():
        assert pq.read_schema(tiny / f"{name}.parquet").equals(schema), name


@pytest.mark.django_db
def test_department_files_load_and_come_back_as_the_rules_tables(tiny):
    """`fupin external load KIND FILE` takes every row (departments hold correct ID numbers) and the check engine's
    tables read them back unchanged."""
    from fupin.external.services import external_load
    from fupin.external.tables import external_tables

    for name in SCHEMAS:
        report = external_load(actor=None, kind_name=name, path=tiny / f"{name}.parquet")
        assert report.errors == [], name
        assert report.rows_loaded == report.rows_total > 0, name
    back = external_tables("520325", only=tuple(SCHEMAS))
    for name in SCHEMAS:
        want = engines.canonical(name, pq.read_table(tiny / f"{name}.parquet"))
        keys = [(c, "ascending") for c in want.column_names]
        assert back[name].sort_by(keys).equals(want.sort_by(keys)), name


def test_an_empty_department_snapshot_flags_nobody():
    """An absent record means something only once the department's data of the year is loaded."""
    t = world(school_enrolment=[], medical_insured=[], assistance=[])
    for rule_id in ("dept_dropout", "dept_uninsured", "dept_dibao"):
        assert hits(rule_id, t) == [], rule_id
    stale = world(medical_insured=[dict(person_id=HEAD, year=2016, basic=True, critical=True)])
    assert hits("dept_uninsured", stale) == []  # only last year's snapshot: this year's is not loaded
