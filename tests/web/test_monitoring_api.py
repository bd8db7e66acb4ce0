"""The monitoring API: a first secretary reports a risk and records a follow-up from an app; lists and details are
scoped; a refusal is a Chinese {"code", "message"} and writes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fupin.accounts.models import Role
from fupin.monitoring.models import Case, FollowUp
from fupin.registry.models import Household, Status
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def test_report_visit_list_and_detail(client):
    today = timezone.localdate().isoformat()
    village = first_village(COUNTY_A)
    household = make_household(village, number=51, size=2)
    Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
    secretary = make_user("api-sec", Role.FIRST_SECRETARY, village)
    other = make_user("api-other", Role.COUNTY_OFFICER, COUNTY_B)
    inspector = make_user("api-insp", Role.INSPECTOR, COUNTY_A)
    client.force_login(secretary)
    body = {
        "household_no": household.household_no,
        "channel": "visit",
        "risk": "illness",
        "on": today,
        "detail": "走访发现户主患病",
    }
    response = client.post("/api/monitoring/reports", body, content_type="application/json")
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["status"] == "identifying"
    bad = client.post(
        f"/api/monitoring/cases/{case_id}/follow-ups",
        {"visited_on": today, "visitor": "王", "income_per_capita": "很多", "guarantees_ok": True},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "人均纯收入" in bad.json()["message"]
    assert not FollowUp.objects.exists()
    ok = client.post(
        f"/api/monitoring/cases/{case_id}/follow-ups",
        {"visited_on": today, "visitor": "王", "income_per_capita": "6800", "guarantees_ok": True},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["income_per_capita"] == "6800.00"
    listed = client.get("/api/monitoring/cases").json()
    assert [c["id"] for c in listed] == [case_id]
    detail = client.get(f"/api/monitoring/cases/{case_id}").json()
    assert detail["sources"][0]["channel"] == "visit"
    assert len(detail["follow_ups"]) == 1
    client.force_login(inspector)
    refused = client.post("/api/monitoring/reports", body, content_type="application/json")
    assert refused.status_code == 403
    assert Case.objects.count() == 1
    client.force_login(other)
    assert client.get(f"/api/monitoring/cases/{case_id}").status_code == 404
    assert client.get("/api/monitoring/cases").json() == []


def test_a_form_where_json_is_expected_is_a_clear_400(client):
    village = first_village(COUNTY_A)
    client.force_login(make_user("api-form", Role.FIRST_SECRETARY, village))
    response = client.post("/api/monitoring/reports", {"household_no": "x"})  # multipart, not JSON
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("area", ["²", "abc", "52"[:1]])
def test_an_area_that_is_not_a_code_is_a_clear_400(client, area):
    village = first_village(COUNTY_A)
    client.force_login(make_user("api-area", Role.FIRST_SECRETARY, village))
    response = client.get("/api/monitoring/cases", {"area": area})
    assert response.status_code == 422  # the schema declares the code's form; the check names it
    assert "区划代码" in response.json()["message"]
