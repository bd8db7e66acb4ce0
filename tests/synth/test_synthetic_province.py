"""The synthetic province: exact seed figures, valid people, determinism (tiny scale for the heavy parts)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric

from fupin.synth import calibration as cal
from fupin.synth.allocate import largest_remainder, sizes_to_total
from fupin.synth.county import CAUSES
from fupin.synth.generate import generate
from fupin.synth.province import plan_province


@cache
def plan():
    return plan_province(2017)


def _classes(kind, year):
    return [c for c, y, k in plan().classifications if k == kind and y == year]


def test_province_counts_hit_the_seed_figures_exactly():
    assert len(_classes("poor_county", 2014)) == 66
    assert len(_classes("poor_county", 2017)) == 65
    assert sorted(c[:6] for c in _classes("deep_poverty_county", 2017)) == sorted(cal.DEEP_POVERTY_COUNTIES)
    assert len(_classes("extremely_poor_township", 2017)) == 20
    assert {t[:6] for t in _classes("extremely_poor_township", 2017)} <= set(cal.DEEP_POVERTY_COUNTIES)
    deep_villages = set(_classes("deep_poverty_village", 2017))
    assert len(deep_villages) == 2760
    assert deep_villages <= set(_classes("poor_village", 2017))
    assert len(_classes("poor_village", 2017)) == 9000


def test_registered_poor_history_and_incidence():
    counties = plan().counties.values()
    for year, total in cal.REMAINING_POOR.items():
        assert sum(c.remaining[year] for c in counties) == total
    rural = sum(c.rural_population for c in counties)
    assert rural == 36_170_323
    assert round(cal.REMAINING_POOR[2017] / rural * 100, 2) == 7.75
    for c in counties:  # nobody is added after 2014: the remaining count only falls
        assert c.remaining[2014] >= c.remaining[2015] >= c.remaining[2016] >= c.remaining[2017]


def test_deep_poverty_counties_are_poorer():
    counties = plan().counties.values()

    def incidence(kind):
        cs = [c for c in counties if c.kind == kind]
        return sum(c.remaining[2017] for c in cs) / sum(c.rural_population for c in cs)

    assert incidence("deep") > incidence("poor") > incidence("other")
    assert incidence("exited") < 0.03  # 赤水 exited in 2017: below the western 3% line


def test_largest_remainder_is_exact_and_proportional():
    parts = largest_remainder(10, np.array([1.0, 1.0, 1.0]))
    assert parts.tolist() == [4, 3, 3]
    assert largest_remainder(2_803_200, np.arange(1, 89, dtype=float)).sum() == 2_803_200


def test_household_sizes_add_up_exactly():
    rng = np.random.default_rng(5)
    for total in (1, 2, 7, 1000, 12345):
        sizes = sizes_to_total(rng, total, cal.HOUSEHOLD_SIZE_P)
        assert sizes.sum() == total
        assert sizes.min() >= 1


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    manifest = generate(scale="tiny", seed=7, out=out, progress=None)
    return out, manifest


def test_tiny_counts_match_the_county_targets(tiny):
    out, manifest = tiny
    target = pq.read_table(out / "county_targets.parquet").to_pylist()[0]
    households = pq.read_table(out / "households.parquet")
    members = pq.read_table(out / "members.parquet")
    assert members.num_rows == pc.sum(households["size"]).as_py() == target["remaining_2014"]
    exit_year = households["exit_year"].to_pylist()
    sizes = households["size"].to_pylist()
    for year in cal.YEARS:
        still = sum(s for s, e in zip(sizes, exit_year, strict=True) if e is None or e > year)
        assert still == target[f"remaining_{year}"]
    counts = Counter(members["household_id"].to_pylist())
    assert all(counts[h] == s for h, s in zip(households["household_id"].to_pylist(), sizes, strict=True))
    assert manifest["rows"]["members"] == members.num_rows
    years = pq.read_table(out / "household_years.parquet")
    assert years.num_rows == households.num_rows * len(cal.YEARS)


def test_every_generated_person_has_a_valid_id_number_but_the_planted_faults(tiny):
    out, _ = tiny
    members = pq.read_table(out / "members.parquet").to_pylist()
    members += pq.read_table(out / "survey_members.parquet").to_pylist()
    ids = [m["person_id"] for m in members]
    assert len(set(ids)) == len(ids)
    assert len({i[:17] for i in ids}) == len(ids)  # unique even ignoring the check digit
    faulty = {a["person_id"] for a in _answers(out) if a["kind"] == "dq_id_checksum"}
    assert faulty
    for m in members:
        pid = m["person_id"]
        assert len(pid) == 18
        assert (ric.calc_check_digit(pid) == pid[-1]) == (pid not in faulty)
        assert pid[:6] == "520325"  # born in the county: 道真
        assert ric.get_birth_date(pid) == m["birth_date"]
        assert (int(pid[16]) % 2 == 1) == (m["sex"] == "男")
        assert date(1915, 1, 1) <= m["birth_date"] <= date(2017, 12, 31)


def test_households_are_plausible(tiny):
    out, _ = tiny
    members = pq.read_table(out / "members.parquet").to_pylist()
    heads = [m for m in members if m["relation"] == "户主"]
    households = pq.read_table(out / "households.parquet")
    assert len(heads) == households.num_rows
    assert all((date(2017, 12, 31) - h["birth_date"]).days >= 18 * 365 for h in heads)
    causes = set(households["main_cause"].to_pylist())
    assert causes <= set(CAUSES)
    assert len(CAUSES) == 12  # the 12 causes of POLICY.md §1
    years = pq.read_table(out / "household_years.parquet").to_pylist()
    line = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952}
    wrong_exit = {a["household_id"] for a in _answers(out) if a["kind"] == "wrong_exit"}
    for row in years:
        if row["household_id"] in wrong_exit and row["year"] == 2017:
            assert row["income_per_capita"] < line[2017]
            assert not row["poor"]
        else:
            assert (row["income_per_capita"] < line[row["year"]]) == row["poor"]


def test_same_seed_same_files_other_seed_other_files(tiny, tmp_path):
    out, manifest = tiny
    again = generate(scale="tiny", seed=7, out=tmp_path / "again", progress=None)
    assert again["files"] == manifest["files"]
    other = generate(scale="tiny", seed=8, out=tmp_path / "other", progress=None)
    assert other["files"]["members.parquet"] != manifest["files"]["members.parquet"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 7


def _answers(out):
    return pq.read_table(out / "answers.parquet").to_pylist()


def _read(out, name):
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def test_answer_file_lists_exactly_what_was_planted(tiny):
    """Each answer has its evidence in the data, and every record that meets a rule's definition is an answer."""
    out, _ = tiny
    answers = _answers(out)
    by_kind = {}
    for a in answers:
        by_kind.setdefault(a["kind"], set()).add(a["person_id"] or a["household_id"])
    assert set(by_kind) == {
        "wrong_car", "wrong_town_housing", "wrong_business", "wrong_state_payroll", "deceased_member",
        "wrong_exit", "dq_id_checksum", "dq_cause_illness_all_healthy", "dq_migrant_months", "missed",
        "flag_education", "flag_medical", "flag_water",
        "dept_dropout", "dept_uninsured", "dept_housing_grade", "dept_dibao", "dept_disability",
        "cadre_self_poor", "cadre_relative_poor",  # exact against their definitions in test_integrity_synth.py
    }  # fmt: skip
    households = {h["household_id"]: h for h in _read(out, "households")}
    members = _read(out, "members")
    person_household = {m["person_id"]: m["household_id"] for m in members}
    still_poor = {p for p, h in person_household.items() if households[h]["exit_year"] is None}

    def flagged(rows, key, rule):
        return {r[key] for r in rows if rule(r) and r[key] in still_poor}

    assert flagged(_read(out, "vehicles"), "owner_id", lambda r: r["value_yuan"] >= 30_000) == by_kind["wrong_car"]
    assert any(r["value_yuan"] == 29_999 for r in _read(out, "vehicles"))  # the decoy just below the threshold
    assert (
        flagged(_read(out, "real_estate"), "owner_id", lambda r: r["kind"] == "商品住房")
        == by_kind["wrong_town_housing"]
    )
    assert (
        flagged(_read(out, "businesses"), "legal_rep_id", lambda r: r["status"] == "存续") == by_kind["wrong_business"]
    )
    assert flagged(_read(out, "state_payroll"), "person_id", lambda r: True) == by_kind["wrong_state_payroll"]
    assert (
        flagged(_read(out, "deaths"), "person_id", lambda r: r["death_date"] <= date(2017, 12, 31))
        == by_kind["deceased_member"]
    )
    years = [y for y in _read(out, "household_years") if y["year"] == 2017]
    wrong_exit = {
        y["household_id"]
        for y in years
        if households[y["household_id"]]["exit_year"] == 2017 and y["income_per_capita"] < 2952
    }
    assert wrong_exit == by_kind["wrong_exit"]
    members_of = {}
    for m in members:
        members_of.setdefault(m["household_id"], []).append(m)
    all_healthy = {
        h for h, row in households.items()
        if row["main_cause"] == "因病" and all(m["health"] == "健康" for m in members_of[h])
    }  # fmt: skip
    assert all_healthy == by_kind["dq_cause_illness_all_healthy"]
    assert {m["person_id"] for m in members if not 0 <= m["migrant_months"] <= 12} == by_kind["dq_migrant_months"]
    # 数据不一致: a recorded ✓ the facts contradict, among households still poor (the department kinds are scored
    # against their rules in tests/analytics/test_departments.py)
    poor_2017 = {y["household_id"]: y for y in years if households[y["household_id"]]["exit_year"] is None}
    out_of_school = {
        m["household_id"] for m in members
        if 6 <= 2017 - m["birth_date"].year <= 15 and not m["student"] and not m["home_schooled"]
    }  # fmt: skip
    uninsured = {m["household_id"] for m in members if not (m["medical_insurance"] and m["critical_illness_insurance"])}
    assert {h for h, y in poor_2017.items() if y["education_ok"] and h in out_of_school} == by_kind["flag_education"]
    assert {h for h, y in poor_2017.items() if y["medical_ok"] and h in uninsured} == by_kind["flag_medical"]
    dry = {
        h for h, y in poor_2017.items() if y["water_ok"] and y["water_litres"] < (20 if y["water_short_area"] else 35)
    }
    assert dry == by_kind["flag_water"]
    missed = {h["household_id"] for h in _read(out, "survey_households") if h["income_per_capita"] < 2952}
    assert missed == by_kind["missed"]
    dead = {r["person_id"] for r in _read(out, "hukou") if r["status"] == "死亡注销"}
    assert dead == by_kind["deceased_member"]


