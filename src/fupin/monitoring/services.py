"""Every write of the return-to-poverty monitoring: intake from the three channels (merged into one case per
household), the monitoring run (department alerts matched, every case scored and ranked), help measures, follow-up
visits and starting the risk elimination. Identification and elimination themselves are the registry's procedures
(``registry.procedures``): the case follows them (``on_procedure_closed``) and provides their verdicts.

Each write checks its declared permission over the household's village and audits old → new."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from fupin.analytics import monitoring as rules
from fupin.analytics.fieldwork import epoch_day
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import progress
from fupin.core.actors import Actor, actor_name
from fupin.core.bulk import update_from_table
from fupin.core.errors import ValidationError
from fupin.core.parsing import choice_field, date_field, text_field
from fupin.core.permissions import require
from fupin.lib.dates import months_before
from fupin.policy.selectors import param
from fupin.registry import procedures as registry_procedures
from fupin.registry.choices import MonitoringGroup, ProcedureKind, ProcedureStatus, Status
from fupin.registry.models import Household, Procedure
from fupin.registry.verdicts import Verdict, stored_verdict

from . import tables
from .choices import OPEN_STATUSES, RISK_OF_ALERT, CaseStatus, Channel, MeasureKind, RiskType
from .models import Case, FollowUp, Measure, Source

SUDDEN_RISKS = frozenset({RiskType.DISASTER, RiskType.ACCIDENT})
EXITED = frozenset({Status.EXITED, Status.RETURNED, Status.POOR})


def _today() -> date:
    return timezone.localdate()


def group_for(household: Household, risk: str) -> str:
    """The group a reported household is proposed for (the three groups of the 2020 guidance): a sudden disaster or
    accident → 突发严重困难户; a household that was registered poor → 脱贫不稳定户; anyone else → 边缘易致贫户."""
    if risk in SUDDEN_RISKS:
        return MonitoringGroup.SUDDEN
    if household.status in EXITED:
        return MonitoringGroup.UNSTABLE
    return MonitoringGroup.MARGINAL


def _deadline(on: date) -> date:
    return on + timedelta(days=int(param("monitoring_decision_days", on.year)))


def _open_identification(household_id: int) -> Procedure | None:
    return Procedure.objects.filter(
        household_id=household_id, kind=ProcedureKind.MONITORING, status=ProcedureStatus.OPEN
    ).first()


def _audit_case(actor: Actor | None, case: Case, action: str, changes: dict[str, list[Any]]) -> None:
    audit_record(actor=actor, action=action, entity=case, changes=changes)


@dataclass
class Intake:
    case: Case
    merged: bool  # joined an open case instead of opening one
    duplicate: bool = False  # this very source was already recorded


@transaction.atomic
def case_intake(
    *,
    actor: Actor | None,
    household: Household,
    channel: str,
    on: date | None,
    risk: str,
    detail: str = "",
    ref: str = "",
    department: str = "",
    amount: Decimal | None = None,
    group: str = "",
) -> Intake:
    """A report of a risk to a household from one of the three channels. It joins the household's open case, or
    opens one — the identification procedure started and its first step (the report) recorded, the time limit
    running from ``on``. A household whose earlier case ended (risk eliminated, not included) starts a new case
    that keeps the earlier one as its history."""
    require(actor, "monitoring.intake", household.village_id)
    channel = choice_field(channel, Channel, "渠道")
    risk = choice_field(risk, RiskType, "风险类型")
    on = date_field(on, "发现日期")
    detail = text_field(detail, "情况说明", 500, required=channel == Channel.SELF_REPORT)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == Status.CANCELLED:
        raise ValidationError("该户已注销，不能纳入监测")
    ref = (
        ref.strip()
        or f"{household.household_no}-{on:%Y%m%d}-{Source.objects.filter(case__household=household).count() + 1}"
    )
    if (known := Source.objects.filter(channel=channel, ref=ref).select_related("case").first()) is not None:
        return Intake(known.case, merged=False, duplicate=True)
    case = Case.objects.select_for_update().filter(household=household, status__in=OPEN_STATUSES).first()
    merged = case is not None
    if case is None:
        group = group or group_for(household, risk)
        if group not in MonitoringGroup.values:
            raise ValidationError(f"监测对象类型应为{'、'.join(MonitoringGroup.values)}之一")
        previous = Case.objects.filter(household=household).order_by("-pk").first()
        case = Case.objects.create(
            household=household,
            village_id=household.village_id,
            group=group,
            risk=risk,
            opened_on=on,
            deadline=_deadline(on),
            previous=previous,
        )
        procedure = _open_identification(household.pk)  # started earlier from the registry: the case takes it
        if procedure is None:
            procedure = registry_procedures.procedure_open(
                actor=actor, household=household, kind=ProcedureKind.MONITORING, on=on, reason=group
            )
            registry_procedures.procedure_step_record(
                actor=actor,
                procedure=procedure,
                step="report",
                on=on,
                signer=actor_name(actor)[:64],
                note=Channel(channel).label,
            )
        case.identification = procedure
        case.save(update_fields=["identification"])
        _audit_case(
            actor,
            case,
            "monitoring.case_open",
            {
                "status": [None, CaseStatus.IDENTIFYING.label],
                "group": [None, group],
                "risk": [None, RiskType(risk).label],
                "deadline": [None, case.deadline.isoformat()],
                "previous": [None, f"#{previous.pk}"] if previous else [None, None],
            },
        )
    Source.objects.create(
        case=case,
        village_id=case.village_id,
        channel=channel,
        ref=ref[:64],
        reported_on=on,
        risk=risk,
        department=department[:32],
        amount=amount,
        detail=detail,
        reported_by=actor_name(actor)[:150],
    )
    if merged:
        _audit_case(
            actor, case, "monitoring.source_merge", {"source": [None, f"{Channel(channel).label} {on.isoformat()}"]}
        )
    return Intake(case, merged=merged)


# --- the case follows its procedures -------------------------------------------------------------------------------


def on_procedure_closed(*, actor: Actor | None, procedure: Procedure, **_: Any) -> None:
    """Subscribed to ``registry.procedure_closed`` (in the procedure's transaction): a decided identification makes
    the case monitored (or not included); a completed elimination ends it; a refused one lets it be started again."""
    if procedure.kind == ProcedureKind.MONITORING:
        case = Case.objects.filter(identification=procedure).first()
        if case is None:
            return
        old = case.get_status_display()
        if procedure.status == ProcedureStatus.COMPLETED:
            decision = procedure.steps.filter(step="county_decision").values_list("on", flat=True).first()
            case.status, case.decided_on, case.group = (
                CaseStatus.MONITORED,
                decision or procedure.closed_on,
                procedure.reason,
            )
        else:  # refused or withdrawn: a decision too — the time limit runs to it
            case.status, case.closed_reason = CaseStatus.NOT_INCLUDED, procedure.outcome[:200]
            case.decided_on = procedure.closed_on
        case.save(update_fields=["status", "decided_on", "group", "closed_reason"])
        _audit_case(actor, case, "monitoring.case_decide", {"status": [old, case.get_status_display()]})
    elif procedure.kind == ProcedureKind.ELIMINATION:
        case = Case.objects.filter(elimination=procedure).first()
        if case is None:
            return
        if procedure.status == ProcedureStatus.COMPLETED:
            case.status, case.eliminated_on = CaseStatus.ELIMINATED, procedure.closed_on
            case.save(update_fields=["status", "eliminated_on"])
            _audit_case(
                actor,
                case,
                "monitoring.case_eliminate",
                {"status": [CaseStatus.MONITORED.label, CaseStatus.ELIMINATED.label]},
            )
        else:
            case.elimination = None
            case.save(update_fields=["elimination"])
            _audit_case(actor, case, "monitoring.elimination_refused", {"elimination": [procedure.outcome, None]})


def _one_case_verdict(case: Case, year: int, today: date) -> tuple[list[str], list[str]]:
    """(risk factors that hold, elimination criteria unmet) of one case, explained in Chinese."""
    from fupin.analytics import engines  # deferred: DuckDB loads only when a procedure asks

    t = tables.one_case(case.pk, case.household_id, year)
    line = float(param("monitoring_income_line", year))
    since = epoch_day(months_before(today, int(param("monitoring_stable_months", year))))
    with engines.load(t, "duckdb") as i:
        matched = rules.match_alerts(i["alerts"], i["people"])
        factors = rules.risk_factors(
            i["cases"],
            i["facts"],
            matched,
            i["follow_ups"],
            today=epoch_day(today),
            income_line=line,
            drop_ratio=float(param("monitoring_drop_ratio", year)),
        )
        gaps = rules.elimination_reasons(i["cases"], i["facts"], i["follow_ups"], since=since, income_line=line)
        f_rows, g_rows = factors.to_pyarrow().to_pylist(), gaps.to_pyarrow().to_pylist()
    months = int(param("monitoring_stable_months", year))
    return explain_factors(f_rows), explain_gaps(g_rows, months)


def explain_factors(rows: list[dict[str, Any]]) -> list[str]:
    order = {f.code: k for k, f in enumerate(rules.FACTORS)}
    by = {f.code: f for f in rules.FACTORS}
    return [
        f"{by[r['code']].explain.format(value=r['value'])}（{by[r['code']].points} 分）"
        for r in sorted(rows, key=lambda r: order[r["code"]])
    ]


def explain_gaps(rows: list[dict[str, Any]], months: int) -> list[str]:
    order = {code: k for k, code in enumerate(rules.ELIMINATION_REASONS)}
    return [
        rules.ELIMINATION_REASONS[r["code"]].format(value=r["value"] or 0, months=months)
        for r in sorted(rows, key=lambda r: order[r["code"]])
    ]


def _open_case(household: Household) -> Case | None:
    return Case.objects.filter(household=household, status__in=OPEN_STATUSES).first()


def monitoring_verdict(household: Household, year: int) -> Verdict:
    """The county's decision: the household qualifies when at least one risk factor of its case holds
    (``analytics.monitoring``: income below the line, a sharp fall, rigid spending above income, a guarantee unmet,
    disability, a disaster or accident, a dropout), each named — or, failing those, a trigger of its registry record
    of the year (income below the monitoring line, a fall, a guarantee unmet)."""
    base = stored_verdict(household, ProcedureKind.MONITORING, year)
    case = _open_case(household)
    if case is None:
        return base
    factors, _ = _one_case_verdict(case, year, _today())
    if not factors:
        return base
    return Verdict(ProcedureKind.MONITORING, year, True, factors)


def elimination_verdict(household: Household, year: int) -> Verdict:
    """Risk elimination: every criterion of ``analytics.monitoring.elimination_reasons`` met (no reason left)."""
    case = _open_case(household)
    if case is None or case.status != CaseStatus.MONITORED:
        return Verdict(ProcedureKind.ELIMINATION, year, False, ["该户不是监测帮扶中的监测对象"])
    _, gaps = _one_case_verdict(case, year, _today())
    return Verdict(ProcedureKind.ELIMINATION, year, not gaps, gaps)


@transaction.atomic
def elimination_start(*, actor: Actor | None, case: Case, on: date | None, override_reason: str = "") -> Procedure:
    """Start the risk elimination of a monitored case (the registry's procedure, bound by the elimination verdict at
    its start and its end; a county officer may proceed against it with a written reason)."""
    require(actor, "registry.procedure", case.village_id)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.MONITORED:
        raise ValidationError(f"该监测对象当前状态为“{case.get_status_display()}”，不能办理风险消除")
    if case.elimination_id is not None:
        raise ValidationError("该监测对象已有进行中的风险消除程序")
    on = date_field(on, "启动日期", earliest=case.decided_on)
    procedure = registry_procedures.procedure_open(
        actor=actor, household=case.household, kind=ProcedureKind.ELIMINATION, on=on, override_reason=override_reason
    )
    case.elimination = procedure
    case.save(update_fields=["elimination"])
    _audit_case(actor, case, "monitoring.elimination_start", {"elimination": [None, f"#{procedure.pk}"]})
    return procedure


# --- help ------------------------------------------------------------------------------------------------------------


def _money(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}须为数字（元）") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError(f"{label}应在 0 至 9,999,999,999 元之间")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _monitored(case: Case, what: str) -> None:
    if case.status not in OPEN_STATUSES:
        raise ValidationError(f"该监测对象已{case.get_status_display()}，不能再{what}")


@transaction.atomic
def measure_add(
    *, actor: Actor | None, case: Case, kind: str, content: str, responsible: str, started_on: date | None
) -> Measure:
    require(actor, "monitoring.help", case.village_id)
    _monitored(case, "登记帮扶措施")
    kind = choice_field(kind, MeasureKind, "帮扶措施")
    measure = Measure.objects.create(
        case=case,
        village_id=case.village_id,
        kind=kind,
        content=text_field(content, "措施内容", 300),
        responsible=text_field(responsible, "责任人", 40),
        started_on=date_field(started_on, "开始日期", earliest=case.opened_on),
        recorded_by=actor_name(actor)[:150],
    )
    if not case.responsible:
        case.responsible = measure.responsible
        case.save(update_fields=["responsible"])
    _audit_case(
        actor,
        case,
        "monitoring.measure_add",
        {"measure": [None, f"{measure.get_kind_display()}：{measure.content}（{measure.responsible}）"]},
    )
    return measure


@transaction.atomic
def measure_end(*, actor: Actor | None, measure: Measure, ended_on: date | None) -> Measure:
    require(actor, "monitoring.help", measure.village_id)
    if measure.ended_on is not None:
        raise ValidationError("该措施已结束")
    measure.ended_on = date_field(ended_on, "结束日期", earliest=measure.started_on)
    measure.save(update_fields=["ended_on"])
    _audit_case(
        actor,
        measure.case,
        "monitoring.measure_end",
        {"measure": [measure.content, f"{measure.ended_on.isoformat()} 结束"]},
    )
    return measure


@transaction.atomic
def follow_up_add(
    *,
    actor: Actor | None,
    case: Case,
    visited_on: date | None,
    visitor: str,
    income_per_capita: Any,
    rigid_spending: Any,
    guarantees_ok: bool,
    note: str = "",
) -> FollowUp:
    """A follow-up visit: the income estimate (元/人·年), rigid spending (元/户·年) and whether 两不愁三保障 hold —
    what the risk elimination reads."""
    require(actor, "monitoring.help", case.village_id)
    _monitored(case, "登记回访")
    visit = FollowUp.objects.create(
        case=case,
        village_id=case.village_id,
        visited_on=date_field(visited_on, "回访日期", earliest=case.opened_on),
        visitor=text_field(visitor, "回访人", 40),
        income_per_capita=_money(income_per_capita, "人均纯收入"),
        rigid_spending=_money(rigid_spending or 0, "刚性支出"),
        guarantees_ok=bool(guarantees_ok),
        note=text_field(note, "回访情况", 500, required=False),
        recorded_by=actor_name(actor)[:150],
    )
    _audit_case(
        actor,
        case,
        "monitoring.follow_up",
        {
            "visited_on": [None, visit.visited_on.isoformat()],
            "income_per_capita": [None, str(visit.income_per_capita)],
            "rigid_spending": [None, str(visit.rigid_spending)],
            "guarantees_ok": [None, visit.guarantees_ok],
        },
    )
    return visit


# --- the monitoring run ----------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    area_code: str
    on: date
    alerts: int = 0
    matched: int = 0
    unmatched: int = 0
    opened: int = 0
    merged: int = 0
    known: int = 0
    scored: int = 0
    overdue: int = 0
    ready: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


def monitoring_run(
    *, actor: Actor | None, area_code: str, on: date | None = None, year: int | None = None
) -> RunResult:
    """The area's monitoring run: the department alerts of the last 12 months matched to its people (each alert once;
    a household's alerts merged into its open case, or one case opened per household with its identification
    procedure), then every open case scored and ranked in its village and township, its overdue time limit and its
    risk elimination criteria computed (``analytics.monitoring``)."""
    require(actor, "monitoring.run", area_code)
    on = on or _today()
    year = year or on.year
    result = RunResult(area_code, on)
    progress.report("读取部门预警和建档立卡人员")
    since = on - timedelta(days=rules.RECENT_DAYS - 1)
    alerts = tables.alerts(until=on, since=since)
    people = tables.people(area_code, since=since, until=on)
    result.alerts = alerts.num_rows
    from fupin.analytics import engines

    with engines.load({"alerts": alerts, "people": people}, "duckdb") as i:
        matched = rules.match_alerts(i["alerts"], i["people"]).to_pyarrow()
    result.matched = matched.num_rows
    result.unmatched = result.alerts - result.matched
    details = {r["alert_id"]: r for r in alerts.select(["alert_id", "alert_no", "department", "detail"]).to_pylist()}
    progress.report("合并线索", 0, matched.num_rows)
    _take_alerts(actor, matched, details, result)
    progress.report("风险评分和排序")
    _score(area_code, on, year, result, alerts=alerts, people=people)
    return result


def _take_alerts(actor: Actor | None, matched: pa.Table, details: dict[int, dict[str, Any]], result: RunResult) -> None:
    """Department sources for the matched alerts not yet taken: merged into open cases, new cases in bulk."""
    rows = matched.to_pylist()
    refs = {r["alert_id"]: f"{details[r['alert_id']]['department']}:{details[r['alert_id']]['alert_no']}" for r in rows}
    known = set(
        Source.objects.filter(channel=Channel.DEPARTMENT, ref__in=list(refs.values())).values_list("ref", flat=True)
    )
    fresh = [r for r in rows if refs[r["alert_id"]] not in known]
    result.known = len(rows) - len(fresh)
    if not fresh:
        return
    household_ids = {int(r["household_id"]) for r in fresh}
    households = Household.objects.in_bulk(household_ids)
    with transaction.atomic():
        open_cases = {
            c.household_id: c
            for c in Case.objects.select_for_update().filter(household_id__in=household_ids, status__in=OPEN_STATUSES)
        }
        previous = dict(
            Case.objects.filter(household_id__in=household_ids)
            .exclude(status__in=OPEN_STATUSES)
            .order_by("household_id", "pk")
            .values_list("household_id", "pk")
        )
        first: dict[int, dict[str, Any]] = {}
        for r in sorted(fresh, key=lambda r: (r["day"], r["alert_id"])):
            hid = int(r["household_id"])
            if hid not in open_cases and hid not in first and households[hid].status != Status.CANCELLED:
                first[hid] = r
        running = {
            p.household_id: p
            for p in Procedure.objects.filter(
                household_id__in=list(first), kind=ProcedureKind.MONITORING, status=ProcedureStatus.OPEN
            )
        }
        new_cases = []
        reports = []
        for hid, r in first.items():
            on = rules_date(r["day"])
            risk = RISK_OF_ALERT.get(r["kind"], RiskType.OTHER)
            group = group_for(households[hid], risk)
            new_cases.append(
                Case(
                    household_id=hid,
                    village_id=households[hid].village_id,
                    group=group,
                    risk=risk,
                    opened_on=on,
                    deadline=_deadline(on),
                    previous_id=previous.get(hid),
                )
            )
            if hid not in running:
                # the report is the department's: it signs the first step (医保局, 应急管理局 …)
                signer = f"{details[r['alert_id']]['department']}（部门预警）"
                reports.append(registry_procedures.Reported(households[hid], group, on, signer))
        procedures = iter(registry_procedures.monitoring_open_reported(actor=actor, reports=reports))
        for case in new_cases:  # a procedure started earlier from the registry is the case's; else the new one
            case.identification = running.get(case.household_id) or next(procedures)
        Case.objects.bulk_create(new_cases)
        for case in new_cases:
            open_cases[case.household_id] = case
        sources = []
        merged: Counter[int] = Counter()
        for r in fresh:
            hid = int(r["household_id"])
            if hid not in open_cases:
                continue  # a cancelled household
            case = open_cases[hid]
            d = details[r["alert_id"]]
            amount = Decimal(str(r["amount"])).quantize(Decimal("0.01")) if r["amount"] is not None else None
            sources.append(
                Source(
                    case=case,
                    village_id=case.village_id,
                    channel=Channel.DEPARTMENT,
                    ref=refs[r["alert_id"]][:64],
                    reported_on=rules_date(r["day"]),
                    risk=RISK_OF_ALERT.get(r["kind"], RiskType.OTHER),
                    department=d["department"][:32],
                    amount=amount,
                    detail=(d["detail"] or "")[:500],
                    reported_by="部门预警比对",
                )
            )
            result.by_kind[r["kind"]] += 1
            if first.get(hid) is not r:
                merged[hid] += 1  # joined a case it did not open
        Source.objects.bulk_create(sources)
        result.opened, result.merged = len(new_cases), sum(merged.values())
        changes = [
            Change(
                "monitoring.case_open",
                c,
                {
                    "status": [None, CaseStatus.IDENTIFYING.label],
                    "group": [None, c.group],
                    "deadline": [None, c.deadline.isoformat()],
                },
                c.village_id,
            )
            for c in new_cases
        ]
        changes += [
            Change(
                "monitoring.source_merge",
                open_cases[hid],
                {"source": [None, f"部门筛查预警 {n} 条"]},
                open_cases[hid].village_id,
            )
            for hid, n in merged.items()
        ]
        audit_record_many(actor=actor, changes=changes)


def rules_date(day: Any) -> date:
    """An alert's day (a date from Arrow, or days since 1970-01-01) as a date."""
    if isinstance(day, date):
        return day
    return date(1970, 1, 1) + timedelta(days=int(day))


