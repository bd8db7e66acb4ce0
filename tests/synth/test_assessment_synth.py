"""The assessment's synthetic tables (synth/assessment.py): the 20 provincial leaders in charge of the 20 extremely
poor townships, consistent leadership rosters, the planted unapproved head changes and vetoed areas recomputed here
independently (the answers are complete and exact), the 述职评议, the contact points' coverage, and a county's rows
the same at every scale."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fupin.synth.assessment import SCHEMAS, TABLES, VETO_LINE, YEAR, assessment_tables
from fupin.synth.province import plan_province

SEED = 2017
WEINING = "520526"  # 威宁 (a deep-poverty county, in 毕节市)
PROVINCE = "520000000000"
HEADS = ("party_secretary", "government_head")

EXPECTED = {
    "leaders": "ref:string area_code:string name:string post:string title:string start:date32[day] "
    "end:date32[day] end_reason:string",
    "leader_approvals": "area_code:string post:string day:date32[day]",
    "contact_points": "leader_ref:string area_code:string kind:string start:date32[day]",
    "contact_visits": "leader_ref:string area_code:string date:date32[day] note:string",
    "debriefings": "area_code:string year:int16 name:string held_on:date32[day] good:int32 fairly_good:int32 "
    "average:int32 poor:int32 comments:string",
    "assessment_scores": "assessing_code:string assessed:string area_code:string year:int16 observation:double",
    "accountability_cases": "area_code:string authority_code:string kind:string subject:string reason:string "
    "opened_on:date32[day] status:string measures:string deadline:date32[day] closed_on:date32[day]",
    "assessment_answers": "kind:string area_code:string ref:string year:int16 planted:bool",
}


@pytest.fixture(scope="module")
def plan():
    return plan_province(SEED)


@pytest.fixture(scope="module")
def tables(plan):
    return assessment_tables(plan, SEED, sorted(plan.counties))


@pytest.fixture(scope="module")
def rows(tables):
    return {name: t.to_pylist() for name, t in tables.items()}


def _classes(plan, kind, year=YEAR):
    return {c for c, y, k in plan.classifications if y == year and k == kind}


def _level(plan):
    return {a.code: a.level for a in plan.areas}


def _in_post(rows):
    return [r for r in rows["leaders"] if r["end"] is None]


def _answers(rows, kind, planted):
    return {(a["area_code"], a["ref"], a["year"]) for a in rows["assessment_answers"]
            if a["kind"] == kind and a["planted"] is planted}  # fmt: skip


def test_schemas_are_exact(tables):
    assert tuple(tables) == TABLES == tuple(EXPECTED)
    for name, table in tables.items():
        assert table.schema == SCHEMAS[name], name
        assert " ".join(f"{f.name}:{f.type}" for f in table.schema) == EXPECTED[name], name


def test_twenty_provincial_leaders_each_in_charge_of_an_extremely_poor_township(plan, rows):
    provincial = [r for r in rows["leaders"] if r["area_code"] == PROVINCE]
    assert len(provincial) == 20
    assert all(r["end"] is None for r in provincial)
    assert Counter(r["post"] for r in provincial) == {"party_secretary": 1, "government_head": 1, "member": 18}
    titles = {r["post"]: r["title"] for r in provincial if r["post"] in HEADS}
    assert titles == {"party_secretary": "省委书记", "government_head": "省长"}
    extreme = _classes(plan, "extremely_poor_township")
    assert len(extreme) == 20
    charge = [p for p in rows["contact_points"] if p["kind"] == "charge"]
    assert len(charge) == 20
    assert {p["leader_ref"] for p in charge} == {r["ref"] for r in provincial}
    assert {p["area_code"] for p in charge} == extreme  # a bijection: 20 leaders, 20 townships, 20 points


def test_every_area_has_one_secretary_and_one_head_in_post(plan, rows):
    level = _level(plan)
    posts = Counter((r["area_code"], r["post"]) for r in _in_post(rows))
    members = {2: 3, 3: 4, 4: 0}
    for a in plan.areas:
        if a.level in (2, 3, 4):
            assert posts[a.code, "party_secretary"] == 1, a.code
            assert posts[a.code, "government_head"] == 1, a.code
            assert posts[a.code, "member"] == members[a.level], a.code
    assert {level[r["area_code"]] for r in rows["leaders"]} == {1, 2, 3, 4}
    refs = [r["ref"] for r in rows["leaders"]]
    assert len(set(refs)) == len(refs)
    assert all(len(ref) <= 24 for ref in refs)
    assert all(2 <= len(r["name"]) <= 3 and r["title"] for r in rows["leaders"])
    start_lo, start_hi = date(2011, 1, 1), date(2016, 12, 31)
    ended = {(r["area_code"], r["post"]) for r in rows["leaders"] if r["end"] is not None}
    for r in _in_post(rows):
        if (r["area_code"], r["post"]) not in ended:
            assert start_lo <= r["start"] <= start_hi
        assert r["end_reason"] == ""
    titles = {(r["area_code"], r["post"]): r["title"] for r in _in_post(rows)}
    assert titles["520526000000", "party_secretary"] == "县委书记"
    assert titles["520526000000", "government_head"] == "县长"
    assert titles["520500000000", "party_secretary"] == "市委书记"
    assert titles["522600000000", "government_head"] == "州长"


def test_head_posts_never_overlap_and_successors_follow(plan, rows):
    level = _level(plan)
    held = defaultdict(list)
    for r in rows["leaders"]:
        if r["post"] in HEADS:
            held[r["area_code"], r["post"]].append(r)
    changes = Counter()
    for (area, post), rs in held.items():
        rs.sort(key=lambda r: r["start"])
        assert [r["end"] for r in rs[:-1]] == [r["start"] for r in rs[1:]]  # the successor starts the day they left
        for a, b in pairwise(rs):
            assert a["start"] < a["end"] <= b["start"]
            assert a["end_reason"]
            assert date(2014, 1, 1) <= a["end"] <= date(2017, 12, 31)
        assert rs[-1]["end"] is None
        if len(rs) > 1:
            assert level[area] == 3
            assert len(rs) == 2
            changes[post] += 1
    for post in HEADS:
        assert 0.30 <= changes[post] / 88 <= 0.40


def _stability_reference(plan, rows):
    """(county, post, year) of every county head who left in a year the county was poor, and the unapproved."""
    level = _level(plan)
    poor = {(c, y) for c, y, k in plan.classifications if k == "poor_county"}
    approved = {(a["area_code"], a["post"], a["day"]) for a in rows["leader_approvals"]}
    needed, unapproved, free = set(), set(), set()
    for r in rows["leaders"]:
        if r["end"] is None or r["post"] not in HEADS or level[r["area_code"]] != 3:
            continue
        key = (r["area_code"], r["post"], r["end"].year)
        if (r["area_code"], r["end"].year) not in poor:
            free.add(key)
            continue
        needed.add(key)
        if (r["area_code"], r["post"], r["end"]) not in approved:
            unapproved.add(key)
    return needed, unapproved, free


def test_six_unapproved_head_changes_are_planted_and_the_answers_are_complete(plan, rows):
    needed, unapproved, free = _stability_reference(plan, rows)
    planted = _answers(rows, "stability", True)
    assert planted == unapproved  # recall and precision 100%
    assert len(planted) == 6
    assert len({c for c, _, _ in planted}) == 6  # six counties
    assert all(2015 <= y <= 2017 for _, _, y in planted)
    # every approval is of a real change in a poor county-year, on the day the holder left
    ends = {(r["area_code"], r["post"], r["end"]) for r in rows["leaders"] if r["end"] is not None}
    assert all((a["area_code"], a["post"], a["day"]) in ends for a in rows["leader_approvals"])
    assert len(rows["leader_approvals"]) == len(needed) - 6
    near = _answers(rows, "stability", False)
    assert not near & planted
    approved_near, free_near = near & needed, near & free
    assert approved_near | free_near == near
    assert 1 <= len(approved_near) <= 6
    assert 1 <= len(free_near) <= 6
    # the county that left the list in 2017 changed its head on its first day no longer poor
    chishui = [r for r in rows["leaders"] if r["area_code"] == "520381000000" and r["post"] == "government_head"]
    assert date(2017, 1, 1) in {r["end"] for r in chishui}
    assert ("520381000000", "government_head", 2017) in free_near


def _schemes_reference(plan):
    towns = sorted(a.code for a in plan.areas if a.level == 4)
    out = {(PROVINCE, "counties"): sorted(a.code for a in plan.areas if a.level == 3)}
    for p in (a.code for a in plan.areas if a.level == 2):
        out[p, "townships"] = [t for t in towns if t[:4] == p[:4]]
    for v in sorted(_classes(plan, "deep_poverty_village")):
        out.setdefault((v[:6] + "000000", "deep_poverty_villages"), []).append(v)
    return out


def test_one_vetoed_area_per_scheme_and_near_misses_at_the_line(plan, rows):
    schemes = defaultdict(dict)
    for r in rows["assessment_scores"]:
        assert r["year"] == YEAR
        assert 0 <= r["observation"] <= 100
        assert round(r["observation"], 1) == r["observation"]
        schemes[r["assessing_code"], r["assessed"]][r["area_code"]] = r["observation"]
    expected = _schemes_reference(plan)
    assert {k: sorted(v) for k, v in schemes.items()} == expected
    assert len(schemes[PROVINCE, "counties"]) == 88
    vetoed, at_line = set(), set()
    for (assessing, assessed), scores in schemes.items():
        below = [a for a, s in scores.items() if s < VETO_LINE]
        line = [a for a, s in scores.items() if s == VETO_LINE]
        others = [s for a, s in scores.items() if a not in below and a not in line]
        assert all(60.5 <= s <= 99.0 for s in others)
        n = len(scores)
        assert len(below) == (1 if n >= 3 else 0), (assessing, assessed)
        assert len(line) == (1 if n >= 4 else 0), (assessing, assessed)
        assert all(40.0 <= scores[a] <= 59.9 for a in below)
        vetoed |= {(a, f"{assessing}/{assessed}", YEAR) for a in below}
        at_line |= {(a, f"{assessing}/{assessed}", YEAR) for a in line}
    assert _answers(rows, "bottom", True) == vetoed
    assert _answers(rows, "bottom", False) == at_line
    assert len(vetoed) == sum(len(v) >= 3 for v in expected.values())
    assert len(at_line) == sum(len(v) >= 4 for v in expected.values())
    assert {a for a, _, _ in vetoed} >= {r["area_code"] for r in rows["accountability_cases"]}


def test_each_vetoed_area_is_interviewed_by_the_assessing_area(plan, rows):
    names = {a.code: a.name for a in plan.areas}
    vetoed = {(r["area_code"], r["assessing_code"]) for r in rows["assessment_scores"] if r["observation"] < 60}
    cases = rows["accountability_cases"]
    assert {(c["area_code"], c["authority_code"]) for c in cases} == vetoed
    assert len(cases) == len(vetoed)
    status = Counter(c["status"] for c in cases)
    assert status.keys() == {"open", "rectifying", "closed"}
    assert 0.5 <= status["closed"] / len(cases) <= 0.7
    assert 0.2 <= status["rectifying"] / len(cases) <= 0.4
    for c in cases:
        assert c["kind"] == "interview"
        assert c["subject"].startswith(names[c["area_code"]])
        assert "一票否决" in c["reason"]
        assert date(2018, 1, 15) <= c["opened_on"] <= date(2018, 3, 31)
        if c["status"] == "open":
            assert (c["measures"], c["deadline"], c["closed_on"]) == ("", None, None)
        else:
            assert c["measures"]
            assert c["deadline"] > c["opened_on"]
        if c["status"] == "closed":
            assert c["opened_on"] < c["closed_on"] <= c["deadline"]
        else:
            assert c["closed_on"] is None


def test_debriefings_of_every_county_and_township_secretary(plan, rows):
    debriefings = rows["debriefings"]
    townships = sum(a.level == 4 for a in plan.areas)
    assert townships == 1_510
    assert len(debriefings) == 88 + townships
    secretaries = {r["area_code"]: r["name"] for r in _in_post(rows) if r["post"] == "party_secretary"}
    level = _level(plan)
    assert {d["area_code"] for d in debriefings} == {a for a in secretaries if level[a] in (3, 4)}
    totals = Counter()
    for d in debriefings:
        assert d["year"] == 2017
        assert d["name"] == secretaries[d["area_code"]]
        assert date(2018, 1, 5) <= d["held_on"] <= date(2018, 2, 28)
        votes = (d["good"], d["fairly_good"], d["average"], d["poor"])
        assert all(v >= 0 for v in votes)
        assert 25 <= sum(votes) <= 80
        totals.update(dict(zip(("good", "fairly_good", "average", "poor"), votes, strict=True)))
    voters = sum(totals.values())
    assert abs(totals["good"] / voters - 0.62) < 0.03
    assert abs(totals["fairly_good"] / voters - 0.28) < 0.03
    assert abs(totals["average"] / voters - 0.08) < 0.02
    assert abs(totals["poor"] / voters - 0.02) < 0.01
    weak = [d for d in debriefings if d["good"] + d["fairly_good"] < 0.6 * (d["good"] + d["fairly_good"]
                                                                            + d["average"] + d["poor"])]  # fmt: skip
    assert 5 <= len(weak) <= 100  # a few are judged poorly
    commented = sum(bool(d["comments"]) for d in debriefings) / len(debriefings)
    assert 0.15 <= commented <= 0.25


def test_contact_points_cover_the_deep_poverty_villages(plan, rows):
    leaders = {r["ref"]: r for r in rows["leaders"]}
    points = rows["contact_points"]
    assert len({(p["leader_ref"], p["area_code"]) for p in points}) == len(points)
    deep = _classes(plan, "deep_poverty_village")
    extreme = _classes(plan, "extremely_poor_township")
    village_points = [p for p in points if p["area_code"] in deep]
    covered = Counter(p["area_code"] for p in village_points)
    assert set(covered.values()) == {1}
    assert 0.975 <= len(covered) / len(deep) <= 0.985  # about 2% are a gap
    for p in points:
        leader = leaders[p["leader_ref"]]
        assert leader["end"] is None
        assert date(2016, 1, 1) <= p["start"] <= date(2017, 3, 31)
        assert p["start"] >= leader["start"]
        if p["area_code"] in deep:
            assert (p["kind"], leader["area_code"]) == ("contact", p["area_code"][:6] + "000000")
        else:
            assert p["area_code"] in extreme
    prefecture = [p for p in points if leaders[p["leader_ref"]]["area_code"][4:] == "00000000"
                  and leaders[p["leader_ref"]]["area_code"] != PROVINCE]  # fmt: skip
    assert sorted(p["area_code"] for p in prefecture) == sorted(extreme)
    for p in prefecture:
        leader = leaders[p["leader_ref"]]
        assert leader["post"] in HEADS
        assert leader["area_code"] == p["area_code"][:4] + "00000000"
        assert p["kind"] == "contact"
    assert len(points) == 20 + 20 + len(covered)


def test_contact_visits_in_2017(rows):
    points = {(p["leader_ref"], p["area_code"]): p for p in rows["contact_points"]}
    visits = defaultdict(list)
    for v in rows["contact_visits"]:
        visits[v["leader_ref"], v["area_code"]].append(v)
    assert visits.keys() == points.keys()
    for key, vs in visits.items():
        point = points[key]
        lo, hi = (6, 12) if point["kind"] == "charge" else (2, 12)
        assert lo <= len(vs) <= hi
        days = [v["date"] for v in vs]
        assert len(set(days)) == len(days)
        assert all(d.year == 2017 and d >= point["start"] for d in days)
        assert all(v["note"] for v in vs)
    assert len({v["note"] for v in rows["contact_visits"]}) >= 5


def _cut_reference(table, county):
    keep = []
    for code in table["area_code"].to_pylist():
        keep.append(code[:6] == county or code == PROVINCE or code == county[:4] + "00000000")
    return table.filter(pa.array(keep, pa.bool_()))


def test_a_countys_rows_are_the_same_at_every_scale(plan, tables):
    alone = assessment_tables(plan, SEED, [WEINING])
    for name, table in tables.items():
        assert alone[name].equals(_cut_reference(table, WEINING)), name
        assert alone[name].num_rows, name
    codes = set(alone["leaders"]["area_code"].to_pylist())
    assert PROVINCE in codes  # the province's leaders are always there
    assert "520500000000" in codes  # 毕节市's too
    assert not {c for c in codes if c[4:] == "00000000" and c not in (PROVINCE, "520500000000")}
    provincial = tables["leaders"].filter(pc.equal(tables["leaders"]["area_code"], PROVINCE))
    assert alone["leaders"].filter(pc.equal(alone["leaders"]["area_code"], PROVINCE)).equals(provincial)
    pair = assessment_tables(plan, SEED, [WEINING, "520325"])
    for name, table in pair.items():
        assert alone[name].equals(_cut_reference(table, WEINING)), name


def test_deterministic_per_seed(plan, tables):
    again = assessment_tables(plan_province(SEED), SEED, sorted(plan.counties))
    assert all(again[name].equals(tables[name]) for name in TABLES)
    other = assessment_tables(plan, SEED + 1, sorted(plan.counties))
    assert not other["leaders"].equals(tables["leaders"])
    assert not other["assessment_scores"].equals(tables["assessment_scores"])
