"""The writes of the leadership (压实责任的“一把手”): an area's leaders in their posts, their contact points (包保:
定点包干、联系点) and visits, and the stability rule — a poor county's Party secretary or government head is not
changed before the county exits (不脱贫不调整、不摘帽不调整) unless the province approves, with the reason. Each
checks its declared permission and audits old → new (the services of the schemes and cases are in ``services``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fupin.areas.models import Area, AreaClassification
from fupin.audit.services import audit_record
from fupin.core import codes
from fupin.core.actors import Actor, actor_name
from fupin.core.errors import NotFoundError, ValidationError
from fupin.core.parsing import choice_field, date_field, int_field, text_field
from fupin.core.permissions import require

from .choices import HEAD_POSTS, ChangeStatus, ContactKind, LeaderPost
from .models import ContactPoint, ContactVisit, Debriefing, Leader, LeaderChange

POOR_COUNTY = "poor_county"


def _today() -> date:
    return timezone.localdate()


def _area(actor: Actor | None, action: str, area_code: str) -> Area:
    code = codes.normalize(area_code)
    require(actor, action, code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    return area


def stability_flag(area: Area, post: str, on: date) -> str:
    """Why ending ``post`` of ``area`` on ``on`` needs the province's approval ("" when it does not): the rule
    ``analytics.assessment.stability_flags`` on the one change."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines
    from fupin.analytics.fieldwork import epoch_day

    if area.level != codes.COUNTY or post not in HEAD_POSTS:
        return ""
    years = list(
        AreaClassification.objects.filter(area=area, kind=POOR_COUNTY, year=on.year).values_list("year", flat=True)
    )
    spans = [(area.code, epoch_day(date(y, 1, 1)), epoch_day(date(y, 12, 31))) for y in years]
    tables = {
        "ended": pa.Table.from_pylist(
            [{"area_code": area.code, "post": post, "end_day": epoch_day(on)}], schema=rules.HEAD_POSTS_ENDED
        ),
        "poor": pa.Table.from_pylist(
            [dict(zip(rules.POOR_SPANS.names, s, strict=True)) for s in spans], schema=rules.POOR_SPANS
        ),
        "approvals": rules.APPROVALS.empty_table(),
    }
    with engines.load(tables, "duckdb") as t:
        hit = rules.stability_flags(t["ended"], t["poor"], t["approvals"]).to_pyarrow().num_rows
    return f"{area.name}为{on.year}年贫困县、尚未摘帽：调整{LeaderPost(post).label}须报省委组织部审批" if hit else ""


def stability_scan(area_code: str) -> list[dict[str, Any]]:
    """The heads of poor counties in the area who left while their county was poor, without an approved change
    (``analytics.assessment.stability_flags`` over the roster): county, post, the leader and the day."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines
    from fupin.analytics.fieldwork import epoch_day

    lo, hi = codes.code_range(codes.normalize(area_code))
    heads = list(
        Leader.objects.select_related("area").filter(
            area_id__gte=lo, area_id__lte=hi, area__level=codes.COUNTY, post__in=list(HEAD_POSTS), end__isnull=False
        )
    )
    if not heads:
        return []
    poor = AreaClassification.objects.filter(kind=POOR_COUNTY, area_id__gte=lo, area_id__lte=hi)
    approved = LeaderChange.objects.filter(area_id__gte=lo, area_id__lte=hi, status=ChangeStatus.APPROVED)
    tables = {
        "ended": pa.Table.from_pylist(
            [{"area_code": h.area_id, "post": h.post, "end_day": epoch_day(h.end)} for h in heads if h.end],
            schema=rules.HEAD_POSTS_ENDED,
        ),
        "poor": pa.Table.from_pylist(
            [
                {
                    "area_code": c.area_id,
                    "first_day": epoch_day(date(c.year, 1, 1)),
                    "last_day": epoch_day(date(c.year, 12, 31)),
                }
                for c in poor
            ],
            schema=rules.POOR_SPANS,
        ),
        "approvals": pa.Table.from_pylist(
            [{"area_code": a.area_id, "post": a.post, "day": epoch_day(a.on)} for a in approved], schema=rules.APPROVALS
        ),
    }
    with engines.load(tables, "duckdb") as t:
        hits = rules.stability_flags(t["ended"], t["poor"], t["approvals"]).to_pyarrow().to_pylist()
    by_key = {(h.area_id, h.post, epoch_day(h.end)): h for h in heads if h.end}
    out = [by_key[(r["area_code"], r["post"], r["end_day"])] for r in hits]
    return [{"leader": h, "area_id": h.area_id, "post": h.post, "end": h.end}
            for h in sorted(out, key=lambda h: (h.area_id, h.post, h.end or date.min))]  # fmt: skip


def _no_pending(leader: Leader) -> None:
    if LeaderChange.objects.filter(leader=leader, status=ChangeStatus.PENDING).exists():
        raise ValidationError(f"{leader.name}已有待省委组织部审批的调整，请待审批后再办理")


@dataclass
class Appointment:
    leader: Leader | None  # the new leader in post (None: the change waits for approval)
    change: LeaderChange | None  # the change held for approval


def _current(area: Area, post: str) -> Leader | None:
    return Leader.objects.select_for_update().filter(area=area, post=post, end__isnull=True).order_by("-start").first()


@transaction.atomic
def leader_appoint(
    *, actor: Actor | None, area_code: str, name: str, post: str, title: str, on: date | None, reason: str = ""
) -> Appointment:
    """Put ``name`` in ``post`` of the area from ``on``. A head post already held is a change: its holder leaves
    the day before; in a poor county not yet exited the change waits for the province's approval instead."""
    area = _area(actor, "assessment.leaders", area_code)
    p = choice_field(post, LeaderPost, "岗位")
    who, what = text_field(name, "姓名", 32), text_field(title, "职务", 60)
    sitting = _current(area, p) if p in HEAD_POSTS else None
    when = date_field(on, "任职日期", earliest=sitting.start if sitting else None)
    if sitting is not None:
        why = text_field(reason, "调整理由", 300)
        flag = stability_flag(area, p, when)
        if flag:
            _no_pending(sitting)
            change = LeaderChange.objects.create(area=area, post=p, leader=sitting, successor=who,
                                                 successor_title=what, on=when, reason=why, flag=flag,
                                                 proposed_by_id=getattr(actor, "pk", None))  # fmt: skip
            audit_record(actor=actor, action="assessment.leader_change", entity=change, area_code=area.code,
                         changes={"leader": [sitting.name, who], "status": [None, change.status]})  # fmt: skip
            return Appointment(None, change)
        _leave(actor, sitting, when, why)
    leader = Leader.objects.create(area=area, name=who, post=p, title=what, start=when)
    audit_record(actor=actor, action="assessment.leader_appoint", entity=leader, area_code=area.code,
                 changes={"name": [None, who], "post": [None, p], "start": [None, when.isoformat()]})  # fmt: skip
    return Appointment(leader, None)


