"""The assessment's scoring (each method, the weights, the clip at 0–100, the veto, ranks and the bottom) and the
helping units' grade rule (``analytics.assessment``) below, at and above each line, identical on the four
engines."""

from __future__ import annotations

import os

import pyarrow as pa
import pytest

from fupin.analytics import assessment as rules
from fupin.analytics import engines

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ENGINES = ["duckdb", "sqlite", "postgres", "spark"]


def _table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist([dict(zip(schema.names, r, strict=True)) for r in rows], schema=schema)


def _scheme() -> dict[str, pa.Table]:
    indicators = [
        (1, 40.0, True, "relative", None, None, None),  # lo 10 → 0, hi 30 → 100
        (2, 30.0, False, "target", 5.0, None, None),  # at or under 5 → 100; over: 5 ÷ value
        (3, 10.0, True, "target", 80.0, None, None),  # at or over 80 → 100; under: value ÷ 80, not below 0
        (4, 20.0, False, "deduct", None, 5.0, 3.0),  # 100 − 5 × value, not below 0; over 3 vetoes
        (5, 0.0, False, "target", 0.0, None, None),  # target 0: any count scores 0
    ]
    values = {  # area: (ind1, ind2, ind3, ind4, ind5)
        "A1": (10.0, 5.0, 80.0, 0.0, 0.0),
        "A2": (20.0, 4.99, 79.92, 3.0, 1.0),
        "A3": (30.0, 10.0, 90.0, 4.0, None),
        "A4": (None, 5.0, 40.0, 20.0, None),
        "A5": (10.0, 20.0, -5.0, 1.0, None),
        "A6": (25.0, 0.0, None, 2.0, None),
    }
    rows = [(7, a, i + 1, v) for a, vs in values.items() for i, v in enumerate(vs) if v is not None]
    # a second scheme over the same areas with other values: each scheme scores and ranks on its own
    rows += [(8, a, 1, float(k)) for k, a in enumerate(values)]
    # a third whose points fall on half-cents held in binary just below (25 × 60.94 % = 15.235; 10 × 65.85 % = 6.585)
    rows += [(9, "A1", 1, 60.94), (9, "A1", 2, 65.85)]
    half = [(9, 1, 25.0, True, "target", 100.0, None, None), (9, 2, 10.0, True, "target", 100.0, None, None)]
    other = [(8, 1, 100.0, True, "relative", None, None, None)]
    return {
        "schemes": _table([(7, 2), (8, 1), (9, 1)], rules.SCHEMES),  # 9 ranks one area: no bottom
        "areas": _table([(s, a) for s in (7, 8) for a in values] + [(9, "A1")], rules.AREAS),
        "values": _table(rows, rules.VALUES),
        "indicators": _table([(7, *i) for i in indicators] + other + half, rules.INDICATORS),
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_each_method_weight_clip_and_veto_scores_and_ranks_as_the_scheme_says(engine):
    with engines.load(_scheme(), engine, pg_url=PG_URL) as t:
        parts, totals = rules.score(t["schemes"], t["areas"], t["values"], t["indicators"])
        parts, totals = parts.to_pyarrow().to_pylist(), totals.to_pyarrow().to_pylist()
    other = {r["area_code"]: (r["total"], r["rank"], r["bottom"]) for r in totals if r["scheme"] == 8}
    assert other == {"A1": (0.0, 6, True), "A2": (20.0, 5, False), "A3": (40.0, 4, False), "A4": (60.0, 3, False),
                     "A5": (80.0, 2, False), "A6": (100.0, 1, False)}  # fmt: skip
    assert sorted(r["points"] for r in parts if r["scheme"] == 9) == [6.59, 15.24]  # half up on every engine
    assert [(r["total"], r["rank"], r["bottom"]) for r in totals if r["scheme"] == 9] == [(21.83, 1, False)]
    parts = [r for r in parts if r["scheme"] == 7]
    totals = [r for r in totals if r["scheme"] == 7]
    scores = {(r["area_code"], r["indicator"]): r["score"] for r in parts}
    assert [scores[("A1", i)] for i in range(1, 6)] == [0.0, 100.0, 100.0, 100.0, 100.0]
    assert [scores[("A2", i)] for i in range(1, 6)] == [50.0, 100.0, 99.9, 85.0, 0.0]
    assert [scores[("A3", i)] for i in range(1, 5)] == [100.0, 50.0, 100.0, 80.0]
    assert [scores[("A4", i)] for i in range(1, 5)] == [0.0, 100.0, 50.0, 0.0]  # no value: 0; 100 − 100 → 0
    assert [scores[("A5", i)] for i in range(1, 5)] == [0.0, 25.0, 0.0, 95.0]  # −5 of 80 → 0
    assert [scores[("A6", i)] for i in range(1, 5)] == [75.0, 100.0, 0.0, 90.0]
    assert {r["area_code"] for r in parts if r["vetoed"]} == {"A3", "A4"}  # 4 and 20 > 3 veto; 3 (A2) does not
    got = {r["area_code"]: (r["total"], r["rank"], r["bottom"], r["vetoes"]) for r in totals}
    assert got == {
        "A6": (78.0, 1, False, 0), "A2": (76.99, 2, False, 0), "A1": (60.0, 3, False, 0), "A5": (26.5, 4, False, 0),
        "A3": (81.0, 5, True, 1), "A4": (35.0, 6, True, 1),  # a veto ranks even 81 points below every other
    }  # fmt: skip


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_equal_values_score_full_marks_and_ties_at_the_bottom_are_all_flagged(engine):
    values = [("B1", 1, 7.0), ("B2", 1, 7.0), ("B3", 1, 7.0), ("B1", 2, 2.0), ("B2", 2, 1.0), ("B3", 2, 1.0)]
    tables = {
        "schemes": _table([(1, 1)], rules.SCHEMES),
        "areas": _table([(1, "B1"), (1, "B2"), (1, "B3")], rules.AREAS),
        "values": _table([(1, *v) for v in values], rules.VALUES),
        "indicators": _table([(1, i, 50.0, True, "relative", None, None, None) for i in (1, 2)], rules.INDICATORS),
    }
    with engines.load(tables, engine) as t:
        _, totals = rules.score(t["schemes"], t["areas"], t["values"], t["indicators"])
        got = {r["area_code"]: (r["total"], r["rank"], r["bottom"]) for r in totals.to_pyarrow().to_pylist()}
    assert got == {"B1": (100.0, 1, False), "B2": (50.0, 2, True), "B3": (50.0, 2, True)}


def _units() -> dict[str, pa.Table]:
    cadres = [  # unit, posting, village, year score, grade, masses' score
        ("U1", 1, "VA", 95.0, "优秀", 80.0), ("U1", 2, "VA", 91.0, "优秀", 60.0),  # masses at the line: first
        ("U2", 3, "VA", 95.0, "优秀", 90.0), ("U2", 4, "VA", 90.0, "基本称职", 90.0),  # capped by absences
        ("U3", 5, "VA", 92.0, "优秀", 59.9),  # masses under the line
        ("U4", 6, "VB", 95.0, "优秀", 90.0),  # helps a village at the bottom
        ("U5", 7, "VA", 79.99, "不称职", None),  # third class anyway: the cap changes nothing
        ("U6", 8, "VA", 89.99, "称职", None), ("U7", 9, "VA", None, "称职", None),
        ("U8", 10, "VA", 69.99, "基本称职", None), ("U9", 11, "VA", 80.0, "称职", None),
        ("U10", 12, "VA", 70.0, "称职", None), ("U11", 13, "VA", 90.0, "称职", None),
    ]  # fmt: skip
    return {
        "cadres": _table(cadres, rules.UNIT_CADRES),
        "bottom": _table([("VB",)], rules.BOTTOM_VILLAGES),
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_unit_whose_cadre_masses_or_village_did_poorly_cannot_be_first_class(engine):
    with engines.load(_units(), engine, pg_url=PG_URL) as t:
        grades, caps = rules.unit_grades(t["cadres"], t["bottom"], grade_min=(90, 80, 70), masses_min=60)
        grades, caps = grades.to_pyarrow().to_pylist(), caps.to_pyarrow().to_pylist()
    got = {g["unit_id"]: (g["cadres"], g["score"], g["earned"], g["grade"]) for g in grades}
    assert got == {
        "U1": (2, 93.0, "一等奖", "一等奖"), "U2": (2, 92.5, "一等奖", "二等奖"), "U3": (1, 92.0, "一等奖", "二等奖"),
        "U4": (1, 95.0, "一等奖", "二等奖"), "U5": (1, 79.99, "三等奖", "三等奖"), "U6": (1, 89.99, "二等奖", "二等奖"),
        "U7": (1, None, "未获奖", "未获奖"), "U8": (1, 69.99, "未获奖", "未获奖"), "U9": (1, 80.0, "二等奖", "二等奖"),
        "U10": (1, 70.0, "三等奖", "三等奖"), "U11": (1, 90.0, "一等奖", "一等奖"),
    }  # fmt: skip
    assert sorted((c["unit_id"], c["cap"], c["value"]) for c in caps) == [
        ("U2", "poor_rating", 1.0), ("U3", "masses", pytest.approx(59.9)), ("U4", "bottom_village", 1.0),
        ("U5", "poor_rating", 1.0), ("U8", "poor_rating", 1.0),
    ]  # fmt: skip


def _stability() -> dict[str, pa.Table]:
    from datetime import date

    from fupin.analytics.fieldwork import epoch_day as d

    poor = [("C1", d(date(2017, 1, 1)), d(date(2017, 12, 31))), ("C1", d(date(2018, 1, 1)), d(date(2018, 12, 31)))]
    ended = [
        ("C1", "party_secretary", d(date(2017, 1, 1))),  # the first day of a poor year: flagged
        ("C1", "government_head", d(date(2018, 12, 31))),  # the last day of one: flagged
        ("C1", "party_secretary", d(date(2019, 1, 1))),  # the county exited (not poor in 2019): not flagged
        ("C1", "government_head", d(date(2016, 12, 31))),  # before it was listed: not flagged
        ("C1", "member", d(date(2017, 6, 1))),  # a member of the team: not a head
        ("C2", "party_secretary", d(date(2017, 6, 1))),  # another county, never poor
        ("C1", "party_secretary", None),  # in post
        ("C1", "government_head", d(date(2017, 8, 1))),  # approved that day: not flagged
        ("C1", "party_secretary", d(date(2017, 9, 1))),  # approved for another day: flagged
    ]
    approvals = [("C1", "government_head", d(date(2017, 8, 1))), ("C1", "party_secretary", d(date(2017, 9, 2)))]
    return {
        "ended": _table(ended, rules.HEAD_POSTS_ENDED),
        "poor": _table(poor, rules.POOR_SPANS),
        "approvals": _table(approvals, rules.APPROVALS),
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_poor_countys_head_leaving_before_it_exits_is_flagged_unless_approved(engine):
    from datetime import date

    from fupin.analytics.fieldwork import epoch_day as d

    with engines.load(_stability(), engine, pg_url=PG_URL) as t:
        got = rules.stability_flags(t["ended"], t["poor"], t["approvals"]).to_pyarrow().to_pylist()
    assert sorted((r["post"], r["end_day"]) for r in got) == sorted([
        ("party_secretary", d(date(2017, 1, 1))), ("government_head", d(date(2018, 12, 31))),
        ("party_secretary", d(date(2017, 9, 1))),
    ])  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
def test_a_debriefings_votes_score_and_grade_at_the_lines(engine):
    votes = [  # good, fairly good, average, poor
        ("D1", 9, 1, 0, 0), ("D2", 9, 0, 0, 1), ("D3", 8999, 0, 0, 1001), ("D4", 8, 0, 0, 2), ("D5", 0, 0, 1, 0),
        ("D6", 5999, 0, 0, 4001), ("D7", 0, 0, 0, 0),
    ]  # fmt: skip
    with engines.load({"votes": _table(votes, rules.VOTES)}, engine, pg_url=PG_URL) as t:
        got = rules.debriefings(t["votes"], weights=(100, 85, 60, 0), lines=(90, 80, 60)).to_pyarrow().to_pylist()
    assert {r["area_code"]: (r["votes"], r["score"], r["grade"]) for r in got} == {
        "D1": (10, 98.5, "好"), "D2": (10, 90.0, "好"), "D3": (10000, 89.99, "较好"), "D4": (10, 80.0, "较好"),
        "D5": (1, 60.0, "一般"), "D6": (10000, 59.99, "差"), "D7": (0, None, None),
    }  # fmt: skip
