"""防止返贫动态监测 in the synthetic province (synth/monitoring.py): the rules of analytics/monitoring.py, run on DuckDB
over the generated files, find exactly the planted answers of ``monitoring_answers.parquet`` — identification
overdue, monitored cases ready for risk elimination, alerts naming nobody registered, households whose sources from
several channels merged into one case — with the boundaries and decoys planted just inside and outside each rule;
and the files hold together (one open case per household, every department source citing its alert, the rates)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from fupin.analytics import monitoring as m
from fupin.analytics.fieldwork import epoch_day
from fupin.analytics.params import Params
from fupin.synth.people import valid_id

Y = 2017
END = date(Y, 12, 31)
SINCE = date(Y, 6, 30)  # 31 December minus monitoring_stable_months (6)
LIMIT = 15  # monitoring_decision_days
P = Params.defaults(Y)
LINE = P.monitoring_income_line
CODE_OF_LABEL = {label: code for code, label in m.ALERT_KINDS.items()}
DEPARTMENTS = {"医保局", "教育局", "民政局", "应急管理局", "残联", "公安交管"}
GROUPS = {"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
RISKS = {"illness", "disability", "schooling", "disaster", "accident", "income", "employment", "industry", "other"}
REASONS = ("too_soon", "no_follow_up", "income_unstable", "income_year", "guarantee_gap", "rigid_spending")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from fupin.synth.generate import generate

    path = tmp_path_factory.mktemp("tiny")
    generate(scale="tiny", seed=2017, year=Y, out=path, progress=None)
    return path


def _read(out, name: str) -> pa.Table:
    return pq.read_table(out / f"{name}.parquet")


def _days(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.cast(column, pa.int32())


def _facts(out) -> pa.Table:
    """The year's facts as the registry records them: size, income per head this year and last, 两不愁三保障 (吃、穿、
    义务教育、基本医疗、饮水安全 ✓, the house A/B or relocated), disabled members."""
    households = _read(out, "households").to_pylist()
    years = defaultdict(dict)
    for r in _read(out, "household_years").to_pylist():
        years[r["household_id"]][r["year"]] = r
    disabled = Counter(r["household_id"] for r in _read(out, "members").to_pylist() if r["health"] == "残疾")
    rows = []
    for h in households:
        now, before = years[h["household_id"]].get(Y), years[h["household_id"]].get(Y - 1)
        ok = None
        if now:
            flags = ("food_ok", "clothing_ok", "education_ok", "medical_ok", "water_ok")
            ok = all(now[f] for f in flags) and (now["housing_grade"] in ("A", "B") or now["relocated"])
        rows.append({
            "household_id": h["household_id"], "size": h["size"], "income": now and now["income_per_capita"],
            "income_last": before and before["income_per_capita"], "guarantees_ok": ok,
            "disabled": disabled[h["household_id"]],
        })  # fmt: skip
    return pa.Table.from_pylist(rows, m.FACTS)


@pytest.fixture(scope="module")
def world(out):
    alerts = _read(out, "risk_alerts")
    cases = _read(out, "monitoring_cases")
    follow = _read(out, "monitoring_follow_ups")
    members = _read(out, "members")
    con = ibis.duckdb.connect()
    t = {
        "alerts": pa.table(
            {"alert_id": alerts["alert_id"], "person_id": alerts["person_id"],
             "kind": pa.array([CODE_OF_LABEL[k] for k in alerts["kind"].to_pylist()], pa.string()),
             "day": _days(alerts["occurred_on"]), "amount": alerts["amount"]},
            schema=m.ALERTS,
        ),
        "people": members.select(["person_id", "household_id"]),
        "cases": pa.table(
            {"case_id": cases["case_id"], "household_id": cases["household_id"],
             "village_code": cases["village_code"], "status": cases["status"],
             "opened_day": _days(cases["opened_on"]), "decided_day": _days(cases["decided_on"])},
            schema=m.CASES,
        ),
        "follow_ups": pa.table(
            {"case_id": follow["case_id"], "day": _days(follow["on"]), "income": follow["income"],
             "rigid_spending": follow["rigid_spending"], "guarantees_ok": follow["guarantees_ok"]},
            schema=m.FOLLOW_UPS,
        ),
        "facts": _facts(out),
    }  # fmt: skip
    w = {name: con.create_table(name, table) for name, table in t.items()}
    w["answers"] = defaultdict(set)
    for a in _read(out, "monitoring_answers").to_pylist():
        w["answers"][a["code"]].add(a["subject_id"])
    names = ("risk_alerts", "monitoring_cases", "monitoring_sources", "monitoring_follow_ups")
    w["rows"] = {name: _read(out, name).to_pylist() for name in names}
    w["households"] = _read(out, "households").to_pylist()
    return w


def _score(found: set[str], planted: set[str]) -> tuple[float, float]:
    hit = len(found & planted)
    return hit / len(planted), hit / len(found)


def _reasons(world) -> dict[int, set[str]]:
    reasons = m.elimination_reasons(world["cases"], world["facts"], world["follow_ups"], since=epoch_day(SINCE),
                                    income_line=LINE).to_pyarrow()  # fmt: skip
    out = defaultdict(set)
    for case_id, code in zip(reasons["case_id"].to_pylist(), reasons["code"].to_pylist(), strict=True):
        out[case_id].add(code)
    return out


def test_overdue_finds_exactly_the_planted(world):
    found = m.overdue(world["cases"], today=epoch_day(END), limit_days=LIMIT).to_pyarrow()
    ids = [str(c) for c in found["case_id"].to_pylist()]
    assert len(ids) == len(set(ids))
    planted = world["answers"]["overdue"]
    assert len(planted) > 50
    assert _score(set(ids), planted) == (1.0, 1.0)
    # the boundaries: decided after exactly 15 days (in time) and 16 (late); open since 15 and 16 days
    cases = world["rows"]["monitoring_cases"]
    taken = Counter(
        ((c["decided_on"] - c["opened_on"]).days, str(c["case_id"]) in planted) for c in cases if c["decided_on"]
    )
    assert taken[(LIMIT, False)]
    assert taken[(LIMIT + 1, True)]
    assert not taken[(LIMIT, True)]
    assert not taken[(LIMIT + 1, False)]
    open_for = Counter(
        ((END - c["opened_on"]).days, str(c["case_id"]) in planted) for c in cases if c["status"] == "identifying"
    )
    assert open_for[(LIMIT, False)]
    assert open_for[(LIMIT + 1, True)]
    assert all(c["decided_on"] is None for c in cases if c["status"] == "identifying")


def test_elimination_ready_finds_exactly_the_planted_and_decoys_sit_just_outside(world):
    reasons = _reasons(world)
    monitored = {c["case_id"] for c in world["rows"]["monitoring_cases"] if c["status"] == "monitored"}
    ready = {str(c) for c in monitored - set(reasons)}
    planted = world["answers"]["elimination_ready"]
    assert len(planted) > 30
    assert _score(ready, planted) == (1.0, 1.0)
    # a decoy failing one criterion only, for each criterion
    alone = Counter(next(iter(codes)) for codes in reasons.values() if len(codes) == 1)
    for code in REASONS:
        assert alone[code] >= 1, (code, alone)
    # ready at each boundary: decided on the stable period's first day; a visit in it exactly at the line; a visit
    # below the line the day before it; the latest visit's rigid spending exactly the household's year income
    cases = {c["case_id"]: c for c in world["rows"]["monitoring_cases"]}
    size = {h["household_id"]: h["size"] for h in world["households"]}
    visits = defaultdict(list)
    for f in world["rows"]["monitoring_follow_ups"]:
        visits[f["case_id"]].append(f)
    ids = [int(c) for c in planted]
    assert any(cases[c]["decided_on"] == SINCE for c in ids)
    assert any(cases[c]["decided_on"] == SINCE + timedelta(days=1) for c in monitored - {int(c) for c in planted})
    assert any(v["income"] == LINE and v["on"] >= SINCE for c in ids for v in visits[c])
    assert any(v["income"] < LINE and v["on"] == SINCE - timedelta(days=1) for c in ids for v in visits[c])
    assert any(visits[c][-1]["rigid_spending"] == visits[c][-1]["income"] * size[cases[c]["household_id"]] for c in ids)
    # the decoys, each just outside its criterion: decided a day after the period's first day; the last visit the
    # day before it; one visit in it a cent below the line; the latest visit's guarantees not held, or its rigid
    # spending a yuan above the year income; the year's income (the registry's) just below the line
    facts = {f["household_id"]: f for f in world["facts"].to_pyarrow().to_pylist()}

    def only(code: str) -> list[int]:
        return [c for c, codes in reasons.items() if codes == {code}]

    def household(c: int) -> str:
        return cases[c]["household_id"]

    day_before = SINCE - timedelta(days=1)
    assert any(cases[c]["decided_on"] == SINCE + timedelta(days=1) for c in only("too_soon"))
    assert any(visits[c] and visits[c][-1]["on"] == day_before for c in only("no_follow_up"))
    assert any([v["income"] for v in visits[c] if v["on"] >= SINCE and v["income"] < LINE] == [LINE - 0.01]
               for c in only("income_unstable"))  # fmt: skip
    assert any(not visits[c][-1]["guarantees_ok"] and all(v["guarantees_ok"] for v in visits[c][:-1])
               for c in only("guarantee_gap"))  # fmt: skip
    assert any(visits[c][-1]["rigid_spending"] == visits[c][-1]["income"] * size[household(c)] + 1
               for c in only("rigid_spending"))  # fmt: skip
    assert any(0.95 * LINE <= facts[household(c)]["income"] < LINE for c in only("income_year"))
    for c in visits.values():  # one visit a day, in date order
        assert [v["on"] for v in c] == sorted({v["on"] for v in c})


def test_unmatched_alerts_are_exactly_the_planted(world):
    found = m.unmatched_alerts(world["alerts"], world["people"]).to_pyarrow()
    ids = {str(a) for a in found["alert_id"].to_pylist()}
    planted = world["answers"]["unmatched"]
    assert _score(ids, planted) == (1.0, 1.0)
    alerts = world["rows"]["risk_alerts"]
    assert 0.07 <= len(planted) / len(alerts) <= 0.13
    matched = m.match_alerts(world["alerts"], world["people"]).to_pyarrow()
    assert matched.num_rows + len(planted) == len(alerts)
    assert all(valid_id(a["person_id"]) for a in alerts)  # valid numbers, registered or not


def test_merged_households_are_exactly_the_planted(world):
    household = {c["case_id"]: c["household_id"] for c in world["rows"]["monitoring_cases"]}
    channels = defaultdict(set)
    for s in world["rows"]["monitoring_sources"]:
        channels[s["case_id"]].add(s["channel"])
    merged = {household[c] for c, chans in channels.items() if len(chans) >= 2}
    planted = world["answers"]["merged"]
    assert len(planted) > 50
    assert _score(merged, planted) == (1.0, 1.0)
    assert any(len(chans) == 3 for chans in channels.values())
    # decoys: two sources of one channel in a case; a household with two cases (one closed), one channel each
    per_case = Counter(s["case_id"] for s in world["rows"]["monitoring_sources"])
    assert any(per_case[c] >= 2 and len(chans) == 1 for c, chans in channels.items())
    cases_of = defaultdict(list)
    for c, h in household.items():
        cases_of[h].append(c)
    twice = [cs for cs in cases_of.values() if len(cs) > 1]
    assert twice
    for cs in twice:
        assert len(set().union(*(channels[c] for c in cs))) >= 2
        assert household[cs[0]] not in planted


def test_cases_and_sources_hold_together(world):
    cases = world["rows"]["monitoring_cases"]
    ids = [c["case_id"] for c in cases]
    assert len(ids) == len(set(ids))
    open_per_household = Counter(c["household_id"] for c in cases if c["status"] in ("identifying", "monitored"))
    assert max(open_per_household.values()) == 1
    registered = {h["household_id"]: h for h in world["households"]}
    assert all(c["household_id"] in registered and c["village_code"] == registered[c["household_id"]]["village_code"]
               for c in cases)  # fmt: skip
    assert {c["group"] for c in cases} <= GROUPS
    assert {c["risk"] for c in cases} <= RISKS
    for c in cases:
        assert date(Y, 1, 1) <= c["opened_on"] <= END
        assert (c["decided_on"] is None) == (c["status"] == "identifying")
        assert (c["eliminated_on"] is not None) == (c["status"] == "eliminated")
        if c["eliminated_on"]:
            assert c["eliminated_on"] >= c["decided_on"] + timedelta(days=183)
    # the monitored: about 5% of the registered households (this deep-poverty county a little more)
    monitored = sum(c["status"] == "monitored" for c in cases)
    assert 0.03 <= monitored / len(registered) <= 0.08
    # sources: the first opens the case (its date is opened_on); a department's cites an alert of a member
    alerts = {f"{a['department']}:{a['alert_no']}": a for a in world["rows"]["risk_alerts"]}
    by_id = {c["case_id"]: c for c in cases}
    household_of = {r["person_id"]: r["household_id"] for r in world["people"].to_pyarrow().to_pylist()}
    first = {}
    refs = Counter()
    for s in world["rows"]["monitoring_sources"]:
        case = by_id[s["case_id"]]
        first[s["case_id"]] = min(first.get(s["case_id"], s["on"]), s["on"])
        assert s["on"] >= case["opened_on"]
        refs[(s["channel"], s["ref"])] += 1
        if s["channel"] == "department":
            alert = alerts[s["ref"]]
            assert household_of[alert["person_id"]] == case["household_id"]
            assert alert["occurred_on"] <= s["on"]
            assert m.ALERT_KINDS[CODE_OF_LABEL[alert["kind"]]]
    assert all(first[c["case_id"]] == c["opened_on"] for c in cases)
    assert max(refs.values()) == 1  # a source's reference is unique in its channel
    assert {s["channel"] for s in world["rows"]["monitoring_sources"]} == {"self_report", "visit", "department"}


def test_alerts_are_numbered_per_department_and_cover_every_kind(world):
    alerts = world["rows"]["risk_alerts"]
    assert {a["kind"] for a in alerts} == set(m.ALERT_KINDS.values())
    assert {a["department"] for a in alerts} == DEPARTMENTS
    assert len({a["alert_id"] for a in alerts}) == len(alerts)
    assert len({(a["department"], a["alert_no"]) for a in alerts}) == len(alerts)
    for a in alerts:
        assert date(Y, 1, 1) <= a["occurred_on"] <= END
        assert (a["amount"] is not None) == (a["kind"] == "大额医疗费用")
        assert a["detail"]
