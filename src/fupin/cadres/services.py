"""Eligibility, dispatch plans (optimised, explained, editable), approval into postings, and the reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fupin.analytics.verdicts.cadre import eligibility_reasons
from fupin.areas.models import AreaClassification
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, events, progress, scoping
from fupin.core.actors import Actor
from fupin.core.errors import ValidationError
from fupin.core.permissions import require
from fupin.policy.selectors import param

from . import optimizer as opt
from .choices import TEMPORARY_ROLES, VILLAGE_ROLES
from .models import (
    Benefit,
    BenefitKind,
    Cadre,
    DispatchPlan,
    HelpingUnit,
    PlanItem,
    Posting,
    PostingRole,
    PostingStatus,
    Promotion,
    WorkTeam,
)

KIND_LABEL = {
    "weak_village": "软弱涣散村", "disorderly_village": "乱村", "poor_village": "贫困村",
    "deep_poverty_village": "深度贫困村", "industry_village": "产业村", "specialised_village": "专业村",
}  # fmt: skip
DISTANCE_LABEL = {"county": "本县单位", "prefecture": "本市(州)单位", "province": "省直单位", "elsewhere": "外地单位"}

ROUND_START_MONTH, ROUND_START_DAY = 3, 1


def round_start(round_year: int) -> date:
    """The day round ``round_year``'s cadres take up their posts: 1 March of that year.

    The province's rounds are decided over the winter and the new first secretaries and resident cadres arrive
    after the Spring Festival; the 2017 round loaded from the province (``cadres_load``) started on 2017-03-01,
    and every posting an approved plan creates starts on its round's date — never on the day someone clicked
    "approve" — so a plan approved late still counts for its round's year in the coverage indicators."""
    return date(round_year, ROUND_START_MONTH, ROUND_START_DAY)


def eligibility(cadre: Cadre, role: str = PostingRole.FIRST_SECRETARY, year: int = 2017) -> list[str]:
    """Why a cadre may not be sent (empty = eligible). POLICY.md §5; the minimum years are a policy parameter."""
    return eligibility_reasons(
        staff_status=cadre.staff_status,
        years_of_work=cadre.years_of_work,
        ratings=(cadre.rating_prev, cadre.rating_last),
        first_secretary=role == PostingRole.FIRST_SECRETARY,
        min_years=int(param("first_secretary_min_years", year)),
    )


def _villages(area_code: str, year: int) -> list[opt.Village]:
    lo, hi = codes.code_range(area_code)
    rows = AreaClassification.objects.filter(year=year, area_id__gte=lo, area_id__lte=hi).values_list("area_id", "kind")
    return opt.villages_from_classifications(rows)


def _pool(area_code: str, year: int) -> tuple[list[Cadre], dict[str, list[str]]]:
    """Cadres who may serve in the area: its own units, its prefecture's and the province's, not posted elsewhere;
    with the refusal reasons of the others."""
    lo, hi = codes.code_range(area_code)
    prefix = codes.prefix(area_code)
    upper = {codes.normalize(prefix[:k]) for k in (2, 4) if len(prefix) > k}
    qs = Cadre.objects.select_related("unit")
    if len(prefix) > 2:  # below the province: the area's own units and the units of its ancestors
        qs = qs.filter(Q(area_id__gte=lo, area_id__lte=hi) | Q(area_id__in=upper))
    cadres = list(qs)
    busy = set(
        Posting.objects.filter(status=PostingStatus.ACTIVE)
        .exclude(village_id__gte=lo, village_id__lte=hi)
        .values_list("cadre_id", flat=True)
    )
    refused: dict[str, list[str]] = {}
    pool = []
    for c in cadres:
        reasons = eligibility(c, year=year) + (["正在其他地区驻村"] if c.pk in busy else [])
        if reasons:
            refused[c.name + "（" + c.person_id[-4:] + "）"] = reasons
        else:
            pool.append(c)
    return pool, refused


def approved_plans_overlapping(*, area_code: str, round_year: int) -> list[DispatchPlan]:
    """Approved plans of the round whose area contains, or lies inside, ``area_code`` (system-side read)."""
    area_code = codes.normalize(area_code)
    return [
        p
        for p in DispatchPlan.objects.filter(round=round_year, status="approved").order_by("pk")
        if codes.contains(p.area_code, area_code) or codes.contains(area_code, p.area_code)
    ]


def _this_round(area_code: str, round_year: int) -> tuple[list[Posting], set[int]]:
    """The round's active postings in the area (they stay: nobody rotates inside a round) and every cadre who
    already has a posting of this round anywhere (active, ended or recalled: none of them is moved again)."""
    lo, hi = codes.code_range(area_code)
    active = list(
        Posting.objects.filter(
            status=PostingStatus.ACTIVE, round=round_year, village_id__gte=lo, village_id__lte=hi,
            role__in=VILLAGE_ROLES,
        ).select_related("cadre")
    )  # fmt: skip
    posted = set(Posting.objects.filter(round=round_year).values_list("cadre_id", flat=True))
    return active, posted


