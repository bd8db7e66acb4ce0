"""The synthetic county's village Party organizations loaded through ``partyorg_load``: the 10th election's
secretaries tallied in the seed's terms, the 2017 list equal to the 2017 classification, and every planted
软弱涣散 criterion, vacancy, guarantee and failed acceptance of the answer file found — and nothing else
(recall and precision 100%); a second load changes nothing."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from fupin.analytics import engines
from fupin.analytics import partyorg as rules
from fupin.areas.models import AreaClassification
from fupin.core.actors import SYSTEM_VIEWER
from fupin.partyorg import selectors
from fupin.partyorg.loading import partyorg_load
from fupin.partyorg.models import Seat, WeakCase
from fupin.partyorg.tables import weak_tables
from fupin.synth.party import party_orgs, party_tables
from fupin.synth.province import plan_province
from tests.support import COUNTY_A

pytestmark = pytest.mark.django_db
COUNTY = COUNTY_A[:6]  # 威宁: planted cases of every kind


@pytest.fixture(scope="module")
def generated() -> dict[str, pa.Table]:
    plan = plan_province(2017)
    return {"party_orgs": party_orgs(plan, 2017, [COUNTY]), **party_tables(plan, 2017, [COUNTY])}


def _answers(tables: dict[str, pa.Table], kind: str, planted: bool = True) -> set[tuple[str, int, str]]:
    rows = tables["partyorg_answers"].to_pylist()
    return {
        (r["village_code"], r["year"], r["criterion"]) for r in rows if r["kind"] == kind and r["planted"] == planted
    }


def test_the_county_loads_and_the_planted_cases_are_found_exactly(generated):
    counts = partyorg_load(actor=None, tables=generated, source="test")
    assert counts["organizations"] == generated["party_orgs"].num_rows
    assert counts["seats"] == generated["seats"].num_rows == Seat.objects.count()
    # the 10th election's secretaries, in the seed's terms, as the synthetic file has them
    seats = generated["seats"].filter(pc.and_(pc.equal(generated["seats"]["election_round"], 10),
                                              pc.equal(generated["seats"]["post"], "secretary")))  # fmt: skip
    tallies = selectors.election_tallies(viewer=SYSTEM_VIEWER, area_code=COUNTY_A, round=10)
    assert tallies["secretaries"] == seats.num_rows
    assert tallies["newly_chosen"] + tallies["sent_down"] + tallies["re_elected"] == seats.num_rows
    # 2017: the list is the classification
    weak_2017 = {v for v, w in zip(*generated["party_orgs"].select(["village_code", "weak_2017"]).to_pydict().values(),
                                   strict=True) if w}  # fmt: skip
    assert set(WeakCase.objects.filter(year=2017).values_list("village_id", flat=True)) == weak_2017
    # 2018: every planted criterion hit, no near miss, nothing unplanted
    cases_2018 = WeakCase.objects.filter(year=2018)
    found = {(c.village_id, 2018, r["criterion"]) for c in cases_2018 for r in c.reasons if r["criterion"] != "carried"}
    assert found == _answers(generated, "weak")
    assert not {v for v, _, _ in _answers(generated, "weak", planted=False)} & {v for v, _, _ in found}
    classified = set(
        AreaClassification.objects.filter(year=2018, kind="weak_village").values_list("area_id", flat=True)
    )
    assert {v for v, _, _ in found} <= classified
    # failed acceptances of the 2017 rectification: exactly the planted ones, classified weak for 2018
    failed = set(WeakCase.objects.filter(year=2017, status="failed").values_list("village_id", flat=True))
    assert failed == {v for v, _, _ in _answers(generated, "accept_fail")}
    assert failed <= classified
    carried = {c.village_id for c in cases_2018 for r in c.reasons if r["criterion"] == "carried"}
    assert carried == failed  # each failed village's 2018 case says so
    # the vacancy warning at the end of 2018 and the guarantees of both years
    tables = weak_tables(COUNTY_A, 2018, 2)
    with engines.load(tables, "duckdb") as t:
        flags = rules.vacancy_flags(t["orgs"], t["seats"], as_of=date(2018, 12, 31), limit=30).to_pyarrow()
    assert {(v, 2018, "vacancy") for v in flags["village_code"].to_pylist()} == _answers(generated, "vacancy_flag")
    short = {(r["code"], y, reason) for y in (2017, 2018)
             for r in selectors.guarantees_short(viewer=SYSTEM_VIEWER, area_code=COUNTY_A, year=y)
             for reason in r["reasons"]}  # fmt: skip
    labels = {
        "pay": "书记报酬低于标准",
        "funds": "办公经费低于标准",
        "pay_unpaid": "报酬未发放",
        "funds_unpaid": "经费未拨付",
    }
    assert short == {(v, y, labels[c]) for v, y, c in _answers(generated, "guarantee")}
    # a second load changes nothing
    again = partyorg_load(actor=None, tables=generated, source="test")
    assert again == {"organizations": 0}
    assert Seat.objects.count() == generated["seats"].num_rows


def test_the_people_keep_their_id_numbers_and_a_file_without_them_loads_blank(generated):
    import numpy as np

    from fupin.partyorg.models import VillageCadre
    from fupin.synth.integrity import fresh_ids
    from fupin.synth.people import valid_id

    villages = generated["party_orgs"]["village_code"].to_pylist()
    first, second = pa.array(villages[:2]), pa.array(villages[2:4])
    small = {name: t.filter(pc.is_in(t["village_code"], first)) for name, t in generated.items()}
    people = small["village_cadres"]
    male = np.array([g == "男" for g in people["gender"].to_pylist()])
    numbers = fresh_ids(np.random.default_rng(1), COUNTY, people["birth_year"].to_numpy(), male, set())
    at = people.schema.get_field_index("id_number")
    small["village_cadres"] = people.set_column(at, "id_number", pa.array(numbers, pa.string()))
    partyorg_load(actor=None, tables=small, source="test")
    loaded = dict(VillageCadre.objects.values_list("ref", "id_number"))
    assert loaded == dict(zip(people["person_id"].to_pylist(), numbers, strict=True))
    assert all(valid_id(n) for n in loaded.values())
    # an older file: no id_number column at all
    old = {name: t.filter(pc.is_in(t["village_code"], second)) for name, t in generated.items()}
    old["village_cadres"] = old["village_cadres"].drop_columns(["id_number"])
    partyorg_load(actor=None, tables=old, source="test")
    blank = VillageCadre.objects.filter(village_id__in=second.to_pylist())
    assert blank.count() == old["village_cadres"].num_rows
    assert set(blank.values_list("id_number", flat=True)) == {""}