def _score(area_code: str, on: date, year: int, result: RunResult, *, alerts: pa.Table, people: pa.Table) -> None:
    """Every open case of the area scored, ranked and judged (``analytics.monitoring``), written back at once."""
    from fupin.analytics import engines

    line = float(param("monitoring_income_line", year))
    months = int(param("monitoring_stable_months", year))
    today = epoch_day(on)
    t = {
        "cases": tables.cases(area_code),
        "facts": tables.facts(area_code, year),
        "follow_ups": tables.follow_ups(area_code),
        "alerts": alerts.select(["alert_id", "person_id", "kind", "day", "amount"]),
        "people": people,
    }
    with engines.load(t, "duckdb") as i:
        matched = rules.match_alerts(i["alerts"], i["people"])
        expr = rules.risk_factors(
            i["cases"],
            i["facts"],
            matched,
            i["follow_ups"],
            today=today,
            income_line=line,
            drop_ratio=float(param("monitoring_drop_ratio", year)),
        )
        factors = expr.to_pyarrow()
        scores = rules.risk_scores(i["cases"], expr).to_pyarrow()
        gaps = rules.elimination_reasons(
            i["cases"],
            i["facts"],
            i["follow_ups"],
            since=epoch_day(months_before(on, months)),
            income_line=line,
        )
        gaps_rows = gaps.to_pyarrow().to_pylist()
        late = rules.overdue(
            i["cases"], today=today, limit_days=int(param("monitoring_decision_days", year))
        ).to_pyarrow()
    by_case: dict[int, list[dict[str, Any]]] = {}
    for r in factors.to_pylist():
        by_case.setdefault(r["case_id"], []).append(r)
    gaps_by: dict[int, list[dict[str, Any]]] = {}
    for r in gaps_rows:
        gaps_by.setdefault(r["case_id"], []).append(r)
    status = dict(zip(t["cases"].column("case_id").to_pylist(), t["cases"].column("status").to_pylist(), strict=True))
    order = {f.code: k for k, f in enumerate(rules.FACTORS)}
    out: dict[str, list[Any]] = {k: [] for k in ("id", "score", "village_rank", "township_rank", "factors",
                                                 "elimination_ready", "elimination_gaps")}  # fmt: skip
    for r in scores.to_pylist():
        pk = r["case_id"]
        held = sorted(by_case.get(pk, []), key=lambda f: order[f["code"]])
        texts = explain_factors(held)
        monitored = status[pk] == CaseStatus.MONITORED
        out["id"].append(pk)
        out["score"].append(int(r["score"]))
        out["village_rank"].append(int(r["village_rank"]))
        out["township_rank"].append(int(r["township_rank"]))
        out["factors"].append(
            json.dumps(
                [{"code": f["code"], "points": f["points"], "text": text} for f, text in zip(held, texts, strict=True)],
                ensure_ascii=False,
            )
        )
        out["elimination_ready"].append(monitored and not gaps_by.get(pk))
        out["elimination_gaps"].append("；".join(explain_gaps(gaps_by.get(pk, []), months))[:500] if monitored else "")
    types = {"id": pa.int64(), "score": pa.int32(), "village_rank": pa.int64(), "township_rank": pa.int64(),
             "factors": pa.string(), "elimination_ready": pa.bool_(), "elimination_gaps": pa.string()}  # fmt: skip
    with transaction.atomic():
        update_from_table(Case, pa.table({k: pa.array(v, types[k]) for k, v in out.items()}),
                          constants={"scored_at": timezone.now()})  # fmt: skip
    cases = out["id"]
    result.scored = len(cases)
    result.overdue = sum(1 for d in late.column("decided").to_pylist() if not d)
    result.ready = sum(out["elimination_ready"])
    if cases:
        audit_record(
            actor=None,
            action="monitoring.run",
            entity=None,
            area_code=area_code,
            entity_type="monitoring.run",
            entity_id=on.isoformat(),
            changes={
                "scored": [None, result.scored],
                "opened": [None, result.opened],
                "merged": [None, result.merged],
                "ready": [None, result.ready],
            },
        )
