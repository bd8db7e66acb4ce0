"""优亲厚友 rules (the fifth special governance) at their edges on tiny hand-built worlds (DuckDB): the seat's dates
against the year's end, the household's exit against the year, the hukou household shared or not, the cadre inside
or outside the poor household. The four engines agree on the synthetic province (test_rules_on_every_engine)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from fupin.analytics import engines
from fupin.analytics.params import Params
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules

P2017 = Params.defaults(2017)
CADRE, KIN, HEAD, STRANGER = "520526197001010011", "520526194502020022", "520526196803030033", "520526199004040044"
SEATS = pa.schema([("person_id", pa.string()), ("name", pa.string()), ("village_code", pa.string()),
                   ("post", pa.string()), ("seated_from", pa.date32()), ("seated_until", pa.date32())])  # fmt: skip
HUKOU = pa.schema([("person_id", pa.string()), ("household_id", pa.string())])


def seat(person: str = CADRE, post: str = "member", start: date = date(2017, 4, 1), end: date | None = None) -> dict:
    return dict(person_id=person, name="王明", village_code="520526101001", post=post, seated_from=start,
                seated_until=end)  # fmt: skip


def world(*, seats: list[dict] | None = None, hukou: list[dict] | None = None, exit_year: int | None = None,
          members: tuple[str, ...] = (HEAD, KIN)) -> dict[str, pa.Table]:  # fmt: skip
    """Household H1 registered poor since 2014 (members HEAD and KIN), and the cadre seated from April 2017; the
    cadre's hukou household HK1 holds the cadre and KIN unless ``hukou`` says otherwise."""
    person = dict(
        birth_date=date(1968, 3, 3),
        relation="户主",
        student=False,
        home_schooled=False,
        health="健康",
        labour="普通劳动力",
        migrant_months=0,
        medical_insurance=True,
        critical_illness_insurance=True,
    )
    tables = {
        "households": pa.Table.from_pylist(
            [
                dict(
                    household_id="H1",
                    village_code="520526101001",
                    attribute="一般贫困户",
                    main_cause="缺资金",
                    identified_year=2014,
                    exit_year=exit_year,
                    size=len(members),
                )
            ]
        ),
        "members": pa.Table.from_pylist(
            [{**person, "person_id": p, "household_id": "H1", "name": f"成员{k}"} for k, p in enumerate(members)]
        ),
        "cadre_seats": pa.Table.from_pylist([seat()] if seats is None else seats, SEATS),
        "hukou": pa.Table.from_pylist(
            [
                dict(person_id=CADRE, household_id="HK1"),
                dict(person_id=KIN, household_id="HK1"),
                dict(person_id=HEAD, household_id="HK2"),
            ]
            if hukou is None
            else hukou,
            HUKOU,
        ),
    }
    return {name: engines.canonical(name, t) for name, t in tables.items()}


def hits(rule_id: str, tables: dict[str, pa.Table], params: Params = P2017) -> list[dict]:
    with engines.load(tables, "duckdb") as inputs:
        return run_rules(inputs, params, [BY_ID[rule_id]]).findings.to_pylist()


def test_a_relative_in_the_cadres_hukou_household_registered_poor_apart_is_found():
    (f,) = hits("cadre_relative_poor", world())
    assert (f["household_id"], f["detail"]) == ("H1", "成员1与王明（村“两委”委员）")
    assert hits("cadre_self_poor", world()) == []  # the cadre is not in the poor household himself
    explained = BY_ID["cadre_relative_poor"].explanation(f)
    assert "同属一个公安户籍户" in explained
    assert "王明" in explained


@pytest.mark.parametrize(
    ("end", "found"),
    [(date(2017, 12, 30), False), (date(2017, 12, 31), False), (date(2018, 1, 1), True), (None, True)],
    ids=["left-before-the-end", "left-on-the-last-day", "left-the-day-after", "still-seated"],
)
def test_only_members_seated_at_the_end_of_the_year_count(end, found):
    assert bool(hits("cadre_relative_poor", world(seats=[seat(end=end)]))) is found


@pytest.mark.parametrize(("start", "found"), [(date(2017, 12, 31), True), (date(2018, 1, 1), False)])
def test_a_member_seated_only_after_the_year_does_not_count(start, found):
    assert bool(hits("cadre_relative_poor", world(seats=[seat(start=start)]))) is found


@pytest.mark.parametrize(("exit_year", "found"), [(2016, False), (2017, False), (2018, True)])
def test_a_household_that_has_left_the_register_is_not_found(exit_year, found):
    assert bool(hits("cadre_relative_poor", world(exit_year=exit_year))) is found


def test_no_shared_hukou_household_no_finding():
    apart = [dict(person_id=CADRE, household_id="HK9"), dict(person_id=KIN, household_id="HK1")]
    assert hits("cadre_relative_poor", world(hukou=apart)) == []
    blank = [dict(person_id=CADRE, household_id=""), dict(person_id=KIN, household_id="")]
    assert hits("cadre_relative_poor", world(hukou=blank)) == []  # an unknown 户号 joins nobody


def test_the_cadre_inside_the_poor_household_is_himself_found_not_as_a_relative():
    t = world(members=(HEAD, KIN, CADRE))
    (f,) = hits("cadre_self_poor", t)
    assert (f["household_id"], f["person_id"], f["detail"]) == ("H1", CADRE, "王明（村“两委”委员）")
    assert hits("cadre_relative_poor", t) == []


def test_the_highest_post_names_the_member_and_one_finding_per_household():
    seats = [seat(post="director"), seat(post="secretary"),
             dict(seat(person=STRANGER), name="李华", post="deputy")]  # fmt: skip
    hukou = [dict(person_id=p, household_id="HK1") for p in (CADRE, KIN, STRANGER)]
    (f,) = hits("cadre_relative_poor", world(seats=seats, hukou=hukou))
    assert f["detail"] == "成员1与李华（村“两委”副职）"  # two cadres' kin: one finding, the first in order
    (g,) = hits("cadre_self_poor", world(seats=seats[:2], members=(HEAD, CADRE)))
    assert g["detail"] == "王明（村党组织书记）"


def test_a_reserve_never_seated_is_not_a_cadre():
    assert hits("cadre_self_poor", world(seats=[], members=(HEAD, CADRE))) == []
    assert hits("cadre_relative_poor", world(seats=[])) == []