@transaction.atomic
def dispatch_plan(
    *, actor: Actor | None, area_code: str, round_year: int, certify: bool = True, confirm: bool = False
) -> DispatchPlan:
    """An optimal plan for the round. When the round already has an approved plan covering the area (or part of
    it), a new plan is only generated with ``confirm``; otherwise a ValidationError (code ``confirm_required``)
    names the approved plans.

    Within a round nobody rotates: a cadre already posted this round keeps their village and role (the plan
    lists them as staying), is never offered for another village, and the "no return to the last village" rule
    looks only at earlier rounds."""
    area_code = codes.normalize(area_code)
    require(actor, "dispatch.plan", area_code)
    villages = _villages(area_code, round_year)
    if not villages:
        raise ValidationError(f"{round_year} 年该区划没有需要选派第一书记的村（贫困村、软弱涣散村等）")
    approved = approved_plans_overlapping(area_code=area_code, round_year=round_year)
    if approved and not confirm:
        names = "、".join(f"方案 {p.pk}（{p.area_code}）" for p in approved)
        raise ValidationError(
            f"{round_year} 年已有批准的选派方案：{names}，本轮干部已经到岗。"
            "确需重新生成方案，请确认后再生成（网页勾选“确认重新生成”，命令行加 --confirm）",
            code="confirm_required",
            extra={"approved_plans": [p.pk for p in approved]},
        )
    progress.report(f"读取干部（{len(villages):,} 个村需选派）")
    staying, posted_this_round = _this_round(area_code, round_year)
    pool, refused = _pool(area_code, round_year)
    pool = [c for c in pool if c.pk not in posted_this_round]
    kept_fs = {p.village_id: p for p in staying if p.role == PostingRole.FIRST_SECRETARY}
    open_villages = [v for v in villages if v.code not in kept_fs]
    last: dict[int, set[str]] = {}
    for cadre_id, village in Posting.objects.filter(
        cadre_id__in=[c.pk for c in pool], role=PostingRole.FIRST_SECRETARY, round__lt=round_year
    ).values_list("cadre_id", "village_id"):
        last.setdefault(cadre_id, set()).add(village)
    candidates = [opt.Candidate(c.pk, c.cadre_type, c.area_id, frozenset(last.get(c.pk, ()))) for c in pool]
    progress.report(f"求解最优方案（{len(open_villages):,} 村 × {len(candidates):,} 名干部）")
    result = opt.solve(open_villages, candidates, certify=certify)
    progress.report("保存方案")
    by_id = {c.pk: c for c in pool}
    needing = {v.code for v in villages}
    kept = [p for p in kept_fs.values() if p.village_id in needing]
    plan = DispatchPlan.objects.create(
        round=round_year, area_code=area_code, actor_username=getattr(actor, "username", "") or "system",
        objective=result.objective, certified_objective=result.lp_objective,
        summary={
            "villages": len(villages), "covered": len(result.assignment) + len(kept),
            "uncovered": len(result.uncovered), "kept": len(kept),
            "candidates": len(pool), "refused": len(refused), "arcs": result.arcs,
            "refusals": dict(list(refused.items())[:200]),
            **_trade_offs(open_villages, by_id, result),
        },
    )  # fmt: skip
    items = []
    for v in villages:
        if v.code in kept_fs:
            p = kept_fs[v.code]
            items.append(PlanItem(plan=plan, village_id=v.code, cadre_id=p.cadre_id, cost=0, reason=_stays(p)))
            continue
        chosen = result.assignment.get(v.code)
        if chosen is None:
            items.append(PlanItem(plan=plan, village_id=v.code, reason=result.uncovered[v.code], cost=0))
            continue
        items.append(
            PlanItem(
                plan=plan,
                village_id=v.code,
                cadre_id=chosen,
                cost=result.cost[v.code],
                reason=_why(by_id[chosen], v),
            )
        )
    items += _resident_items(
        plan=plan, villages=villages, pool=pool, fs=result, year=round_year, certify=certify, staying=staying
    )
    plan.save(update_fields=["summary"])
    PlanItem.objects.bulk_create(items, batch_size=2000)
    audit_record(
        actor=actor, action="cadres.dispatch_plan", entity=plan, area_code=area_code,
        changes={"summary": [None, {k: v for k, v in plan.summary.items() if k != "refusals"}]},
    )  # fmt: skip
    return plan


