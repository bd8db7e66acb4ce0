"""Every write of the field work: a cadre's work log and residents' requests in their own village, leave through
its approval chain, adjustment proposals. Each checks its declared permission and audits old → new."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.cadres.models import Posting, PostingStatus
from fupin.cadres.services import posting_recall
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require
from fupin.monitoring import services as monitoring_services
from fupin.monitoring.choices import Channel
from fupin.policy.defaults import GUIZHOU
from fupin.policy.selectors import param
from fupin.registry.models import Household

from .choices import (
    BY_RANK,
    IN_VILLAGE_LEAVE,
    PENDING_LEAVE,
    AdjustmentStatus,
    Grade,
    GuidanceKind,
    InspectionKind,
    LeaveKind,
    LeaveStatus,
    LogKind,
    Period,
    Rater,
    RequestCategory,
    RequestStatus,
    Severity,
)
from .models import (
    Adjustment,
    Guidance,
    GuidanceDone,
    GuidanceItem,
    Inspection,
    LeaveRequest,
    LogTally,
    Rating,
    RatingScore,
    RedLine,
    ResidentRequest,
    Violation,
    WorkLog,
)

MAX_LEAVE_DAYS = 90  # one request; longer absences are a recall, not leave


def own_posting(actor: Actor | None) -> Posting | None:
    """The actor's active posting (their account is linked to a cadre posted to a village), or None."""
    if actor is None or not getattr(actor, "pk", None):
        return None
    return (
        Posting.objects.filter(cadre__account_id=actor.pk, status=PostingStatus.ACTIVE)
        .select_related("cadre", "village")
        .order_by("-start")
        .first()
    )


def _posting_for(actor: Actor | None, action: str) -> Posting:
    require(actor, action)
    posting = own_posting(actor)
    if posting is None:
        raise ValidationError("您的账号没有关联在岗的驻村干部，不能填报（请县委组织部在干部名册中关联账号）")
    require(actor, action, posting.village_id)
    return posting


def _today() -> date:
    return timezone.localdate()


def _text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}", extra={"field": field})
    if len(text) > limit:
        raise ValidationError(f"{label}最多 {limit} 个字（现有 {len(text)} 个）", extra={"field": field})
    return text


def _household(posting: Posting, household_no: str | None) -> Household | None:
    no = (household_no or "").strip()
    if not no:
        return None
    household = Household.objects.filter(household_no=no).only("pk", "village_id", "household_no").first()
    if household is None or household.village_id != posting.village_id:
        raise ValidationError(f"户编号 {no} 不是本村（{posting.village.name}）的农户", extra={"field": "household"})
    return household


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError("金额应为数字（万元）", extra={"field": "amount"}) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e10"):
        raise ValidationError("金额应大于 0（万元）", extra={"field": "amount"})
    return amount.quantize(Decimal("0.01"))


def _coordinate(value: Any, field: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError("位置应为数字（可不填）", extra={"field": field}) from None
    if not number.is_finite() or abs(number) > bound:
        raise ValidationError("位置超出范围（可不填）", extra={"field": field})
    return number.quantize(Decimal("0.000001"))


def _log_date(posting: Posting, value: date, edit_days: int) -> date:
    today = _today()
    if value > today:
        raise ValidationError("日期不能晚于今天", extra={"field": "date"})
    if value < posting.start:
        raise ValidationError(f"日期早于到岗日期 {posting.start:%Y-%m-%d}", extra={"field": "date"})
    if value < today - timedelta(days=edit_days):
        raise ValidationError(
            f"只能补记 {edit_days} 天以内的工作（{today - timedelta(days=edit_days):%Y-%m-%d} 起）",
            extra={"field": "date"},
        )
    return value


TALLY_UPSERT = (
    "INSERT INTO fieldwork_logtally (village_id, year, month, kind, count, amount) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (village_id, year, month, kind) DO UPDATE SET count = fieldwork_logtally.count + excluded.count, "
    "amount = fieldwork_logtally.amount + excluded.amount"
)


def _tally(village: str, day: date, kind: str, count: int, amount: Decimal | int | None) -> None:
    """Add ``count`` entries (and ``amount``) to the village's month in one statement (PostgreSQL and SQLite both
    upsert on the unique key), so concurrent entries of one village never lose a count."""
    if count < 0:  # taking an entry away: its month's row exists (the candidate row of an upsert may not be negative)
        LogTally.objects.filter(village_id=village, year=day.year, month=day.month, kind=kind).update(
            count=F("count") + count, amount=F("amount") + Decimal(amount or 0)
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(TALLY_UPSERT, [village, day.year, day.month, kind, count, Decimal(amount or 0)])


@dataclass(frozen=True)
class LogInput:
    kind: str
    date: date
    content: str
    household_no: str = ""
    purpose: str = ""
    amount: Any = None
    funds_source: str = ""
    latitude: Any = None
    longitude: Any = None
    risk: str = ""  # a risk of return to poverty found on a visit (monitoring.choices.RiskType): a monitoring lead


def _clean_log(posting: Posting, data: LogInput, edit_days: int) -> dict[str, Any]:
    if data.kind not in LogKind.values:
        raise ValidationError(f"类型应为：{'、'.join(LogKind.labels)}", extra={"field": "kind"})
    out: dict[str, Any] = {
        "kind": data.kind,
        "date": _log_date(posting, data.date, edit_days),
        "content": _text(data.content, "content", "情况记录", 2000),
        "purpose": _text(data.purpose, "purpose", "事由", 100, required=False),
        "household": _household(posting, data.household_no),
        "latitude": _coordinate(data.latitude, "latitude", 90),
        "longitude": _coordinate(data.longitude, "longitude", 180),
        "amount": None,
        "funds_source": "",
    }
    if data.kind == LogKind.VISIT and out["household"] is None:
        raise ValidationError("走访农户须填写户编号", extra={"field": "household"})
    if data.kind == LogKind.PROJECT:
        out["amount"] = _amount(data.amount)
        out["funds_source"] = _text(data.funds_source, "funds_source", "资金来源", 100)
    elif data.amount not in (None, ""):
        raise ValidationError("只有“引进项目资金”填写金额", extra={"field": "amount"})
    return out


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.household_no if isinstance(v, Household) else str(v) if isinstance(v, date | Decimal) else v)
        for k, v in values.items()
        if v not in (None, "")
    }


