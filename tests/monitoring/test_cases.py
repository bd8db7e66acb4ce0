"""Return-to-poverty monitoring end to end: a department alert arrives, the case is identified within its time limit
by the registry's procedure, help and follow-up visits are recorded and, once the criteria hold, the risk is
eliminated; a household whose risk returns re-enters with its history."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fupin.accounts.models import Role
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.external.models import RiskAlert
from fupin.monitoring import selectors, services
from fupin.monitoring.choices import CaseStatus, Channel
from fupin.monitoring.models import Case, Source
from fupin.registry import printing
from fupin.registry import procedures as p
from fupin.registry.models import Household, ProcedureStatus, Status
from tests.factories import make_household, set_year
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db

TODAY = date.today()  # noqa: DTZ011 - the services' dates are the server's local calendar dates


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


@pytest.fixture
def people(village):
    township = village[:9] + "000"
    return {
        "county": make_user("mon-county", Role.COUNTY_OFFICER, COUNTY_A),
        "township": make_user("mon-town", Role.TOWNSHIP_OFFICER, township),
        "secretary": make_user("mon-sec", Role.FIRST_SECRETARY, village),
        "inspector": make_user("mon-insp", Role.INSPECTOR, COUNTY_A),
        "other_county": make_user("mon-other", Role.COUNTY_OFFICER, COUNTY_B),
        "organization": make_user("mon-org", Role.COUNTY_OFFICER, COUNTY_A, department="organization"),
    }


def exited(village: str, number: int = 7) -> Household:
    household = make_household(village, number=number, size=3)
    Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
    household.refresh_from_db()
    set_year(household, TODAY.year, income=5000.0)  # below the monitoring line of the year (6,600)
    return household


def alert(household: Household, *, days_ago: int, no: str = "YB1", kind: str = "大额医疗费用", amount=30000.0):
    person = household.members.order_by("pk").first()
    return RiskAlert.objects.create(
        alert_no=no,
        department="医保局",
        kind=kind,
        person_id=person.id_number,
        occurred_on=ago(days_ago),
        amount=amount,
        detail="住院自付 30,000 元 肺癌",
    )


def identify(case: Case, people, start: date) -> None:
    """Every step of the identification after the report, by whoever may record it, dated from ``start``."""
    rec = p.procedure_step_record
    proc = case.identification
    town, county = people["township"], people["county"]
    rec(actor=town, procedure=proc, step="verify", on=start, signer="乡镇核实组")
    rec(actor=people["secretary"], procedure=proc, step="consent", on=start, signer="户主")
    rec(actor=county, procedure=proc, step="compare", on=start + timedelta(days=1), signer="县乡村振兴局")
    rec(
        actor=town,
        procedure=proc,
        step="vote",
        on=start + timedelta(days=2),
        signer="村委会",
        votes_total=11,
        votes_present=10,
        votes_for=9,
    )
    rec(
        actor=town,
        procedure=proc,
        step="notice",
        on=start + timedelta(days=3),
        signer="村委会",
        notice_start=start + timedelta(days=3),
        notice_end=start + timedelta(days=7),
    )
    rec(actor=town, procedure=proc, step="township_review", on=start + timedelta(days=8), signer="乡镇")
    rec(actor=county, procedure=proc, step="county_decision", on=start + timedelta(days=9), signer="县")
    rec(actor=county, procedure=proc, step="enter", on=start + timedelta(days=9), signer="县")


def test_a_department_alert_becomes_a_case_merged_with_other_channels(village, people):
    household = exited(village)
    alert(household, days_ago=40)
    first = services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    assert (first.matched, first.opened, first.merged) == (1, 1, 0)
    case = Case.objects.get(household=household)
    assert case.status == CaseStatus.IDENTIFYING
    assert case.opened_on == ago(40)
    assert case.deadline == ago(40) + timedelta(days=15)
    assert case.group == "脱贫不稳定户"
    assert case.risk == "illness"
    assert list(case.identification.steps.values_list("step", flat=True)) == ["report"]
    assert case.score is not None
    assert case.score >= 30 + 25
    assert any("监测线" in f["text"] for f in case.factors)
    # the second run takes nothing twice; a cadre's visit and the household's own report join the same case
    again = services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    assert (again.opened, again.known) == (0, 1)
    visit = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.VISIT,
        on=ago(30),
        risk="illness",
        detail="走访发现户主住院",
    )
    report = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.SELF_REPORT,
        on=ago(29),
        risk="illness",
        detail="本人申报：医疗支出大",
    )
    assert visit.merged
    assert report.merged
    assert visit.case.pk == report.case.pk == case.pk
    assert Case.objects.filter(household=household).count() == 1
    assert sorted(Source.objects.filter(case=case).values_list("channel", flat=True)) == [
        "department",
        "self_report",
        "visit",
    ]
    # the time limit: 40 days since the alert, 15 allowed
    assert selectors.summary(viewer=people["county"]).overdue == 1
    assert first.overdue == 1


def test_the_whole_life_of_a_case(village, people):
    household = exited(village)
    alert(household, days_ago=300)
    services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    case = Case.objects.get(household=household)
    identify(case, people, ago(295))
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.status == CaseStatus.MONITORED
    assert case.decided_on == ago(286)
    assert household.monitoring_group == "脱贫不稳定户"
    assert selectors.summary(viewer=people["county"]).overdue == 0  # decided within 15 days
    services.measure_add(
        actor=people["secretary"],
        case=case,
        kind="health",
        content="大病专项救治、医疗救助",
        responsible="李红",
        started_on=ago(280),
    )
    case.refresh_from_db()
    assert case.responsible == "李红"
    # not yet: no follow-up, income of the year below the line
    with pytest.raises(ValidationError) as refused:
        services.elimination_start(actor=people["county"], case=case, on=TODAY)
    assert "近 6 个月没有回访记录" in str(refused.value)
    assert "低于监测线" in str(refused.value)
    for months in range(6, 0, -1):
        services.follow_up_add(
            actor=people["township"],
            case=case,
            visited_on=ago(30 * months - 5),
            visitor="乡镇干部",
            income_per_capita="8000",
            rigid_spending="2000",
            guarantees_ok=True,
        )
    set_year(household, TODAY.year, income=8000.0)
    result = services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    case.refresh_from_db()
    assert result.ready == 1
    assert case.elimination_ready
    assert case.elimination_gaps == ""
    procedure = services.elimination_start(actor=people["county"], case=case, on=ago(20))
    rec = p.procedure_step_record
    rec(actor=people["township"], procedure=procedure, step="verify", on=ago(20), signer="乡镇核实组")
    rec(
        actor=people["township"],
        procedure=procedure,
        step="vote",
        on=ago(19),
        signer="村委会",
        votes_total=9,
        votes_present=9,
        votes_for=8,
    )
    rec(
        actor=people["township"],
        procedure=procedure,
        step="notice",
        on=ago(18),
        signer="村委会",
        notice_start=ago(18),
        notice_end=ago(14),
    )
    Household.objects.filter(pk=household.pk).update(phone="13900005678")
    household.members.update(health="患有大病", disability="视力残疾")
    notice = printing.procedure_notice(viewer=people["county"], procedure_id=procedure.pk)
    assert notice.data["rows"][0]["reason"] == "脱贫不稳定户"
    text = json.dumps(notice.data, ensure_ascii=False)
    assert "拟标注风险消除的监测对象名单公示" in text
    for word in [m.id_number for m in household.members.all()] + ["13900005678", "大病", "残疾", "肺癌", "住院"]:
        assert word not in text, word
    rec(actor=people["township"], procedure=procedure, step="township_review", on=ago(12), signer="乡镇")
    rec(actor=people["county"], procedure=procedure, step="county_decision", on=ago(10), signer="县")
    case.refresh_from_db()
    household.refresh_from_db()
    assert case.status == CaseStatus.ELIMINATED
    assert case.eliminated_on == ago(10)
    assert household.monitoring_group == ""
    # the risk returns: a new case that keeps the old one as its history
    again = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.SELF_REPORT,
        on=ago(2),
        risk="disaster",
        detail="房屋受洪灾损毁",
    )
    assert not again.merged
    assert again.case.previous_id == case.pk
    assert again.case.group == "突发严重困难户"
    assert [c.pk for c in selectors.case_history(viewer=people["county"], case=again.case)] == [case.pk]


def test_a_refused_identification_leaves_the_household_out_and_a_new_report_may_follow(village, people):
    household = exited(village)
    intake = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.SELF_REPORT,
        on=ago(5),
        risk="income",
        detail="务工收入中断",
    )
    p.procedure_step_record(
        actor=people["township"],
        procedure=intake.case.identification,
        step="verify",
        on=ago(4),
        signer="乡镇",
        approved=False,
        note="核实收入稳定，不存在返贫风险",
    )
    intake.case.refresh_from_db()
    assert intake.case.status == CaseStatus.NOT_INCLUDED
    assert "收入稳定" in intake.case.closed_reason
    later = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.VISIT,
        on=ago(1),
        risk="illness",
        detail="再次走访发现",
    )
    assert not later.merged
    assert later.case.previous_id == intake.case.pk


def test_who_may_do_what(village, people):
    household = exited(village)
    kw = {"household": household, "channel": Channel.SELF_REPORT, "on": ago(1), "risk": "illness", "detail": "申报"}
    with pytest.raises(PermissionDeniedError):
        services.case_intake(actor=people["inspector"], **kw)
    with pytest.raises(PermissionDeniedError):
        services.case_intake(actor=people["organization"], **kw)
    with pytest.raises(NotFoundError):
        services.case_intake(actor=people["other_county"], **kw)
    with pytest.raises(PermissionDeniedError):
        services.monitoring_run(actor=people["township"], area_code=COUNTY_A, on=TODAY)
    case = services.case_intake(actor=people["secretary"], **kw).case
    with pytest.raises(NotFoundError):
        services.measure_add(
            actor=people["other_county"], case=case, kind="health", content="x", responsible="y", started_on=ago(1)
        )
    # the county decision is the county's
    for step in ("verify", "consent"):
        p.procedure_step_record(
            actor=people["secretary"], procedure=case.identification, step=step, on=ago(0), signer="x"
        )
    with pytest.raises(PermissionDeniedError, match="县级"):
        p.procedure_step_record(
            actor=people["secretary"], procedure=case.identification, step="compare", on=ago(0), signer="x"
        )
    assert selectors.case_get(viewer=people["other_county"], case_id=case.pk) is None


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(village, people):
    household = exited(village)
    case = services.case_intake(
        actor=people["secretary"],
        household=household,
        channel=Channel.SELF_REPORT,
        on=ago(3),
        risk="illness",
        detail="申报",
    ).case
    before = Source.objects.count()
    with pytest.raises(ValidationError, match="情况说明"):
        services.case_intake(
            actor=people["secretary"],
            household=household,
            channel=Channel.SELF_REPORT,
            on=ago(1),
            risk="illness",
            detail="",
        )
    with pytest.raises(ValidationError, match="风险类型"):
        services.case_intake(
            actor=people["secretary"], household=household, channel=Channel.VISIT, on=ago(1), risk="bad", detail="x"
        )
    with pytest.raises(ValidationError, match="人均纯收入"):
        services.follow_up_add(
            actor=people["township"],
            case=case,
            visited_on=ago(1),
            visitor="x",
            income_per_capita="八千",
            rigid_spending=0,
            guarantees_ok=True,
        )
    with pytest.raises(ValidationError, match="回访日期"):
        services.follow_up_add(
            actor=people["township"],
            case=case,
            visited_on=TODAY + timedelta(days=1),
            visitor="x",
            income_per_capita="8000",
            rigid_spending=0,
            guarantees_ok=True,
        )
    assert Source.objects.count() == before
    assert not case.follow_ups.exists()
    visit = services.follow_up_add(
        actor=people["township"],
        case=case,
        visited_on=ago(1),
        visitor="乡镇干部",
        income_per_capita="8000.105",
        rigid_spending="0",
        guarantees_ok=True,
    )
    assert visit.income_per_capita == Decimal("8000.11")


def test_the_notice_never_shows_private_fields(village, people):
    """Every notice a monitoring case prints (identification and risk elimination) shows name, size and group
    only: no ID number, phone, bank account or health detail."""
    household = exited(village)
    Household.objects.filter(pk=household.pk).update(phone="13800001234")
    household.members.update(health="患有大病", disability="肢体残疾")
    alert(household, days_ago=10)
    services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    case = Case.objects.get(household=household)
    secret = [m.id_number for m in household.members.all()] + [
        "13800001234",
        "肺癌",
        "30,000",
        "30000",
        "大病",
        "肢体",
        "残疾",
        "住院",
        "银行",
        "账号",
    ]
    rec = p.procedure_step_record
    proc = case.identification
    rec(actor=people["township"], procedure=proc, step="verify", on=ago(9), signer="乡镇")
    rec(actor=people["township"], procedure=proc, step="consent", on=ago(9), signer="户主")
    rec(actor=people["county"], procedure=proc, step="compare", on=ago(8), signer="县")
    rec(
        actor=people["township"],
        procedure=proc,
        step="vote",
        on=ago(7),
        signer="村",
        votes_total=9,
        votes_present=9,
        votes_for=9,
    )
    for recorded in (False, True):
        if recorded:
            rec(
                actor=people["township"],
                procedure=proc,
                step="notice",
                on=ago(6),
                signer="村",
                notice_start=ago(6),
                notice_end=ago(2),
            )
        notice = printing.procedure_notice(viewer=people["county"], procedure_id=proc.pk)
        text = json.dumps(notice.data, ensure_ascii=False)
        assert "拟纳入防止返贫监测对象名单公示" in text
        for word in secret:
            assert word not in text, word


def test_an_alert_naming_nobody_in_the_registry_is_counted_not_taken(village, people):
    RiskAlert.objects.create(
        alert_no="YJ9", department="应急管理局", kind="自然灾害", person_id="520526199001011234", occurred_on=ago(3)
    )
    result = services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    assert (result.alerts, result.matched, result.opened) == (1, 0, 0)
    assert not Case.objects.exists()


def test_a_withdrawn_elimination_lets_the_case_start_it_again(village, people):
    household = exited(village)
    intake = services.case_intake(
        actor=people["county"],
        household=household,
        channel=Channel.SELF_REPORT,
        on=ago(12),
        risk="illness",
        detail="申报",
    )
    identify(intake.case, people, ago(11))
    case = Case.objects.get(pk=intake.case.pk)
    assert case.status == CaseStatus.MONITORED
    procedure = services.elimination_start(
        actor=people["county"], case=case, on=TODAY, override_reason="县级研究决定提前启动风险消除核实程序"
    )
    p.procedure_withdraw(actor=people["county"], procedure=procedure, reason="核实后收入仍不稳定")
    case.refresh_from_db()
    assert case.elimination_id is None
    assert case.status == CaseStatus.MONITORED
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.WITHDRAWN


def test_the_dashboard_follows(village, people):
    from fupin.stats.selectors import indicator_series
    from fupin.stats.services import indicators_refresh

    household = exited(village)
    alert(household, days_ago=60)
    services.monitoring_run(actor=people["county"], area_code=COUNTY_A, on=TODAY)
    case = Case.objects.get(household=household)
    admin = make_user("mon-admin", Role.PROVINCE_ADMIN, "520000000000")

    def year_of(code: str, day: date) -> dict:
        indicators_refresh(actor=None, area_code=COUNTY_A, last_year=TODAY.year)
        return indicator_series(viewer=admin, area_code=code)[day.year]

    # still identifying 45 days past its time limit: overdue in the year the limit ran out; nobody monitored yet
    before = year_of(COUNTY_A, case.deadline)
    assert before["monitoring_overdue"] == 1
    assert before.get("monitoring_households") is None
    identify(case, people, ago(40))  # decided 29 days after the alert: still late
    case.refresh_from_db()
    after = year_of(COUNTY_A, case.decided_on)
    assert (after["monitoring_households"], after["monitoring_people"], after["monitoring_unstable"]) == (1, 3, 1)
    assert after["monitoring_share_registered"] > 0
    assert year_of(COUNTY_A, case.deadline)["monitoring_overdue"] == 1
    assert year_of(village, case.decided_on)["monitoring_households"] == 1


def test_a_visit_that_finds_a_risk_is_a_lead(village, people):
    from fupin.fieldwork.services import LogInput, worklog_add
    from tests.factories import make_posting

    household = exited(village)
    make_posting(village, account=people["secretary"])
    entry = LogInput(
        kind="visit",
        date=ago(1),
        household_no=household.household_no,
        content="户主务工受伤，收入中断",
        risk="accident",
    )
    log = worklog_add(actor=people["secretary"], data=entry)
    case = Case.objects.get(household=household)
    source = case.sources.get()
    assert (source.channel, source.ref, source.risk) == ("visit", f"worklog:{log.pk}", "accident")
    assert case.group == "突发严重困难户"
    with pytest.raises(ValidationError, match="走访农户"):
        worklog_add(
            actor=people["secretary"], data=LogInput(kind="meeting", date=ago(1), content="会议", risk="illness")
        )


def test_the_command(village, people):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    household = exited(village)
    alert(household, days_ago=20)
    out = StringIO()
    call_command("monitoring", "run", "--area", COUNTY_A, "--on", TODAY.isoformat(), stdout=out)
    assert "新纳入监测识别 1 户" in out.getvalue()
    assert "新取用大额医疗费用预警：1 条" in out.getvalue()
    out = StringIO()
    call_command("monitoring", "summary", "--area", COUNTY_A, stdout=out)
    assert "识别中 1 户（超过认定时限 1）" in out.getvalue()
    out = StringIO()
    call_command("monitoring", "ranking", "--area", COUNTY_A, stdout=out)
    assert household.household_no in out.getvalue()
    assert "低于监测线" in out.getvalue()
    with pytest.raises(CommandError, match="日期无效"):
        call_command("monitoring", "run", "--on", "明天")


def test_the_case_history_reads_in_chinese(village, people):
    from fupin.audit.labels import field_label

    for key in ("visited_on", "income_per_capita", "rigid_spending", "guarantees_ok"):
        assert not field_label(key, entity_type="monitoring.case", action="monitoring.follow_up").isascii(), key
    for key in ("status", "group", "risk", "deadline", "previous", "measure", "source", "elimination"):
        assert not field_label(key, entity_type="monitoring.case").isascii(), key
    for key in ("scored", "opened", "merged", "ready"):
        assert not field_label(key, entity_type="monitoring.run", action="monitoring.run").isascii(), key
