"""The monitoring's pages: a first secretary reports a household's risk on the web, the household's page and the
case's page show it, the township records help and follow-up visits, the county starts the run as a job and the
risk elimination; each page offers only what the viewer may do, another county's case is not found."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fupin.accounts.models import Role
from fupin.monitoring.models import Case, FollowUp, Measure
from fupin.registry.models import Household, Status
from tests.factories import make_household, set_year
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _ok(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_report_help_and_visit_through_the_web(client):
    today = timezone.localdate()
    village = first_village(COUNTY_A)
    household = make_household(village, number=41, size=3)
    Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
    set_year(household, today.year, income=5000.0)
    secretary = make_user("wm-sec", Role.FIRST_SECRETARY, village)
    town = make_user("wm-town", Role.TOWNSHIP_OFFICER, village[:9] + "000")
    county = make_user("wm-county", Role.COUNTY_OFFICER, COUNTY_A)
    other = make_user("wm-other", Role.COUNTY_OFFICER, COUNTY_B)
    inspector = make_user("wm-insp", Role.INSPECTOR, COUNTY_A)

    client.force_login(secretary)
    page = _ok(client.get("/monitoring/"))
    assert "登记监测线索" in page
    assert "运行监测比对" not in page  # the county's
    assert "没有识别中和监测帮扶中的监测对象" in page
    # a refused report names the field and writes nothing
    bad = client.post(
        "/monitoring/",
        {
            "household_no": household.household_no,
            "channel": "self_report",
            "risk": "illness",
            "on": (today + timedelta(days=2)).isoformat(),
            "detail": "住院",
        },
    )
    assert "发现日期" in bad.content.decode()
    assert not Case.objects.exists()
    response = client.post(
        "/monitoring/",
        {
            "household_no": household.household_no,
            "channel": "self_report",
            "risk": "illness",
            "on": today.isoformat(),
            "detail": "户主住院",
        },
    )
    case = Case.objects.get(household=household)
    assert response.status_code == 302
    assert response["Location"] == f"/monitoring/{case.pk}/"
    page = _ok(client.get(f"/monitoring/{case.pk}/"))
    assert "入户核实" in page  # the next step of the identification
    assert "户主住院" in page
    assert "登记帮扶措施" in page  # village roles help too
    assert "启动风险消除程序" not in page  # identifying: nothing to eliminate yet
    household_page = _ok(client.get(f"/households/{household.household_no}/"))
    assert "防返贫监测（1）" in household_page
    assert "识别中" in household_page

    client.force_login(town)
    response = client.post(
        f"/monitoring/{case.pk}/",
        {
            "form": "measure",
            "kind": "health",
            "content": "医疗救助",
            "responsible": "李红",
            "started_on": today.isoformat(),
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/monitoring/{case.pk}/",
        {
            "form": "follow_up",
            "visited_on": today.isoformat(),
            "visitor": "乡镇干部",
            "income_per_capita": "七千",
            "rigid_spending": "0",
            "guarantees_ok": "on",
        },
    )
    assert "人均纯收入须为数字" in response.content.decode()
    response = client.post(
        f"/monitoring/{case.pk}/",
        {
            "form": "follow_up",
            "visited_on": today.isoformat(),
            "visitor": "乡镇干部",
            "income_per_capita": "7000",
            "rigid_spending": "1200",
            "guarantees_ok": "on",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.filter(case=case).count() == 1
    assert FollowUp.objects.get(case=case).rigid_spending == 1200

    client.force_login(county)
    page = _ok(client.get("/monitoring/"))
    assert "运行监测比对和风险评分" in page
    assert household.head_name in page or household.household_no in page
    response = client.post("/monitoring/run/", {"area": COUNTY_A})  # a county runs at once
    assert response["Location"] == f"/monitoring/?area={COUNTY_A}"
    assert "风险评分 1 户" in _ok(client.get(response["Location"]))
    province = make_user("wm-prov", Role.PROVINCE_ADMIN, "520000000000")
    client.force_login(province)
    response = client.post("/monitoring/run/", {"area": "520000000000"})  # the province as a job
    assert response["Location"].startswith("/jobs/")

    client.force_login(inspector)
    page = _ok(client.get(f"/monitoring/{case.pk}/"))
    assert "登记帮扶措施" not in page
    assert "登记回访" not in page
    assert client.post(f"/monitoring/{case.pk}/", {"form": "measure"}).status_code == 403

    client.force_login(other)
    assert client.get(f"/monitoring/{case.pk}/").status_code == 404