@transaction.atomic
def worklog_add(*, actor: Actor | None, data: LogInput) -> WorkLog:
    """A new entry of the actor's 民情日记 in their posting's village; the village's monthly tally moves with it."""
    posting = _posting_for(actor, "fieldwork.log")
    values = _clean_log(posting, data, int(param("worklog_edit_days", _today().year)))
    log = WorkLog.objects.create(
        posting=posting, village_id=posting.village_id, author_id=actor.pk if actor else None, **values
    )
    _tally(posting.village_id, log.date, log.kind, 1, log.amount)
    audit_record(
        actor=actor, action="fieldwork.log_add", entity=log, changes={k: [None, v] for k, v in _shown(values).items()}
    )
    if data.risk:
        _risk_found(actor, log, data.risk)
    return log


def _risk_found(actor: Actor | None, log: WorkLog, risk: str) -> None:
    """A visit that found a risk of return to poverty is a monitoring lead (干部走访排查): it opens the household's
    monitoring case, or joins its open one, referring to this entry."""
    if log.kind != LogKind.VISIT or log.household is None:
        raise ValidationError("发现返贫致贫风险须在“走访农户”记录中选择农户", extra={"field": "risk"})
    monitoring_services.case_intake(actor=actor, household=log.household, channel=Channel.VISIT, on=log.date,
                                    risk=risk, detail=log.content[:500], ref=f"worklog:{log.pk}")  # fmt: skip


def worklog_locked_reason(actor: Actor | None, log: WorkLog) -> str | None:
    """Why ``actor`` may not edit ``log`` (None when they may): only its author, within the edit window."""
    if actor is None or log.author_id != actor.pk:
        return "只有填报人本人可以修改"
    days = int(param("worklog_edit_days", _today().year))
    last_day = timezone.localtime(log.created_at).date() + timedelta(days=days)
    if _today() > last_day:
        return f"填报已超过 {days} 天，记录已于 {last_day + timedelta(days=1):%Y-%m-%d} 锁定"
    return None