def _resident_items(
    *,
    plan: DispatchPlan,
    villages: list[opt.Village],
    pool: list[Cadre],
    fs: opt.Result,
    year: int,
    certify: bool,
    staying: list[Posting] | None = None,
) -> list[PlanItem]:
    """Complete each team with resident cadres: team size and one member under the young age (policy parameters).
    Members already posted this round stay and count towards their team."""
    team_min, young_age = int(param("team_min_size", year)), int(param("team_young_age", year))
    chosen = set(fs.assignment.values())
    by_id = {c.pk: c for c in pool}
    rest = [c for c in pool if c.pk not in chosen]
    ages = {c.pk: year - c.birth_date.year for c in pool}
    staying = staying or []
    ages.update({p.cadre_id: year - p.cadre.birth_date.year for p in staying})
    young_fs = {code: ages[cid] < young_age for code, cid in fs.assignment.items()}
    needing = {v.code for v in villages}
    filled: dict[str, tuple[int, bool]] = {}
    kept_items = []
    for p in staying:
        if p.village_id not in needing:
            continue
        is_young = ages[p.cadre_id] < young_age
        if p.role == PostingRole.FIRST_SECRETARY:
            young_fs[p.village_id] = is_young
            continue
        n, any_young = filled.get(p.village_id, (0, False))
        filled[p.village_id] = (n + 1, any_young or is_young)
        kept_items.append(PlanItem(plan=plan, village_id=p.village_id, role=p.role, cadre_id=p.cadre_id,
                                   reason=f"驻村干部：{_stays(p)}"))  # fmt: skip
    candidates = [opt.Candidate(c.pk, c.cadre_type, c.area_id) for c in rest]
    result = opt.solve_residents(
        villages, candidates, ages, team_min=team_min, young_age=young_age, young_first_secretary=young_fs,
        certify=certify, filled=filled,
    )  # fmt: skip
    plan.summary = {
        **plan.summary,
        "resident_slots": len(result.assignment) + len(result.uncovered),
        "resident_covered": len(result.assignment),
        "resident_objective": result.objective,
        "resident_lp_objective": result.lp_objective,
    }
    village_of = {v.code: v for v in villages}
    items = []
    for slot in sorted([*result.assignment, *result.uncovered]):
        code = slot.split("/")[0]
        cadre_id = result.assignment.get(slot)
        if cadre_id is None:
            reason = "驻村干部：" + result.uncovered[slot]
        else:
            cadre = by_id[cadre_id]
            young = f"，{ages[cadre_id]} 岁（满足“至少一名 {young_age} 岁以下”）" if ages[cadre_id] < young_age else ""
            reason = f"驻村干部：{_why(cadre, village_of[code])}{young}"
        items.append(
            PlanItem(plan=plan, village_id=code, role=PostingRole.RESIDENT_CADRE, cadre_id=cadre_id,
                     cost=result.cost.get(slot, 0), reason=reason[:300])
        )  # fmt: skip
    return kept_items + items


def plan_summary_lines(plan: DispatchPlan) -> list[str]:
    """A plan in a reviewer's words: coverage (需选派/已覆盖/覆盖率), what the optimum traded (type matches,
    distance of the sending units, priority villages), the uncovered villages by reason, the resident slots."""
    s = plan.summary
    needed, covered = s.get("villages", 0), s.get("covered", 0)
    rate = f"{100 * covered / needed:.1f}%" if needed else "—"
    kept = f"（其中本轮已到岗留任 {s['kept']} 村）" if s.get("kept") else ""
    lines = [
        f"方案 {plan.pk}（{plan.round} 年轮次，{plan.area_code}）：需选派 {needed} 村，已覆盖 {covered} 村{kept}，"
        f"未覆盖 {s.get('uncovered', needed - covered)} 村，覆盖率 {rate}"
    ]
    if "matched" in s:
        if s.get("top_priority"):
            lines.append(f"优先保障的深度贫困村、极贫乡镇的村：覆盖 {s['top_priority_covered']}/{s['top_priority']} 村")
        distance = "、".join(f"{label} {n} 人" for label, n in s.get("distance", {}).items())
        lines.append(
            f"新选派 {s['matched'] + s['mismatched']} 人：类型匹配 {s['matched']} 人，不完全匹配 {s['mismatched']} 人"
            + (f"；{distance}" if distance else "")
        )
        for why, n in s.get("uncovered_reasons", {}).items():
            lines.append(f"未覆盖 {n} 村：{why}")
    lines.append(f"候选干部 {s.get('candidates', 0)} 人，另有 {s.get('refused', 0)} 人不符合选派条件")
    if "resident_slots" in s:
        lines.append(f"驻村干部：{s['resident_covered']}/{s['resident_slots']} 个岗位已安排")
    if plan.certified_objective is not None:
        proven = round(plan.certified_objective) == plan.objective
        lines.append(
            "经线性规划验证为最优方案（覆盖优先、其次匹配和就近）" if proven else "线性规划验证与方案不一致，请复核"
        )
    if s.get("edited"):
        lines.append(f"人工调整 {s['edited']} 处")
    return lines


