"""The household's year on the web (年度动态调整): the form per household and year, errors next to the field, the
verdict on the household page following the saved facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.registry.models import HouseholdYear
from tests.factories import make_household
from tests.support import COUNTY_A, first_village

pytestmark = pytest.mark.django_db


def _post(household, **over):
    members = list(household.members.order_by("id"))
    data = {
        "wage_income": "8000", "production_income": "3000", "production_costs": "500", "property_income": "0",
        "transfer_income": "1500", "income_per_capita_given": "", "food_ok": "on", "clothing_ok": "on",
        "education_ok": "on", "medical_ok": "on", "housing_grade": "B", "water_ok": "on", "water_litres": "50",
        "water_quality_ok": "1", "water_minutes": "10", "water_cut_days": "3",
    }  # fmt: skip
    for m in members:
        data.update({f"m{m.pk}-health": "健康", f"m{m.pk}-medical_insurance": "on",
                     f"m{m.pk}-critical_illness_insurance": "on"})  # fmt: skip
    data.update(over)
    return data


def test_a_county_officer_enters_a_year_and_the_verdict_follows(client, county_officer):
    household = make_household(first_village(COUNTY_A))  # 2 people
    client.force_login(county_officer)
    url = f"/households/{household.household_no}/years/2018/"
    page = client.get(url).content.decode()
    assert "该户尚无 2018 年度记录，保存后新建" in page
    assert "人均日供水量（升）" in page
    response = client.post(url, _post(household))
    assert response.status_code == 302
    row = HouseholdYear.objects.get(household=household, year=2018)
    assert row.income_per_capita == Decimal("6000.00")  # (8000 + 3000 − 500 + 0 + 1500) ÷ 2
    assert (row.water_litres, row.water_quality_ok, row.housing_grade) == (50, True, "B")
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "2018 年退出评估：符合退出标准" in page
    response = client.post(url, _post(household, water_litres="30"))
    assert response.status_code == 302
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "饮水不安全：人均日供水 30 升，低于 35 升" in page


def test_a_typed_income_that_disagrees_is_refused_next_to_the_field_and_nothing_is_written(client, county_officer):
    household = make_household(first_village(COUNTY_A))
    client.force_login(county_officer)
    url = f"/households/{household.household_no}/years/2018/"
    response = client.post(url, _post(household, income_per_capita_given="5000"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "6,000.00" in body or "6000.00" in body
    assert "5,000.00" in body or "5000.00" in body
    assert not HouseholdYear.objects.filter(household=household, year=2018).exists()
    response = client.post(url, _post(household, water_litres="-3"))
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_an_inspector_may_not_open_the_form(client, inspector):
    household = make_household(first_village(COUNTY_A))
    client.force_login(inspector)
    assert client.get(f"/households/{household.household_no}/years/2018/").status_code == 403
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "录入或修改年度记录" not in page
