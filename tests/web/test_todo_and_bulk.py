"""Findings in bulk (service and list), back to the list after a transition, and the home page's to-do list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.checks.models import CheckRun, Finding, FindingStatus
from fupin.checks.services import findings_bulk_transition
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.registry import procedures as p
from tests.factories import make_household
from tests.registry.test_procedures import _apply, _identification
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _findings(village: str, n: int, status: str = FindingStatus.OPEN, start: int = 1) -> list[Finding]:
    run = CheckRun.objects.create(year=2017, area_code=village[:6] + "000000", engine="duckdb")
    return [
        Finding.objects.create(
            rule_id="income_above_line",
            year=2017,
            household_no=f"{village}{i:05d}",
            village_id=village,
            category="错评",
            severity="high",
            explanation=f"第 {i} 户收入超标",
            status=status,
            first_run=run,
            last_run=run,
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


# ------------------------------------------------------------------------------------------------ the service


def test_bulk_assigns_every_ticked_finding_in_one_go_and_audits_each(county_officer, village):
    found = _findings(village, 3)
    before = AuditEntry.objects.count()
    n = findings_bulk_transition(actor=county_officer, to=FindingStatus.ASSIGNED, ids=[f.pk for f in found])
    assert n == 3
    assert set(Finding.objects.values_list("status", flat=True)) == {FindingStatus.ASSIGNED}
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert len(entries) == 3
    assert all(e.changes["status"] == ["open", "assigned"] for e in entries)
    assert {e.entity_id for e in entries} == {f.household_no for f in found}


def test_bulk_by_filter_moves_only_the_matching_findings(county_officer, village):
    _findings(village, 2)
    _findings(village, 2, status=FindingStatus.ASSIGNED, start=10)
    n = findings_bulk_transition(
        actor=county_officer, to=FindingStatus.ASSIGNED, filters={"status": FindingStatus.OPEN, "area_code": village}
    )
    assert n == 2
    assert Finding.objects.filter(status=FindingStatus.ASSIGNED).count() == 4


def test_bulk_is_all_or_nothing_and_names_the_refused_findings(county_officer, village):
    good = _findings(village, 2)
    bad = _findings(village, 1, status=FindingStatus.RECTIFIED, start=50)[0]
    with pytest.raises(ValidationError) as exc:
        findings_bulk_transition(actor=county_officer, to=FindingStatus.ASSIGNED, ids=[*(f.pk for f in good), bad.pk])
    message = exc.value.message
    assert f"#{bad.pk}（户 {bad.household_no}，错评，2017 年）" in message
    assert "已办结" in message
    assert "本次均未修改" in message
    assert not Finding.objects.filter(status=FindingStatus.ASSIGNED).exists()


def test_bulk_checks_level_reason_scope_and_role(village):
    found = _findings(village, 2)
    secretary = make_user("sec-bulk", Role.FIRST_SECRETARY, village)
    with pytest.raises(ValidationError, match="须由乡镇或以上干部办理"):
        findings_bulk_transition(actor=secretary, to=FindingStatus.ASSIGNED, ids=[f.pk for f in found])
    officer = make_user("county-bulk", Role.COUNTY_OFFICER, COUNTY_A, department="poverty")
    findings_bulk_transition(actor=officer, to=FindingStatus.ASSIGNED, ids=[f.pk for f in found])
    with pytest.raises(ValidationError, match="请填写核实情况或理由"):
        findings_bulk_transition(actor=secretary, to=FindingStatus.VERIFIED, ids=[f.pk for f in found])
    assert findings_bulk_transition(actor=secretary, to=FindingStatus.VERIFIED, ids=[found[0].pk], reason="已入户") == 1
    other = make_user("county-b-bulk", Role.COUNTY_OFFICER, COUNTY_B, department="poverty")
    with pytest.raises(NotFoundError):
        findings_bulk_transition(actor=other, to=FindingStatus.CONFIRMED, ids=[found[0].pk])
    organization = make_user("county-zzb-bulk", Role.COUNTY_OFFICER, COUNTY_A, department="organization")
    with pytest.raises(ValidationError, match="分派、核实、办结核查发现"):
        findings_bulk_transition(actor=organization, to=FindingStatus.CONFIRMED, ids=[found[0].pk])
    with pytest.raises(ValidationError, match="请勾选核查发现"):
        findings_bulk_transition(actor=officer, to=FindingStatus.CONFIRMED)
    assert PermissionDeniedError  # the level refusal is reported per finding, as a validation of the selection


# ------------------------------------------------------------------------------------------------ the pages


def test_list_offers_bulk_and_the_bulk_post_returns_to_the_filtered_list(client, county_officer, village):
    found = _findings(village, 3)
    client.force_login(county_officer)
    html = client.get(f"/findings/?status=open&area={village}").content.decode()
    assert 'name="ids"' in html
    assert "全部符合筛选条件的 3 条" in html
    assert f"?next=/findings/%3Fstatus%3Dopen%26area%3D{village}" in html
    back = f"/findings/?status=open&area={village}"
    response = client.post(
        "/findings/bulk/", {"scope": "ids", "ids": [found[0].pk, found[1].pk], "to": "assigned", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert Finding.objects.filter(status="assigned").count() == 2
    response = client.post(
        "/findings/bulk/",
        {"scope": "filter", "status": "open", "area": village, "to": "assigned", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/findings/", "a foreign next is ignored"
    assert Finding.objects.filter(status="assigned").count() == 3
    response = client.post("/findings/bulk/", {"scope": "ids", "ids": [found[0].pk], "to": "assigned"}, follow=True)
    assert "本次均未修改" in response.content.decode()


def test_bulk_form_hidden_from_read_only_users(client, inspector, village):
    _findings(village, 1)
    client.force_login(inspector)
    html = client.get("/findings/").content.decode()
    assert 'name="ids"' not in html
    assert "批量处理" not in html


def test_transition_returns_to_the_list_it_came_from(client, county_officer, village):
    make_household(village, 1)
    finding = _findings(village, 1)[0]
    client.force_login(county_officer)
    back = f"/findings/?status=open&area={village}"
    page = client.get(f"/households/{finding.household_no}/", {"next": back}).content.decode()
    assert 'name="next" value="/findings/?status=open&amp;area=' in page
    url = f"/findings/{finding.pk}/transition/"
    response = client.post(url, {f"f{finding.pk}-to": "assigned", "next": back})
    assert response["Location"] == back
    finding.refresh_from_db()
    assert finding.status == "assigned"
    response = client.post(
        url, {f"f{finding.pk}-to": "verified", f"f{finding.pk}-reason": "已核", "next": "//evil.example/x"}
    )
    assert response["Location"] == f"/households/{finding.household_no}/"


# ------------------------------------------------------------------------------------------------ to-do


def test_home_todo_lists_findings_notices_and_plans_the_user_may_act_on(client, county_officer, village):
    _findings(village, 2)
    _findings(village, 1, status=FindingStatus.ASSIGNED, start=20)
    household = _apply(county_officer, village)
    procedure = _identification(household)
    today = date.today()  # noqa: DTZ011
    start = today - timedelta(days=6)
    rec = p.procedure_step_record
    rec(actor=county_officer, procedure=procedure, step="nominate", on=start - timedelta(days=3), signer="组长")
    rec(actor=county_officer, procedure=procedure, step="vote", on=start - timedelta(days=2), signer="主任",
        votes_total=30, votes_present=20, votes_for=15)  # fmt: skip
    rec(actor=county_officer, procedure=procedure, step="village_review", on=start - timedelta(days=1), signer="村委")
    rec(actor=county_officer, procedure=procedure, step="notice_village", on=start, signer="村委会",
        notice_start=start, notice_end=start + timedelta(days=9))  # fmt: skip
    client.force_login(county_officer)
    html = client.get("/").content.decode()
    assert "待办" in html
    assert "待分派至村：2 条" in html
    assert "待入户核实：1 条" in html
    assert f"{household.household_no} 贫困识别：3 天后结束" in html
    assert "下一环节：乡镇审核" in html

    secretary = make_user("sec-todo", Role.FIRST_SECRETARY, village)
    client.force_login(secretary)
    html = client.get("/").content.decode()
    assert "待入户核实：1 条" in html
    assert "待分派至村" not in html, "a village may not assign findings"
    assert "贫困识别" not in html, "the township review is not the secretary's to record"

    client.force_login(make_user("insp-todo", Role.INSPECTOR, COUNTY_A))
    html = client.get("/").content.decode()
    assert "暂无待办" in html


def test_todo_lists_draft_plans_for_approvers_only(client, village):
    from fupin.cadres.models import DispatchPlan

    DispatchPlan.objects.create(round=2017, area_code=COUNTY_A)
    approver = make_user("zzb-todo", Role.COUNTY_OFFICER, COUNTY_A, department="organization")
    client.force_login(approver)
    html = client.get("/").content.decode()
    assert "待批准的选派方案" in html
    assert "2017 年选派方案" in html
    client.force_login(make_user("fpb-todo", Role.COUNTY_OFFICER, COUNTY_A, department="poverty"))
    assert "2017 年选派方案" not in client.get("/").content.decode()


def test_household_page_offers_only_the_moves_the_viewers_level_may_make(client, village):
    make_household(village, 1)
    finding = _findings(village, 1)[0]
    client.force_login(make_user("sec-moves", Role.FIRST_SECRETARY, village))
    page = f"/households/{finding.household_no}/"
    assert f'name="f{finding.pk}-to"' not in client.get(page).content.decode(), "a village may not assign"
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.ASSIGNED)
    html = client.get(page).content.decode()
    assert f'name="f{finding.pk}-to"' in html
    assert '<option value="verified">' in html
