"""Days in the village and the year's leave limit (``analytics.fieldwork``) at their thresholds, identical on the
four engines."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pytest

from fupin.analytics import engines
from fupin.analytics import fieldwork as rules

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
D = rules.epoch_day
APRIL = (date(2018, 4, 1), date(2018, 4, 30))
START = D(date(2018, 3, 1))

# posting: (start, end), [(leave start, leave end, in village)], expected April (village_days, required, short)
CASES: dict[int, tuple[tuple[date, date | None], list[tuple[date, date, bool]], tuple[int, int, bool] | None]] = {
    1: ((date(2018, 3, 1), None), [(date(2018, 4, 2), date(2018, 4, 11), False)], (20, 20, False)),  # at
    2: ((date(2018, 3, 1), None), [(date(2018, 4, 2), date(2018, 4, 12), False)], (19, 20, True)),  # one below
    3: ((date(2018, 3, 1), None), [(date(2018, 4, 2), date(2018, 4, 10), False)], (21, 20, False)),  # above
    4: ((date(2018, 4, 16), None), [(date(2018, 4, 20), date(2018, 4, 24), False)], (10, 10, False)),  # pro rata
    5: ((date(2018, 4, 16), None), [(date(2018, 4, 20), date(2018, 4, 25), False)], (9, 10, True)),
    6: ((date(2018, 3, 1), None), [(date(2018, 4, 2), date(2018, 4, 20), True)], (30, 20, False)),  # a meeting
    7: ((date(2017, 3, 1), date(2018, 3, 31)), [], None),  # ended before April: not counted
    8: ((date(2018, 3, 1), None), [(date(2018, 3, 25), date(2018, 4, 5), False)], (25, 20, False)),  # crosses
}
YEAR_CASES = {  # posting: leave days in 2018 (not counting work for the village); over a limit of 30?
    11: ([(date(2018, 2, 1), date(2018, 3, 2), False)], 30, False),  # at the limit
    12: ([(date(2018, 2, 1), date(2018, 3, 3), False)], 31, True),  # above
    13: ([(date(2017, 12, 22), date(2018, 1, 10), False), (date(2018, 5, 1), date(2018, 6, 30), True)], 10, False),
}


def _tables() -> dict[str, pa.Table]:
    postings = {"posting_id": [], "start_day": [], "end_day": []}
    leaves = {"posting_id": [], "start_day": [], "end_day": [], "in_village": []}
    for pid, ((start, end), rows, _) in CASES.items():
        postings["posting_id"].append(pid)
        postings["start_day"].append(D(start))
        postings["end_day"].append(D(end) if end else None)
        for s, e, inside in rows:
            leaves["posting_id"].append(pid)
            leaves["start_day"].append(D(s))
            leaves["end_day"].append(D(e))
            leaves["in_village"].append(inside)
    for pid, (rows, _, _) in YEAR_CASES.items():
        for s, e, inside in rows:
            leaves["posting_id"].append(pid)
            leaves["start_day"].append(D(s))
            leaves["end_day"].append(D(e))
            leaves["in_village"].append(inside)
    logs = {"posting_id": [1, 1, 1, 2], "day": [D(date(2018, 4, 3))] * 2 + [D(date(2018, 4, 4)), D(date(2018, 5, 1))]}
    return {
        "postings": pa.table(postings, schema=rules.POSTINGS),
        "leaves": pa.table(leaves, schema=rules.LEAVES),
        "logs": pa.table(logs, schema=rules.LOGS),
    }


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres", "spark"])
def test_days_in_the_village_and_the_years_leave_at_their_thresholds(engine):
    with engines.load(_tables(), engine, pg_url=PG_URL) as t:
        month = rules.presence(t["postings"], t["leaves"], t["logs"], first=APRIL[0], last=APRIL[1], standard=20)
        got = {r["posting_id"]: r for r in month.to_pyarrow().to_pylist()}
        year = {
            r["posting_id"]: r
            for r in rules.leave_over_limit(t["leaves"], year=2018, limit=30).to_pyarrow().to_pylist()
        }
        # the current month counted to its 10th day against the whole month's standard
        partial = rules.presence(t["postings"], t["leaves"], t["logs"], first=APRIL[0], last=date(2018, 4, 10),
                                 standard=20, period_days=30)  # fmt: skip
        early = {r["posting_id"]: r for r in partial.to_pyarrow().to_pylist()}
    expected = {pid: case[2] for pid, case in CASES.items() if case[2] is not None}
    assert {pid: (r["village_days"], r["required_days"], bool(r["short"])) for pid, r in got.items()} == expected
    assert (got[1]["logged_days"], got[2]["logged_days"], got[3]["logged_days"]) == (2, 0, 0)
    assert {pid: (r["leave_days"], bool(r["over"])) for pid, r in year.items() if pid > 10} == {
        pid: (days, over) for pid, (_, days, over) in YEAR_CASES.items()
    }
    assert (early[1]["posted_days"], early[1]["village_days"], early[1]["required_days"]) == (10, 1, 7)
    assert 4 not in early  # posted from the 16th: not yet in the village this month


WEIGHTS = {"sending_unit": 0.25, "township": 0.25, "village_org": 0.15, "masses": 0.25, "third_party": 0.10}
RATERS = list(WEIGHTS)


def _rating_tables() -> dict[str, pa.Table]:
    """Postings 21–29 rated for 2018: scores at and around the grade lines, absences (one excused by leave, one
    in another year, one repeated on the same day), and a red line's cap."""
    scores = {"posting_id": [], "period": [], "rater": [], "score": []}

    def give(pid: int, period: str, value: float, raters: list[str] = RATERS) -> None:
        for r in raters:
            scores["posting_id"].append(pid)
            scores["period"].append(period)
            scores["rater"].append(r)
            scores["score"].append(value)

    give(21, "year", 90.0)  # at 优秀
    give(22, "year", 89.99)  # below
    give(23, "year", 60.0)  # at 基本称职
    give(24, "year", 59.99)  # below: 不称职
    give(25, "year", 100.0)
    give(25, "Q1", 50.0, ["township"])  # 0.4 × 50 + 0.6 × 100 = 80
    give(26, "Q2", 95.0, ["masses", "township"])  # quarters only: 95
    for pid in (27, 28, 29):
        give(pid, "year", 95.0)
    day = D(date(2018, 5, 10))
    inspections = {
        "posting_id": [27, 27, 28, 28, 28, 29, 29],
        "day": [day, day + 1, day, day, D(date(2017, 5, 10)), day + 5, day + 6],
        "present": [False, False, False, False, False, False, True],
    }
    leaves = {"posting_id": [29], "start_day": [day + 5], "end_day": [day + 5], "in_village": [False]}
    violations = {
        "posting_id": [28, 25],
        "day": [day, D(date(2017, 1, 1))],
        "cap_rank": [2, 1],
        "recall": [False, True],
    }
    postings = {"posting_id": list(range(21, 31)), "start_day": [START] * 10, "end_day": [None] * 10}
    return {
        "postings": pa.table(postings, schema=rules.POSTINGS),
        "scores": pa.table(scores, schema=rules.SCORES),
        "inspections": pa.table(inspections, schema=rules.INSPECTIONS),
        "leaves": pa.table(leaves, schema=rules.LEAVES),
        "violations": pa.table(violations, schema=rules.VIOLATIONS),
    }


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres", "spark"])
def test_ratings_weights_grade_lines_and_caps(engine):
    with engines.load(_rating_tables(), engine, pg_url=PG_URL) as t:
        expr = rules.ratings(
            t["postings"], t["scores"], t["inspections"], t["leaves"], t["violations"], year=2018, weights=WEIGHTS,
            quarters_weight=0.4, grade_min=(90, 75, 60), absence_caps=(1, 2, 3),
        )  # fmt: skip
        got = {r["posting_id"]: r for r in expr.to_pyarrow().to_pylist()}
    assert 30 not in got  # no score: not rated
    ranks = {
        pid: (r["earned"], r["absences"], r["absence_cap"], r["violation_cap"], r["rank"]) for pid, r in got.items()
    }
    assert ranks == {
        21: (4, 0, 4, 4, 4),
        22: (3, 0, 4, 4, 3),
        23: (2, 0, 4, 4, 2),
        24: (1, 0, 4, 4, 1),
        25: (3, 0, 4, 4, 3),  # the 2017 red line does not count in 2018
        26: (4, 0, 4, 4, 4),
        27: (4, 2, 2, 4, 2),  # two days away: at most 基本称职
        28: (4, 1, 3, 2, 2),  # one day (checked twice), a red line capping at 基本称职
        29: (4, 0, 4, 4, 4),  # away on a day of approved leave
    }
    assert round(got[25]["score"], 6) == 80.0
    assert round(got[26]["score"], 6) == 95.0
