"""A household page offers only what the viewer may do: procedures that may start from the household's status (also
on a refused form), and the next step's form only to those whose role and level may record it."""

from __future__ import annotations

import pytest
from django.test import Client

from fupin.accounts.models import Role
from fupin.registry import procedures as p
from tests.factories import make_household
from tests.registry.test_procedures import _apply, _identification, day
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_refused_start_offers_only_kinds_that_may_start(county_officer):
    household = make_household(first_village(COUNTY_A))  # a registered (poor) household
    c = _client(county_officer)
    url = f"/households/{household.household_no}/procedures/"
    response = c.post(url, {"open-kind": "exit", "open-on": "2999-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "启动日期不能晚于今天" in html
    assert 'value="exit"' in html
    assert 'value="identification"' not in html, "a poor household cannot start 贫困识别"
    assert 'value="return"' not in html


def test_step_forms_only_for_the_levels_that_may_record_them(county_officer):
    village = first_village(COUNTY_A)
    household = _apply(county_officer, village)
    procedure = _identification(household)
    rec = p.procedure_step_record
    rec(actor=county_officer, procedure=procedure, step="nominate", on=day(1), signer="组长")
    rec(actor=county_officer, procedure=procedure, step="vote", on=day(2), signer="主任", votes_total=30,
        votes_present=20, votes_for=15)  # fmt: skip
    rec(actor=county_officer, procedure=procedure, step="village_review", on=day(3), signer="村委会")
    rec(actor=county_officer, procedure=procedure, step="notice_village", on=day(4), signer="村委会",
        notice_start=day(4), notice_end=day(10))  # fmt: skip
    # next: 乡镇审核 (township level)
    secretary = make_user("sec-proc", Role.FIRST_SECRETARY, village)
    township = make_user("town-proc", Role.TOWNSHIP_OFFICER, village[:9] + "000", department="poverty")
    page = f"/households/{household.household_no}/"
    html = _client(secretary).get(page).content.decode()
    assert "下一环节：<b>乡镇审核</b>" in html
    assert "录入「乡镇审核」" not in html, "a first secretary is not shown a form she would be refused on"
    assert "须由乡镇或以上有权办理程序的干部录入" in html
    assert "录入「乡镇审核」" in _client(township).get(page).content.decode()
    assert "录入「乡镇审核」" in _client(county_officer).get(page).content.decode()
