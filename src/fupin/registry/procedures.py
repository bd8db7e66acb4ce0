"""The registry's lifecycle procedures: identification, exit, return to poverty, monitoring, cancellation.

Each procedure is a fixed sequence of dated, signed steps (POLICY.md §1, §3, §6). A step is recorded only when it is
the next one, dated on or after the previous step and after any notice period has ended, and signed. Votes need
the quorum of representatives present and a majority of those present; notices last at least the configured
number of days; reviews may refuse (with a reason), which ends the procedure. The last step applies the result to
the household (status, identification or exit year, monitoring group). Every step is audited on the household.

Who may record a step: anyone who may write the village, bound at the step's level or above — a first secretary
records the village's steps, a township officer the township review, a county officer approval and 公告.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from fupin.audit.services import Change, audit_record_many
from fupin.core import codes, events
from fupin.core.actors import Actor
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.core.permissions import require
from fupin.policy.selectors import param

from .history import household_audit
from .models import Household, MonitoringGroup, Procedure, ProcedureKind, ProcedureStatus, ProcedureStep, Status
from .verdicts import household_verdict

SIGN, VOTE, NOTICE, REVIEW = "sign", "vote", "notice", "review"


@dataclass(frozen=True)
class StepSpec:
    code: str
    title: str
    level: int  # the lowest level (largest number) of a user who may record it
    kind: str = SIGN
    notice_param: str = ""


V, T, C = codes.VILLAGE, codes.TOWNSHIP, codes.COUNTY

STEPS: dict[str, list[StepSpec]] = {
    ProcedureKind.IDENTIFICATION: [
        StepSpec("apply", "户主申请", V),
        StepSpec("nominate", "村民小组提名", V),
        StepSpec("vote", "村民代表评议票决", V, VOTE),
        StepSpec("village_review", "村委会审查", V, REVIEW),
        StepSpec("notice_village", "村内公示", V, NOTICE, "identification_notice_days"),
        StepSpec("township_review", "乡镇审核", T, REVIEW),
        StepSpec("notice_township", "乡镇审核后公示", T, NOTICE, "identification_notice_days"),
        StepSpec("county_approval", "县扶贫办复核、县政府审批", C, REVIEW),
        StepSpec("announce", "公告并录入系统", C),
    ],
    ProcedureKind.EXIT: [
        StepSpec("review", "民主评议", V, VOTE),
        StepSpec("verify", "村两委和驻村工作队核实", V, REVIEW),
        StepSpec("sign", "贫困户签字认可", V),
        StepSpec("notice", "退出公示", V, NOTICE, "exit_notice_days"),
        StepSpec("announce", "公告", C),
        StepSpec("close", "销号", C),
    ],
    ProcedureKind.RETURN: [
        StepSpec("report", "农户申请或监测发现", V),
        StepSpec("vote", "村民代表评议", V, VOTE),
        StepSpec("township_review", "乡镇审核", T, REVIEW),
        StepSpec("notice", "公示", T, NOTICE, "identification_notice_days"),
        StepSpec("county_approval", "县级审批，纳入返贫", C, REVIEW),
    ],
    # 中央农村工作领导小组《关于健全防止返贫动态监测和帮扶机制的指导意见》(2021): 农户申报或排查预警 → 入户核实 →
    # 承诺授权 → 部门信息比对 → 民主评议 → 公示 → 乡镇审核 → 县级确定 → 录入系统, from intake to decision within
    # the time limit (monitoring_decision_days, counted by fupin.monitoring)
    ProcedureKind.MONITORING: [
        StepSpec("report", "农户自主申报、干部排查或部门预警", V),
        StepSpec("verify", "入户核实", V, REVIEW),
        StepSpec("consent", "农户签署承诺授权书", V),
        StepSpec("compare", "部门信息比对", C, REVIEW),
        StepSpec("vote", "村级民主评议", V, VOTE),
        StepSpec("notice", "村内公示", V, NOTICE, "monitoring_notice_days"),
        StepSpec("township_review", "乡镇审核", T, REVIEW),
        StepSpec("county_decision", "县级确定为监测对象", C, REVIEW),
        StepSpec("enter", "录入监测信息系统", C),
    ],
    # 同上: 风险消除 — 入户核实收入和两不愁三保障, 民主评议, 公示, 乡镇审核, 县级确认; bound by the case's elimination
    # verdict (fupin.monitoring: income stable above the line, guarantees held, no rigid spending overhang)
    ProcedureKind.ELIMINATION: [
        StepSpec("verify", "入户核实", V, REVIEW),
        StepSpec("vote", "村级民主评议", V, VOTE),
        StepSpec("notice", "村内公示", V, NOTICE, "monitoring_notice_days"),
        StepSpec("township_review", "乡镇审核", T, REVIEW),
        StepSpec("county_decision", "县级确认风险消除", C, REVIEW),
    ],
    ProcedureKind.CANCELLATION: [
        StepSpec("apply", "提出注销", V),
        StepSpec("vote", "村民代表评议", V, VOTE),
        StepSpec("township_review", "乡镇审核", T, REVIEW),
        StepSpec("county_approval", "县级审批注销", C, REVIEW),
    ],
}

# Which household statuses each procedure may start from.
STARTS_FROM: dict[str, set[str]] = {
    ProcedureKind.IDENTIFICATION: {Status.CANDIDATE},
    ProcedureKind.EXIT: {Status.POOR, Status.RETURNED},
    ProcedureKind.RETURN: {Status.EXITED},
    ProcedureKind.MONITORING: {Status.EXITED, Status.POOR, Status.RETURNED, Status.CANDIDATE, Status.REJECTED},
    ProcedureKind.CANCELLATION: {Status.POOR, Status.EXITED, Status.RETURNED},
    ProcedureKind.ELIMINATION: {Status.EXITED, Status.POOR, Status.RETURNED, Status.CANDIDATE, Status.REJECTED},
}
CANCELLATION_REASONS = ("死亡", "错评", "自然消亡", "其他")
# Procedures bound by the household's verdict of the procedure's year: consulted when the last step applies the
# result, and an exit also when it starts (it starts from recorded facts; the others start from an application or a
# report, before the household's facts are verified). A county-level officer may proceed against a failing verdict
# with a written reason.
BOUND_BY_VERDICT = {
    ProcedureKind.IDENTIFICATION, ProcedureKind.EXIT, ProcedureKind.RETURN, ProcedureKind.MONITORING,
    ProcedureKind.ELIMINATION,
}  # fmt: skip
BOUND_AT_START = {ProcedureKind.EXIT, ProcedureKind.ELIMINATION}
OVERRIDE_MIN_CHARS = 10
# Procedures that change the household's status may not run side by side; monitoring (and its risk elimination) may
# run beside them, one of a kind at a time.
EXCLUSIVE = {ProcedureKind.IDENTIFICATION, ProcedureKind.EXIT, ProcedureKind.RETURN, ProcedureKind.CANCELLATION}


def steps_of(kind: str) -> list[StepSpec]:
    return STEPS[kind]


def next_step(procedure: Procedure) -> StepSpec | None:
    if procedure.status != ProcedureStatus.OPEN:
        return None
    done = procedure.steps.count()
    specs = STEPS[procedure.kind]
    return specs[done] if done < len(specs) else None


def _today() -> date:
    return date.today()  # noqa: DTZ011 - calendar dates of paper procedures carry no time zone


def _require_level(actor: Actor | None, spec: StepSpec) -> None:
    if actor is None or actor.is_superuser:
        return
    level = getattr(actor, "scope_level", None)
    if level is None or level > spec.level:
        who = {V: "村级", T: "乡镇", C: "县级"}[spec.level]
        raise PermissionDeniedError(f"「{spec.title}」须由{who}或以上干部录入")


def may_override(actor: Actor | None) -> bool:
    """Whether ``actor``'s level lets it approve a procedure against a failing verdict: county or above (the
    system and superusers too). The right to run the household's procedures is checked on its own."""
    if actor is None or actor.is_superuser:
        return True
    level = getattr(actor, "scope_level", None)
    return level is not None and level <= C


