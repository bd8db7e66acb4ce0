"""软弱涣散 criteria, the vacancy warning, the basic guarantees and the rectification's acceptance
(``analytics.partyorg``) below, at and above each threshold, identical on the four engines."""

from __future__ import annotations

import os
from datetime import date

import pyarrow as pa
import pytest

from fupin.analytics import engines
from fupin.analytics import partyorg as rules

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
D = rules.epoch_day
START = D(date(2017, 4, 1))


def _tables() -> dict[str, pa.Table]:
    # villages: V1 secretary in post; V2 left 2018-10-01 (91 days: weak, flagged); V3 left 2018-10-02 (90 days: not
    # weak, flagged); V4 left 2018-12-01 (30 days: not flagged); V5 left 2018-11-30 (31: flagged); V6 never had one;
    # V7 left and a successor took over; V8 in post, also director (一肩挑)
    orgs = [f"V{i}" for i in range(1, 13)]
    seats = [("V1", None), ("V2", date(2018, 10, 1)), ("V3", date(2018, 10, 2)), ("V4", date(2018, 12, 1)),
             ("V5", date(2018, 11, 30)), ("V7", date(2018, 5, 1)), ("V8", None)]  # fmt: skip
    seat_rows = [(v, "branch", "secretary", START, D(end) if end else None) for v, end in seats]
    seat_rows += [
        ("V7", "branch", "secretary", D(date(2018, 5, 10)), None),
        ("V8", "villagers", "director", START, None),
    ]
    seat_rows += [(v, "branch", "secretary", START, None) for v in orgs[8:]]
    years = [  # new members: V9 none in 2017 and 2018 (hit); V10 one in 2017 (no hit); V11 only a 2018 row (no hit)
        ("V9", 2017, 0, 80.0), ("V9", 2018, 0, 80.0), ("V10", 2017, 1, 80.0), ("V10", 2018, 0, 80.0),
        ("V11", 2018, 0, 59.9), ("V12", 2017, 2, 80.0), ("V12", 2018, 0, 60.0),  # satisfaction 59.9 hit, 60.0 not
        ("V1", 2016, 0, 50.0), ("V1", 2017, 0, 90.0), ("V1", 2018, 3, 90.0),  # 2016 out of the span
    ]  # fmt: skip
    reviews = [  # last and 差 (hit), last and 一般, 差 not last, another year
        ("V9", 2018, "poor", 5, 5), ("V10", 2018, "average", 6, 6), ("V11", 2018, "poor", 3, 6),
        ("V12", 2017, "poor", 4, 4),
    ]  # fmt: skip
    guarantees = [
        ("V1", 2018, 17738.0, True, 2.0, True), ("V2", 2018, 17737.99, True, 2.0, True),
        ("V3", 2018, 20000.0, True, 1.99, True), ("V4", 2018, 20000.0, False, 3.0, False),
        ("V5", 2017, 100.0, False, 0.0, False),
    ]  # fmt: skip
    cases = [("V1", 2017, 70.0, 30, 15), ("V2", 2017, 69.9, 30, 0), ("V3", 2017, 95.0, 30, 16),
             ("V4", 2017, None, None, None)]  # fmt: skip

    def table(rows: list[tuple], schema: pa.Schema) -> pa.Table:
        return pa.Table.from_pylist([dict(zip(schema.names, r, strict=True)) for r in rows], schema=schema)

    return {
        "orgs": table([(v,) for v in orgs], rules.ORGS),
        "seats": table(seat_rows, rules.SEATS),
        "org_years": table(years, rules.ORG_YEARS),
        "reviews": table(reviews, rules.REVIEWS),
        "guarantees": table(guarantees, rules.GUARANTEES),
        "cases": table(cases, rules.CASES),
    }


@pytest.mark.parametrize("engine", ["duckdb", "sqlite", "postgres", "spark"])
def test_weak_criteria_vacancy_guarantees_and_acceptance_at_their_thresholds(engine):
    with engines.load(_tables(), engine, pg_url=PG_URL) as t:
        hits = rules.weak(t["orgs"], t["seats"], t["org_years"], t["reviews"], year=2018, vacancy_days=90,
                          no_member_years=2, satisfaction_min=60.0).to_pyarrow().to_pylist()  # fmt: skip
        flags = rules.vacancy_flags(t["orgs"], t["seats"], as_of=date(2018, 12, 31), limit=30).to_pyarrow()
        short = rules.guarantee_short(t["guarantees"], year=2018, pay_min=17738.0, funds_min=2.0).to_pyarrow()
        accepted = rules.acceptance(t["cases"], score_min=70.0, dissatisfied_max=0.5).to_pyarrow().to_pylist()
    got = {(r["village_code"], r["criterion"]): r["value"] for r in hits}
    assert got == {
        ("V2", "vacancy"): 91.0, ("V6", "vacancy"): None, ("V9", "no_members"): 2.0,
        ("V11", "satisfaction"): pytest.approx(59.9), ("V9", "ranking"): 5.0,
    }  # fmt: skip
    assert dict(zip(*flags.to_pydict().values(), strict=True)) == {"V2": 91, "V3": 90, "V5": 31, "V6": None}
    assert sorted(zip(short["village_code"].to_pylist(), short["criterion"].to_pylist(), strict=True)) == [
        ("V2", "pay"), ("V3", "funds"), ("V4", "funds_unpaid"), ("V4", "pay_unpaid"),
    ]  # fmt: skip
    assert {r["village_code"]: (r["passed"], r["low_score"], r["too_dissatisfied"]) for r in accepted} == {
        "V1": (True, False, False), "V2": (False, True, False), "V3": (False, False, True),
    }  # fmt: skip
