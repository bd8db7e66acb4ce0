"""Searching the register as a new user types: a surname, the first digits or the last four of an ID number, a
village's name; ID numbers searched only as far as the role may see them (no oracle); totals at a bounded cost;
keyset pages walked both ways."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from fupin.accounts.models import Role
from fupin.areas import selectors as area_selectors
from fupin.cadres import selectors as cadre_selectors
from fupin.registry import selectors as sel
from fupin.registry.models import Household, Member
from fupin.web.common.paging import keyset_page, keyset_page_both
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def full():
    return make_user("cty-full", Role.COUNTY_OFFICER, COUNTY_A)


@pytest.fixture
def masked():
    return make_user("insp-masked", Role.INSPECTOR, COUNTY_A)


@pytest.fixture
def wang():
    return make_household(first_village(COUNTY_A), head="王国强", size=3)


def _nos(qs):
    return {h.household_no for h in qs}


def test_the_query_reads_names_id_parts_and_numbers_as_far_as_the_role_may_see(full, masked):
    pid = "52052619700101123X"
    assert sel.parse_query(full, " 王 ") == sel.Query(name="王")
    assert sel.parse_query(full, "123x") == sel.Query(id_last4="123X")
    assert sel.parse_query(full, pid.lower()) == sel.Query(id_exact=pid)
    assert sel.parse_query(full, "52052619") == sel.Query(number="52052619", id_prefix="52052619")
    assert sel.parse_query(full, "52") == sel.Query(number="52")
    assert sel.parse_query(full, "520526********123X") == sel.Query(id_prefix="520526", id_last4="123X")
    # the role that sees 520526********123X searches by exactly that much
    assert sel.parse_query(masked, pid) == sel.Query(note=sel.ID_REFUSED)
    assert sel.parse_query(masked, "52052619") == sel.Query(number="52052619", note=sel.ID_PREFIX_ONLY)
    assert sel.parse_query(masked, "520526") == sel.Query(number="520526", id_prefix="520526")
    assert sel.parse_query(masked, "123X") == sel.Query(id_last4="123X")
    assert sel.parse_query(masked, "520526********123X") == sel.Query(id_prefix="520526", id_last4="123X")


def test_a_surname_finds_heads_members_and_people(full, wang):
    member = wang.members.exclude(name="王国强").first()
    assert wang.household_no in _nos(sel.household_search(viewer=full, text="王"))
    assert wang.household_no in _nos(sel.household_search(viewer=full, text=member.name[0]))  # a member's surname
    assert {m.name for m in sel.people_search(viewer=full, text="王")} == {"王国强"}
    assert not sel.household_search(viewer=full, text="李").exists()


def test_id_prefix_and_last_four_find_the_person_and_the_household(full, masked, wang):
    member = wang.members.order_by("id").last()
    pid = member.id_number
    for viewer, text in ((full, pid[:10]), (full, pid[-4:]), (masked, pid[:6]), (masked, pid[-4:]),
                         (masked, sel.mask(pid))):  # fmt: skip
        assert member in list(sel.people_search(viewer=viewer, text=text)), text
        assert wang.household_no in _nos(sel.household_search(viewer=viewer, text=text)), text
    other = "".join(reversed(pid[-4:])) if pid[-4:] != pid[-4:][::-1] else "0000"
    assert member not in list(sel.people_search(viewer=full, text=other))


def test_a_role_that_may_not_see_full_ids_cannot_search_by_them(full, masked, wang):
    pid = wang.members.first().id_number
    assert wang.household_no in _nos(sel.household_search(viewer=full, text=pid))
    # no oracle: neither the whole number nor more digits than the role sees finds anybody
    assert not sel.household_search(viewer=masked, text=pid).exists()
    assert not sel.people_search(viewer=masked, text=pid).exists()
    assert not sel.people_search(viewer=masked, text=pid[:10]).exists()


def test_the_last_four_have_an_index():
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, Member._meta.db_table)
    assert "member_id_last4" in names
    if connection.vendor == "sqlite":  # the query's expression is the index's, to the letter
        plan = Member.objects.alias(last4=sel._id_last4()).filter(last4="1234").explain()
        assert "USING INDEX member_id_last4" in plan


def test_a_name_in_the_area_box_resolves_within_scope_or_lists_the_candidates(full):
    village = first_village(COUNTY_A)
    from fupin.areas.models import Area

    name = Area.objects.get(code=village).name
    area, _ = area_selectors.area_resolve(viewer=full, name=name)
    assert area is not None
    assert area.code == village
    township = Area.objects.get(code=village[:9] + "000")
    assert area_selectors.area_resolve(viewer=full, name=township.name)[0].code == township.code
    # another county's name is not found (nor named) for a county officer
    assert area_selectors.area_resolve(viewer=full, name="从江县") == (None, [])
    # a name many villages share: the candidates, each with its county and township
    province = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    area, candidates = area_selectors.area_resolve(viewer=province, name="新华村")
    assert area is None
    assert len(candidates) > 2
    assert all(c.name.startswith("新华村") for c in candidates)
    assert all(len(c.path.split()) == 3 for c in candidates)  # prefecture, county, township


def test_totals_are_exact_within_a_county_and_bounded_beyond(monkeypatch):
    for county, n in ((COUNTY_A, 3), (COUNTY_B, 2)):
        village = first_village(county)
        Household.objects.bulk_create(
            Household(household_no=f"{village}{k:05d}", village_id=village, attribute="一般贫困户",
                      main_cause="缺资金", identified_year=2015, head_name=f"王{k}")
            for k in range(n)
        )  # fmt: skip
    province = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    county = make_user("cty", Role.COUNTY_OFFICER, COUNTY_A)
    assert sel.household_total(viewer=province, text="王") == sel.Total(5)
    monkeypatch.setattr(sel, "TOTAL_EXACT_UP_TO", 2)
    assert sel.household_total(viewer=county) == sel.Total(3)  # one county: counted exactly
    assert sel.household_total(viewer=province, area_code=COUNTY_A) == sel.Total(3)
    beyond = sel.household_total(viewer=province)
    assert not beyond.exact  # above one county and the limit: never a COUNT over the province
    if connection.vendor == "postgresql":
        assert beyond.estimated  # the planner's estimate ("约 N")
    else:
        assert beyond == sel.Total(2, exact=False)  # SQLite: "more than 2"


def test_the_planner_estimate_is_read_from_explain():
    class Plan:
        db = "default"

        def __init__(self, text):
            self.text = text

        def explain(self, format):
            return self.text

    assert sel._planner_rows(Plan(json.dumps({"Plan": {"Node Type": "Seq Scan", "Plan Rows": 1234}}))) == 1234
    assert sel._planner_rows(Plan(json.dumps([{"Plan": {"Plan Rows": 7}}]))) == 7
    assert sel._planner_rows(Plan("Seq Scan on x")) is None


@pytest.mark.parametrize("sort", ["", "-size", "year"])
def test_pages_walk_forward_and_back_to_the_same_rows(county_officer, sort):
    village = first_village(COUNTY_A)
    Household.objects.bulk_create(
        Household(household_no=f"{village}{k:05d}", village_id=village, attribute="一般贫困户", main_cause="缺资金",
                  identified_year=2014 + k % 3, size=1 + k % 4, head_name=f"户主{k}")
        for k in range(11)
    )  # fmt: skip

    def cursor(h):
        return sel.household_cursor(h, sort)

    pages, after = [], ""
    while True:
        qs = sel.household_listing(viewer=county_officer, sort=sort, after=after)
        page = keyset_page_both(qs, cursor, size=3, continued=bool(after))
        pages.append(page)
        assert (page.prev_before is None) == (not after)
        if page.next_after is None:
            break
        after = page.next_after
    assert sum(len(p.rows) for p in pages) == 11
    # back from the last page, each previous page is the one seen going forward
    before = pages[-1].prev_before
    for expected in reversed(pages[:-1]):
        qs = sel.household_listing(viewer=county_officer, sort=sort, before=before)
        page = keyset_page_both(qs, cursor, size=3, backward=True)
        assert [h.household_no for h in page.rows] == [h.household_no for h in expected.rows]
        assert page.next_after == expected.next_after
        before = page.prev_before
    assert before is None  # the first page has none before it


def test_the_forward_only_helper_is_unchanged():
    rows, key = keyset_page([1, 2, 3], lambda r: r, size=2)
    assert (rows, key) == ([1, 2], 2)


def test_cadres_are_found_by_surname():
    from tests.cadres.test_cadres_and_dispatch import load

    (cadre,) = load([("CA1", "党群")], name="欧阳修")
    viewer = make_user("cty", Role.COUNTY_OFFICER, COUNTY_A)
    assert list(cadre_selectors.cadre_find(viewer=viewer, text="欧阳")) == [cadre]
    assert not cadre_selectors.cadre_find(viewer=viewer, text="修").exists()