def _stays(p: Posting) -> str:
    return f"本轮（{p.round} 年）已于 {p.start:%Y-%m-%d} 到岗，留任（同一轮次内不轮换）"


def _trade_offs(villages: list[opt.Village], by_id: dict[int, Cadre], result: opt.Result) -> dict[str, Any]:
    """What the optimum traded, in words a reviewer can check: type matches, distance, the uncovered villages by
    reason (the objective itself — rewards minus costs — means nothing to a user)."""
    village_of = {v.code: v for v in villages}
    matched = 0
    distances: dict[str, int] = {}
    for code, cadre_id in result.assignment.items():
        v, cadre = village_of[code], by_id[cadre_id]
        matched += cadre.cadre_type in {opt.PREFERRED[k] for k in v.kinds}
        label = DISTANCE_LABEL[opt.distance(cadre.area_id, code)]
        distances[label] = distances.get(label, 0) + 1
    reasons: dict[str, int] = {}
    for why in result.uncovered.values():
        reasons[why] = reasons.get(why, 0) + 1
    top = [v.code for v in villages if v.top_priority]
    return {
        "matched": matched,
        "mismatched": len(result.assignment) - matched,
        "distance": distances,
        "top_priority": len(top),
        "top_priority_covered": sum(code in result.assignment for code in top),
        "uncovered_reasons": reasons,
    }


def _why(cadre: Cadre, v: opt.Village) -> str:
    labels = "、".join(KIND_LABEL[k] for k in sorted(v.kinds))
    preferred = {opt.PREFERRED[k] for k in v.kinds}
    match = "类型匹配" if cadre.cadre_type in preferred else f"类型不完全匹配（宜派{'/'.join(sorted(preferred))}）"
    priority = "，优先保障（深度贫困村/极贫乡镇）" if v.top_priority else ""
    return f"{labels}：{cadre.cadre_type}型干部{match}；{DISTANCE_LABEL[opt.distance(cadre.area_id, v.code)]}{priority}"


@transaction.atomic
def plan_item_set(*, actor: Actor | None, item: PlanItem, cadre: Cadre | None) -> PlanItem:
    """An officer's edit: another cadre (eligible, not already in the plan, not back in their last village)."""
    plan = DispatchPlan.objects.select_for_update().get(pk=item.plan_id)
    require(actor, "dispatch.approve", plan.area_code)
    if plan.status != "draft":
        raise ValidationError("方案已批准，不能再调整")
    if cadre is not None:
        reasons = eligibility(cadre, year=plan.round)
        if reasons:
            raise ValidationError(f"{cadre.name} 不能选派：{'；'.join(reasons)}", extra={"field": "cadre"})
        if Posting.objects.filter(
            cadre=cadre, village_id=item.village_id, role=PostingRole.FIRST_SECRETARY, round__lt=plan.round
        ).exists():
            raise ValidationError(f"{cadre.name} 上一轮已在该村任第一书记，不能回派", extra={"field": "cadre"})
        same = Posting.objects.filter(cadre=cadre, round=plan.round).first()
        if same is not None and (same.village_id, same.role, same.status) != (
            item.village_id, item.role, PostingStatus.ACTIVE
        ):  # fmt: skip
            raise ValidationError(
                f"{cadre.name} 本轮（{plan.round} 年）已在 {same.village_id} 任{same.get_role_display()}，"
                "同一轮次内不轮换",
                extra={"field": "cadre"},
            )
        other = PlanItem.objects.filter(plan=plan, cadre=cadre).exclude(pk=item.pk).first()
        if other is not None:
            raise ValidationError(
                f"{cadre.name} 已在本方案中（{other.village_id}，{other.get_role_display()}）", extra={"field": "cadre"}
            )
    old = item.cadre_id
    item.cadre, item.edited = cadre, True
    item.reason = "人工调整" + (f"：{cadre.cadre_type}型干部" if cadre else "：暂不选派")
    item.save(update_fields=["cadre", "edited", "reason"])
    plan.summary = {**plan.summary, "edited": plan.summary.get("edited", 0) + 1}
    plan.save(update_fields=["summary"])
    audit_record(
        actor=actor, action="cadres.plan_edit", entity=item, changes={"cadre": [old, getattr(cadre, "pk", None)]}
    )
    return item


