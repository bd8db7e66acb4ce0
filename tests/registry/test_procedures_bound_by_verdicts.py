"""Procedures bound by the household's verdict: an exit starts and closes only when the exit verdict holds, the
decisions of identification, return and monitoring need their criteria, and a county officer may approve against
the verdict only with a written reason — audited, and shown on the household page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.registry import procedures as p
from fupin.registry.models import HouseholdYear, Member, Procedure, ProcedureStep, Status
from fupin.registry.verdicts import household_verdict
from tests.factories import make_household, set_year
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db
START = date(2018, 3, 1)
EXIT_LINE_2018 = 3335.0  # the default provincial exit line for 2018


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


def _counts() -> tuple[int, int, int]:
    return Procedure.objects.count(), ProcedureStep.objects.count(), AuditEntry.objects.count()


def _to_close(officer, procedure) -> date:
    """Every exit step but the last (销号); returns the day 销号 may be recorded."""
    rec = p.procedure_step_record
    rec(actor=officer, procedure=procedure, step="review", on=START, signer="村", votes_total=9, votes_present=9,
        votes_for=9)  # fmt: skip
    rec(actor=officer, procedure=procedure, step="verify", on=START, signer="工作队")
    rec(actor=officer, procedure=procedure, step="sign", on=START, signer="户主")
    n0, n1 = START + timedelta(days=1), START + timedelta(days=7)
    rec(actor=officer, procedure=procedure, step="notice", on=n0, signer="村", notice_start=n0, notice_end=n1)
    rec(actor=officer, procedure=procedure, step="announce", on=n1 + timedelta(days=1), signer="县")
    return n1 + timedelta(days=2)


def test_an_exit_of_a_failing_household_is_refused_with_every_veto_and_nothing_written(county_officer, village):
    household = make_household(village)
    set_year(household, 2018, income=1713.98, food_ok=False)
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        p.procedure_open(actor=county_officer, household=household, kind="exit", on=START)
    message = refused.value.message
    assert message.startswith("该户 2018 年不符合退出标准：人均纯收入 1,713.98 元未超过退出标准 3,335 元；不愁吃未达标")
    assert "须由县级或以上干部写明理由批准" in message
    assert _counts() == before


def test_an_exit_without_the_year_record_is_refused(county_officer, village):
    household = make_household(village)  # has a 2017 record only
    with pytest.raises(ValidationError, match="缺少该年度收入与两不愁三保障记录"):
        p.procedure_open(actor=county_officer, household=household, kind="exit", on=START)


@pytest.mark.parametrize(
    ("income", "ok"), [(EXIT_LINE_2018 - 0.01, False), (EXIT_LINE_2018, False), (EXIT_LINE_2018 + 0.01, True)]
)
def test_exit_needs_income_strictly_above_the_exit_line(village, income, ok):
    household = make_household(village)
    set_year(household, 2018, income=income)
    assert household_verdict(household, "exit", 2018).ok is ok


def test_education_and_medical_are_judged_from_the_members(village):
    household = make_household(village, size=3)
    set_year(household, 2018)
    child = household.members.order_by("id").last()
    Member.objects.filter(pk=child.pk).update(birth_date=date(2008, 5, 1), student=False)  # 10 at the end of 2018
    verdict = household_verdict(household, "exit", 2018)
    assert verdict.reasons == [f"义务教育无保障：{child.name}（10 岁）未在校，也未送教上门"]
    Member.objects.filter(pk=child.pk).update(home_schooled=True, critical_illness_insurance=False)
    verdict = household_verdict(household, "exit", 2018)
    assert verdict.reasons == [f"基本医疗无保障：{child.name}未参加大病保险"]


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"water_litres": 34}, "饮水不安全：人均日供水 34 升，低于 35 升"),
        ({"water_litres": 35}, None),
        ({"water_litres": 19, "water_short_area": True}, "饮水不安全：人均日供水 19 升，低于 20 升"),
        ({"water_litres": 20, "water_short_area": True}, None),
        ({"water_minutes": 21}, "饮水不安全：人力取水往返 21 分钟，超过 20 分钟"),
        ({"water_minutes": 20}, None),
        ({"water_cut_days": 37}, "饮水不安全：全年停水 37 天，超过 36 天"),
        ({"water_cut_days": 36}, None),
        ({"water_quality_ok": False}, "饮水不安全：水质不达标"),
        ({"water_litres": None, "water_quality_ok": None, "water_minutes": None, "water_cut_days": None,
          "water_ok": False}, "饮水不安全（登记为不安全，缺少水量、水质、取水时间和停水天数）"),
        ({"water_ok": False}, None),  # the facts decide where they are recorded
    ],
)  # fmt: skip
def test_water_at_each_threshold(village, facts, reason):
    household = make_household(village)
    set_year(household, 2018, **facts)
    assert household_verdict(household, "exit", 2018).reasons == ([reason] if reason else [])


def test_the_close_consults_the_verdict_again_and_only_a_county_officer_may_override(county_officer, village):
    household = make_household(village)
    set_year(household, 2018)
    procedure = p.procedure_open(actor=county_officer, household=household, kind="exit", on=START)
    close_on = _to_close(county_officer, procedure)
    HouseholdYear.objects.filter(household=household, year=2018).update(income_per_capita=3000)  # facts changed
    close = {"procedure": procedure, "step": "close", "on": close_on, "signer": "县扶贫办"}
    before = _counts()
    with pytest.raises(ValidationError, match=re.escape("人均纯收入 3,000.00 元未超过退出标准 3,335 元")):
        p.procedure_step_record(actor=county_officer, **close)
    with pytest.raises(ValidationError, match="至少写 10 个字"):
        p.procedure_step_record(actor=county_officer, **close, override_reason="同意")
    assert _counts() == before
    reason = "务工收入已于年底到账，县扶贫办入户复核确认"
    p.procedure_step_record(actor=county_officer, **close, override_reason=reason)
    household.refresh_from_db()
    procedure.refresh_from_db()
    assert (household.status, household.exit_year) == (Status.EXITED, 2018)
    assert (procedure.override_reason, procedure.override_by) == (reason, "county-a")
    assert procedure.override_vetoes == "人均纯收入 3,000.00 元未超过退出标准 3,335 元"
    entry = AuditEntry.objects.get(action="registry.verdict_override")
    assert entry.changes["override_reason"] == [None, reason]
    assert entry.entity_id == household.household_no


def test_an_override_at_the_start_covers_the_close(county_officer, village):
    household = make_household(village)
    set_year(household, 2018, housing_grade="C")
    reason = "危房改造已竣工，待住建部门补办鉴定"
    township = make_user("tship-ov", Role.TOWNSHIP_OFFICER, village[:9])
    before = _counts()
    with pytest.raises(PermissionDeniedError, match="须由县级或以上干部批准"):
        p.procedure_open(actor=township, household=household, kind="exit", on=START, override_reason=reason)
    assert _counts() == before
    procedure = p.procedure_open(
        actor=county_officer, household=household, kind="exit", on=START, override_reason=reason
    )
    assert procedure.override_vetoes == "住房不安全（C 级危房，未搬迁）"
    close_on = _to_close(county_officer, procedure)
    p.procedure_step_record(actor=county_officer, procedure=procedure, step="close", on=close_on, signer="县")
    household.refresh_from_db()
    assert household.status == Status.EXITED


def test_a_return_decision_needs_the_identification_criteria(county_officer, village):
    household = make_household(village)
    household.status, household.exit_year = Status.EXITED, 2017
    household.save()
    set_year(household, 2018)  # well above the line, every guarantee met
    ret = p.procedure_open(actor=county_officer, household=household, kind="return", on=START, reason="因病")
    rec = p.procedure_step_record
    rec(actor=county_officer, procedure=ret, step="report", on=START, signer="户主")
    rec(actor=county_officer, procedure=ret, step="vote", on=START, signer="村", votes_total=9, votes_present=9,
        votes_for=9)  # fmt: skip
    rec(actor=county_officer, procedure=ret, step="township_review", on=START, signer="乡")
    n0, n1 = START + timedelta(days=1), START + timedelta(days=7)
    rec(actor=county_officer, procedure=ret, step="notice", on=n0, signer="乡", notice_start=n0, notice_end=n1)
    with pytest.raises(ValidationError, match="不符合返贫认定标准：没有任何一项条件成立"):
        rec(actor=county_officer, procedure=ret, step="county_approval", on=n1 + timedelta(days=1), signer="县")
    set_year(household, 2018, income=2500.0)
    rec(actor=county_officer, procedure=ret, step="county_approval", on=n1 + timedelta(days=1), signer="县")
    household.refresh_from_db()
    assert household.status == Status.RETURNED


def test_the_household_page_shows_the_verdict_the_override_and_every_field(client, county_officer, village):
    household = make_household(village)
    set_year(household, 2018, housing_grade="D")
    p.procedure_open(actor=county_officer, household=household, kind="exit", on=START,
                     override_reason="已纳入易地扶贫搬迁，年底入住安置点")  # fmt: skip
    client.force_login(county_officer)
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "2018 年退出评估：不符合退出标准" in page
    assert "住房不安全（D 级危房，未搬迁）" in page
    assert "县级批准带否决项办理</b>（county-a）：已纳入易地扶贫搬迁，年底入住安置点" in page
    assert "帮扶责任人</dt><dd>未落实" in page
