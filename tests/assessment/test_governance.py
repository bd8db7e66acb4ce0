"""The fifth special governance into accountability: a 优亲厚友 finding the township confirmed becomes a case of the
county's discipline inspection against the village (citing the finding, one open case per finding, refused before
confirmation and from below); a complaint of 吃拿卡要 is recorded as a case with its problem and lead; the cases'
board counts them by problem; a village cadre's ID number is checked against the person recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from fupin.accounts.choices import Department, Role
from fupin.assessment import selectors, services
from fupin.assessment.choices import CaseKind, CaseStatus, Lead, Problem
from fupin.assessment.governance import case_from_finding
from fupin.assessment.models import Case
from fupin.audit.models import AuditEntry
from fupin.checks.choices import FindingStatus
from fupin.checks.models import CheckRun, Finding
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.partyorg import services as party
from fupin.partyorg.models import VillageCadre
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db
ON = date(2018, 3, 1)


def _finding(village: str, status: str = FindingStatus.CONFIRMED, category: str = "优亲厚友", n: int = 1) -> Finding:
    run = CheckRun.objects.create(year=2017, area_code=village[:6] + "000000", engine="duckdb")
    return Finding.objects.create(
        rule_id="cadre_relative_poor", year=2017, household_no=f"{village}{n:05d}", village_id=village,
        category=category, severity="medium", explanation="户内成员与王明（村“两委”委员）同属一个公安户籍户",
        detail="王明（村“两委”委员）",
        status=status, first_run=run, last_run=run,
    )  # fmt: skip


@pytest.fixture
def world():
    village = first_village(COUNTY_A)
    return {
        "village": village,
        "disc": make_user("wn-jw", Role.COUNTY_OFFICER, COUNTY_A, department=Department.DISCIPLINE),
        "poverty": make_user("wn-fpb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY),
        "other": make_user("cj-jw", Role.COUNTY_OFFICER, COUNTY_B, department=Department.DISCIPLINE),
        "town": make_user("wn-town", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=Department.POVERTY),
    }


def _open(actor, finding, **over):
    data = dict(kind=CaseKind.ACCOUNTABILITY, accountability="criticism", subject="村“两委”", reason="优亲厚友",
                opened_on=ON)  # fmt: skip
    return case_from_finding(actor=actor, finding_id=finding.pk, **{**data, **over})


def test_a_confirmed_finding_becomes_one_case_citing_it(world):
    f = _finding(world["village"])
    case = _open(world["disc"], f)
    assert (case.area_id, case.authority_id, case.problem, case.lead) == (
        world["village"], COUNTY_A, Problem.FAVOURITISM, Lead.FINDING)  # fmt: skip
    assert case.evidence[0]["kind"] == "finding"
    assert case.evidence[0]["ref"] == str(f.pk)
    assert "王明" in case.evidence[0]["text"]
    assert [c.pk for c in selectors.cases_for_finding(viewer=world["disc"], finding=f)] == [case.pk]
    assert [c.pk for c in selectors.cases_for_finding(viewer=world["town"], finding=f)] == [case.pk]  # its village's
    with pytest.raises(ValidationError, match="已就该核查发现立案"):
        _open(world["disc"], f)
    # closed, a new case may be opened (the problem came back)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert _open(world["disc"], f).pk != case.pk
    assert AuditEntry.objects.filter(action="assessment.case_open").count() == 2


@pytest.mark.parametrize("status", [FindingStatus.OPEN, FindingStatus.ASSIGNED, FindingStatus.VERIFIED,
                                    FindingStatus.DISMISSED])  # fmt: skip
def test_only_a_confirmed_finding_is_taken_up(world, status):
    with pytest.raises(ValidationError, match="确认问题后方可立案"):
        _open(world["disc"], _finding(world["village"], status))
    assert not Case.objects.exists()


def test_rectified_findings_count_as_confirmed_and_categories_map_to_problems(world):
    case = _open(world["disc"], _finding(world["village"], FindingStatus.RECTIFIED, category="错评"))
    assert case.problem == Problem.IDENTIFICATION


def test_an_accountability_without_its_kind_is_refused_naming_the_kinds(world):
    with pytest.raises(ValidationError, match="问责须选择问责方式（诫勉、通报批评"):
        _open(world["disc"], _finding(world["village"]), accountability="")
    assert not Case.objects.exists()


def test_the_village_neither_verifies_nor_rectifies_findings_about_its_own_committee(world):
    from fupin.checks.services import finding_transition, next_statuses_for

    village_user = make_user("cw", Role.VILLAGE_COMMITTEE, world["village"])
    about_committee = _finding(world["village"], FindingStatus.ASSIGNED)
    assert next_statuses_for(village_user, FindingStatus.ASSIGNED, "优亲厚友") == []
    assert next_statuses_for(village_user, FindingStatus.ASSIGNED, "错评") == [("verified", "已入户核实")]
    with pytest.raises(PermissionDeniedError, match="乡镇"):
        finding_transition(actor=village_user, finding=about_committee, to="verified", reason="已核实")
    done = finding_transition(actor=world["town"], finding=about_committee, to="verified", reason="乡镇入户核实")
    assert done.status == FindingStatus.VERIFIED
    confirmed = _finding(world["village"], FindingStatus.CONFIRMED, n=2)
    with pytest.raises(PermissionDeniedError, match="乡镇"):
        finding_transition(actor=village_user, finding=confirmed, to="rectified", reason="已整改")


def test_who_may_open_a_case_from_a_finding(world):
    f = _finding(world["village"])
    with pytest.raises(PermissionDeniedError):
        _open(world["poverty"], f)  # the poverty office confirms; it does not hold leaders to account
    with pytest.raises(NotFoundError):
        _open(world["other"], f)  # another county's village: not even said to exist
    with pytest.raises(NotFoundError):
        case_from_finding(actor=world["disc"], finding_id=10**9, kind="interview", subject="x", reason="x",
                          opened_on=ON)  # fmt: skip
    assert not Case.objects.exists()


def test_a_complaint_is_a_case_with_its_problem_and_lead_and_the_board_counts_by_problem(world):
    made = services.case_open(actor=world["disc"], area_code=world["village"], kind=CaseKind.INTERVIEW,
                              subject="村委会主任", reason="群众举报办理低保时收受好处费", opened_on=ON,
                              problem=Problem.EXTORTION, lead=Lead.COMPLAINT)  # fmt: skip
    assert (made.get_problem_display(), made.get_lead_display()) == ("吃拿卡要", "信访举报")
    _open(world["disc"], _finding(world["village"]))
    board = {b["problem"]: b for b in selectors.cases_by_problem(viewer=world["disc"])}
    assert (board["extortion"]["open"], board["favouritism"]["total"]) == (1, 1)
    assert [c.pk for c in selectors.cases(viewer=world["disc"], problem="extortion")] == [made.pk]
    with pytest.raises(ValidationError, match="问题类型"):
        services.case_open(actor=world["disc"], area_code=world["village"], kind=CaseKind.INTERVIEW, subject="x",
                           reason="x", opened_on=ON, problem="bribes")  # fmt: skip


def test_the_finding_page_offers_the_case_only_to_whom_may_open_it(client, world):
    f = _finding(world["village"])
    url = reverse("finding-detail", args=[f.pk])
    client.force_login(world["poverty"])
    assert "立案问责" not in client.get(url).content.decode()
    client.force_login(world["disc"])
    page = client.get(url).content.decode()
    assert "立案问责" in page
    assert '王明（村“两委”委员）"' in page  # the case's subject: the cadre the finding names
    bad = client.post(reverse("finding-case", args=[f.pk]), {"kind": "accountability", "subject": "村“两委”",
                                                            "reason": "", "opened_on": "2018-03-01"})  # fmt: skip
    assert bad.status_code == 400
    assert not Case.objects.exists()
    done = client.post(reverse("finding-case", args=[f.pk]), {
        "kind": "accountability", "accountability": "criticism", "subject": "村“两委”", "reason": "优亲厚友属实",
        "opened_on": "2018-03-01"})  # fmt: skip
    case = Case.objects.get()
    assert done.url == reverse("assessment-case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "立案问责" not in page  # one open case per finding: now listed instead
    assert reverse("assessment-case", args=[case.pk]) in page
    shown = client.get(reverse("assessment-case", args=[case.pk])).content.decode()
    assert "优亲厚友" in shown
    assert reverse("finding-detail", args=[f.pk]) in shown


def test_recording_a_complaint_on_the_cases_page(client, world):
    client.force_login(world["poverty"])
    assert "登记问题线索" not in client.get(reverse("assessment-cases")).content.decode()
    assert client.post(reverse("assessment-cases"), {}).status_code == 403
    client.force_login(world["disc"])
    form = {"area": world["village"], "problem": "extortion", "lead": "complaint", "kind": "interview",
            "subject": "村委会主任", "reason": "群众举报办理低保收受好处费", "opened_on": "2018-03-01"}  # fmt: skip
    bad = client.post(reverse("assessment-cases"), {**form, "area": "不存在的村"})
    assert bad.status_code == 400
    assert "找不到地区" in bad.content.decode()
    done = client.post(reverse("assessment-cases"), form)
    case = Case.objects.get()
    assert done.url == reverse("assessment-case", args=[case.pk])
    page = client.get(reverse("assessment-cases") + "?status=all&problem=extortion").content.decode()
    assert "吃拿卡要" in page
    assert "按问题类型" in page
    # 未办结 and 待制定整改措施 are two filters: a case being rectified is the first's, not the second's
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.RECTIFYING)
    assert "群众举报办理低保收受好处费" in client.get(reverse("assessment-cases")).content.decode()
    assert "群众举报办理低保收受好处费" not in client.get(reverse("assessment-cases") + "?status=open").content.decode()


def test_a_village_cadres_id_number_agrees_with_the_person(world):
    county = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    data = party.PersonInput("王明", "男", 1970, "senior", "other", id_number="52052619700101001X")
    with pytest.raises(ValidationError, match="校验码"):
        party.person_add(actor=county, village_code=world["village"], data=data)
    good = "520526197001010011"
    with pytest.raises(ValidationError, match="出生年份 1971"):
        party.person_add(actor=county, village_code=world["village"],
                         data=party.PersonInput("王明", "男", 1971, "senior", "other", id_number=good))  # fmt: skip
    with pytest.raises(ValidationError, match="性别"):
        party.person_add(actor=county, village_code=world["village"],
                         data=party.PersonInput("王芳", "女", 1970, "senior", "other", id_number=good))  # fmt: skip
    data = party.PersonInput("王明", "男", 1970, "senior", "other", id_number=good)
    person = party.person_add(actor=county, village_code=world["village"], data=data)
    assert person.id_number == good
    other = party.person_add(actor=county, village_code=world["village"],
                             data=party.PersonInput("王华", "男", 1970, "senior", "other"))  # fmt: skip
    with pytest.raises(ValidationError, match="已登记为"):
        party.person_id_number_set(actor=county, person=other, id_number=good)
    with pytest.raises(PermissionDeniedError):  # discipline inspection does not keep the committees' rolls
        party.person_id_number_set(actor=world["disc"], person=other, id_number="520526197002020019")
    party.person_id_number_set(actor=county, person=other, id_number="520526197002020019")
    assert AuditEntry.objects.filter(action="partyorg.person_id_number").count() == 1
    assert VillageCadre.objects.get(pk=other.pk).id_number == "520526197002020019"


def test_the_households_page_leads_to_the_finding_where_the_case_is_opened(client, world):
    from tests.factories import make_household

    household = make_household(world["village"])
    f = _finding(world["village"])
    Finding.objects.filter(pk=f.pk).update(household_no=household.household_no)
    link = reverse("finding-detail", args=[f.pk])
    client.force_login(world["disc"])
    page = client.get(household.get_absolute_url()).content.decode()
    assert f'<a href="{link}">立案问责、依据和处理记录 ›</a>' in page
    client.force_login(world["poverty"])
    page = client.get(household.get_absolute_url()).content.decode()
    assert f'<a href="{link}">依据和处理记录 ›</a>' in page
