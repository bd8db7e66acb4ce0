"""建档立卡 in the API (issue 22): a cadre's device receives their own village's households only, page by page;
a household's members with ID numbers masked for the roles that may not see them; another area's household is
missing."""

from __future__ import annotations

import pytest

from fupin.accounts import tokens
from fupin.accounts.models import Role
from fupin.areas.models import Area
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _get(client, url, secret):  # type: ignore[no-untyped-def]
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_cadres_device_receives_its_own_villages_households_page_by_page(client):
    village = first_village(COUNTY_A)
    ours = [make_household(village, number=n).household_no for n in (11, 23, 37)]
    neighbour = Area.objects.filter(parent_id=Area.objects.get(code=village).parent_id).exclude(code=village).first()
    make_household(neighbour.code, number=41)  # another village of the same township
    make_household(first_village(COUNTY_B), number=43)
    secretary = make_user("reg-sec", Role.FIRST_SECRETARY, village)
    _, secret = tokens.token_create(actor=secretary, name="手机", days=30)
    seen, url = [], "/api/registry/households?limit=2"
    while url:
        response = _get(client, url, secret)
        assert response.status_code == 200
        seen += [h["household_no"] for h in response.json()]
        link = response.get("Link", "")
        url = link[1 : link.index(">")] if link else ""
    assert seen == sorted(ours)


def test_a_households_members_are_masked_for_those_who_may_not_see_ids(client):
    village = first_village(COUNTY_A)
    household = make_household(village, number=51, size=3)
    number = household.members.first().id_number
    secretary = make_user("reg-sec2", Role.FIRST_SECRETARY, village)
    prefecture = make_user("reg-pref", Role.PREFECTURE_OFFICER, COUNTY_A[:4] + "00000000")
    _, full = tokens.token_create(actor=secretary, name="手机", days=30)
    _, masked = tokens.token_create(actor=prefecture, name="对接", days=30)
    url = f"/api/registry/households/{household.household_no}"
    assert number in {m["id_number"] for m in _get(client, url, full).json()["members"]}
    shown = {m["id_number"] for m in _get(client, url, masked).json()["members"]}
    assert number not in shown
    assert all("*" in n for n in shown)
    other = make_household(first_village(COUNTY_B), number=52)
    assert _get(client, f"/api/registry/households/{other.household_no}", full).status_code == 404