def _leave(actor: Actor | None, leader: Leader, on: date, reason: str) -> None:
    leader.end, leader.end_reason = on, reason[:200]
    leader.save(update_fields=["end", "end_reason"])
    audit_record(actor=actor, action="assessment.leader_leave", entity=leader, area_code=leader.area_id,
                 changes={"end": [None, on.isoformat()], "end_reason": [None, leader.end_reason]})  # fmt: skip


@transaction.atomic
def leader_leave(*, actor: Actor | None, leader_id: Any, on: date | None, reason: str) -> LeaderChange | None:
    """A leader leaves the post; a poor county's head leaving before the county exits waits for approval."""
    leader = Leader.objects.select_for_update().select_related("area").filter(pk=leader_id, end__isnull=True).first()
    if leader is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.leaders", leader.area_id)
    when = date_field(on, "离任日期", earliest=leader.start)
    why = text_field(reason, "离任原因", 200)
    flag = stability_flag(leader.area, leader.post, when)
    if flag:
        _no_pending(leader)
        change = LeaderChange.objects.create(area=leader.area, post=leader.post, leader=leader, on=when, reason=why,
                                             flag=flag, proposed_by_id=getattr(actor, "pk", None))  # fmt: skip
        audit_record(actor=actor, action="assessment.leader_change", entity=change, area_code=leader.area_id,
                     changes={"leader": [leader.name, None], "status": [None, change.status]})  # fmt: skip
        return change
    _leave(actor, leader, when, why)
    return None


@transaction.atomic
def change_decide(*, actor: Actor | None, change_id: Any, approve: bool, note: str = "") -> LeaderChange:
    """The province approves a held change (the leader leaves, the successor takes the post) or refuses it."""
    change = LeaderChange.objects.select_for_update().select_related("area", "leader").filter(pk=change_id).first()
    if change is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.stability", change.area_id)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(f"该调整已审批（{change.get_status_display()}）")
    if approve and change.leader.end is not None:  # (a stale request can still be refused)
        raise ValidationError(f"{change.leader.name}已于 {change.leader.end:%Y-%m-%d} 离任，该申请已不适用")
    decision = text_field(note, "审批意见", 200, required=not approve)
    before = change.status
    change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
    change.decision, change.decided_by, change.decided_at = decision, actor_name(actor), timezone.now()
    change.save()
    audit_record(actor=actor, action="assessment.change_decide", entity=change, area_code=change.area_id,
                 changes={"status": [before, change.status], "decision": [None, decision or None]})  # fmt: skip
    if approve:
        _leave(actor, change.leader, change.on, change.reason)
        if change.successor:
            leader = Leader.objects.create(area=change.area, name=change.successor, post=change.post,
                                           title=change.successor_title, start=change.on)  # fmt: skip
            audit_record(actor=actor, action="assessment.leader_appoint", entity=leader, area_code=change.area_id,
                         changes={"name": [None, leader.name], "post": [None, leader.post]})  # fmt: skip
    return change