def _verdict_gate(
    actor: Actor | None, household: Household, kind: str, year: int, override_reason: str, *, covered: bool = False
) -> list[str]:
    """Refuse a procedure whose verdict fails, naming every reason — unless a county-level officer gives a written
    reason (or ``covered``: the procedure already carries such an approval). Returns the failing reasons that were
    overridden (empty when the verdict holds)."""
    if kind not in BOUND_BY_VERDICT:
        return []
    verdict = household_verdict(household, kind, year)
    if verdict.ok:
        return []
    override_reason = override_reason.strip()
    if covered and not override_reason:
        return verdict.reasons
    if not override_reason:
        raise ValidationError(
            verdict.refusal() + "。如确需办理，须由县级或以上干部写明理由批准",
            extra={"field": "override_reason", "reasons": verdict.reasons},
        )
    if not may_override(actor):
        raise PermissionDeniedError("不符合标准的户带否决项办理，须由县级或以上干部批准")
    if len(override_reason) < OVERRIDE_MIN_CHARS:
        raise ValidationError(
            f"批准理由至少写 {OVERRIDE_MIN_CHARS} 个字，说明为何不按否决项办理", extra={"field": "override_reason"}
        )
    return verdict.reasons


def _record_override(actor: Actor | None, procedure: Procedure, reasons: list[str], override_reason: str) -> None:
    procedure.override_reason = override_reason.strip()[:500]
    procedure.override_by = (getattr(actor, "username", "") or "system")[:150]
    procedure.override_vetoes = "；".join(reasons)[:1000]
    procedure.save(update_fields=["override_reason", "override_by", "override_vetoes"])
    household_audit(
        actor,
        procedure.household,
        "registry.verdict_override",
        {
            "procedure": [None, f"{ProcedureKind(procedure.kind).label}#{procedure.pk}"],
            "vetoes": [None, procedure.override_vetoes],
            "override_reason": [None, procedure.override_reason],
        },
    )