def test_cadre_counts_hit_the_article_exactly():
    from fupin.synth.cadres import plan_cadres

    cadres = plan_cadres(plan(), 2017)
    assert len(cadres.group_villages) == 8_782
    assert len(cadres.first_secretary_villages) == 8_542
    assert cadres.first_secretary_villages <= set(cadres.group_villages)
    assert sum(cadres.resident_cadres.values()) == 43_000
    assert len(cadres.team_counties) == 85
    assert {v[:6] for v in cadres.group_villages} <= set(cadres.team_counties)
    deep = set(_classes("deep_poverty_village", 2017))
    assert deep <= set(cadres.group_villages)  # every deep-poverty village has a work group


def test_tiny_cadres_are_the_countys_share_and_valid(tiny):
    out, manifest = tiny
    groups = _read(out, "work_groups")
    cadres = _read(out, "cadres")
    assert manifest["rows"]["work_groups"] == len(groups)
    assert sum(g["has_first_secretary"] for g in groups) == sum(c["role_2017"] == "first_secretary" for c in cadres)
    assert sum(g["resident_cadres"] for g in groups) == sum(c["role_2017"] == "resident_cadre" for c in cadres)
    assert {c["cadre_type"] for c in cadres} <= {"党群", "政法", "经济", "农业", "科技"}
    assert all(c["years_of_work"] >= 2 for c in cadres if c["role_2017"] == "first_secretary")
    people = {m["person_id"] for m in _read(out, "members")} | {m["person_id"] for m in _read(out, "survey_members")}
    for c in cadres:
        assert ric.calc_check_digit(c["person_id"]) == c["person_id"][-1]
        assert ric.get_birth_date(c["person_id"]) == c["birth_date"]
        assert c["person_id"] not in people
    units = {u["unit_id"] for u in _read(out, "helping_units")}
    assert {c["unit_id"] for c in cadres} <= units


