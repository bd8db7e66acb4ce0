"""驻村工作 pages: a first secretary's day (log, request, leave) on their page, the township's approval, the
county's tallies; each page offers only what its user may do, and every empty list says why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.fieldwork.models import LeaveRequest, LogTally, WorkLog
from tests.factories import make_household, make_posting
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    village = first_village(COUNTY_A)
    secretary = make_user("fs-w", Role.FIRST_SECRETARY, village, display_name="张书记")
    posting = make_posting(village, account=secretary)
    township = village[:9] + "000"
    return {
        "village": village,
        "posting": posting,
        "household": make_household(village, 3),
        "secretary": secretary,
        "township": make_user("tz", Role.TOWNSHIP_OFFICER, township, department=Department.ORGANIZATION),
        "township_poverty": make_user("tp", Role.TOWNSHIP_OFFICER, township, department=Department.POVERTY),
        "county": make_user("cz", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION),
        "inspector": make_user("ins", Role.INSPECTOR, COUNTY_A),
    }


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_secretary_logs_a_visit_a_dispute_and_asks_for_leave_the_township_approves(client, people):
    today = timezone.localdate()
    client.force_login(people["secretary"])
    home = _text(client.get("/field/"))
    assert "还没有工作记录" in home
    assert "走访农户" in home
    assert "本系统不设打卡" in home
    response = client.post("/field/log/new/", {"kind": "visit", "date": today.isoformat(), "content": "了解就医情况",
                                               "household": people["household"].household_no})  # fmt: skip
    assert response.status_code == 302
    response = client.post(
        "/field/log/new/", {"kind": "dispute", "date": today.isoformat(), "content": "调解宅基地纠纷"}
    )
    assert response.status_code == 302
    home = _text(client.get("/field/"))
    assert "调解宅基地纠纷" in home
    assert "张明华" in home  # the visited household's head
    start = today + timedelta(days=3)
    response = client.post(
        "/field/leave/new/",
        {
            "kind": "personal",
            "start": start.isoformat(),
            "end": (start + timedelta(days=1)).isoformat(),
            "reason": "家中有事",
        },
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert "待乡镇党委审批" in _text(client.get("/field/"))

    client.force_login(people["township"])
    pending = _text(client.get("/field/leaves/"))
    assert "驻村干部" in pending
    assert "待乡镇党委审批" in pending
    page = client.get(f"/field/leave/{leave.pk}/").content.decode()
    assert 'name="approve"' in page
    assert client.post(f"/field/leave/{leave.pk}/", {"approve": "1", "note": ""}).status_code == 302
    leave.refresh_from_db()
    assert leave.status == "approved"

    client.force_login(people["county"])
    overview = _text(client.get("/field/overview/", {"year": today.year}))
    assert "1 走访农户" in overview
    assert "1 化解矛盾纠纷" in overview
    counts = dict(LogTally.objects.values_list("kind", "count"))
    assert counts == {"visit": 1, "dispute": 1}


def test_a_bad_entry_is_refused_with_a_chinese_error_on_its_field_and_nothing_is_written(client, people):
    client.force_login(people["secretary"])
    response = client.post("/field/log/new/", {"kind": "visit", "date": timezone.localdate().isoformat(),
                                               "content": "走访"})  # fmt: skip
    assert response.status_code == 400
    assert "走访农户须填写户编号" in response.content.decode()
    assert not WorkLog.objects.exists()
    response = client.post("/field/leave/new/", {"kind": "personal", "start": "2018-04-05", "end": "2018-04-01",
                                                 "reason": "x"})  # fmt: skip
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_pages_offer_only_the_actions_of_their_user(client, people):
    leave = LeaveRequest.objects.create(
        posting=people["posting"],
        village_id=people["village"],
        kind="personal",
        start=timezone.localdate(),
        end=timezone.localdate(),
        days=1,
        reason="事",
    )
    for who in ("township_poverty", "inspector", "county"):  # the county decides only the second step
        client.force_login(people[who])
        assert 'name="approve"' not in client.get(f"/field/leave/{leave.pk}/").content.decode()
        assert client.post(f"/field/leave/{leave.pk}/", {"approve": "1"}).status_code == 403
        assert client.get("/field/").status_code == 302  # officers land on the tallies
    client.force_login(people["township_poverty"])
    assert "请假审批</a>" not in client.get("/field/overview/").content.decode()
    client.force_login(people["township"])
    assert "请假审批</a>" in client.get("/field/overview/").content.decode()
    leave.refresh_from_db()
    assert leave.status == "pending_township"


def test_an_unlinked_secretary_is_told_why_and_the_county_links_the_account(client, people):
    village = people["village"]
    other = make_user("fs-new", Role.FIRST_SECRETARY, village)
    client.force_login(other)
    assert "没有关联在岗的驻村干部档案" in _text(client.get("/field/"))
    assert client.get("/field/log/new/").status_code == 302
    posting = make_posting(village, role="resident_cadre")
    other.role = Role.RESIDENT_CADRE
    other.save()
    client.force_login(people["county"])
    page = client.get(f"/cadres/{posting.cadre_id}/").content.decode()
    assert 'name="account"' in page
    assert client.post(f"/cadres/{posting.cadre_id}/", {"account": "fs-new"}).status_code == 302
    posting.cadre.refresh_from_db()
    assert posting.cadre.account_id == other.pk
    response = client.post(f"/cadres/{posting.cadre_id}/", {"account": "nobody"})
    assert "账号“nobody”不存在" in response.content.decode()
    client.force_login(people["township_poverty"])
    assert 'name="account"' not in client.get(f"/cadres/{posting.cadre_id}/").content.decode()


def test_the_overview_says_why_it_is_empty(client, people):
    client.force_login(people["county"])
    text = _text(client.get("/field/overview/", {"year": 2016}))
    assert "2016 年本地区还没有驻村干部的工作记录" in text
    assert "没有待审批的调整建议" in _text(client.get("/field/adjustments/"))


def test_the_record_page_offers_inspection_to_inspectors_and_scores_to_the_organization_department(client, people):
    posting = people["posting"]
    discipline = make_user("jw", Role.COUNTY_OFFICER, COUNTY_A, department=Department.DISCIPLINE)
    client.force_login(discipline)
    page = client.get(f"/field/postings/{posting.pk}/").content.decode()
    assert 'value="inspect"' in page
    assert 'value="violation"' in page
    assert 'value="scores"' not in page
    today = timezone.localdate()
    url = f"/field/postings/{posting.pk}/"
    spot = {"form": "inspect", "date": today.isoformat(), "kind": "unannounced", "present": "0", "note": ""}
    response = client.post(url, spot)
    assert response.status_code == 400
    assert "请填写情况" in response.content.decode()
    response = client.post(url, {**spot, "note": "不在村"})
    assert response.status_code == 302
    gifts = next(r for r in client.get(f"/field/postings/{posting.pk}/").context["violation_form"]
                 .fields["red_line"].choices if "礼品" in r[1])  # fmt: skip
    response = client.post(
        url, {"form": "violation", "red_line": gifts[0], "date": today.isoformat(), "evidence": "收受购物卡"}
    )
    assert response.status_code == 302
    assert "收受购物卡" in _text(client.get("/field/referrals/"))
    scores = {"form": "scores", "year": today.year, "period": "year", "masses": "90"}
    assert client.post(url, scores).status_code == 403

    client.force_login(people["county"])
    page = client.get(f"/field/postings/{posting.pk}/").content.decode()
    assert 'value="scores"' in page
    data = {"form": "scores", "year": today.year, "period": "year", "sending_unit": "95", "township": "95",
            "village_org": "95", "masses": "95", "third_party": ""}  # fmt: skip
    assert client.post(f"/field/postings/{posting.pk}/", data).status_code == 302
    assert client.post("/field/ratings/", {"year": today.year}).status_code == 302
    text = _text(client.get("/field/ratings/", {"year": today.year}))
    assert "不称职" in text  # the red line caps the 优秀 its scores earned
    assert "违反负面清单，最高评为不称职" in text

    client.force_login(people["secretary"])
    home = _text(client.get("/field/"))
    assert "违反负面清单记录" in home
    violation = client.get("/field/").context["violations"][0]
    assert client.post(f"/field/violations/{violation.pk}/statement/", {"statement": "已退回"}).status_code == 302
    assert "本人说明：已退回" in _text(client.get(f"/field/postings/{posting.pk}/"))


def test_only_the_province_edits_the_red_lines(client, people, province_admin):
    client.force_login(people["county"])
    page = client.get("/field/red-lines/").content.decode()
    assert "收受礼品礼金" in page
    assert 'name="code"' not in page
    assert client.post("/field/red-lines/", {"code": "RL13", "title": "x", "severity": "warning"}).status_code == 403
    client.force_login(province_admin)
    response = client.post("/field/red-lines/", {"code": "RL13", "title": "违规经商办企业", "severity": "referral",
                                                 "rating_cap": "不称职", "active": "on"})  # fmt: skip
    assert response.status_code == 302
    assert "违规经商办企业" in client.get("/field/red-lines/").content.decode()


def test_the_overview_totals_benefits_by_sending_unit(client, people):
    from fupin.cadres.services import benefit_add

    year = timezone.localdate().year
    benefit_add(actor=None, posting=people["posting"], kind="living_subsidy", year=year, amount="3600")
    benefit_add(actor=None, posting=people["posting"], kind="insurance", year=year, amount="200.5")
    client.force_login(people["county"])
    text = _text(client.get("/field/overview/", {"year": year}))
    assert "县农业农村局" in text
    assert "3,800.50" in text
