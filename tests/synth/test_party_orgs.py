"""Village Party organizations' people, seats and yearly facts (synth/party.py): the article's tallies of the 10th
election and of 2018, consistent seats, and the 软弱涣散 criteria recomputed here independently — in 2017 they single
out exactly the 2017 weak list, in 2018 exactly the answers (recall and precision 100%)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from fupin.synth.generate import FILES, generate
from fupin.synth.party import SCHEMAS, party_orgs, party_tables
from fupin.synth.province import plan_province

SEED = 2017
COUNTY = "520325"  # 道真 (the tiny scale)
PAY_MIN, FUNDS_MIN = 17_738.0, 2.0

EXPECTED = {
    "village_cadres": "person_id:string village_code:string name:string gender:string birth_year:int16 "
    "education:string source:string id_number:string",
    "seats": "person_id:string village_code:string committee:string post:string start:date32[day] end:date32[day] "
    "election_round:int16 new:bool",
    "reserves": "person_id:string village_code:string added:date32[day] promoted:date32[day]",
    "adjustments": "village_code:string year:int16 person_id:string reason:string replacement_id:string "
    "decided:date32[day]",
    "org_years": "village_code:string year:int16 new_members:int16 satisfaction:double",
    "reviews": "village_code:string year:int16 person_id:string grade:string township_rank:int16 township_size:int16",
    "guarantees": "village_code:string year:int16 secretary_pay:double pay_paid:bool office_funds:double "
    "funds_paid:bool",
    "weak_cases": "village_code:string year:int16 score:double surveyed:int16 dissatisfied:int16 accepted:date32[day]",
    "partyorg_answers": "kind:string village_code:string year:int16 criterion:string planted:bool",
}
SOURCES = {"local_capable", "migrant", "graduate", "veteran", "doctor_teacher", "sent_down", "other"}


@pytest.fixture(scope="module")
def plan():
    return plan_province(SEED)


@pytest.fixture(scope="module")
def tables(plan):
    return party_tables(plan, SEED, sorted(plan.counties))


@pytest.fixture(scope="module")
def rows(tables):
    return {name: t.to_pylist() for name, t in tables.items()}


@pytest.fixture(scope="module")
def orgs(plan):
    return party_orgs(plan, SEED, sorted(plan.counties)).to_pylist()


def _classes(plan, kind):
    return {c for c, y, k in plan.classifications if y == 2017 and k == kind}


# --- an independent reference of the rules -------------------------------------------------------------------------
def weak_reference(rows, year: int) -> dict[str, set[str]]:
    """village → criteria it hits in ``year`` (as of 31 December)."""
    asof = date(year, 12, 31)
    hits: dict[str, set[str]] = defaultdict(set)
    for v, days in vacant_days(rows, asof).items():
        if days > 90:
            hits[v].add("vacancy")
    new_members = {(r["village_code"], r["year"]): r["new_members"] for r in rows["org_years"]}
    for r in rows["org_years"]:
        if r["year"] != year:
            continue
        before = new_members.get((r["village_code"], year - 1))
        if before == 0 and r["new_members"] == 0:
            hits[r["village_code"]].add("no_members")
        if r["satisfaction"] < 60:
            hits[r["village_code"]].add("satisfaction")
    for r in rows["reviews"]:
        if r["year"] == year and r["grade"] == "poor" and r["township_rank"] == r["township_size"]:
            hits[r["village_code"]].add("ranking")
    return dict(hits)


def vacant_days(rows, asof: date) -> dict[str, int]:
    """Villages with no secretary on ``asof``: days since the last secretary seat ended."""
    seats = defaultdict(list)
    for s in rows["seats"]:
        if s["post"] == "secretary" and s["start"] <= asof:
            seats[s["village_code"]].append(s)
    out = {}
    for v, ss in seats.items():
        if any(s["end"] is None or s["end"] > asof for s in ss):  # the end day is the first day without
            continue
        out[v] = (asof - max(s["end"] for s in ss)).days
    return out


def guarantee_reference(rows, year):
    out = set()
    for r in rows["guarantees"]:
        if r["year"] != year:
            continue
        for crit, bad in (("pay", r["secretary_pay"] < PAY_MIN), ("funds", r["office_funds"] < FUNDS_MIN),
                          ("pay_unpaid", not r["pay_paid"]), ("funds_unpaid", not r["funds_paid"])):  # fmt: skip
            if bad:
                out.add((r["village_code"], crit))
    return out


def accept_reference(rows):
    out = set()
    for r in rows["weak_cases"]:
        if r["score"] < 70:
            out.add((r["village_code"], "score"))
        if r["dissatisfied"] / r["surveyed"] > 0.5:
            out.add((r["village_code"], "dissatisfied"))
    return out


def _answers(rows, kind, planted, year=None):
    return {
        (a["village_code"], a["criterion"])
        for a in rows["partyorg_answers"]
        if a["kind"] == kind and a["planted"] == planted and (year is None or a["year"] == year)
    }


# --- tests -----------------------------------------------------------------------------------------------------------
def test_schemas_are_exact(tables):
    assert set(tables) == set(SCHEMAS) == set(EXPECTED)
    for name, table in tables.items():
        got = " ".join(f"{f.name}:{f.type}" for f in table.schema)
        assert got == EXPECTED[name], name
        assert table.schema == SCHEMAS[name]
        assert table.num_rows


def test_the_tenth_election_reproduces_the_article(rows, orgs, plan):
    secretaries = [s for s in rows["seats"] if s["post"] == "secretary" and s["election_round"] == 10]
    assert len(secretaries) == 13_615
    assert {s["village_code"] for s in secretaries} == {o["village_code"] for o in orgs}
    people = {p["person_id"]: p for p in rows["village_cadres"]}
    source = Counter((s["new"], people[s["person_id"]]["source"]) for s in secretaries)
    new_local = {k: n for (new, k), n in source.items() if new and k != "sent_down"}
    assert sum(new_local.values()) == 5_857
    assert source[True, "sent_down"] == 1_518
    assert source[False, "sent_down"] == 0
    assert new_local["migrant"] == 627
    assert new_local["local_capable"] == 3_847
    assert set(new_local) == {"migrant", "local_capable", "graduate", "veteran", "doctor_teacher", "other"}
    assert sum(n for (new, _), n in source.items() if not new) == 13_615 - 5_857 - 1_518
    # sent-down secretaries go more to deep-poverty and weak villages
    focus = _classes(plan, "deep_poverty_village") | _classes(plan, "weak_village")
    sent = [s["village_code"] in focus for s in secretaries if people[s["person_id"]]["source"] == "sent_down"]
    share_focus = sum(sent) / len(focus)
    share_rest = (len(sent) - sum(sent)) / (13_615 - len(focus))
    assert share_focus > 1.5 * share_rest
    # the secretaries' profile: ≈12% women, ≈40% college, mean age ≈46–47 (party_orgs' secretary_age)
    profile = [people[s["person_id"]] for s in secretaries]
    assert 0.10 < sum(p["gender"] == "女" for p in profile) / 13_615 < 0.14
    assert 0.35 < sum(p["education"] == "college" for p in profile) / 13_615 < 0.45
    age = {o["village_code"]: o["secretary_age"] for o in orgs}
    assert all(2017 - people[s["person_id"]]["birth_year"] == age[s["village_code"]] for s in secretaries)
    assert 45 < sum(age.values()) / len(age) < 48


def test_every_organization_has_its_two_committees(rows):
    by_village = defaultdict(list)
    for s in rows["seats"]:
        by_village[s["village_code"]].append(s)
    yjt = 0
    for seats in by_village.values():
        elected = [s for s in seats if s["election_round"] == 10]
        posts = Counter((s["committee"], s["post"]) for s in elected)
        assert posts["branch", "secretary"] == 1
        assert 2 <= posts["branch", "deputy"] + posts["branch", "member"] <= 4
        assert posts["villagers", "director"] == 1
        assert 2 <= posts["villagers", "deputy"] + posts["villagers", "member"] <= 4
        assert set(posts) <= {("branch", p) for p in ("secretary", "deputy", "member")} | {
            ("villagers", p) for p in ("director", "deputy", "member")
        }
        assert all(date(2017, 3, 1) <= s["start"] <= date(2017, 6, 30) for s in elected)
        secretary = next(s["person_id"] for s in elected if s["post"] == "secretary")
        director = next(s["person_id"] for s in elected if s["post"] == "director")
        yjt += secretary == director
        later = [s for s in seats if s["election_round"] is None]
        assert all(s["post"] == "secretary" and s["new"] and s["start"].year == 2018 for s in later)
    assert 0.27 < yjt / len(by_village) < 0.33
    people = {p["person_id"]: p for p in rows["village_cadres"]}
    women = sum(people[s["person_id"]]["gender"] == "女" for s in rows["seats"]) / len(rows["seats"])
    assert 0.26 < women < 0.30


def test_people_and_posts_are_consistent(rows):
    people = {p["person_id"]: p for p in rows["village_cadres"]}
    assert len(people) == len(rows["village_cadres"])
    for p in rows["village_cadres"]:
        assert p["person_id"] == "K" + p["village_code"] + p["person_id"][-2:]
        assert len(p["person_id"]) == 15
        assert p["person_id"][-2:].isdigit()
        assert p["gender"] in {"男", "女"}
        assert p["education"] in {"primary", "junior", "senior", "college"}
        assert p["source"] in SOURCES
        assert 2 <= len(p["name"]) <= 3
        assert 1947 <= p["birth_year"] <= 1997
    for table in ("seats", "reserves"):  # everyone is in the people table, in their village (one village each)
        assert all(people[r["person_id"]]["village_code"] == r["village_code"] for r in rows[table])
    seats = defaultdict(list)
    for s in rows["seats"]:
        if s["post"] in ("secretary", "director"):
            seats[s["village_code"], s["post"]].append(s)
    far = date(9999, 12, 31)
    for held in seats.values():  # at most one secretary and one director on any day
        held.sort(key=lambda s: s["start"])
        for a, b in pairwise(held):
            assert (a["end"] or far) < b["start"]
        assert all(s["end"] is None or s["end"] >= s["start"] for s in held)


def test_2018_adjustments_replace_342_secretaries_from_the_pool(rows):
    adjustments = rows["adjustments"]
    assert len(adjustments) == 342
    assert {a["reason"] for a in adjustments} == {"incompetent", "negligent", "unqualified"}
    assert len({a["village_code"] for a in adjustments}) == 342
    reserves = {r["person_id"]: r for r in rows["reserves"]}
    seats = defaultdict(list)
    for s in rows["seats"]:
        seats[s["person_id"]].append(s)
    for a in adjustments:
        assert a["year"] == 2018
        assert date(2018, 3, 1) <= a["decided"] <= date(2018, 10, 31)
        old = [s for s in seats[a["person_id"]] if s["post"] == "secretary"]
        assert [s["end"] for s in old] == [a["decided"]]
        director = [s for s in seats[a["person_id"]] if s["post"] == "director"]
        assert all(s["end"] is None for s in director)  # 一肩挑: the director's seat stays
        pool = reserves[a["replacement_id"]]
        assert pool["village_code"] == a["village_code"]
        (new,) = seats[a["replacement_id"]]
        assert (new["post"], new["election_round"], new["new"], new["end"]) == ("secretary", None, True, None)
        assert 1 <= (new["start"] - a["decided"]).days <= 20
        assert pool["promoted"] == new["start"]
        assert pool["added"].year == 2017
    assert sum(r["promoted"] is not None for r in rows["reserves"]) == 342
    per_village = Counter(r["village_code"] for r in rows["reserves"])
    assert len(per_village) == 13_615
    assert set(per_village.values()) == {1, 2, 3}
    assert 1.8 < len(rows["reserves"]) / 13_615 < 2.2
    assert not {a["village_code"] for a in adjustments} & set(vacant_days(rows, date(2018, 12, 31)))


def test_yearly_facts_cover_every_organization(rows, orgs):
    villages = {o["village_code"] for o in orgs}
    assert Counter((r["village_code"], r["year"]) for r in rows["org_years"]).keys() == {
        (v, y) for v in villages for y in (2016, 2017, 2018)
    }
    assert all(0 <= r["satisfaction"] <= 100 and round(r["satisfaction"], 1) == r["satisfaction"]
               for r in rows["org_years"])  # fmt: skip
    assert all(r["new_members"] >= 0 for r in rows["org_years"])
    assert {(r["village_code"], r["year"]) for r in rows["guarantees"]} == {
        (v, y) for v in villages for y in (2017, 2018)
    }
    ok = [r["secretary_pay"] >= PAY_MIN and r["office_funds"] >= FUNDS_MIN and r["pay_paid"] and r["funds_paid"]
          for r in rows["guarantees"]]  # fmt: skip
    assert sum(ok) / len(ok) > 0.99


def test_reviews_rank_the_secretaries_in_each_township(rows):
    holders = {}
    for year in (2017, 2018):
        asof = date(year, 12, 31)
        holders[year] = {
            s["village_code"]: s["person_id"]
            for s in rows["seats"]
            if s["post"] == "secretary" and s["start"] <= asof and (s["end"] is None or s["end"] > asof)
        }
    by_town = defaultdict(list)
    for r in rows["reviews"]:
        assert r["grade"] in {"good", "fair", "average", "poor"}
        assert holders[r["year"]][r["village_code"]] == r["person_id"]
        by_town[r["village_code"][:9], r["year"]].append(r)
    for year in (2017, 2018):
        assert {r["village_code"] for r in rows["reviews"] if r["year"] == year} == set(holders[year])
    for reviews in by_town.values():
        size = len(reviews)
        assert sorted(r["township_rank"] for r in reviews) == list(range(1, size + 1))
        assert all(r["township_size"] == size for r in reviews)


def test_2017_weak_villages_are_exactly_the_weak_list(rows, orgs, plan):
    hits = weak_reference(rows, 2017)
    weak = {o["village_code"] for o in orgs if o["weak_2017"]}
    assert len(weak) == 1_200
    assert weak == _classes(plan, "weak_village")
    assert set(hits) == weak
    assert all(c <= {"no_members", "satisfaction", "ranking"} for c in hits.values())
    assert Counter(c for cs in hits.values() for c in cs).keys() == {"no_members", "satisfaction", "ranking"}
    assert not vacant_days(rows, date(2017, 12, 31))  # the election filled every post


def test_2018_weak_answers_are_complete_and_exact(rows):
    hits = weak_reference(rows, 2018)
    truth = {(v, c) for v, cs in hits.items() for c in cs}
    planted = _answers(rows, "weak", True, 2018)
    assert planted == truth  # recall and precision 100%
    near = _answers(rows, "weak", False, 2018)
    assert not {v for v, _ in near} & set(hits)  # a near miss hits nothing at all
    per = Counter(c for _, c in planted)
    near_per = Counter(c for _, c in near)
    for c in ("vacancy", "no_members", "satisfaction", "ranking"):
        assert per[c] >= 50, c
        assert 20 <= near_per[c] <= 40, c
    assert 300 <= len(hits) <= 500
    # most of the 2017 weak villages recover
    weak_2017 = set(weak_reference(rows, 2017))
    assert len(weak_2017 & set(hits)) < 0.2 * len(weak_2017)
    # the boundaries are there: 91 vs 90 days, 59.9 vs 60.0, last and 差 vs last and 一般
    vacant = vacant_days(rows, date(2018, 12, 31))
    assert any(vacant[v] == 91 for v, c in planted if c == "vacancy")
    assert all(vacant[v] == 90 for v, c in near if c == "vacancy")
    sat = {r["village_code"]: r["satisfaction"] for r in rows["org_years"] if r["year"] == 2018}
    assert any(sat[v] == 59.9 for v, c in planted if c == "satisfaction")
    assert all(sat[v] == 60.0 for v, c in near if c == "satisfaction")
    review = {r["village_code"]: r for r in rows["reviews"] if r["year"] == 2018}
    assert any(
        review[v]["township_rank"] == review[v]["township_size"] and review[v]["grade"] == "average"
        for v, c in near if c == "ranking"
    )  # fmt: skip
    assert not any(v in review for v, c in planted | near if c == "vacancy")


def test_2018_vacancy_flags_are_complete_and_exact(rows):
    vacant = vacant_days(rows, date(2018, 12, 31))
    flagged = {v for v, d in vacant.items() if d > 30}
    assert {v for v, _ in _answers(rows, "vacancy_flag", True, 2018)} == flagged
    near = {v for v, _ in _answers(rows, "vacancy_flag", False, 2018)}
    assert near
    assert all(vacant[v] == 30 for v in near)
    assert set(vacant) == flagged | near
    only = [v for v in flagged if vacant[v] <= 90]
    assert any(vacant[v] == 31 for v in only) or len(only) >= 15
    weak_vacancy = {v for v, c in _answers(rows, "weak", True, 2018) if c == "vacancy"}
    assert weak_vacancy <= flagged


def test_guarantee_and_acceptance_answers_are_complete_and_exact(rows):
    for year in (2017, 2018):
        truth = guarantee_reference(rows, year)
        assert _answers(rows, "guarantee", True, year) == truth
        assert 60 <= len(truth) <= 100
        assert {c for _, c in truth} == {"pay", "funds", "pay_unpaid", "funds_unpaid"}
        near = _answers(rows, "guarantee", False, year)
        assert 20 <= len(near) <= 40
        assert not {v for v, _ in near} & {v for v, _ in truth}
        g = {r["village_code"]: r for r in rows["guarantees"] if r["year"] == year}
        assert any(g[v]["secretary_pay"] == 17_737.99 for v, c in truth if c == "pay")
        assert all(g[v]["secretary_pay"] == PAY_MIN for v, c in near if c == "pay")
        assert all(g[v]["office_funds"] == FUNDS_MIN for v, c in near if c == "funds")
    truth = accept_reference(rows)
    assert _answers(rows, "accept_fail", True) == truth
    assert 0.07 < len({v for v, _ in truth}) / 1_200 < 0.13
    near = _answers(rows, "accept_fail", False)
    assert near
    assert not {v for v, _ in near} & {v for v, _ in truth}
    cases = {r["village_code"]: r for r in rows["weak_cases"]}
    assert all(cases[v]["score"] == 70.0 for v, c in near if c == "score")
    assert all(cases[v]["dissatisfied"] * 2 == cases[v]["surveyed"] for v, c in near if c == "dissatisfied")
    assert {a["year"] for a in rows["partyorg_answers"] if a["kind"] == "accept_fail"} == {2017}


def test_weak_cases_are_the_2017_weak_list(rows, orgs):
    assert {r["village_code"] for r in rows["weak_cases"]} == {o["village_code"] for o in orgs if o["weak_2017"]}
    assert len(rows["weak_cases"]) == 1_200
    for r in rows["weak_cases"]:
        assert r["year"] == 2017
        assert 20 <= r["surveyed"] <= 60
        assert 0 <= r["dissatisfied"] <= r["surveyed"]
        assert 0 <= r["score"] <= 100
        assert date(2018, 6, 1) <= r["accepted"] <= date(2018, 11, 30)


def test_a_countys_rows_are_the_same_at_every_scale(plan, tables):
    alone = party_tables(plan, SEED, [COUNTY])
    pair = party_tables(plan, SEED, [COUNTY, "520526"])
    for name, table in tables.items():
        in_county = pc.equal(pc.utf8_slice_codeunits(table["village_code"], 0, 6), COUNTY)
        assert alone[name].equals(table.filter(in_county)), name
        in_pair = pc.equal(pc.utf8_slice_codeunits(pair[name]["village_code"], 0, 6), COUNTY)
        assert alone[name].equals(pair[name].filter(in_pair)), name
    assert alone["village_cadres"].num_rows
    again = party_tables(plan_province(SEED), SEED, [COUNTY])
    assert all(again[n].equals(alone[n]) for n in alone)
    other = party_tables(plan, SEED + 1, [COUNTY])
    assert not other["village_cadres"].equals(alone["village_cadres"])


def test_generate_writes_the_party_tables(tmp_path):
    manifest = generate(scale="tiny", seed=7, out=tmp_path, progress=None)
    expected = party_tables(plan_province(7), 7, [COUNTY])
    for name, table in expected.items():
        assert name in FILES
        written = pq.read_table(tmp_path / f"{name}.parquet")
        assert manifest["rows"][name] == table.num_rows
        assert f"{name}.parquet" in manifest["files"]
        if name != "village_cadres":
            assert written.equals(table), name
    # the people with their ID numbers drawn (synth/integrity.py); a few took a registered person's identity
    written = pq.read_table(tmp_path / "village_cadres.parquet")
    same = ["person_id", "village_code", "education", "source"]
    assert written.select(same).equals(expected["village_cadres"].select(same))
    assert expected["village_cadres"]["id_number"].null_count == expected["village_cadres"].num_rows
    assert written["id_number"].null_count == 0
    registered = set(pq.read_table(tmp_path / "members.parquet")["person_id"].to_pylist())
    identity = ["name", "gender", "birth_year"]
    for new, old in zip(written.to_pylist(), expected["village_cadres"].to_pylist(), strict=True):
        if new["id_number"] not in registered:
            assert [new[c] for c in identity] == [old[c] for c in identity]
    seats = pq.read_table(tmp_path / "cadre_seats.parquet")
    assert "cadre_seats" in FILES
    assert manifest["rows"]["cadre_seats"] == seats.num_rows == expected["seats"].num_rows
    assert "cadre_seats.parquet" in manifest["files"]
    orgs = pq.read_table(tmp_path / "party_orgs.parquet")
    assert set(expected["village_cadres"]["village_code"].to_pylist()) == set(orgs["village_code"].to_pylist())