@pytest.mark.django_db
def test_into_db_classifies_only_inside_the_generated_county_and_is_idempotent():
    from django.core.management import call_command

    from fupin.areas.models import AreaClassification
    from fupin.areas.services import area_classification_set
    from fupin.audit.models import AuditEntry

    # A classification elsewhere in the province must survive a tiny-scale load.
    area_classification_set(actor=None, area_code="522633", year=2017, kind="deep_poverty_county")
    call_command("synth", "--scale", "tiny", "--seed", "2017", "--into-db", stdout=__import__("io").StringIO())
    inside = AreaClassification.objects.filter(area__code__startswith="520325")
    expected = [c for c in plan().classifications if c[0].startswith("520325")]
    assert inside.count() == len(expected)
    assert AreaClassification.objects.filter(area_id="522633000000", kind="deep_poverty_county").exists()
    audited = AuditEntry.objects.filter(action="area.classify").count()
    _checks_on_the_loaded_county_find_exactly_the_planted_errors()
    loaded = _the_year_end_review_proposes_exactly_the_planted_adjustments()
    call_command("synth", "--scale", "tiny", "--seed", "2017", "--into-db", stdout=__import__("io").StringIO())
    assert AuditEntry.objects.filter(action="area.classify").count() == audited  # nothing changed the second time
    assert inside.count() == len(expected)
    assert _fieldwork_counts() == loaded  # nor in the field work