@transaction.atomic
def worklog_edit(*, actor: Actor | None, log: WorkLog, data: LogInput) -> WorkLog:
    """Its author corrects an entry within ``worklog_edit_days`` days of entering it; the tallies follow."""
    posting = _posting_for(actor, "fieldwork.log")
    log = WorkLog.objects.select_for_update().get(pk=log.pk)
    reason = worklog_locked_reason(actor, log)
    if reason is not None or log.posting_id != posting.pk:
        raise PermissionDeniedError(reason or "只能修改本人在本次派驻中的记录")
    days = int(param("worklog_edit_days", _today().year))
    values = _clean_log(posting, data, days + (_today() - timezone.localtime(log.created_at).date()).days)
    before = {k: getattr(log, k) for k in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return log
    _tally(log.village_id, log.date, log.kind, -1, -(log.amount or 0))
    for k, v in changed.items():
        setattr(log, k, v)
    log.save()
    _tally(log.village_id, log.date, log.kind, 1, log.amount)
    old, new = _shown({k: before[k] for k in changed}), _shown(changed)
    audit_record(
        actor=actor, action="fieldwork.log_edit", entity=log, changes={k: [old.get(k), new.get(k)] for k in changed}
    )
    return log


@transaction.atomic
def request_add(
    *,
    actor: Actor | None,
    requester: str,
    category: str,
    content: str,
    received: date,
    deadline: date,
    household_no: str = "",
) -> ResidentRequest:
    """A resident's request taken in the village, with the deadline by which it is answered."""
    posting = _posting_for(actor, "fieldwork.log")
    if category not in RequestCategory.values:
        raise ValidationError(f"类别应为：{'、'.join(RequestCategory.labels)}", extra={"field": "category"})
    if received > _today():
        raise ValidationError("受理日期不能晚于今天", extra={"field": "received"})
    if deadline < received:
        raise ValidationError("办理时限不能早于受理日期", extra={"field": "deadline"})
    item = ResidentRequest.objects.create(
        posting=posting,
        village_id=posting.village_id,
        household=_household(posting, household_no),
        requester=_text(requester, "requester", "诉求人", 32),
        category=category,
        content=_text(content, "content", "诉求内容", 2000),
        received=received,
        deadline=deadline,
        author_id=actor.pk if actor else None,
    )
    audit_record(
        actor=actor,
        action="fieldwork.request_add",
        entity=item,
        changes={"category": [None, category], "deadline": [None, str(deadline)]},
    )
    return item


@transaction.atomic
def request_answer(
    *, actor: Actor | None, item: ResidentRequest, answer: str, on: date | None = None
) -> ResidentRequest:
    """The answer reported back to the resident: by a cadre posted to the request's village."""
    posting = _posting_for(actor, "fieldwork.log")
    item = ResidentRequest.objects.select_for_update().get(pk=item.pk)
    if item.village_id != posting.village_id:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if item.status == RequestStatus.ANSWERED:
        raise ValidationError("该诉求已答复")
    on = on or _today()
    if on < item.received or on > _today():
        raise ValidationError("答复日期应在受理日期和今天之间", extra={"field": "answered_on"})
    item.answer, item.answered_on = _text(answer, "answer", "办理结果", 2000), on
    item.status = RequestStatus.ANSWERED
    item.save(update_fields=["answer", "answered_on", "status"])
    late = (on - item.deadline).days
    audit_record(
        actor=actor,
        action="fieldwork.request_answer",
        entity=item,
        changes={
            "status": [RequestStatus.OPEN, RequestStatus.ANSWERED],
            "answered_on": [None, str(on)],
            **({"late_days": [None, late]} if late > 0 else {}),
        },
    )
    return item


@transaction.atomic
def leave_request(*, actor: Actor | None, kind: str, start: date, end: date, reason: str) -> LeaveRequest:
    """A cadre asks for leave; it goes to the township first (``LEAVE_CHAIN``)."""
    posting = _posting_for(actor, "fieldwork.leave")
    Posting.objects.select_for_update().filter(pk=posting.pk).first()  # one request at a time per posting
    if kind not in LeaveKind.values:
        raise ValidationError(f"类型应为：{'、'.join(LeaveKind.labels)}", extra={"field": "kind"})
    if end < start:
        raise ValidationError("结束日期不能早于开始日期", extra={"field": "end"})
    if start < posting.start:
        raise ValidationError(f"开始日期早于到岗日期 {posting.start:%Y-%m-%d}", extra={"field": "start"})
    days = (end - start).days + 1
    if days > MAX_LEAVE_DAYS:
        raise ValidationError(f"一次请假最多 {MAX_LEAVE_DAYS} 天（现为 {days} 天）", extra={"field": "end"})
    clash = (
        LeaveRequest.objects.filter(posting=posting, start__lte=end, end__gte=start)
        .filter(status__in=[*PENDING_LEAVE, LeaveStatus.APPROVED])
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"与已有的请假（{clash.start:%Y-%m-%d} 至 {clash.end:%Y-%m-%d}，{clash.get_status_display()}）重叠",
            extra={"field": "start"},
        )
    leave = LeaveRequest.objects.create(
        posting=posting,
        village_id=posting.village_id,
        kind=kind,
        start=start,
        end=end,
        days=days,
        reason=_text(reason, "reason", "事由", 200),
        author_id=actor.pk if actor else None,
    )
    audit_record(
        actor=actor,
        action="fieldwork.leave_request",
        entity=leave,
        changes={
            "kind": [None, kind],
            "start": [None, str(start)],
            "end": [None, str(end)],
            "days": [None, days],
            "status": [None, leave.status],
        },
    )
    return leave


# Who decides a leave at each step: the level of the deciding officer, and the step after an approval.
LEAVE_CHAIN: dict[str, tuple[int, str]] = {
    LeaveStatus.PENDING_TOWNSHIP: (codes.TOWNSHIP, "乡镇党委"),
    LeaveStatus.PENDING_COUNTY: (codes.COUNTY, "县委组织部"),
}


def leave_decider_reason(actor: Actor | None, leave: LeaveRequest) -> str | None:
    """Why ``actor`` may not decide ``leave`` now (None when they may)."""
    if leave.status not in LEAVE_CHAIN:
        return f"该申请{leave.get_status_display()}，不能再审批"
    level, who = LEAVE_CHAIN[leave.status]
    if actor is None or actor.is_superuser:
        return None
    if actor.scope_level != level:
        return f"该申请待{who}审批"
    return None


@transaction.atomic
def leave_decide(*, actor: Actor | None, leave: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """The township decides leave of up to ``leave_township_max_days`` days; a longer leave it approves, or one asked
    for after it began (补假), goes on to the county's organization department. A final approval that takes the
    cadre's leave in the year past ``leave_days_year_max`` proposes their adjustment (recall)."""
    require(actor, "fieldwork.leave_approve", leave.village_id)
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    reason = leave_decider_reason(actor, leave)
    if reason is not None:
        raise PermissionDeniedError(reason)
    note = _text(note, "note", "审批意见", 200, required=not approve)
    before = leave.status
    by = _username(actor)
    limit = int(param("leave_township_max_days", leave.start.year))
    if before == LeaveStatus.PENDING_TOWNSHIP:
        leave.township_decision, leave.township_by = note or "同意", by
        # longer leave, and leave asked for after it began (补假: it may excuse an absence a spot check found), go on
        # to the county
        late = leave.start < timezone.localtime(leave.created_at).date()
        after = LeaveStatus.PENDING_COUNTY if approve and (leave.days > limit or late) else None
    else:
        leave.county_decision, leave.county_by = note or "同意", by
        after = None
    leave.status = after or (LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED)
    leave.decided_at = timezone.now()
    leave.save()
    audit_record(
        actor=actor,
        action="fieldwork.leave_decide",
        entity=leave,
        changes={"status": [before, leave.status], **({"note": [None, note]} if note else {})},
    )
    if leave.status == LeaveStatus.APPROVED and leave.kind not in IN_VILLAGE_LEAVE:
        _propose_for_leave(actor, leave)
    return leave


@transaction.atomic
def leave_cancel(*, actor: Actor | None, leave: LeaveRequest) -> LeaveRequest:
    """The cadre withdraws a leave request nobody has decided yet."""
    posting = _posting_for(actor, "fieldwork.leave")
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.posting_id != posting.pk:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if leave.status not in PENDING_LEAVE:
        raise ValidationError(f"该申请{leave.get_status_display()}，不能撤回")
    before, leave.status = leave.status, LeaveStatus.CANCELLED
    leave.save(update_fields=["status"])
    audit_record(actor=actor, action="fieldwork.leave_cancel", entity=leave, changes={"status": [before, leave.status]})
    return leave


def _propose_for_leave(actor: Actor | None, leave: LeaveRequest) -> Adjustment | None:
    for year in sorted({leave.start.year, leave.end.year}):  # a leave across New Year counts in both
        made = _propose_for_leave_year(actor, leave, year)
        if made is not None:
            return made
    return None


def _propose_for_leave_year(actor: Actor | None, leave: LeaveRequest, year: int) -> Adjustment | None:
    from .selectors import year_leave

    limit = int(param("leave_days_year_max", year))
    taken = year_leave(posting_id=leave.posting_id, year=year)
    if taken <= limit:
        return None
    if (
        Adjustment.objects.filter(posting_id=leave.posting_id)
        .filter(Q(status=AdjustmentStatus.PROPOSED) | Q(year=year))
        .exists()
    ):
        return None
    item = Adjustment.objects.create(
        posting_id=leave.posting_id,
        village_id=leave.village_id,
        by_rule=True,
        proposed_by="系统",
        year=year,
        reason=f"{year} 年请假 {taken} 天，超过 {limit} 天",
        evidence=f"最近一次：{leave.get_kind_display()} {leave.start:%Y-%m-%d} 至 {leave.end:%Y-%m-%d}"
        f"（{leave.days} 天）",
    )
    audit_record(
        actor=actor,
        action="fieldwork.adjust_propose",
        entity=item,
        changes={"reason": [None, item.reason], "by_rule": [None, True]},
    )
    return item


@transaction.atomic
def adjustment_propose(*, actor: Actor | None, posting: Posting, reason: str, evidence: str) -> Adjustment:
    """The county's organization department proposes adjusting a cadre (作用发挥不好、群众反映差) with evidence."""
    require(actor, "fieldwork.adjust", posting.village_id)
    if posting.status != PostingStatus.ACTIVE:
        raise ValidationError("只能对在岗人员提出调整")
    if Adjustment.objects.filter(posting=posting, status=AdjustmentStatus.PROPOSED).exists():
        raise ValidationError("该干部已有待审批的调整建议")
    item = Adjustment.objects.create(
        posting=posting,
        village_id=posting.village_id,
        reason=_text(reason, "reason", "调整理由", 200),
        evidence=_text(evidence, "evidence", "依据", 2000),
        proposed_by=_username(actor),
    )
    audit_record(actor=actor, action="fieldwork.adjust_propose", entity=item, changes={"reason": [None, item.reason]})
    return item


@transaction.atomic
def adjustment_decide(*, actor: Actor | None, item: Adjustment, approve: bool, note: str = "") -> Adjustment:
    """Approval recalls the cadre (``cadres.services.posting_recall``; the replacement is chosen there or in the
    next dispatch plan); refusal keeps them in post with the reason."""
    require(actor, "fieldwork.adjust", item.village_id)
    item = Adjustment.objects.select_for_update().get(pk=item.pk)
    if item.status != AdjustmentStatus.PROPOSED:
        raise ValidationError(f"该建议{item.get_status_display()}，不能再审批")
    note = _text(note, "note", "审批意见", 200, required=not approve)
    if approve:
        posting_recall(actor=actor, posting=item.posting, reason=f"调整：{item.reason}"[:100], on=_today())
    before = item.status
    item.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
    item.decided_by, item.decision, item.decided_at = _username(actor), note, timezone.now()
    item.save()
    audit_record(
        actor=actor,
        action="fieldwork.adjust_decide",
        entity=item,
        changes={"status": [before, item.status], **({"note": [None, note]} if note else {})},
    )
    return item


def _posting_in_area(actor: Actor | None, action: str, posting: Posting) -> Posting:
    require(actor, action, posting.village_id)
    return posting


@transaction.atomic
def inspection_record(
    *, actor: Actor | None, posting: Posting, on: date, kind: str, present: bool, note: str = ""
) -> Inspection:
    """A spot check (暗访/抽查) of a posted cadre; found away with no approved leave covering the day, it counts as
    an unexcused absence in the year's rating (``analytics.fieldwork.ratings``)."""
    _posting_in_area(actor, "fieldwork.inspect", posting)
    if kind not in InspectionKind.values:
        raise ValidationError(f"方式应为：{'、'.join(InspectionKind.labels)}", extra={"field": "kind"})
    if on > _today():
        raise ValidationError("日期不能晚于今天", extra={"field": "date"})
    if on < posting.start or (posting.end is not None and on > posting.end):
        raise ValidationError("该日期不在此干部的派驻期内", extra={"field": "date"})
    item = Inspection.objects.create(
        posting=posting, village_id=posting.village_id, date=on, kind=kind, present=present,
        note=_text(note, "note", "情况", 300, required=not present), inspector=_username(actor),
    )  # fmt: skip
    audit_record(actor=actor, action="fieldwork.inspect", entity=item,
                 changes={"date": [None, str(on)], "present": [None, present]})  # fmt: skip
    return item


def _username(actor: Actor | None) -> str:
    return getattr(actor, "username", "") or "系统"


@transaction.atomic
def violation_record(*, actor: Actor | None, posting: Posting, red_line: RedLine, on: date, evidence: str) -> Violation:
    """A red line crossed, with its evidence. Its consequence follows: a rating cap (read by the year's rating),
    a recall proposal (an adjustment by rule), or a referral to discipline inspection (listed for them)."""
    _posting_in_area(actor, "fieldwork.inspect", posting)
    if not red_line.active:
        raise ValidationError(f"“{red_line.title}”已停用", extra={"field": "red_line"})
    if on > _today() or on < posting.start:
        raise ValidationError("发生日期应在到岗日期和今天之间", extra={"field": "date"})
    item = Violation.objects.create(
        posting=posting, village_id=posting.village_id, red_line=red_line, date=on,
        evidence=_text(evidence, "evidence", "事实和依据", 2000), recorded_by=_username(actor),
    )  # fmt: skip
    audit_record(actor=actor, action="fieldwork.violation", entity=item,
                 changes={"red_line": [None, red_line.code], "date": [None, str(on)],
                          "severity": [None, red_line.severity]})  # fmt: skip
    if (
        red_line.severity == Severity.RECALL
        and not Adjustment.objects.filter(posting=posting, status=AdjustmentStatus.PROPOSED).exists()
    ):
        proposal = Adjustment.objects.create(
            posting=posting, village_id=posting.village_id, by_rule=True, proposed_by="系统", year=on.year,
            reason=f"违反负面清单：{red_line.title}"[:200], evidence=f"{on:%Y-%m-%d}：{item.evidence}"[:2000],
        )  # fmt: skip
        audit_record(actor=actor, action="fieldwork.adjust_propose", entity=proposal,
                     changes={"reason": [None, proposal.reason], "by_rule": [None, True]})  # fmt: skip
    return item


@transaction.atomic
def violation_statement(*, actor: Actor | None, item: Violation, statement: str) -> Violation:
    """The cadre's own statement on a violation recorded against them."""
    posting = _posting_for(actor, "fieldwork.log")
    item = Violation.objects.select_for_update().get(pk=item.pk)
    if item.posting_id != posting.pk:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    before, item.statement = item.statement, _text(statement, "statement", "本人说明", 2000)
    item.save(update_fields=["statement"])
    audit_record(actor=actor, action="fieldwork.violation_statement", entity=item,
                 changes={"statement": [before or None, item.statement]})  # fmt: skip
    return item


@transaction.atomic
def red_line_set(
    *, actor: Actor | None, code: str, title: str, severity: str, rating_cap: str = "", active: bool = True
) -> RedLine:
    """Add or change an item of the province's list of red lines (province administrators)."""
    require(actor, "fieldwork.red_lines")
    if severity not in Severity.values:
        raise ValidationError(f"处理应为：{'、'.join(Severity.labels)}", extra={"field": "severity"})
    if rating_cap and rating_cap not in Grade.values:
        raise ValidationError(f"考核等次应为：{'、'.join(Grade.values)}", extra={"field": "rating_cap"})
    code = _text(code, "code", "编号", 16)
    item = RedLine.objects.select_for_update().filter(code=code).first()
    before = None if item is None else [item.title, item.severity, item.rating_cap, item.active]
    if item is None:
        item = RedLine(code=code, order=RedLine.objects.count() + 1)
    item.title, item.severity = _text(title, "title", "内容", 100), severity
    item.rating_cap, item.active = rating_cap, active
    item.save()
    audit_record(actor=actor, action="fieldwork.red_lines", entity=None, entity_type="fieldwork.redline",
                 entity_id=code, area_code=GUIZHOU,
                 changes={"red_line": [before, [item.title, item.severity, item.rating_cap, item.active]]})  # fmt: skip
    return item


def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError("得分应为 0–100 的数字", extra={"field": "score"}) from None
    if not score.is_finite() or score < 0 or score > 100:
        raise ValidationError("得分应为 0–100 的数字", extra={"field": "score"})
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def rating_scores_set(*, actor: Actor | None, posting: Posting, year: int, period: str, scores: dict[str, Any]) -> int:
    """One period's scores of a posted cadre by each rater (blank = not rated); entered by the organization
    department from the raters' forms. Returns how many changed."""
    _posting_in_area(actor, "fieldwork.rate", posting)
    if period not in Period.values:
        raise ValidationError(f"期间应为：{'、'.join(Period.labels)}", extra={"field": "period"})
    if not posting.start.year <= year <= _today().year:
        raise ValidationError(f"{year} 年不在此干部的派驻期内", extra={"field": "year"})
    clean = {}
    for rater, value in scores.items():
        if rater not in Rater.values:
            raise ValidationError(f"评价主体应为：{'、'.join(Rater.labels)}", extra={"field": rater})
        if value not in (None, ""):
            try:
                clean[rater] = _score(value)
            except ValidationError as exc:
                raise ValidationError(f"{Rater(rater).label}：{exc.message}", extra={"field": rater}) from None
    existing = {r.rater: r for r in RatingScore.objects.filter(posting=posting, year=year, period=period)}
    changes: dict[str, list[Any]] = {}
    for rater, score in clean.items():
        row = existing.get(rater)
        if row is not None and row.score == score:
            continue
        changes[rater] = [None if row is None else str(row.score), str(score)]
        RatingScore.objects.update_or_create(
            posting=posting, year=year, period=period, rater=rater,
            defaults={"village_id": posting.village_id, "score": score, "entered_by": _username(actor)},
        )  # fmt: skip
    if changes:
        audit_record(actor=actor, action="fieldwork.rating_scores", entity=posting,
                     changes={"year": [None, year], "period": [None, period], **changes})  # fmt: skip
    return len(changes)


@dataclass(frozen=True)
class RatingRun:
    year: int
    area_code: str
    rated: int
    unscored: int
    capped: int
    grades: dict[str, int]
    proposed: int = 0


@transaction.atomic
def ratings_compute(*, actor: Actor | None, area_code: str, year: int, proposals: bool = False) -> RatingRun:
    """The year's rating of every cadre posted in the area (``analytics.fieldwork.ratings``): written per posting
    with the caps' reasons, and recorded as the cadre's last rating (the next dispatch's eligibility). With
    ``proposals``, the year-end review's adjustment proposals too (``adjustments_review``), from the same reading."""
    from .tables import rating_tables

    area_code = codes.normalize(area_code)
    require(actor, "fieldwork.rate", area_code)
    if proposals:
        require(actor, "fieldwork.adjust", area_code)
    progress.report("读取考核评分、暗访抽查、请假和负面清单")
    tables = rating_tables(area_code, year)
    progress.report(f"评定等次（{tables['postings'].num_rows:,} 名干部）")
    computed = review(tables, year)
    run = _ratings_save(actor, area_code, year, tables["postings"].num_rows, computed[0])
    if proposals:
        run = dataclasses.replace(run, proposed=_proposals_save(actor, area_code, year, computed))
    return run


def _ratings_save(actor: Actor | None, area_code: str, year: int, posted: int, result: Any) -> RatingRun:
    from fupin.cadres.services import cadre_ratings_record

    progress.report("保存评定结果")
    ids = result.column("posting_id").to_pylist()
    postings: dict[int, Posting] = {}
    for start in range(0, len(ids), 5000):
        chunk = Posting.objects.filter(pk__in=ids[start : start + 5000]).only("pk", "village_id", "role", "cadre_id")
        postings.update((p.pk, p) for p in chunk)
    existing: dict[int, Rating] = {}
    for start in range(0, len(ids), 5000):
        existing.update(
            (r.posting_id, r) for r in Rating.objects.filter(year=year, posting_id__in=ids[start : start + 5000])
        )
    grades_by_cadre: dict[int, str] = {}
    counts: dict[str, int] = {}
    capped = 0
    new: list[Rating] = []
    changed: list[Rating] = []
    audits: list[Change] = []
    fields = ("score", "earned", "grade", "reasons", "absences")
    for row in result.to_pylist():
        posting = postings[row["posting_id"]]
        grade, earned = BY_RANK[row["rank"]], BY_RANK[row["earned"]]
        reasons = rating_reasons(row)
        capped += bool(reasons)
        counts[grade] = counts.get(grade, 0) + 1
        values = {"score": Decimal(str(round(row["score"], 2))), "earned": earned, "grade": grade,
                  "reasons": "；".join(reasons)[:300], "absences": row["absences"]}  # fmt: skip
        rating = existing.get(posting.pk)
        if rating is None:
            new.append(Rating(posting=posting, village_id=posting.village_id, year=year, **values))
            first: dict[str, list[Any]] = {"grade": [None, grade], "score": [None, str(values["score"])]}
            audits.append(Change("fieldwork.rating", None, first, posting.village_id, "fieldwork.rating",
                                 f"{posting.pk}/{year}"))  # fmt: skip
        elif any(getattr(rating, k) != v for k, v in values.items()):
            audits.append(Change("fieldwork.rating", rating, {"grade": [rating.grade, grade],
                                 "score": [str(rating.score), str(values["score"])]}, posting.village_id))  # fmt: skip
            for k, v in values.items():
                setattr(rating, k, v)
            rating.computed_at = timezone.now()
            changed.append(rating)
        if posting.role == "first_secretary" or posting.cadre_id not in grades_by_cadre:
            grades_by_cadre[posting.cadre_id] = grade
    Rating.objects.bulk_create(new, batch_size=2000)
    audit_record_many(actor=actor, changes=audits)
    Rating.objects.bulk_update(changed, [*fields, "computed_at"], batch_size=2000)
    cadre_ratings_record(actor=actor, year=year, grades=grades_by_cadre)
    run = RatingRun(year, area_code, len(postings), posted - len(postings), capped, counts)
    audit_record(actor=actor, action="fieldwork.ratings", entity=None, entity_type="fieldwork.rating",
                 entity_id=str(year), area_code=area_code,
                 changes={"ratings": [None, {"rated": run.rated, "capped": capped, **counts}]})  # fmt: skip
    return run


def rating_params(year: int) -> dict[str, Any]:
    weights = {r: float(param(f"rating_weight_{r}", year)) for r in Rater.values}
    caps = tuple(int(param(k, year)) for k in ("absence_cap_excellent", "absence_cap_competent", "absence_cap_basic"))
    grade_min = tuple(
        float(param(k, year)) for k in ("rating_excellent_min", "rating_competent_min", "rating_basic_min")
    )
    return {"weights": weights, "quarters_weight": float(param("rating_quarters_weight", year)),
            "grade_min": grade_min, "absence_caps": caps}  # fmt: skip


def review(tables: dict[str, Any], year: int, engine: str = "duckdb", *, pg_url: str = "") -> tuple[Any, Any, Any]:
    """The year-end review over the area's tables: the ratings, the leave per posting (with ``over``) and the
    postings due for adjustment with their reasons (``analytics.fieldwork``), as Arrow tables."""
    from fupin.analytics import engines
    from fupin.analytics import fieldwork as rules

    limit = int(param("leave_days_year_max", year))
    with engines.load(tables, engine, pg_url=pg_url) as t:
        rated = rules.ratings(t["postings"], t["scores"], t["inspections"], t["leaves"], t["violations"],
                              year=year, **rating_params(year))  # fmt: skip
        leave = rules.leave_over_limit(t["leaves"], year=year, limit=limit)
        due = rules.adjustments_due(rated, leave, t["violations"], year=year)
        return (rated.to_pyarrow().sort_by("posting_id"), leave.to_pyarrow().sort_by("posting_id"),
                due.to_pyarrow().sort_by([("posting_id", "ascending"), ("reason", "ascending")]))  # fmt: skip


def rating_reasons(row: dict[str, Any]) -> list[str]:
    """Why a rating is below what its score earned, in Chinese."""
    reasons = []
    if row["absence_cap"] < row["earned"]:
        reasons.append(f"暗访抽查无故不在岗 {row['absences']} 次，最高评为{BY_RANK[row['absence_cap']]}")
    if row["violation_cap"] < row["earned"]:
        reasons.append(f"违反负面清单，最高评为{BY_RANK[row['violation_cap']]}")
    return reasons


def _due_reason(reason: str, year: int, leave_days: int | None, limit: int, rated: dict[str, Any] | None) -> str:
    if reason == "rating":
        why = rating_reasons(rated) if rated else []
        score = f"综合得分 {rated['score']:.2f}" if rated else ""
        return f"{year} 年度考核不称职（{'；'.join(why) or score}）" if why or score else f"{year} 年度考核不称职"
    if reason == "leave":
        return f"{year} 年请假 {leave_days} 天，超过 {limit} 天"
    return "违反负面清单（召回调整类事项）"


@transaction.atomic
def adjustments_review(*, actor: Actor | None, area_code: str, year: int) -> int:
    """The year-end review of the area's posted cadres: everyone due for adjustment by the rules (不称职, more
    leave than allowed, a red line that recalls) without a proposal this year gets one, with every reason.
    Returns the proposals made."""
    from .tables import rating_tables

    area_code = codes.normalize(area_code)
    require(actor, "fieldwork.adjust", area_code)
    return _proposals_save(actor, area_code, year, review(rating_tables(area_code, year), year))


def _proposals_save(actor: Actor | None, area_code: str, year: int, computed: tuple[Any, Any, Any]) -> int:
    rated, leave, due = computed
    rows = {r["posting_id"]: r for r in rated.to_pylist()}
    if due.num_rows == 0:
        return 0
    limit = int(param("leave_days_year_max", year))
    days = dict(zip(leave.column("posting_id").to_pylist(), leave.column("leave_days").to_pylist(), strict=True))
    reasons: dict[int, list[str]] = {}
    for pid, reason in zip(due.column("posting_id").to_pylist(), due.column("reason").to_pylist(), strict=True):
        reasons.setdefault(pid, []).append(_due_reason(reason, year, days.get(pid), limit, rows.get(pid)))
    open_ = set(
        Adjustment.objects.filter(posting_id__in=list(reasons))
        .filter(Q(status=AdjustmentStatus.PROPOSED) | Q(year=year))
        .values_list("posting_id", flat=True)
    )
    postings = Posting.objects.filter(pk__in=[p for p in reasons if p not in open_], status=PostingStatus.ACTIVE)
    made = [
        Adjustment(posting=p, village_id=p.village_id, by_rule=True, year=year, proposed_by="系统（年度考核）",
                   reason="；".join(reasons[p.pk])[:200], evidence=f"{year} 年度考核和请假、负面清单记录")
        for p in postings
    ]  # fmt: skip
    Adjustment.objects.bulk_create(made, batch_size=2000)
    audit_record_many(actor=actor, changes=[
        Change("fieldwork.adjust_propose", None, {"reason": [None, a.reason], "by_rule": [None, True]}, a.village_id,
               "fieldwork.adjustment", f"{a.posting_id}/{year}") for a in made
    ])  # fmt: skip
    if made:
        audit_record(actor=actor, action="fieldwork.adjust_review", entity=None, entity_type="fieldwork.adjustment",
                     entity_id=str(year), area_code=area_code,
                     changes={"proposed": [None, len(made)]})  # fmt: skip
    return len(made)


@transaction.atomic
def tallies_rebuild(*, actor: Actor | None, area_code: str, year: int) -> int:
    """Recount the area's monthly tallies of ``year`` from the work log itself (after a bulk load by another
    system, or to verify them): the rows are replaced in one transaction. Returns the rows written."""
    area_code = codes.normalize(area_code)
    require(actor, "cadres.manage", area_code)
    lo, hi = codes.code_range(area_code)
    month = (
        "EXTRACT(MONTH FROM date)" if connection.vendor == "postgresql" else "CAST(strftime('%%m', date) AS INTEGER)"
    )
    progress.report("按村、月、类型汇总民情日记")
    before = LogTally.objects.filter(year=year, village_id__gte=lo, village_id__lte=hi).delete()[0]
    with connection.cursor() as cursor:  # the database aggregates and writes: no row comes to Python
        cursor.execute(
            "INSERT INTO fieldwork_logtally (village_id, year, month, kind, count, amount) "  # noqa: S608 - fixed text
            f"SELECT village_id, %s, {month}, kind, COUNT(*), COALESCE(SUM(amount), 0) FROM fieldwork_worklog "
            "WHERE village_id BETWEEN %s AND %s AND date BETWEEN %s AND %s GROUP BY village_id, 3, kind",
            [year, lo, hi, date(year, 1, 1), date(year, 12, 31)],
        )
        made = cursor.rowcount
    audit_record(actor=actor, action="fieldwork.tallies_rebuild", entity=None, entity_type="fieldwork.logtally",
                 entity_id=str(year), area_code=area_code, changes={"rows": [before, made]})  # fmt: skip
    return int(made)


@dataclass(frozen=True)
class ItemInput:
    title: str
    due: date | None = None


@transaction.atomic
def guidance_publish(
    *, actor: Actor | None, area_code: str, kind: str, title: str, year: int, quarter: int | None,
    items: list[ItemInput],
) -> Guidance:  # fmt: skip
    """Publish a responsibility list or a quarter's work guidance to every cadre posted in the area."""
    area_code = codes.normalize(area_code)
    require(actor, "fieldwork.guide", area_code)
    if kind not in GuidanceKind.values:
        raise ValidationError(f"类型应为：{'、'.join(GuidanceKind.labels)}", extra={"field": "kind"})
    if kind == GuidanceKind.QUARTERLY and quarter not in (1, 2, 3, 4):
        raise ValidationError("季度工作指导要点须写明季度（1–4）", extra={"field": "quarter"})
    if not items:
        raise ValidationError("请至少列出一项", extra={"field": "items"})
    if len(items) > 100:
        raise ValidationError("一份清单最多 100 项", extra={"field": "items"})
    for k, item in enumerate(items, start=1):
        _text(item.title, "items", f"第 {k} 项", 200)
        if item.due is not None and item.due.year not in (year, year + 1):
            raise ValidationError(f"第 {k} 项的完成时限 {item.due:%Y-%m-%d} 不在 {year} 年", extra={"field": "items"})
    guidance = Guidance.objects.create(
        area_code=area_code, kind=kind, title=_text(title, "title", "标题", 100), year=year,
        quarter=quarter if kind == GuidanceKind.QUARTERLY else None, published_by=_username(actor),
    )  # fmt: skip
    GuidanceItem.objects.bulk_create(
        [GuidanceItem(guidance=guidance, order=k, title=i.title.strip(), due=i.due) for k, i in enumerate(items, 1)]
    )
    audit_record(actor=actor, action="fieldwork.guide", entity=None, entity_type="fieldwork.guidance",
                 entity_id=str(guidance.pk), area_code=area_code,
                 changes={"title": [None, guidance.title], "items": [None, len(items)]})  # fmt: skip
    return guidance


@transaction.atomic
def guidance_done(*, actor: Actor | None, item: GuidanceItem, log: WorkLog) -> GuidanceDone:
    """The cadre marks an item of a list published above their village done, with one of their own work-log
    entries as evidence."""
    posting = _posting_for(actor, "fieldwork.log")
    guidance = item.guidance
    if not codes.contains(guidance.area_code, posting.village_id):
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if log.posting_id != posting.pk:
        raise ValidationError("佐证须是本人本次派驻的民情日记", extra={"field": "log"})
    done, created = GuidanceDone.objects.get_or_create(
        item=item, posting=posting, defaults={"village_id": posting.village_id, "log": log, "done_on": log.date}
    )
    if not created:
        raise ValidationError("该事项已标记完成")
    audit_record(actor=actor, action="fieldwork.guide_done", entity=done,
                 changes={"item": [None, item.title], "log": [None, log.pk]})  # fmt: skip
    return done