@transaction.atomic
def plan_approve(*, actor: Actor | None, plan: DispatchPlan, start: date | None = None) -> int:
    """Approval creates the postings atomically: the round's first secretaries start, those they replace end.

    The new postings start on the round's start date (``round_start``), whenever the approval happens; ``start``
    may name another day, but only one of the round's year. Nobody rotates inside a round: a posting of this
    round is never ended here, a cadre already posted this round in the item's village and role simply stays,
    and an item sending them elsewhere (or a second first secretary to a village that has one this round) is
    refused."""
    plan = DispatchPlan.objects.select_for_update().get(pk=plan.pk)
    require(actor, "dispatch.approve", plan.area_code)
    if plan.status != "draft":
        raise ValidationError("该方案已批准")
    if start is None:
        start = round_start(plan.round)
    elif start.year != plan.round:
        raise ValidationError(f"到岗日期 {start:%Y-%m-%d} 不在 {plan.round} 年轮次内", extra={"field": "start"})
    items = list(plan.items.exclude(cadre=None).select_related("cadre"))
    villages = [i.village_id for i in items]
    cadres = [i.cadre_id for i in items if i.cadre_id is not None]
    this_round = Posting.objects.filter(status=PostingStatus.ACTIVE, round=plan.round)
    current = {p.cadre_id: p for p in this_round.filter(cadre_id__in=cadres).select_related("cadre")}
    kept: set[int] = set()
    for i in items:
        p = current.get(i.cadre_id or 0)
        if p is None:
            continue
        if (p.village_id, p.role) != (i.village_id, i.role):
            raise ValidationError(
                f"{p.cadre.name} 本轮（{plan.round} 年）已在 {p.village_id} 任{p.get_role_display()}，"
                f"同一轮次内不能调往 {i.village_id} 任{i.get_role_display()}"
            )
        kept.add(p.pk)
    fs_villages = [i.village_id for i in items if i.role == PostingRole.FIRST_SECRETARY]
    other_fs = this_round.filter(role=PostingRole.FIRST_SECRETARY, village_id__in=fs_villages).exclude(pk__in=kept)
    clash = other_fs.select_related("cadre").first()
    if clash is not None:
        raise ValidationError(
            f"{clash.village_id} 本轮（{plan.round} 年）已有第一书记 {clash.cadre.name}，同一轮次内不轮换"
        )
    ending = Posting.objects.filter(status=PostingStatus.ACTIVE, village_id__in=villages) | Posting.objects.filter(
        status=PostingStatus.ACTIVE, cadre_id__in=cadres
    )
    ending = ending.filter(round__lt=plan.round)
    ended = ending.update(status=PostingStatus.ENDED, end=start, end_reason=f"{plan.round} 年轮换")
    kept_cadres = {p.cadre_id for p in current.values()}
    Posting.objects.bulk_create(
        [
            Posting(cadre=i.cadre, village_id=i.village_id, role=i.role, round=plan.round, start=start)
            for i in items
            if i.cadre_id not in kept_cadres
        ]
    )
    plan.status = "approved"
    plan.save(update_fields=["status"])
    audit_record(
        actor=actor, action="cadres.plan_approve", entity=plan, area_code=plan.area_code,
        changes={"postings": [None, len(items)], "ended": [None, ended]},
    )  # fmt: skip
    events.announce("cadres.postings_changed", on_commit=True, area_code=plan.area_code, year=plan.round)
    return len(items)


def coverage_report(*, viewer: Actor | None, area_code: str, year: int) -> dict[str, Any]:
    """Villages needing a first secretary without one, postings due for rotation (≥2 rounds), recalls."""
    area_code = codes.normalize(area_code)
    needing = {v.code for v in _villages(area_code, year)}
    base = Posting.objects.all() if viewer is None else scoping.scoped(Posting, viewer)  # None: the system
    active = base.filter(status=PostingStatus.ACTIVE, role=PostingRole.FIRST_SECRETARY)
    lo, hi = codes.code_range(area_code)
    active = active.filter(village_id__gte=lo, village_id__lte=hi)
    covered = set(active.values_list("village_id", flat=True))
    due = list(active.filter(round__lte=year - 2).values_list("village_id", "cadre__name", "round"))
    recalled = base.filter(status=PostingStatus.RECALLED, village_id__gte=lo, village_id__lte=hi).count()
    return {
        "needing": len(needing), "covered": len(needing & covered), "uncovered": sorted(needing - covered),
        "due_for_rotation": due, "recalled": recalled,
    }  # fmt: skip


