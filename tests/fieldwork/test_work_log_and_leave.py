"""Field work: a cadre's work log and residents' requests in their own village, leave through its approval chain,
the year's leave limit proposing an adjustment, and the thresholds of each (below, at, above)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.cadres.models import PostingStatus
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.fieldwork import selectors
from fupin.fieldwork.models import Adjustment, LeaveRequest, LogTally, WorkLog
from fupin.fieldwork.services import (
    LogInput,
    adjustment_decide,
    leave_cancel,
    leave_decide,
    leave_request,
    request_add,
    request_answer,
    worklog_add,
    worklog_edit,
)
from fupin.policy.services import parameter_set
from tests.factories import make_household, make_posting
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    village = first_village(COUNTY_A)
    secretary = make_user("fs-a", Role.FIRST_SECRETARY, village)
    posting = make_posting(village, account=secretary)
    township = village[:9] + "000"
    return {
        "village": village,
        "secretary": secretary,
        "posting": posting,
        "household": make_household(village, 1),
        "township": make_user("town-zzb", Role.TOWNSHIP_OFFICER, township, department=Department.ORGANIZATION),
        "township_poverty": make_user("town-fp", Role.TOWNSHIP_OFFICER, township, department=Department.POVERTY),
        "county": make_user("county-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION),
    }


def _fingerprint() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m.__module__.startswith("fupin.")}


def _today() -> date:
    return timezone.localdate()


def _visit(world, **kw) -> LogInput:
    values = {
        "kind": "visit",
        "date": _today(),
        "content": "了解务工和就医情况",
        "household_no": world["household"].household_no,
    }
    values.update(kw)
    return LogInput(**values)


def test_a_visit_is_logged_counted_and_audited(world):
    log = worklog_add(actor=world["secretary"], data=_visit(world, purpose="走访"))
    assert (log.village_id, log.household_id, log.author_id) == (
        world["village"],
        world["household"].pk,
        world["secretary"].pk,
    )
    tally = LogTally.objects.get(village_id=world["village"], kind="visit")
    assert (tally.year, tally.month, tally.count) == (_today().year, _today().month, 1)
    entry = AuditEntry.objects.filter(action="fieldwork.log_add").latest("seq")
    assert entry.actor_username == "fs-a"
    assert entry.changes["household"] == [None, world["household"].household_no]
    county_view = selectors.tallies(viewer=world["county"], area_code=COUNTY_A, year=_today().year)
    assert {t.kind: t.count for t in county_view}["visit"] == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"household_no": ""}, "household", "走访农户须填写户编号"),
        ({"date": timezone.localdate() + timedelta(days=2)}, "date", "不能晚于今天"),
        ({"content": " "}, "content", "请填写情况记录"),
        ({"content": "字" * 2001}, "content", "最多 2000 个字"),
        ({"kind": "project"}, "amount", "金额"),
        ({"kind": "meeting", "amount": "5"}, "amount", "只有“引进项目资金”填写金额"),
        ({"latitude": "123"}, "latitude", "位置超出范围"),
    ],
)
def test_bad_log_input_is_refused_naming_the_field_and_nothing_is_written(world, change, field, message):
    before = _fingerprint()
    with pytest.raises(ValidationError) as refused:
        worklog_add(actor=world["secretary"], data=_visit(world, **change))
    assert refused.value.extra.get("field") == field
    assert message in refused.value.message
    assert _fingerprint() == before


def test_a_household_of_another_village_is_refused(world):
    other = make_household(first_village(COUNTY_B), 2)
    with pytest.raises(ValidationError, match="不是本村"):
        worklog_add(actor=world["secretary"], data=_visit(world, household_no=other.household_no))


def test_backdating_is_allowed_up_to_the_edit_window_and_no_further(world):
    days = 7  # worklog_edit_days
    worklog_add(actor=world["secretary"], data=_visit(world, date=_today() - timedelta(days=days - 1)))
    worklog_add(actor=world["secretary"], data=_visit(world, date=_today() - timedelta(days=days)))
    with pytest.raises(ValidationError, match="只能补记 7 天以内"):
        worklog_add(actor=world["secretary"], data=_visit(world, date=_today() - timedelta(days=days + 1)))


def test_projects_carry_amount_and_source_into_the_tallies(world):
    worklog_add(
        actor=world["secretary"],
        data=LogInput(
            kind="project", date=_today(), content="引进茶叶加工厂", amount="120.5", funds_source="东西部扶贫协作"
        ),
    )
    tally = LogTally.objects.get(village_id=world["village"], kind="project")
    assert (tally.count, tally.amount) == (1, Decimal("120.50"))


def test_only_posted_cadres_with_a_linked_account_write_and_only_in_their_village(world):
    unlinked = make_user("fs-x", Role.FIRST_SECRETARY, first_village(COUNTY_A))
    with pytest.raises(ValidationError, match="没有关联在岗的驻村干部"):
        worklog_add(actor=unlinked, data=_visit(world))
    for officer in (world["county"], world["township"]):
        with pytest.raises(PermissionDeniedError):
            worklog_add(actor=officer, data=_visit(world))
    world["posting"].status = PostingStatus.RECALLED
    world["posting"].save()
    with pytest.raises(ValidationError, match="没有关联在岗"):
        worklog_add(actor=world["secretary"], data=_visit(world))


def test_the_author_edits_within_the_window_then_it_locks(world):
    log = worklog_add(actor=world["secretary"], data=_visit(world))
    worklog_edit(actor=world["secretary"], log=log, data=_visit(world, kind="dispute", household_no=""))
    counts = dict(LogTally.objects.filter(village_id=world["village"]).values_list("kind", "count"))
    assert counts == {"visit": 0, "dispute": 1}
    assert AuditEntry.objects.filter(action="fieldwork.log_edit").latest("seq").changes["kind"] == ["visit", "dispute"]
    other = make_user("rc-a", Role.RESIDENT_CADRE, world["village"])
    make_posting(world["village"], role="resident_cadre", account=other)
    with pytest.raises(PermissionDeniedError, match="只有填报人本人"):
        worklog_edit(actor=other, log=log, data=_visit(world))
    # at the window's last day it is still editable; a day later it is locked
    WorkLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=7))
    worklog_edit(actor=world["secretary"], log=log, data=_visit(world, kind="dispute", household_no="", content="改"))
    WorkLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=8))
    before = _fingerprint()
    with pytest.raises(PermissionDeniedError, match=r"记录已于 .* 锁定"):
        worklog_edit(actor=world["secretary"], log=log, data=_visit(world))
    assert _fingerprint() == before


def test_a_request_is_taken_and_answered_late_answers_are_audited(world):
    item = request_add(
        actor=world["secretary"],
        requester="王大妈",
        category="school_medical",
        content="孙子入学",
        received=_today() - timedelta(days=5),
        deadline=_today() - timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="办理时限不能早于受理日期"):
        request_add(
            actor=world["secretary"],
            requester="李",
            category="policy",
            content="x",
            received=_today(),
            deadline=_today() - timedelta(days=1),
        )
    request_answer(actor=world["secretary"], item=item, answer="已联系学校办理入学")
    item.refresh_from_db()
    assert item.status == "answered"
    assert AuditEntry.objects.filter(action="fieldwork.request_answer").latest("seq").changes["late_days"] == [None, 2]
    with pytest.raises(ValidationError, match="已答复"):
        request_answer(actor=world["secretary"], item=item, answer="again")


AHEAD = timezone.localdate() + timedelta(days=30)  # leave asked for ahead of time (补假 goes to the county)


def _approved(world, leave: LeaveRequest) -> LeaveRequest:
    """Approved through the whole chain (the county's step when the township passes it on)."""
    leave = leave_decide(actor=world["township"], leave=leave, approve=True)
    if leave.status == "pending_county":
        leave = leave_decide(actor=world["county"], leave=leave, approve=True)
    return leave


def _leave(world, days: int, kind: str = "personal", start: date = AHEAD) -> LeaveRequest:
    return leave_request(
        actor=world["secretary"], kind=kind, start=start, end=start + timedelta(days=days - 1), reason="家中有事"
    )


def test_the_township_decides_leave_up_to_its_limit(world):
    leave = _leave(world, 3)  # at the limit (leave_township_max_days = 3)
    with pytest.raises(PermissionDeniedError, match="待乡镇党委审批"):
        leave_decide(actor=world["county"], leave=leave, approve=True)
    with pytest.raises(PermissionDeniedError, match="组织部"):
        leave_decide(actor=world["township_poverty"], leave=leave, approve=True)
    leave = leave_decide(actor=world["township"], leave=leave, approve=True)
    assert leave.status == "approved"
    assert leave.township_by == "town-zzb"


def test_leave_above_the_township_limit_goes_on_to_the_county(world):
    leave = leave_decide(actor=world["township"], leave=_leave(world, 4), approve=True)
    assert leave.status == "pending_county"
    with pytest.raises(PermissionDeniedError, match="待县委组织部审批"):
        leave_decide(actor=world["township"], leave=leave, approve=True)
    leave = leave_decide(actor=world["county"], leave=leave, approve=True, note="同意，注意交接")
    assert (leave.status, leave.county_decision) == ("approved", "同意，注意交接")


def test_the_township_limit_is_a_parameter(world):
    parameter_set(actor=None, key="leave_township_max_days", year=2018, value=5, note="试点")
    assert leave_decide(actor=world["township"], leave=_leave(world, 5), approve=True).status == "approved"


def test_a_refusal_needs_a_reason_and_ends_the_request(world):
    leave = _leave(world, 2)
    with pytest.raises(ValidationError, match="请填写审批意见"):
        leave_decide(actor=world["township"], leave=leave, approve=False)
    leave = leave_decide(actor=world["township"], leave=leave, approve=False, note="近期迎检，暂缓")
    assert leave.status == "rejected"
    with pytest.raises(PermissionDeniedError, match="未批准"):
        leave_decide(actor=world["township"], leave=leave, approve=True)


def test_overlapping_leave_is_refused_and_a_pending_one_may_be_withdrawn(world):
    leave = _leave(world, 3)
    with pytest.raises(ValidationError, match="重叠"):
        _leave(world, 1, start=AHEAD + timedelta(days=2))
    leave_cancel(actor=world["secretary"], leave=leave)
    assert _leave(world, 1, start=AHEAD + timedelta(days=2)).status == "pending_township"


def test_leave_asked_for_after_it_began_goes_on_to_the_county(world):
    # 补假: it may excuse an absence a spot check found, so the county decides too, however short
    late = _leave(world, 1, start=timezone.localdate() - timedelta(days=1))
    assert leave_decide(actor=world["township"], leave=late, approve=True).status == "pending_county"
    assert _leave(world, 1, start=timezone.localdate()).status == "pending_township"


def test_leave_beyond_the_years_limit_proposes_an_adjustment_and_approval_recalls(world):
    # 30 days of leave in the year is the limit (leave_days_year_max); work for the village does not count
    for start, days, kind in (
        (date(2018, 4, 2), 15, "personal"),
        (date(2018, 6, 1), 15, "sick"),
        (date(2018, 7, 1), 20, "work_trip"),
    ):
        _approved(world, _leave(world, days, kind, start))
    assert selectors.year_leave(posting_id=world["posting"].pk, year=2018) == 30
    assert not Adjustment.objects.exists()  # at the limit
    leave = _approved(world, _leave(world, 1, start=date(2018, 9, 3)))
    proposal = Adjustment.objects.get()
    assert proposal.by_rule
    assert proposal.reason == "2018 年请假 31 天，超过 30 天"
    assert leave.status == "approved"
    adjustment_decide(actor=world["county"], item=proposal, approve=True)
    world["posting"].refresh_from_db()
    assert world["posting"].status == PostingStatus.RECALLED
    assert world["posting"].end_reason.startswith("调整：2018 年请假 31 天")


def test_a_township_cannot_see_or_decide_another_countys_leave(world):
    village_b = first_village(COUNTY_B)
    sec_b = make_user("fs-b", Role.FIRST_SECRETARY, village_b)
    make_posting(village_b, account=sec_b)
    leave = leave_request(actor=sec_b, kind="personal", start=date(2018, 4, 2), end=date(2018, 4, 2), reason="事")
    assert leave not in selectors.leaves_pending(viewer=world["township"])
    with pytest.raises(NotFoundError):
        leave_decide(actor=world["township"], leave=leave, approve=True)


def test_days_in_the_village_from_leave_and_logs(world):
    posting = world["posting"]
    for start, days, kind in ((date(2018, 4, 2), 10, "personal"), (date(2018, 4, 20), 3, "meeting")):
        leave = leave_decide(actor=world["township"], leave=_leave(world, days, kind, start), approve=True)
        if leave.status != "approved":
            leave_decide(actor=world["county"], leave=leave, approve=True)
    WorkLog.objects.create(
        posting=posting, village_id=posting.village_id, kind="visit", date=date(2018, 4, 15), content="x"
    )
    p = selectors.presence_of(posting, 2018, 4)
    assert p is not None
    assert (p.posted_days, p.leave_days, p.village_days, p.logged_days, p.required_days) == (30, 10, 20, 1, 20)
    assert not p.short  # at the standard
    leave = _approved(world, _leave(world, 1, "personal", date(2018, 4, 30)))
    assert leave.status == "approved"
    p = selectors.presence_of(posting, 2018, 4)
    assert p is not None
    assert (p.village_days, p.short) == (19, True)  # one below