@transaction.atomic
def contact_set(
    *, actor: Actor | None, leader_id: Any, area_code: str, start: date | None, kind: str = ContactKind.CONTACT
) -> ContactPoint:
    """A leader takes a township or village under their area as a contact point (包保)."""
    leader = Leader.objects.filter(pk=leader_id, end__isnull=True).first()
    if leader is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.leaders", leader.area_id)
    area = _area(actor, "assessment.leaders", area_code)
    if area.level not in (codes.TOWNSHIP, codes.VILLAGE) or not codes.contains(leader.area_id, area.code):
        raise ValidationError(f"联系点须为{leader.area}的乡镇或村")
    if ContactPoint.objects.filter(leader=leader, area=area, end__isnull=True).exists():
        raise ValidationError(f"{leader.name}已联系{area.name}")
    point = ContactPoint.objects.create(leader=leader, area=area, kind=choice_field(kind, ContactKind, "方式"),
                                        start=date_field(start, "开始日期", earliest=leader.start))  # fmt: skip
    audit_record(actor=actor, action="assessment.contact_set", entity=point, area_code=area.code,
                 changes={"leader": [None, leader.name], "kind": [None, point.kind]})  # fmt: skip
    return point


@transaction.atomic
def contact_visit(*, actor: Actor | None, point_id: Any, on: date | None, note: str) -> ContactVisit:
    point = ContactPoint.objects.select_related("leader").filter(pk=point_id).first()
    if point is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.leaders", point.area_id)
    when = date_field(on, "走访日期", earliest=point.start)
    text = text_field(note, "调研和解决问题情况", 2000)
    visit = ContactVisit.objects.create(point=point, area_id=point.area_id, date=when, note=text,
                                        recorded_by=actor_name(actor))  # fmt: skip
    audit_record(actor=actor, action="assessment.contact_visit", entity=visit, area_code=point.area_id,
                 changes={"leader": [None, point.leader.name], "date": [None, visit.date.isoformat()]})  # fmt: skip
    return visit


def debrief_params(year: int) -> dict[str, Any]:
    from fupin.policy.selectors import param

    weights = ("debrief_weight_good", "debrief_weight_fairly_good", "debrief_weight_average", "debrief_weight_poor")
    lines = ("debrief_good_min", "debrief_fairly_good_min", "debrief_average_min")
    return {
        "weights": tuple(float(param(k, year)) for k in weights),
        "lines": tuple(float(param(k, year)) for k in lines),
    }


def debrief_score(votes: dict[str, int], year: int) -> tuple[Decimal, str]:
    """(score, grade) of one debriefing's votes by ``analytics.assessment.debriefings``."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines

    table = pa.Table.from_pylist([{"area_code": "", **votes}], schema=rules.VOTES)
    with engines.load({"votes": table}, "duckdb") as t:
        row = rules.debriefings(t["votes"], **debrief_params(year)).to_pyarrow().to_pylist()[0]
    return Decimal(str(row["score"])).quantize(Decimal("0.01")), str(row["grade"])


@transaction.atomic
def debriefing_record(
    *,
    actor: Actor | None,
    area_code: str,
    year: Any,
    name: str,
    held_on: date | None,
    good: Any,
    fairly_good: Any,
    average: Any,
    poor: Any,
    comments: str = "",
) -> Debriefing:
    """Record (or correct) the year's 述职评议 of the area's Party secretary, held by the level above: the votes,
    the score and grade by the rule, linked to the secretary on record."""
    code = codes.normalize(area_code)
    require(actor, "assessment.debrief", code, from_above=True)
    area = Area.objects.filter(code=code).first()
    if area is None or area.level == codes.PROVINCE:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    y = int_field(year, "年度", 2014, _today().year)
    votes = {k: int_field(v, label, 0, 100_000) for k, v, label in (
        ("good", good, "“好”票数"), ("fairly_good", fairly_good, "“较好”票数"), ("average", average, "“一般”票数"),
        ("poor", poor, "“差”票数"))}  # fmt: skip
    if not sum(votes.values()):
        raise ValidationError("请填写评议票数")
    when = date_field(held_on, "述职日期")
    score, grade = debrief_score(votes, y)
    leader = (
        Leader.objects.filter(area=area, post=LeaderPost.PARTY_SECRETARY, start__lte=when)
        .filter(Q(end__isnull=True) | Q(end__gt=when)).order_by("-start").first()
    )  # fmt: skip
    who = text_field(name or (leader.name if leader else ""), "述职人", 32)
    old = Debriefing.objects.select_for_update().filter(area=area, year=y).first()
    before = {"score": str(old.score), "grade": old.grade} if old else {}
    row, _ = Debriefing.objects.update_or_create(area=area, year=y, defaults={
        "leader": leader, "name": who, "held_on": when, **votes, "score": score, "grade": grade,
        "comments": text_field(comments, "主要问题和评议意见", 2000, required=False), "recorded_by": actor_name(actor),
    })  # fmt: skip
    changes = {"score": [before.get("score"), str(score)], "grade": [before.get("grade"), grade]}
    audit_record(actor=actor, action="assessment.debrief", entity=row, area_code=area.code, changes=changes)
    return row