@transaction.atomic
def procedure_open(
    *, actor: Actor | None, household: Household, kind: str, on: date, reason: str = "", override_reason: str = ""
) -> Procedure:
    """Start a procedure for a household (its first step is recorded separately, like every other step). An exit
    starts only when the household's exit verdict of the year holds, or with a county override."""
    require(actor, "registry.procedure", household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if kind not in STEPS:
        raise ValidationError(f"未知的程序“{kind}”")
    title = ProcedureKind(kind).label
    if household.status not in STARTS_FROM[kind]:
        raise ValidationError(f"该户当前状态为“{household.get_status_display()}”，不能启动{title}程序")
    if on > _today():
        raise ValidationError("启动日期不能晚于今天", extra={"field": "on"})
    busy = household.procedures.filter(status=ProcedureStatus.OPEN)
    busy = busy.filter(kind__in=EXCLUSIVE) if kind in EXCLUSIVE else busy.filter(kind=kind)
    if (other := busy.first()) is not None:
        raise ValidationError(f"该户已有进行中的{other.get_kind_display()}程序，请先办结或撤回")
    if kind == ProcedureKind.EXIT and household.identified_year == on.year:
        raise ValidationError(f"该户于 {on.year} 年识别，当年识别的贫困户不能当年退出")
    if kind == ProcedureKind.CANCELLATION and reason.split("：", 1)[0] not in CANCELLATION_REASONS:
        raise ValidationError(f"注销事由应为{'、'.join(CANCELLATION_REASONS)}之一（可加“：说明”）")
    if kind == ProcedureKind.MONITORING and reason not in MonitoringGroup.values:
        raise ValidationError(f"监测对象类型应为{'、'.join(MonitoringGroup.values)}之一")
    if kind == ProcedureKind.ELIMINATION and not household.monitoring_group:
        raise ValidationError("该户不是监测对象，无需办理风险消除")
    overridden = _verdict_gate(actor, household, kind, on.year, override_reason) if kind in BOUND_AT_START else []
    procedure = Procedure.objects.create(
        household=household, village_id=household.village_id, kind=kind, year=on.year, reason=reason, opened_on=on
    )
    household_audit(actor, household, "registry.procedure_open", {"procedure": [None, f"{title}#{procedure.pk}"]})
    if overridden:
        _record_override(actor, procedure, overridden, override_reason)
    return procedure


def _check_vote(spec: StepSpec, year: int, total: int | None, present: int | None, votes_for: int | None) -> bool:
    if total is None or present is None or votes_for is None:
        raise ValidationError(f"「{spec.title}」须填写应到代表、实到代表和赞成票数", extra={"field": "votes_total"})
    if total <= 0:
        raise ValidationError("应到代表人数应大于 0", extra={"field": "votes_total"})
    if present > total:
        raise ValidationError(f"实到代表 {present} 人多于应到代表 {total} 人", extra={"field": "votes_present"})
    if votes_for > present:
        raise ValidationError(f"赞成票 {votes_for} 多于实到代表 {present} 人", extra={"field": "votes_for"})
    quorum = float(param("vote_quorum", year))
    needed = math.ceil(quorum * total - 1e-9)
    if present < needed:
        raise ValidationError(
            f"实到代表 {present} 人，不足应到 {total} 人的 {quorum:.0%}（至少 {needed} 人），评议无效，请重新召集",
            extra={"field": "votes_present"},
        )
    return votes_for > float(param("vote_pass", year)) * present


def _check_notice(spec: StepSpec, year: int, start: date | None, end: date | None, after: date | None) -> None:
    if start is None or end is None:
        raise ValidationError(f"「{spec.title}」须填写公示开始和结束日期", extra={"field": "on"})
    if end < start:
        raise ValidationError("公示结束日期早于开始日期", extra={"field": "on"})
    if after is not None and start < after:
        raise ValidationError(f"公示开始日期 {start} 早于上一环节日期 {after}", extra={"field": "on"})
    days = (end - start).days + 1
    minimum = int(param(spec.notice_param, year))
    if days < minimum:
        raise ValidationError(
            f"公示期 {days} 天，少于规定的 {minimum} 天（{start} 至 {end}）", extra={"field": "notice_end"}
        )


@transaction.atomic
def procedure_step_record(  # noqa: PLR0912, PLR0915 - the rules read best as one checklist
    *,
    actor: Actor | None,
    procedure: Procedure,
    step: str,
    on: date | None,
    signer: str,
    approved: bool = True,
    votes_total: int | None = None,
    votes_present: int | None = None,
    votes_for: int | None = None,
    notice_start: date | None = None,
    notice_end: date | None = None,
    note: str = "",
    override_reason: str = "",
) -> ProcedureStep:
    """Record the next step of an open procedure, or refuse with the rule it breaks. The last step of a procedure
    bound by the verdict consults the verdict again (facts may have changed since the start)."""
    require(actor, "registry.procedure", procedure.village_id)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    household = Household.objects.select_for_update().get(pk=procedure.household_id)
    if procedure.status != ProcedureStatus.OPEN:
        raise ValidationError(f"该程序已{procedure.get_status_display()}，不能再录入环节")
    specs = STEPS[procedure.kind]
    done = list(procedure.steps.order_by("seq"))
    expected = specs[len(done)]
    titles = {s.code: s.title for s in specs}
    if step != expected.code:
        got = titles.get(step, step)
        raise ValidationError(f"环节顺序错误：下一环节应为「{expected.title}」，不能办理「{got}」")
    spec = expected
    _require_level(actor, spec)
    if spec.kind == NOTICE:
        if notice_start is None or notice_end is None:
            raise ValidationError(f"「{spec.title}」须填写公示开始和结束日期", extra={"field": "notice_end"})
        on = notice_start  # a notice step is dated by its start
    if on is None:
        raise ValidationError(f"「{spec.title}」须填写日期", extra={"field": "on"})
    signer = (signer or "").strip()
    if not signer:
        raise ValidationError(f"「{spec.title}」须填写签字人", extra={"field": "signer"})
    if on > _today():
        raise ValidationError(f"「{spec.title}」日期 {on} 晚于今天", extra={"field": "on"})
    previous = done[-1] if done else None
    earliest = procedure.opened_on
    if previous is not None:
        earliest = max(earliest, previous.on)
    if on < earliest:
        raise ValidationError(f"「{spec.title}」日期 {on} 早于上一环节或程序启动日期 {earliest}", extra={"field": "on"})
    if previous is not None and previous.notice_end is not None and on <= previous.notice_end:
        raise ValidationError(
            f"公示期至 {previous.notice_end} 结束，「{spec.title}」须在公示期满后办理", extra={"field": "notice_end"}
        )
    year = procedure.year
    if spec.kind == VOTE:
        approved = _check_vote(spec, year, votes_total, votes_present, votes_for)
    elif spec.kind == NOTICE:
        _check_notice(spec, year, notice_start, notice_end, previous.on if previous else None)
    elif spec.kind == SIGN:
        approved = True
    if not approved and not note.strip() and spec.kind != VOTE:
        raise ValidationError(f"「{spec.title}」不通过时须写明理由", extra={"field": "note"})
    is_last = len(done) + 1 == len(specs)
    if procedure.kind == ProcedureKind.EXIT and is_last and on.year == household.identified_year:
        raise ValidationError(f"该户于 {on.year} 年识别，当年识别的贫困户不能当年销号退出")
    overridden: list[str] = []
    if is_last and approved:
        covered = bool(procedure.override_reason)
        overridden = _verdict_gate(actor, household, procedure.kind, procedure.year, override_reason, covered=covered)
    recorded = ProcedureStep.objects.create(
        procedure=procedure,
        village_id=procedure.village_id,
        seq=len(done) + 1,
        step=spec.code,
        on=on,
        signer=signer,
        approved=approved,
        votes_total=votes_total if spec.kind == VOTE else None,
        votes_present=votes_present if spec.kind == VOTE else None,
        votes_for=votes_for if spec.kind == VOTE else None,
        notice_start=notice_start if spec.kind == NOTICE else None,
        notice_end=notice_end if spec.kind == NOTICE else None,
        note=note.strip(),
        actor_username=getattr(actor, "username", "") or "system",
    )
    changes: dict[str, list[Any]] = {
        "step": [None, f"{ProcedureKind(procedure.kind).label}·{spec.title}"],
        "date": [None, on.isoformat()],
        "signer": [None, signer],
    }
    if spec.kind == VOTE:
        changes["votes"] = [None, f"{votes_for}/{votes_present}/{votes_total}"]
    if not approved:
        procedure.status, procedure.closed_on = ProcedureStatus.REFUSED, on
        procedure.outcome = f"「{spec.title}」未通过" + (f"：{note.strip()}" if note.strip() else "")
        procedure.save(update_fields=["status", "closed_on", "outcome"])
        changes["procedure"] = [ProcedureStatus.OPEN.label, ProcedureStatus.REFUSED.label]
        if procedure.kind == ProcedureKind.IDENTIFICATION:
            changes["status"] = [household.status, Status.REJECTED]
            household.status = Status.REJECTED
            household.save(update_fields=["status"])
    elif is_last:
        procedure.status, procedure.closed_on, procedure.outcome = ProcedureStatus.COMPLETED, on, "已办结"
        procedure.save(update_fields=["status", "closed_on", "outcome"])
        changes["procedure"] = [ProcedureStatus.OPEN.label, ProcedureStatus.COMPLETED.label]
        changes.update(_apply_result(procedure, household, on))
    household_audit(actor, household, "registry.procedure_step", changes)
    if overridden and override_reason.strip():
        _record_override(actor, procedure, overridden, override_reason)
    if procedure.status != ProcedureStatus.OPEN:
        events.announce("registry.procedure_closed", actor=actor, procedure=procedure)
    return recorded


def _apply_result(procedure: Procedure, household: Household, on: date) -> dict[str, list[Any]]:
    fields = ["status", "identified_year", "exit_year", "monitoring_group"]
    old = {name: getattr(household, name) for name in fields}
    if procedure.kind == ProcedureKind.IDENTIFICATION:
        household.status, household.identified_year = Status.POOR, on.year
    elif procedure.kind == ProcedureKind.EXIT:
        household.status, household.exit_year = Status.EXITED, on.year
    elif procedure.kind == ProcedureKind.RETURN:
        household.status = Status.RETURNED
    elif procedure.kind == ProcedureKind.CANCELLATION:
        household.status = Status.CANCELLED
    elif procedure.kind == ProcedureKind.MONITORING:
        household.monitoring_group = procedure.reason
    elif procedure.kind == ProcedureKind.ELIMINATION:
        household.monitoring_group = ""
    household.save(update_fields=fields)
    return {k: [v, getattr(household, k)] for k, v in old.items() if v != getattr(household, k)}


@transaction.atomic
def procedure_withdraw(*, actor: Actor | None, procedure: Procedure, reason: str) -> Procedure:
    require(actor, "registry.procedure", procedure.village_id)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status != ProcedureStatus.OPEN:
        raise ValidationError("只能撤回进行中的程序")
    if not reason.strip():
        raise ValidationError("撤回程序须写明理由", extra={"field": "note"})
    procedure.status, procedure.closed_on, procedure.outcome = ProcedureStatus.WITHDRAWN, _today(), reason.strip()
    procedure.save(update_fields=["status", "closed_on", "outcome"])
    household = procedure.household
    if procedure.kind == ProcedureKind.IDENTIFICATION:
        household.status = Status.REJECTED
        household.save(update_fields=["status"])
    household_audit(
        actor, household, "registry.procedure_withdraw", {"procedure": ["进行中", f"已撤回：{reason.strip()}"]}
    )
    events.announce("registry.procedure_closed", actor=actor, procedure=procedure)
    return procedure


@dataclass(frozen=True)
class Reported:
    """A household reported for monitoring: its group, the report's date, who reports (the first step's signer)."""

    household: Household
    group: str
    on: date
    signer: str


@transaction.atomic
def monitoring_open_reported(*, actor: Actor | None, reports: list[Reported]) -> list[Procedure]:
    """Open the monitoring procedure of many households at once, each with its first step (the report) recorded and
    audited on the household — a monitoring run's department alerts. The caller has bounded the households to the
    actor's area; a household with an open monitoring procedure is refused."""
    require(actor, "registry.procedure")
    ids = [r.household.pk for r in reports]
    busy = set(
        Procedure.objects.filter(household_id__in=ids, kind=ProcedureKind.MONITORING, status=ProcedureStatus.OPEN)
        .values_list("household_id", flat=True)
    )  # fmt: skip
    if busy:
        raise ValidationError(f"{len(busy)} 户已有进行中的防返贫监测程序")
    for r in reports:
        if r.group not in MonitoringGroup.values:
            raise ValidationError(f"监测对象类型应为{'、'.join(MonitoringGroup.values)}之一")
        if r.household.status not in STARTS_FROM[ProcedureKind.MONITORING]:
            raise ValidationError(f"户 {r.household.household_no} 当前状态不能启动防返贫监测程序")
    procedures = Procedure.objects.bulk_create(
        Procedure(household=r.household, village_id=r.household.village_id, kind=ProcedureKind.MONITORING,
                  year=r.on.year, reason=r.group, opened_on=r.on)
        for r in reports
    )  # fmt: skip
    spec = STEPS[ProcedureKind.MONITORING][0]
    who = getattr(actor, "username", "") or "system"
    ProcedureStep.objects.bulk_create(
        ProcedureStep(procedure=p, village_id=p.village_id, seq=1, step=spec.code, on=r.on, signer=r.signer[:64],
                      actor_username=who)
        for p, r in zip(procedures, reports, strict=True)
    )  # fmt: skip
    title = ProcedureKind.MONITORING.label
    audit_record_many(
        actor=actor,
        changes=[
            Change("registry.procedure_open", r.household,
                   {"procedure": [None, f"{title}#{p.pk}"], "step": [None, f"{title}·{spec.title}"],
                    "date": [None, r.on.isoformat()], "signer": [None, r.signer]},
                   r.household.village_id, "registry.household", r.household.household_no)
            for p, r in zip(procedures, reports, strict=True)
        ],
    )  # fmt: skip
    return procedures