def _fieldwork_counts() -> dict[str, int]:
    from fupin.fieldwork.models import Adjustment, Inspection, LeaveRequest, LogTally, RatingScore, WorkLog

    return {m.__name__: m.objects.count() for m in (WorkLog, LeaveRequest, Inspection, RatingScore, Adjustment,
                                                     LogTally)}  # fmt: skip


def _the_year_end_review_proposes_exactly_the_planted_adjustments() -> dict[str, int]:
    """synth → database → the year-end review (ratings, leave, red lines on the live tables) → adjustment
    proposals: 100% recall and precision against fieldwork_answers; the tallies are the article's rates."""
    import tempfile

    from django.db.models import Sum

    from fupin.fieldwork.models import Adjustment, LogTally, Rating
    from fupin.synth.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        generate(scale="tiny", seed=2017, out=Path(tmp), progress=None)
        answers = pq.read_table(Path(tmp) / "fieldwork_answers.parquet").to_pylist()
        cadres = pq.read_table(Path(tmp) / "cadres.parquet").num_rows
    planted = {a["person_id"]: a["detail"] for a in answers}
    assert planted
    proposed = {a.posting.cadre.person_id: a.reason for a in Adjustment.objects.select_related("posting__cadre")}
    assert set(proposed) == set(planted), (proposed, planted)
    for person, cause in planted.items():
        word = {"leave": "请假", "absence": "不称职", "red_line": "负面清单", "low_score": "不称职"}[cause]
        assert word in proposed[person], (cause, proposed[person])
    assert Rating.objects.filter(year=2018).count() == cadres
    visits = LogTally.objects.filter(year=2018, kind="visit").aggregate(n=Sum("count"))["n"]
    assert 100 * cadres < visits < 130 * cadres  # 6M a year over 51,542 cadres ≈ 116 each
    return _fieldwork_counts()


def _checks_on_the_loaded_county_find_exactly_the_planted_errors():
    """synth → database → `check_run` (live tables, DuckDB) → findings: 100% recall and precision, and a second run
    adds nothing."""
    import tempfile

    from fupin.analytics.truth import score
    from fupin.checks.models import Finding
    from fupin.checks.services import check_run
    from fupin.synth.generate import generate

    run = check_run(actor=None, year=2017, area_code="520325", engine="duckdb")
    assert run.new_findings == Finding.objects.count() > 200
    with tempfile.TemporaryDirectory() as tmp:
        generate(scale="tiny", seed=2017, out=Path(tmp), progress=None)
        answers = pq.read_table(Path(tmp) / "answers.parquet")
    import pyarrow as pa

    rows = list(Finding.objects.values("rule_id", "household_no", "person_id"))
    findings = pa.Table.from_pylist(
        [
            {"rule_id": r["rule_id"], "household_id": r["household_no"], "person_id": r["person_id"] or None}
            for r in rows
        ]
    )
    for s in score(findings, answers):
        assert (s.recall, s.precision) == (1.0, 1.0), s
    again = check_run(actor=None, year=2017, area_code="520325", engine="duckdb")
    assert again.new_findings == 0
    assert Finding.objects.count() == run.new_findings


def test_village_party_organizations_hit_the_article_and_cover_every_poor_and_weak_village(tiny):
    from fupin.synth.party import PROTECTED, plan_party_villages

    seeded = plan_province(7)  # the seed of the tiny fixture
    villages = plan_party_villages(seeded, 7)
    assert len(villages) == 13_615 == cal.VILLAGE_PARTY_ORGANIZATIONS
    needed = {code for code, year, kind in seeded.classifications if year == 2017 and kind in PROTECTED}
    assert needed <= set(villages)
    out, manifest = tiny
    orgs = _read(out, "party_orgs")
    county_share = [v for v in villages if v.startswith("520325")]
    assert manifest["rows"]["party_orgs"] == len(orgs) == len(county_share)
    assert {o["village_code"] for o in orgs} == set(county_share)
    assert all(o["kind"] in {"党支部", "党总支", "党委"} and 5 <= o["members"] <= 260 for o in orgs)
    weak = {code for code, year, kind in seeded.classifications if year == 2017 and kind == "weak_village"}
    assert {o["village_code"] for o in orgs if o["weak_2017"]} == weak & set(county_share)