@transaction.atomic
def work_teams_load(*, actor: Actor | None, groups: list[dict[str, Any]], round_year: int, source: str) -> int:
    """Village work groups and county work teams of a round (from the synthetic province's work_groups)."""
    rows = {(codes.normalize(g["village_code"]), "village_group") for g in groups}
    rows |= {(codes.normalize(g["county_code"]), "county_team") for g in groups if g.get("county_work_team")}
    for code, _ in rows:
        require(actor, "cadres.manage", code)
    present = set(WorkTeam.objects.filter(round=round_year).values_list("area_id", "kind"))
    new = [WorkTeam(area_id=code, kind=kind, round=round_year) for code, kind in sorted(rows - present)]
    WorkTeam.objects.bulk_create(new, batch_size=2000)
    audit_record(
        actor=actor, action="cadres.work_teams_load", entity=None, entity_type="cadres.batch", entity_id=source[:64],
        area_code="520000000000", changes={"teams": [None, len(new)]},
    )  # fmt: skip
    return len(new)


@transaction.atomic
def cadres_load(*, actor: Actor | None, units: list[dict[str, Any]], cadres: list[dict[str, Any]], source: str) -> int:
    """Helping units and cadres (with their current postings) from the synthetic province; replaces the units'
    cadres of the areas loaded. Audited as one batch."""
    codes_seen = {codes.normalize(u["area_code"]) for u in units}
    for code in codes_seen:
        require(actor, "cadres.manage", code)
    existing = set(
        HelpingUnit.objects.filter(unit_id__in=[u["unit_id"] for u in units]).values_list("unit_id", flat=True)
    )
    HelpingUnit.objects.bulk_create(
        [HelpingUnit(unit_id=u["unit_id"], name=u["name"], level=u["level"], kind=u["kind"],
                     area_id=codes.normalize(u["area_code"])) for u in units if u["unit_id"] not in existing],
        batch_size=2000,
    )  # fmt: skip
    unit_of = dict(HelpingUnit.objects.values_list("unit_id", "pk"))
    area_of = dict(HelpingUnit.objects.values_list("unit_id", "area_id"))
    present = set(
        Cadre.objects.filter(person_id__in=[c["person_id"] for c in cadres]).values_list("person_id", flat=True)
    )
    new = [c for c in cadres if c["person_id"] not in present]
    Cadre.objects.bulk_create(
        [Cadre(person_id=c["person_id"], name=c["name"], sex=c["sex"], birth_date=c["birth_date"],
               unit_id=unit_of[c["unit_id"]], area_id=area_of[c["unit_id"]], rank=c["rank"],
               cadre_type=c["cadre_type"], specialty=c["specialty"] or "", years_of_work=c["years_of_work"],
               staff_status=c["staff_status"], rating_prev=c["rating_2016"] or "", rating_last=c["rating_2017"] or "",
               rating_year=2017 if c["rating_2017"] else None)
         for c in new],
        batch_size=2000,
    )  # fmt: skip
    ids = dict(Cadre.objects.filter(person_id__in=[c["person_id"] for c in new]).values_list("person_id", "pk"))
    roles = {role.value: role for role in (PostingRole.FIRST_SECRETARY, PostingRole.RESIDENT_CADRE, *TEMPORARY_ROLES)}
    Posting.objects.bulk_create(
        [Posting(cadre_id=ids[c["person_id"]], village_id=c["village_code"], role=roles[c["role_2017"]], round=2017,
                 start=round_start(2017)) for c in new if c.get("village_code") and c.get("role_2017") in roles],
        batch_size=2000,
    )  # fmt: skip
    audit_record(
        actor=actor, action="cadres.load", entity=None, entity_type="cadres.batch", entity_id=source[:64],
        area_code="520000000000", changes={"units": [None, len(units) - len(existing)], "cadres": [None, len(new)]},
    )  # fmt: skip
    return len(new)


@transaction.atomic
def posting_recall(
    *, actor: Actor | None, posting: Posting, reason: str, on: date, replacement: Cadre | None = None
) -> Posting | None:
    """召回 (e.g. >30 days of leave, a red line): the posting ends as recalled; a replacement takes the same role."""
    posting = Posting.objects.select_for_update().get(pk=posting.pk)
    require(actor, "cadres.manage", posting.village_id)
    if posting.status != PostingStatus.ACTIVE:
        raise ValidationError("只能召回在岗人员")
    if not reason.strip():
        raise ValidationError("召回须写明原因", extra={"field": "reason"})
    if replacement is not None:
        refused = eligibility(replacement, posting.role, on.year)
        if refused:
            raise ValidationError(f"{replacement.name} 不能接替：{'；'.join(refused)}", extra={"field": "replacement"})
        if Posting.objects.filter(cadre=replacement, status=PostingStatus.ACTIVE).exists():
            raise ValidationError(f"{replacement.name} 正在其他村驻村", extra={"field": "replacement"})
    posting.status, posting.end, posting.end_reason = PostingStatus.RECALLED, on, reason.strip()[:100]
    posting.save(update_fields=["status", "end", "end_reason"])
    new = None
    if replacement is not None:
        new = Posting.objects.create(cadre=replacement, village_id=posting.village_id, role=posting.role,
                                     round=posting.round, start=on)  # fmt: skip
    audit_record(
        actor=actor, action="cadres.recall", entity=posting,
        changes={"status": ["active", "recalled"], "reason": [None, reason],
                 "replacement": [None, getattr(replacement, "pk", None)]},
    )  # fmt: skip
    return new


