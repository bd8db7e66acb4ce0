"""优亲厚友 in the synthetic province (synth/integrity.py): every committee member's ID number valid, agreeing with
the person and unique among the county's people; a hukou row for each; the planted cadre_self_poor and
cadre_relative_poor answers exactly what the rules' definitions single out (recomputed here independently), in
households carrying no other answer; and the decoys just outside them."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pyarrow.parquet as pq
import pytest
from stdnum.cn import ric

from fupin.synth.people import valid_id

END = date(2017, 12, 31)
KINDS = ("cadre_self_poor", "cadre_relative_poor")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from fupin.synth.generate import generate

    path = tmp_path_factory.mktemp("tiny")
    generate(scale="tiny", seed=2017, out=path, progress=None)
    return path


def _read(out, name):
    return pq.read_table(out / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="module")
def world(out):
    w = {name: _read(out, name) for name in ("village_cadres", "cadre_seats", "seats", "households", "members",
                                             "survey_members", "cadres", "hukou", "answers")}  # fmt: skip
    households = {h["household_id"]: h for h in w["households"]}
    w["poor"] = {h for h, r in households.items() if r["identified_year"] <= 2017 and not (r["exit_year"] or 0)}
    w["exited"] = {h for h, r in households.items() if 0 < (r["exit_year"] or 0) <= 2017}
    w["household_of"] = {m["person_id"]: m["household_id"] for m in w["members"]}
    w["seated"] = {
        s["person_id"]
        for s in w["cadre_seats"]
        if s["seated_from"] <= END and (s["seated_until"] is None or s["seated_until"] > END)
    }
    w["hukou_of"] = defaultdict(set)
    w["in_hukou"] = defaultdict(set)
    for r in w["hukou"]:
        w["hukou_of"][r["person_id"]].add(r["household_id"])
        w["in_hukou"][r["household_id"]].add(r["person_id"])
    return w


def _answers(world, kind):
    return [a for a in world["answers"] if a["kind"] == kind]


def test_every_committee_member_has_a_valid_number_agreeing_with_the_person(world):
    people = world["village_cadres"]
    assert people
    for p in people:
        number = p["id_number"]
        assert valid_id(number), p
        assert number[:6] == p["village_code"][:6]
        assert ric.get_birth_date(number).year == p["birth_year"]
        assert (int(number[16]) % 2 == 1) == (p["gender"] == "男")
    numbers = [p["id_number"] for p in people]
    assert len(set(numbers)) == len(numbers)


def test_numbers_are_unique_among_the_countys_people_but_the_identities_taken(world):
    """A member's number is nobody else's in the county — registered (even ignoring the check digit), surveyed or
    posted cadre — except where he *is* a registered person (planted, or a decoy): then name, gender and birth year
    are that person's too."""
    members = {m["person_id"]: m for m in world["members"]}
    registered = {m[:17] for m in members}
    others = {m["person_id"][:17] for m in world["survey_members"]} | {c["person_id"][:17] for c in world["cadres"]}
    taken = 0
    for p in world["village_cadres"]:
        number = p["id_number"]
        assert number[:17] not in others
        if number[:17] in registered:
            m = members[number]
            assert (p["name"], p["gender"], p["birth_year"]) == (m["name"], m["sex"], m["birth_date"].year)
            assert 22 <= 2017 - p["birth_year"] <= 60
            assert world["household_of"][number][:12] == p["village_code"]  # a household of his own village
            taken += 1
    planted = {a["person_id"] for a in _answers(world, "cadre_self_poor")}
    assert planted
    assert taken > len(planted)  # the decoys too


def test_every_member_has_one_hukou_row(world):
    own = Counter(r["person_id"] for r in world["hukou"])
    for p in world["village_cadres"]:
        assert own[p["id_number"]] == 1, p
    fresh = [h for h in world["in_hukou"] if "HK" in h]
    assert fresh
    for h in fresh:
        assert len(h) <= 24
        assert len(world["in_hukou"][h]) == 1  # a household number of his own
    assert all(r["status"] == "正常" for r in world["hukou"] if "HK" in r["household_id"])
    assert all(valid_id(r["person_id"]) for r in world["hukou"] if r["person_id"] in world["seated"])


def test_cadre_seats_are_the_seats_under_the_members_numbers(world):
    number = {p["person_id"]: (p["id_number"], p["name"]) for p in world["village_cadres"]}
    expected = [(*number[s["person_id"]], s["village_code"], s["post"], s["start"], s["end"]) for s in world["seats"]]
    got = [tuple(s.values()) for s in world["cadre_seats"]]
    assert got == expected
    assert len(world["seated"]) > 300


def test_the_planted_answers_are_exactly_what_the_definitions_single_out(world):
    poor, seated, household_of = world["poor"], world["seated"], world["household_of"]
    # himself a member of a household registered poor at the end of 2017
    self_poor = {(household_of[p], p) for p in seated if household_of.get(p) in poor}
    # a household registered poor one of whose members shares the 户号 of a seated member not registered in it
    relative = set()
    for cadre in seated:
        for no in world["hukou_of"][cadre]:
            for kin in world["in_hukou"][no] - {cadre}:
                h = household_of.get(kin)
                if h in poor and household_of.get(cadre) != h:
                    relative.add(h)
    answers = {kind: _answers(world, kind) for kind in KINDS}
    assert {(a["household_id"], a["person_id"]) for a in answers["cadre_self_poor"]} == self_poor
    assert {a["household_id"] for a in answers["cadre_relative_poor"]} == relative
    assert all(a["person_id"] is None for a in answers["cadre_relative_poor"])
    assert all(a["year"] == 2017 for kind in KINDS for a in answers[kind])
    assert len(self_poor) >= 2  # 0.5% of 490 seated members
    assert len(relative) >= 8  # 2%
    # no other answer in those households, and none used twice
    planted = [a["household_id"] for kind in KINDS for a in answers[kind]]
    assert len(set(planted)) == len(planted)
    other = {a["household_id"] for a in world["answers"] if a["kind"] not in KINDS}
    assert not set(planted) & other
    # never a secretary himself in a poor household
    secretaries = {s["person_id"] for s in world["cadre_seats"] if s["post"] == "secretary"}
    assert not {p for _, p in self_poor} & secretaries


def test_decoys_sit_just_outside_the_rules(world):
    poor, exited, seated, household_of = world["poor"], world["exited"], world["seated"], world["household_of"]
    people = {p["id_number"] for p in world["village_cadres"]}
    reserves = people - seated

    def kin_of(person: str) -> set[str]:
        return {household_of[k] for no in world["hukou_of"][person] for k in world["in_hukou"][no] - {person}}

    # never seated in 2017: in a poor household, or sharing a poor household's 户号
    assert {p for p in reserves if household_of.get(p) in poor}
    assert {p for p in reserves if p not in household_of and kin_of(p) & poor}
    # seated, but the household had left the register by the end of 2017
    assert {p for p in seated if household_of.get(p) in exited}
    assert {p for p in seated if p not in household_of and kin_of(p) & exited}
    # every cadre who shares a 户号 with registered people: the planted, or a decoy
    sharing = {p for p in people if p not in household_of and kin_of(p)}
    relatives = {a["household_id"] for a in _answers(world, "cadre_relative_poor")}
    for p in sharing:
        assert (p in seated and kin_of(p) <= relatives) or p in reserves or kin_of(p) <= exited
