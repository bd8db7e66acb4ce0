"""Registry procedures: every rule of identification, exit, return, monitoring, cancellation (POLICY.md §1, §3, §6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.policy.services import parameter_set
from fupin.registry import procedures as p
from fupin.registry.models import Household, Member, Procedure, ProcedureStatus, ProcedureStep, Status
from fupin.registry.services import (
    household_apply,
    household_split,
    household_transfer,
    household_update,
    member_add,
    member_move,
    member_update,
)
from tests.factories import make_household, person_ids, set_year
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db

D = date(2018, 3, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


@pytest.fixture
def officer(county_officer):
    return county_officer


def _apply(officer, village, n: int = 0) -> Household:
    return household_apply(
        actor=officer,
        village_code=village,
        head_name="王德发",
        head_id_number=person_ids(COUNTY_A[:6], 1, seed=900 + n)[0],
        attribute="一般贫困户",
        main_cause="因病",
        on=D,
        signer="王德发",
    )


def _identification(household: Household) -> Procedure:
    return household.procedures.get(kind="identification")


def _run_identification(officer, procedure: Procedure, notice_days: int = 7) -> None:
    rec = p.procedure_step_record
    rec(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长 李")
    rec(
        actor=officer,
        procedure=procedure,
        step="vote",
        on=day(2),
        signer="主任 张",
        votes_total=30,
        votes_present=20,
        votes_for=15,
    )
    rec(actor=officer, procedure=procedure, step="village_review", on=day(3), signer="村委会")
    end = day(4 + notice_days - 1)
    rec(
        actor=officer,
        procedure=procedure,
        step="notice_village",
        on=day(4),
        signer="村委会",
        notice_start=day(4),
        notice_end=end,
    )
    rec(actor=officer, procedure=procedure, step="township_review", on=end + timedelta(days=1), signer="乡镇")
    start2 = end + timedelta(days=2)
    end2 = start2 + timedelta(days=notice_days - 1)
    rec(
        actor=officer,
        procedure=procedure,
        step="notice_township",
        on=start2,
        signer="乡镇",
        notice_start=start2,
        notice_end=end2,
    )
    rec(actor=officer, procedure=procedure, step="county_approval", on=end2 + timedelta(days=1), signer="县扶贫办")
    rec(actor=officer, procedure=procedure, step="announce", on=end2 + timedelta(days=2), signer="县政府")


def test_identification_end_to_end_makes_a_poor_household_and_audits_each_step(officer, village):
    household = _apply(officer, village)
    assert household.status == Status.CANDIDATE
    assert household.members.get().relation == "户主"
    procedure = _identification(household)
    assert procedure.steps.count() == 1
    set_year(household, 2018, income=2100.0)  # surveyed during the procedure: below the 2018 line of 2,995
    _run_identification(officer, procedure)
    household.refresh_from_db()
    procedure.refresh_from_db()
    assert household.status == Status.POOR
    assert household.identified_year == 2018
    assert procedure.status == ProcedureStatus.COMPLETED
    assert [s.step for s in procedure.steps.order_by("seq")] == [s.code for s in p.steps_of("identification")]
    entries = AuditEntry.objects.filter(entity_type="registry.household", entity_id=household.household_no)
    assert entries.filter(action="registry.procedure_step").count() == 9
    assert entries.filter(changes__status=["candidate", "poor"]).exists()


def test_a_step_out_of_order_is_refused_and_nothing_is_written(officer, village):
    procedure = _identification(_apply(officer, village))
    with pytest.raises(ValidationError, match="下一环节应为「村民小组提名」，不能办理「村民代表评议票决」"):
        p.procedure_step_record(
            actor=officer,
            procedure=procedure,
            step="vote",
            on=day(2),
            signer="x",
            votes_total=9,
            votes_present=9,
            votes_for=9,
        )
    assert procedure.steps.count() == 1


def test_a_step_dated_before_the_previous_one_or_in_the_future_is_refused(officer, village):
    procedure = _identification(_apply(officer, village))
    with pytest.raises(ValidationError, match="早于上一环节"):
        p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(-1), signer="x")
    with pytest.raises(ValidationError, match="晚于今天"):
        p.procedure_step_record(
            actor=officer,
            procedure=procedure,
            step="nominate",
            on=date.today() + timedelta(days=1),  # noqa: DTZ011
            signer="x",
        )
    with pytest.raises(ValidationError, match="签字人"):
        p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="  ")


@pytest.mark.parametrize(
    ("total", "present", "votes_for", "outcome"),
    [
        (30, 19, 19, "无效"),  # 19 < ceil(2/3 × 30) = 20: no quorum, refused, nothing recorded
        (30, 20, 11, "通过"),  # quorum exactly, 11 > 10 passes
        (30, 20, 10, "未通过"),  # exactly half is not a majority
        (31, 21, 21, "通过"),  # ceil(2/3 × 31) = 21
        (31, 20, 20, "无效"),
    ],
)
def test_vote_quorum_and_majority_at_their_thresholds(officer, village, total, present, votes_for, outcome):  # noqa: PLR0917
    procedure = _identification(_apply(officer, village))
    p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长")
    kwargs = {"votes_total": total, "votes_present": present, "votes_for": votes_for}
    if outcome == "无效":
        with pytest.raises(ValidationError, match="评议无效"):
            p.procedure_step_record(actor=officer, procedure=procedure, step="vote", on=day(2), signer="主任", **kwargs)
        assert procedure.steps.count() == 2
        return
    step = p.procedure_step_record(actor=officer, procedure=procedure, step="vote", on=day(2), signer="主任", **kwargs)
    procedure.refresh_from_db()
    if outcome == "通过":
        assert step.approved
        assert procedure.status == ProcedureStatus.OPEN
    else:
        assert not step.approved
        assert procedure.status == ProcedureStatus.REFUSED
        assert Household.objects.get(pk=procedure.household_id).status == Status.REJECTED


def test_impossible_vote_counts_are_refused(officer, village):
    procedure = _identification(_apply(officer, village))
    p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长")
    for kwargs, message in [
        ({"votes_total": 10, "votes_present": 11, "votes_for": 5}, "多于应到"),
        ({"votes_total": 10, "votes_present": 9, "votes_for": 10}, "赞成票 10 多于实到"),
        ({"votes_total": 10, "votes_present": None, "votes_for": 5}, "须填写"),
    ]:
        with pytest.raises(ValidationError, match=message):
            p.procedure_step_record(actor=officer, procedure=procedure, step="vote", on=day(2), signer="主任", **kwargs)


def _to_notice(officer, procedure):
    p.procedure_step_record(actor=officer, procedure=procedure, step="nominate", on=day(1), signer="组长")
    p.procedure_step_record(
        actor=officer,
        procedure=procedure,
        step="vote",
        on=day(2),
        signer="主任",
        votes_total=9,
        votes_present=6,
        votes_for=6,
    )
    p.procedure_step_record(actor=officer, procedure=procedure, step="village_review", on=day(3), signer="村委会")


@pytest.mark.parametrize(("days", "ok"), [(6, False), (7, True), (8, True)])
def test_notice_must_last_the_configured_days(officer, village, days, ok):
    procedure = _identification(_apply(officer, village))
    _to_notice(officer, procedure)
    kwargs = {"notice_start": day(4), "notice_end": day(4 + days - 1)}
    if ok:
        p.procedure_step_record(
            actor=officer, procedure=procedure, step="notice_village", on=day(4), signer="村", **kwargs
        )
    else:
        with pytest.raises(ValidationError, match=f"公示期 {days} 天，少于规定的 7 天"):
            p.procedure_step_record(
                actor=officer, procedure=procedure, step="notice_village", on=day(4), signer="村", **kwargs
            )


def test_notice_length_comes_from_the_policy_parameters(officer, village, province_admin):
    parameter_set(actor=province_admin, key="identification_notice_days", year=2018, value=10)
    procedure = _identification(_apply(officer, village))
    _to_notice(officer, procedure)
    with pytest.raises(ValidationError, match="少于规定的 10 天"):
        p.procedure_step_record(
            actor=officer,
            procedure=procedure,
            step="notice_village",
            on=day(4),
            signer="村",
            notice_start=day(4),
            notice_end=day(12),
        )


def test_next_step_must_wait_until_the_notice_has_ended(officer, village):
    procedure = _identification(_apply(officer, village))
    _to_notice(officer, procedure)
    p.procedure_step_record(
        actor=officer,
        procedure=procedure,
        step="notice_village",
        on=day(4),
        signer="村",
        notice_start=day(4),
        notice_end=day(10),
    )
    with pytest.raises(ValidationError, match="公示期满后"):
        p.procedure_step_record(actor=officer, procedure=procedure, step="township_review", on=day(10), signer="乡")
    p.procedure_step_record(actor=officer, procedure=procedure, step="township_review", on=day(11), signer="乡")


def test_a_refusing_review_needs_a_reason_and_ends_the_procedure(officer, village):
    procedure = _identification(_apply(officer, village))
    _to_notice(officer, procedure)  # village_review passed
    p.procedure_step_record(
        actor=officer,
        procedure=procedure,
        step="notice_village",
        on=day(4),
        signer="村",
        notice_start=day(4),
        notice_end=day(10),
    )
    with pytest.raises(ValidationError, match="理由"):
        p.procedure_step_record(
            actor=officer, procedure=procedure, step="township_review", on=day(11), signer="乡", approved=False
        )
    p.procedure_step_record(
        actor=officer,
        procedure=procedure,
        step="township_review",
        on=day(11),
        signer="乡",
        approved=False,
        note="家有轿车",
    )
    procedure.refresh_from_db()
    assert procedure.status == ProcedureStatus.REFUSED
    assert "家有轿车" in procedure.outcome
    with pytest.raises(ValidationError, match="不能再录入"):
        p.procedure_step_record(actor=officer, procedure=procedure, step="notice_township", on=day(12), signer="乡")


def test_steps_are_recorded_only_by_the_right_level(village):
    secretary = make_user("sec", Role.FIRST_SECRETARY, village)
    county = make_user("cty", Role.COUNTY_OFFICER, COUNTY_A)
    household = _apply(secretary, village)  # a first secretary records the application
    procedure = _identification(household)
    _to_notice(secretary, procedure)
    p.procedure_step_record(
        actor=secretary,
        procedure=procedure,
        step="notice_village",
        on=day(4),
        signer="村",
        notice_start=day(4),
        notice_end=day(10),
    )
    with pytest.raises(PermissionDeniedError, match="乡镇或以上"):
        p.procedure_step_record(actor=secretary, procedure=procedure, step="township_review", on=day(11), signer="乡")
    p.procedure_step_record(actor=county, procedure=procedure, step="township_review", on=day(11), signer="乡")
    inspector = make_user("insp2", Role.INSPECTOR, COUNTY_A)
    with pytest.raises(PermissionDeniedError):
        p.procedure_step_record(actor=inspector, procedure=procedure, step="notice_township", on=day(12), signer="乡")
    other_county = make_user("cty-b", Role.COUNTY_OFFICER, COUNTY_B)
    with pytest.raises(NotFoundError):
        p.procedure_step_record(
            actor=other_county, procedure=procedure, step="notice_township", on=day(12), signer="乡"
        )


def _exit(officer, household, start: date) -> Procedure:
    procedure = p.procedure_open(actor=officer, household=household, kind="exit", on=start)
    rec = p.procedure_step_record
    rec(
        actor=officer,
        procedure=procedure,
        step="review",
        on=start,
        signer="村",
        votes_total=9,
        votes_present=9,
        votes_for=9,
    )
    rec(actor=officer, procedure=procedure, step="verify", on=start, signer="工作队")
    rec(actor=officer, procedure=procedure, step="sign", on=start + timedelta(days=1), signer="户主")
    n0, n1 = start + timedelta(days=2), start + timedelta(days=8)
    rec(actor=officer, procedure=procedure, step="notice", on=n0, signer="村", notice_start=n0, notice_end=n1)
    rec(actor=officer, procedure=procedure, step="announce", on=n1 + timedelta(days=1), signer="县")
    rec(actor=officer, procedure=procedure, step="close", on=n1 + timedelta(days=2), signer="县扶贫办")
    return procedure


def test_exit_then_return_then_exit_again(officer, village):
    household = make_household(village)  # identified 2014, poor
    set_year(household, 2017)
    set_year(household, 2018, income=2500.0)
    set_year(household, 2019)
    _exit(officer, household, date(2017, 10, 1))
    household.refresh_from_db()
    assert (household.status, household.exit_year) == (Status.EXITED, 2017)
    ret = p.procedure_open(actor=officer, household=household, kind="return", on=date(2018, 5, 1), reason="因病返贫")
    rec = p.procedure_step_record
    rec(actor=officer, procedure=ret, step="report", on=date(2018, 5, 1), signer="户主")
    rec(
        actor=officer,
        procedure=ret,
        step="vote",
        on=date(2018, 5, 2),
        signer="村",
        votes_total=9,
        votes_present=6,
        votes_for=4,
    )
    rec(actor=officer, procedure=ret, step="township_review", on=date(2018, 5, 3), signer="乡")
    rec(
        actor=officer,
        procedure=ret,
        step="notice",
        on=date(2018, 5, 4),
        signer="乡",
        notice_start=date(2018, 5, 4),
        notice_end=date(2018, 5, 10),
    )
    rec(actor=officer, procedure=ret, step="county_approval", on=date(2018, 5, 11), signer="县")
    household.refresh_from_db()
    assert household.status == Status.RETURNED
    _exit(officer, household, date(2019, 9, 1))
    household.refresh_from_db()
    assert (household.status, household.exit_year) == (Status.EXITED, 2019)


def test_exit_in_the_year_of_identification_is_refused(officer, village):
    household = _apply(officer, village)
    set_year(household, 2018, income=2100.0)
    _run_identification(officer, _identification(household))
    household.refresh_from_db()
    set_year(household, 2019)
    with pytest.raises(ValidationError, match="当年识别的贫困户不能当年退出"):
        p.procedure_open(actor=officer, household=household, kind="exit", on=date(2018, 11, 1))
    assert not Procedure.objects.filter(household=household, kind="exit").exists()
    p.procedure_open(actor=officer, household=household, kind="exit", on=date(2019, 1, 2))


def test_procedures_start_only_from_the_right_status_and_one_at_a_time(officer, village):
    household = make_household(village)
    set_year(household, 2018)
    with pytest.raises(ValidationError, match="不能启动返贫认定程序"):
        p.procedure_open(actor=officer, household=household, kind="return", on=D)
    p.procedure_open(actor=officer, household=household, kind="exit", on=D)
    with pytest.raises(ValidationError, match="已有进行中的脱贫退出程序"):
        p.procedure_open(actor=officer, household=household, kind="cancellation", on=D, reason="死亡")
    # monitoring runs beside it
    p.procedure_open(actor=officer, household=household, kind="monitoring", on=D, reason="边缘易致贫户")


def test_cancellation_for_death_and_reason_is_required(officer, village):
    household = make_household(village, size=1)
    with pytest.raises(ValidationError, match="注销事由"):
        p.procedure_open(actor=officer, household=household, kind="cancellation", on=D, reason="搬走了")
    procedure = p.procedure_open(
        actor=officer, household=household, kind="cancellation", on=D, reason="死亡：户主 2018-02-20 病故"
    )
    rec = p.procedure_step_record
    rec(actor=officer, procedure=procedure, step="apply", on=D, signer="村委会")
    rec(actor=officer, procedure=procedure, step="vote", on=D, signer="村", votes_total=9, votes_present=9, votes_for=9)
    rec(actor=officer, procedure=procedure, step="township_review", on=day(1), signer="乡")
    rec(actor=officer, procedure=procedure, step="county_approval", on=day(2), signer="县")
    household.refresh_from_db()
    assert household.status == Status.CANCELLED


def test_monitoring_sets_the_group(officer, village):
    household = make_household(village)
    set_year(household, 2018, income=3000.0)  # below the monitoring line of 4,200
    with pytest.raises(ValidationError, match="监测对象类型"):
        p.procedure_open(actor=officer, household=household, kind="monitoring", on=D, reason="不知道")
    procedure = p.procedure_open(actor=officer, household=household, kind="monitoring", on=D, reason="突发严重困难户")
    rec = p.procedure_step_record
    for i, step in enumerate(["report", "verify", "consent", "compare"]):
        rec(actor=officer, procedure=procedure, step=step, on=day(i), signer="x")
    rec(actor=officer, procedure=procedure, step="vote", on=day(4), signer="x", votes_total=9, votes_present=9,
        votes_for=9)  # fmt: skip
    rec(actor=officer, procedure=procedure, step="notice", on=day(5), signer="x", notice_start=day(5),
        notice_end=day(9))  # fmt: skip
    for i, step in enumerate(["township_review", "county_decision", "enter"]):
        rec(actor=officer, procedure=procedure, step=step, on=day(10 + i), signer="x")
    household.refresh_from_db()
    assert household.monitoring_group == "突发严重困难户"


def test_withdraw(officer, village):
    household = _apply(officer, village)
    procedure = _identification(household)
    with pytest.raises(ValidationError, match="理由"):
        p.procedure_withdraw(actor=officer, procedure=procedure, reason="")
    p.procedure_withdraw(actor=officer, procedure=procedure, reason="户主撤回申请")
    household.refresh_from_db()
    assert household.status == Status.REJECTED
    assert ProcedureStep.objects.filter(procedure=procedure).count() == 1


def test_apply_refuses_a_person_already_registered(officer, village):
    household = make_household(village)
    taken = household.members.first().id_number
    with pytest.raises(ValidationError, match="一人只能属于一户"):
        household_apply(
            actor=officer,
            village_code=village,
            head_name="重复",
            head_id_number=taken,
            attribute="一般贫困户",
            main_cause="因病",
            on=D,
            signer="x",
        )
    with pytest.raises(ValidationError, match="校验码错误"):
        household_apply(
            actor=officer,
            village_code=village,
            head_name="错号",
            head_id_number=taken[:17] + ("0" if taken[17] != "0" else "1"),
            attribute="一般贫困户",
            main_cause="因病",
            on=D,
            signer="x",
        )


def test_member_and_household_edits_are_audited_old_to_new(officer, village):
    household = make_household(village, size=2)
    member = household.members.exclude(relation="户主").first()
    member_update(actor=officer, member=member, health="长期慢性病", migrant_months=6)
    with pytest.raises(ValidationError, match="0–12"):
        member_update(actor=officer, member=member, migrant_months=13)
    with pytest.raises(ValidationError, match="已有户主"):
        member_update(actor=officer, member=member, relation="户主")
    household_update(actor=officer, household=household, main_cause="因病")
    entries = AuditEntry.objects.filter(entity_id=household.household_no).order_by("seq")
    changes = [e.changes for e in entries if e.action in {"registry.member_update", "registry.household_update"}]
    assert changes[0][f"成员 {member.name}·健康状况"] == ["健康", "长期慢性病"]
    assert changes[1] == {"main_cause": ["缺资金", "因病"]}
    added = member_add(
        actor=officer,
        household=household,
        id_number=person_ids(COUNTY_A[:6], 1, seed=77)[0],
        name="新生",
        relation="子女",
    )
    household.refresh_from_db()
    assert household.size == 3
    assert added.birth_date.year == 1970


def test_transfer_split_and_move_keep_history(officer, village):
    from fupin.areas.models import Area

    household = make_household(village, size=3)
    other_village = (
        Area.objects.filter(code__startswith=COUNTY_A[:6], level=5).exclude(code=village).order_by("code").first().code
    )
    household_transfer(actor=officer, household=household, to_village=other_village, reason="易地扶贫搬迁")
    household.refresh_from_db()
    assert household.village_id == other_village
    assert set(Member.objects.filter(household=household).values_list("village_id", flat=True)) == {other_village}
    assert set(household.years.values_list("village_id", flat=True)) == {other_village}
    outsider = make_user("cty-b2", Role.COUNTY_OFFICER, COUNTY_B)
    with pytest.raises(NotFoundError):
        household_transfer(actor=outsider, household=household, to_village=village, reason="x")
    members = list(household.members.exclude(relation="户主").order_by("id"))
    new = household_split(
        actor=officer,
        household=household,
        member_ids=[m.pk for m in members],
        new_head_id=members[0].pk,
        reason="子女成家分户",
    )
    household.refresh_from_db()
    assert (household.size, new.size) == (1, 2)
    assert new.head_name == members[0].name
    member_move(actor=officer, member=members[1], to_household=household, relation="子女", reason="回原户")
    household.refresh_from_db()
    new.refresh_from_db()
    assert (household.size, new.size) == (2, 1)
    actions = list(AuditEntry.objects.filter(entity_id=household.household_no).values_list("action", flat=True))
    assert {"registry.household_transfer", "registry.household_split", "registry.member_move_in"} <= set(actions)
    with pytest.raises(ValidationError, match="新户主"):
        member_move(
            actor=officer, member=household.members.get(relation="户主"), to_household=new, relation="其他", reason="x"
        )


def test_web_forms_record_steps_and_show_chinese_errors_next_to_the_field(client, officer, village):
    household = make_household(village)
    set_year(household, 2018)
    client.force_login(officer)
    url = f"/households/{household.household_no}/"
    page = client.get(url).content.decode()
    assert "启动程序" in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title  # the page's title is text only (each section rendered once, in the body)
    assert page.count("<h2>程序与时间线</h2>") == 1
    response = client.post(f"{url}procedures/", {"open-kind": "exit", "open-on": "2018-03-01", "open-reason": ""})
    assert response.status_code == 302
    procedure = household.procedures.get(kind="exit")
    step_url = f"{url}procedures/{procedure.pk}/step/"
    prefix = f"p{procedure.pk}-"
    bad = {prefix + "on": "2018-03-02", prefix + "signer": "村委会", prefix + "votes_total": "30",
           prefix + "votes_present": "12", prefix + "votes_for": "12"}  # fmt: skip
    response = client.post(step_url, bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "实到代表 12 人，不足应到 30 人的 67%（至少 20 人），评议无效" in body
    assert 'class="field-error"' in body
    assert procedure.steps.count() == 0
    good = {**bad, prefix + "votes_present": "25", prefix + "votes_for": "20"}
    assert client.post(step_url, good).status_code == 302
    page = client.get(url).content.decode()
    assert "民主评议" in page
    assert "应到 30、实到 25、赞成 20" in page
    assert "下一环节：<b>村两委和驻村工作队核实</b>" in page
    assert "办理程序环节" in page  # the history table, in words
    assert "registry.procedure_step" not in page
    # a first secretary of another village — indeed any outsider — gets 404 for the form URL
    outsider = make_user("cty-web-b", Role.COUNTY_OFFICER, COUNTY_B)
    client.force_login(outsider)
    assert client.post(step_url, good).status_code == 404
    # an inspector sees the page but no forms
    client.force_login(make_user("insp-web", Role.INSPECTOR, COUNTY_A))
    assert "录入「" not in client.get(url).content.decode()