@transaction.atomic
def benefit_add(*, actor: Actor | None, posting: Posting, kind: str, year: int, amount: Any, note: str = "") -> Any:

    require(actor, "cadres.manage", posting.village_id)
    if kind not in BenefitKind.values:
        raise ValidationError(f"保障项目应为：{'、'.join(BenefitKind.labels)}", extra={"field": "kind"})
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValidationError(f"金额“{amount}”不是有效的数", extra={"field": "amount"}) from None
    if value < 0:
        raise ValidationError("金额不能为负", extra={"field": "amount"})
    benefit = Benefit.objects.create(posting=posting, village_id=posting.village_id, kind=kind, year=year,
                                     amount=value, note=note)  # fmt: skip
    audit_record(actor=actor, action="cadres.benefit_add", entity=benefit, changes={kind: [None, str(value)]})
    return benefit


def team_report(*, viewer: Actor | None, area_code: str, year: int) -> list[tuple[str, list[str]]]:
    """Villages whose team (active postings) breaks the team rules: too few people, nobody young enough."""
    min_size, young = int(param("team_min_size", year)), int(param("team_young_age", year))
    lo, hi = codes.code_range(area_code)
    base = Posting.objects.all() if viewer is None else scoping.scoped(Posting, viewer)
    teams: dict[str, list[date]] = {}
    for village, birth in base.filter(status=PostingStatus.ACTIVE, village_id__gte=lo, village_id__lte=hi).values_list(
        "village_id", "cadre__birth_date"
    ):
        teams.setdefault(village, []).append(birth)
    out = []
    for village, births in sorted(teams.items()):
        problems = []
        if len(births) < min_size:
            problems.append(f"仅 {len(births)} 人，少于 {min_size} 人")
        if not any(year - b.year < young for b in births):
            problems.append(f"没有 {young} 岁以下的队员")
        if problems:
            out.append((village, problems))
    return out


@transaction.atomic
def cadre_account_link(*, actor: Actor | None, cadre: Cadre, user: Any) -> Cadre:
    """Link a cadre to their own login account (a first secretary's or resident cadre's account in the village of
    their active posting): the field work (民情日记, leave) is then written in their name. ``user=None`` unlinks."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    require(actor, "cadres.manage")
    posting = Posting.objects.filter(cadre=cadre, status=PostingStatus.ACTIVE).select_related("village").first()
    # the organization department where the cadre serves links them (whichever unit sent them)
    require(actor, "cadres.manage", posting.village_id if posting is not None else cadre.area_id)
    if user is not None:
        if posting is None:
            raise ValidationError(f"{cadre.name} 目前不在岗驻村，不能关联账号")
        wanted = "first_secretary" if posting.role == PostingRole.FIRST_SECRETARY else "resident_cadre"
        if user.role != wanted or user.area_id != posting.village_id:
            raise ValidationError(
                f"账号 {user.username} 应为派驻村（{posting.village.name}）的"
                f"{'第一书记' if wanted == 'first_secretary' else '驻村工作队员'}账号",
                extra={"field": "account"},
            )
        other = Cadre.objects.filter(account=user).exclude(pk=cadre.pk).first()
        if other is not None:
            raise ValidationError(f"账号 {user.username} 已关联干部 {other.name}", extra={"field": "account"})
    before = cadre.account.username if cadre.account_id and cadre.account else None
    cadre.account = user
    cadre.save(update_fields=["account"])
    audit_record(actor=actor, action="cadres.account_link", entity=cadre,
                 changes={"account": [before, getattr(user, "username", None)]})  # fmt: skip
    return cadre


@transaction.atomic
def cadre_ratings_record(*, actor: Actor | None, year: int, grades: dict[int, str]) -> int:
    """The year's ratings of cadres (from the field work's year-end rating) become their "last year" rating, which
    the eligibility for the next dispatch reads with the one before. Recording a year again replaces it; a new year
    moves the last rating to "the year before". Returns the cadres changed (each audited old → new)."""
    require(actor, "cadres.manage")  # the caller (the rating of postings in its area) has checked the villages
    changed: list[Cadre] = []
    audits: list[Change] = []
    ids = sorted(grades)
    for start in range(0, len(ids), 5000):
        for cadre in Cadre.objects.select_for_update().filter(pk__in=ids[start : start + 5000]).order_by("pk"):
            before = (cadre.rating_prev, cadre.rating_last, cadre.rating_year)
            if cadre.rating_year is not None and cadre.rating_year > year:
                continue  # a later year is already recorded
            if cadre.rating_year is not None and cadre.rating_year < year:
                cadre.rating_prev = cadre.rating_last if cadre.rating_year == year - 1 else ""
            cadre.rating_last, cadre.rating_year = grades[cadre.pk], year
            after = (cadre.rating_prev, cadre.rating_last, cadre.rating_year)
            if after != before:
                changed.append(cadre)
                audits.append(Change("cadres.ratings_record", cadre, {"ratings": [list(before), list(after)]},
                                     cadre.area_id))  # fmt: skip
    Cadre.objects.bulk_update(changed, ["rating_prev", "rating_last", "rating_year"], batch_size=2000)
    audit_record_many(actor=actor, changes=audits)
    return len(changed)


@transaction.atomic
def temporary_post(*, actor: Actor | None, cadre: Cadre, area_code: str, role: str, start: date) -> Posting:
    """A temporary post above the village (挂职): a province cadre as deputy Party secretary or deputy head of a poor
    county, a prefecture cadre as deputy head of an extremely poor township — with the same eligibility as a first
    secretary, and the same ratings and reports as every posting."""
    area_code = codes.normalize(area_code)
    require(actor, "cadres.manage", area_code)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)  # one arrangement at a time per cadre
    if role not in TEMPORARY_ROLES:
        raise ValidationError("挂职职务应为：挂职县委副书记、挂职副县长、挂职副乡（镇）长", extra={"field": "role"})
    if codes.level_of(area_code) != TEMPORARY_ROLES[PostingRole(role)]:
        level = codes.LEVEL_NAMES[TEMPORARY_ROLES[PostingRole(role)]]
        raise ValidationError(f"{PostingRole(role).label}应挂职到{level}", extra={"field": "area"})
    refused = eligibility(cadre, PostingRole.FIRST_SECRETARY, start.year)
    if refused:
        raise ValidationError(f"{cadre.name} 不能挂职：{'；'.join(refused)}", extra={"field": "cadre"})
    if Posting.objects.filter(cadre=cadre, status=PostingStatus.ACTIVE).exists():
        raise ValidationError(f"{cadre.name} 正在其他地方驻村或挂职", extra={"field": "cadre"})
    posting = Posting.objects.create(cadre=cadre, village_id=area_code, role=role, round=start.year, start=start)
    audit_record(actor=actor, action="cadres.temporary_post", entity=posting,
                 changes={"role": [None, role], "area": [None, area_code], "start": [None, str(start)]})  # fmt: skip
    return posting


@transaction.atomic
def promotion_record(*, actor: Actor | None, cadre: Cadre, on: date, post: str, note: str = "") -> Promotion:
    """Record a cadre's promotion (提拔重用)."""
    require(actor, "cadres.manage", cadre.area_id)
    post = post.strip()
    if not post or len(post) > 100:
        raise ValidationError("请填写新任职务（100 字以内）", extra={"field": "post"})
    if on > timezone.localdate() or on.year < 2013:
        raise ValidationError("日期应在 2013 年到今天之间", extra={"field": "on"})
    item = Promotion.objects.create(cadre=cadre, on=on, post=post, note=note.strip()[:200],
                                    recorded_by=getattr(actor, "username", "") or "system")  # fmt: skip
    audit_record(actor=actor, action="cadres.promotion", entity=item, area_code=cadre.area_id,
                 changes={"post": [None, post], "on": [None, str(on)]})  # fmt: skip
    return item


@transaction.atomic
def promotions_load(*, actor: Actor | None, rows: list[dict[str, Any]], source: str) -> int:
    """Promotions from the province's records (person_id, on, post); those already there are skipped."""
    require(actor, "cadres.manage")
    ids = dict(Cadre.objects.filter(person_id__in=[r["person_id"] for r in rows]).values_list("person_id", "pk"))
    have = set(Promotion.objects.filter(cadre_id__in=list(ids.values())).values_list("cadre_id", "on", "post"))
    fresh = [r for r in rows if r["person_id"] in ids and (ids[r["person_id"]], r["on"], r["post"]) not in have]
    new = [Promotion(cadre_id=ids[r["person_id"]], on=r["on"], post=r["post"], recorded_by="系统") for r in fresh]
    Promotion.objects.bulk_create(new, batch_size=2000)
    if new:
        audit_record(actor=actor, action="cadres.promotions_load", entity=None, entity_type="cadres.batch",
                     entity_id=source[:64], area_code="520000000000",
                     changes={"promotions": [None, len(new)]})  # fmt: skip
    return len(new)
