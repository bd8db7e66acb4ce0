"""Every write of the assessment: schemes and their indicators, entered values, the run that ranks the assessed,
accountability cases through their steps, and the helping units' grades. Each checks its declared permission over
the area it changes and audits old → new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area, AreaClassification
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, progress
from fupin.core.actors import Actor, actor_name
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.parsing import choice_field, date_field, int_field, number_field, text_field
from fupin.core.permissions import require

from . import procedures
from .choices import (
    ASSESSED_CLASSIFICATION,
    ASSESSED_LEVEL,
    HIGHER_BETTER,
    Accountability,
    Assessed,
    CaseKind,
    CaseStatus,
    Consequence,
    EvidenceKind,
    Lead,
    Method,
    Problem,
    SchemeStatus,
    Source,
)
from .models import Case, CaseStep, EnteredValue, Indicator, Result, Scheme, UnitGrade
from .tables import scheme_inputs, unit_cadres

MAX_INDICATORS = 30
OPEN_CASE = (CaseStatus.OPEN, CaseStatus.RECTIFYING)
MAX_BOTTOM = 50
WEIGHT_TOTAL = Decimal(100)


def _today() -> date:
    return timezone.localdate()


def _year(value: Any) -> int:
    return int_field(value, "年度", 2014, _today().year)


# ------------------------------------------------------------------------------------------------- schemes


def _assessing(actor: Actor | None, area_code: str) -> Area:
    code = codes.normalize(area_code)
    require(actor, "assessment.scheme", code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    return area


@transaction.atomic
def scheme_create(
    *,
    actor: Actor | None,
    area_code: str,
    year: Any,
    title: str,
    assessed: str,
    bottom: Any = 1,
    consequence: str = Consequence.INTERVIEW,
    standard: bool = True,
) -> Scheme:
    """A year's scheme of ``area_code`` over the set ``assessed`` (which must lie below it); ``standard`` adds the
    standard indicators of that set (editable until it runs)."""
    area = _assessing(actor, area_code)
    y = _year(year)
    kind = choice_field(assessed, Assessed, "考核对象")
    if ASSESSED_LEVEL[Assessed(kind)] <= area.level:
        raise ValidationError(f"{area.name}不能考核“{Assessed(kind).label}”：考核对象须在本级以下")
    name = text_field(title, "方案名称", 100)
    if Scheme.objects.filter(area=area, year=y, title=name).exists():
        raise ValidationError(f"{area.name}已有 {y} 年的“{name}”")
    scheme = Scheme.objects.create(
        area=area,
        year=y,
        title=name,
        assessed=kind,
        bottom=int_field(bottom, "末位数", 0, MAX_BOTTOM),
        consequence=choice_field(consequence, Consequence, "末位处理"),
        created_by_id=getattr(actor, "pk", None),
    )
    if standard:
        for order, spec in enumerate(standard_indicators(Assessed(kind)), start=1):
            Indicator.objects.create(scheme=scheme, order=order, **spec)
    audit_record(
        actor=actor,
        action="assessment.scheme_create",
        entity=scheme,
        area_code=area.code,
        changes={"title": [None, name], "year": [None, y], "assessed": [None, kind]},
    )
    return scheme


def standard_indicators(assessed: Assessed) -> list[dict[str, Any]]:
    """The standard indicators (weights summing to 100): the poverty results, the quality of identification and
    exit (open findings: 10% or fewer for full marks), the cadres and, for villages, their Party organization, the
    Party secretary's 述职评议 (述职评议结果作为对领导班子评价的重要依据) and the 现场观摩 score entered by the
    assessors. The 错退率 and 漏评率 lines are the national exit standard's 2% (一票否决). Incidence needs the rural
    population, known for counties: below them the poor population's fall stands in for the incidence's (the share
    exited is not added: without new identifications it is the same figure)."""
    county = ASSESSED_LEVEL[assessed] == codes.COUNTY
    specs: list[dict[str, Any]] = [
        _spec(Source.INCIDENCE_FALL if county else Source.POOR_FALL, 30, Method.RELATIVE),
        _spec(Source.FINDINGS_OPEN, 10, Method.TARGET, target=10.0),
        _spec(Source.WRONG_EXIT_RATE, 10, Method.TARGET, target=2.0, veto=2.0),
        _spec(Source.MISSED_RATE, 10, Method.TARGET, target=2.0, veto=2.0),
        _spec(Source.CADRES_GOOD, 10, Method.TARGET, target=100.0),
        _spec(Source.VIOLATIONS, 5, Method.DEDUCT, step=20.0),
        _spec(Source.DEBRIEFING, 10, Method.TARGET, target=90.0),
        {"source": Source.ENTERED, "title": "现场观摩评分", "weight": Decimal(15), "higher_better": True,
         "method": Method.RELATIVE},
    ]  # fmt: skip
    if ASSESSED_LEVEL[assessed] == codes.VILLAGE:  # a village has no incidence of its own in the registry's sense
        specs[1] = _spec(Source.WEAK_VILLAGES, 10, Method.DEDUCT, step=100.0)
    return specs


def _spec(source: Source, weight: int, method: Method, **extra: float) -> dict[str, Any]:
    title = str(source.label).split("(")[0]
    return {
        "source": source,
        "title": title,
        "weight": Decimal(weight),
        "higher_better": HIGHER_BETTER[source],
        "method": method,
        **extra,
    }


def _scheme(actor: Actor | None, scheme_id: Any) -> Scheme:
    scheme = Scheme.objects.select_for_update().filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    require(actor, "assessment.scheme", scheme.area_id)
    return scheme


def _draft(scheme: Scheme, changes: dict[str, Any]) -> None:
    """A scheme whose indicators change goes back to 制定中: its stored results no longer follow from it."""
    if scheme.status != SchemeStatus.DRAFT:
        changes["status"] = [scheme.status, SchemeStatus.DRAFT.value]
        scheme.status = SchemeStatus.DRAFT
        scheme.save(update_fields=["status"])


@transaction.atomic
def indicator_add(
    *,
    actor: Actor | None,
    scheme_id: Any,
    source: str,
    title: str = "",
    weight: Any,
    method: str,
    higher_better: bool | None = None,
    target: Any = None,
    step: Any = None,
    veto: Any = None,
) -> Indicator:
    scheme = _scheme(actor, scheme_id)
    src = Source(choice_field(source, Source, "数据来源"))
    how = Method(choice_field(method, Method, "计分方法"))
    if src != Source.ENTERED:
        higher = HIGHER_BETTER[src]
    elif higher_better is None:
        raise ValidationError("录入评分须说明数值越大越好还是越小越好")
    else:
        higher = bool(higher_better)
    t = number_field(target, "目标值", -1e9, 1e9, required=how == Method.TARGET)
    s = number_field(step, "每单位扣分", 0, 100, required=how == Method.DEDUCT)
    if how == Method.TARGET and higher and (t or 0) <= 0:
        raise ValidationError("数值越大越好的指标，目标值须大于 0")
    if how == Method.DEDUCT and higher:
        raise ValidationError("扣分法只用于数值越小越好的指标（如违规件数）")
    if scheme.indicators.count() >= MAX_INDICATORS:
        raise ValidationError(f"一个方案最多 {MAX_INDICATORS} 项指标")
    w = number_field(weight, "权重", 0, 100)
    order = (scheme.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    indicator = Indicator.objects.create(
        scheme=scheme,
        order=order,
        source=src,
        title=text_field(title or str(src.label).split("(")[0], "指标名称", 60),
        weight=Decimal(str(w)).quantize(Decimal("0.01")),
        higher_better=higher,
        method=how,
        target=t if how == Method.TARGET else None,
        step=s if how == Method.DEDUCT else None,
        veto=number_field(veto, "一票否决线", -1e9, 1e9, required=False),
    )
    changes: dict[str, Any] = {"indicator": [None, indicator.title], "weight": [None, str(indicator.weight)]}
    _draft(scheme, changes)
    audit_record(
        actor=actor, action="assessment.indicator_add", entity=scheme, changes=changes, area_code=scheme.area_id
    )
    return indicator


@transaction.atomic
def indicator_remove(*, actor: Actor | None, scheme_id: Any, order: Any) -> None:
    scheme = _scheme(actor, scheme_id)
    indicator = scheme.indicators.filter(order=order).first()
    if indicator is None:
        raise NotFoundError("指标不存在")
    changes: dict[str, Any] = {"indicator": [indicator.title, None], "weight": [str(indicator.weight), None]}
    indicator.delete()
    _draft(scheme, changes)
    audit_record(
        actor=actor, action="assessment.indicator_remove", entity=scheme, changes=changes, area_code=scheme.area_id
    )


def assessed_areas(scheme: Scheme) -> list[Area]:
    """The scheme's assessed set, by its rule: every area of the level below the assessing area or, for a
    classified set, those classified so for the scheme's year."""
    kind = Assessed(scheme.assessed)
    lo, hi = codes.code_range(scheme.area_id)
    level = ASSESSED_LEVEL[kind]
    if kind in ASSESSED_CLASSIFICATION:
        ids = AreaClassification.objects.filter(
            kind=ASSESSED_CLASSIFICATION[kind], year=scheme.year, area_id__gte=lo, area_id__lte=hi
        ).values_list("area_id", flat=True)
        return list(Area.objects.filter(code__in=ids, level=level).select_related("parent").order_by("code"))
    return list(Area.objects.filter(code__gte=lo, code__lte=hi, level=level).select_related("parent").order_by("code"))


@transaction.atomic
def values_enter(*, actor: Actor | None, scheme_id: Any, order: Any, values: dict[str, Any]) -> int:
    """Enter an entered indicator's values (0–100) for assessed areas ({area code: value}; an empty value removes
    the area's entry). A bad row names the area and nothing is written."""
    scheme = _scheme(actor, scheme_id)
    indicator = scheme.indicators.filter(order=order).first()
    if indicator is None or indicator.source != Source.ENTERED:
        raise ValidationError("只有“录入评分”指标可以录入数值")
    names = {a.code: a.name for a in assessed_areas(scheme)}
    clean: dict[str, float | None] = {}
    for code, raw in values.items():
        if code not in names:
            raise ValidationError(f"“{code}”不是本方案的考核对象")
        try:
            clean[code] = number_field(raw, f"{names[code]}的{indicator.title}", 0, 100, required=False)
        except ValidationError as exc:
            raise ValidationError(str(exc.message)) from None
    old = {v.area_id: v for v in EnteredValue.objects.filter(indicator=indicator, area_id__in=list(clean))}
    changes, add, update, drop = [], [], [], []
    by = getattr(actor, "pk", None)
    for code, value in clean.items():
        row = old.get(code)
        before = row.value if row else None
        if before == value:
            continue
        if value is None:
            drop.append(row)
        elif row is None:
            add.append(EnteredValue(indicator=indicator, area_id=code, value=value, entered_by_id=by))
        else:
            row.value, row.entered_by_id = value, by
            update.append(row)
        changes.append(Change("assessment.value_enter", scheme, {indicator.title: [before, value]}, code))
    EnteredValue.objects.bulk_create(add)
    now = timezone.now()
    for row in update:
        row.entered_at = now  # bulk_update runs no auto_now
    EnteredValue.objects.bulk_update(update, ["value", "entered_by_id", "entered_at"])
    EnteredValue.objects.filter(pk__in=[r.pk for r in drop if r is not None]).delete()
    if changes:
        _draft(scheme, {})
    audit_record_many(actor=actor, changes=changes)
    return len(changes)


@dataclass
class RunResult:
    assessed: int
    bottom: list[str]
    missing: dict[str, int]  # indicator title → assessed areas without a value


def _ready(scheme: Scheme) -> tuple[list[Indicator], list[Area]]:
    """A scheme's indicators and assessed areas; refused while its weights do not add up to 100 or nobody is
    assessed."""
    indicators = list(scheme.indicators.all())
    if not indicators:
        raise ValidationError(f"“{scheme.title}”还没有考核指标")
    total = sum((i.weight for i in indicators), Decimal(0))
    if total != WEIGHT_TOTAL:
        raise ValidationError(f"“{scheme.title}”各项指标权重合计须为 100 分，现为 {total.normalize():f} 分")
    areas = assessed_areas(scheme)
    if not areas:
        raise ValidationError(f"{scheme.area}在 {scheme.year} 年没有“{scheme.get_assessed_display()}”，无可考核对象")
    return indicators, areas


def _veto_text(i: Indicator) -> str:
    return f"{i.title}{'低于' if i.higher_better else '超过'}一票否决线 {i.veto:g}"


def _score(
    actor: Actor | None, items: list[tuple[Scheme, list[Indicator], list[Area]]], engine: str
) -> dict[int, RunResult]:
    """Score the schemes at once (``analytics.assessment.score``) and store their results, replacing the last
    run's; the caller holds the transaction and has checked the permission."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines

    progress.report("读取指标数据", 0, 3)
    tables = scheme_inputs([(s, inds, [a.code for a in areas]) for s, inds, areas in items])
    progress.report("计分排名", 1, 3)
    with engines.load(tables, engine) as t:
        parts_expr, totals_expr = rules.score(t["schemes"], t["areas"], t["values"], t["indicators"])
        parts, totals = parts_expr.to_pyarrow().to_pylist(), totals_expr.to_pyarrow().to_pylist()
    progress.report("保存结果", 2, 3)
    orders = {s.pk: {i.order: i for i in inds} for s, inds, _ in items}
    per_area: dict[tuple[int, str], list[dict[str, Any]]] = {}
    missing: dict[int, dict[str, int]] = {s.pk: {} for s, _, _ in items}
    for p in sorted(parts, key=lambda r: (r["scheme"], r["area_code"], r["indicator"])):
        ind = orders[p["scheme"]][p["indicator"]]
        if p["value"] is None:
            missing[p["scheme"]][ind.title] = missing[p["scheme"]].get(ind.title, 0) + 1
        per_area.setdefault((p["scheme"], p["area_code"]), []).append(
            {"order": ind.order, "value": p["value"], "score": p["score"], "points": p["points"],
             "vetoed": bool(p["vetoed"])}
        )  # fmt: skip
    rows = []
    for t_ in totals:
        key = (t_["scheme"], t_["area_code"])
        vetoes = [orders[key[0]][x["order"]] for x in per_area[key] if x["vetoed"]]
        rows.append(Result(scheme_id=key[0], area_id=key[1], total=Decimal(str(t_["total"])), rank=t_["rank"],
                           bottom=bool(t_["bottom"]), capped="；".join(_veto_text(i) for i in vetoes)[:300],
                           parts=per_area[key]))  # fmt: skip
    # upserted, not replaced: a case cites its result by id, which a re-run must keep
    Result.objects.bulk_create(rows, batch_size=2000, update_conflicts=True, unique_fields=["scheme", "area"],
                               update_fields=["total", "rank", "bottom", "capped", "parts"])  # fmt: skip
    for scheme, _, areas in items:  # areas no longer assessed (their classification withdrawn) leave the ranking
        Result.objects.filter(scheme=scheme).exclude(area_id__in=[a.code for a in areas]).delete()
    now, out, changes = timezone.now(), {}, []
    for scheme, _, areas in items:
        names = {a.code: a.name for a in areas}
        mine = [r for r in rows if r.scheme_id == scheme.pk]
        bottom = sorted(r.area_id for r in mine if r.bottom)
        changes.append(Change("assessment.scheme_run", scheme, {
            "status": [scheme.status, SchemeStatus.RUN.value], "ranked": [None, len(mine)],
            "bottom_areas": [None, [names[c] for c in bottom]]}, scheme.area_id))  # fmt: skip
        scheme.status, scheme.run_at, scheme.missing = SchemeStatus.RUN, now, missing[scheme.pk]
        out[scheme.pk] = RunResult(assessed=len(mine), bottom=bottom, missing=missing[scheme.pk])
    Scheme.objects.bulk_update([s for s, _, _ in items], ["status", "run_at", "missing"])
    audit_record_many(actor=actor, changes=changes)
    progress.report("完成", 3, 3)
    return out


@transaction.atomic
def scheme_run(*, actor: Actor | None, scheme_id: Any, engine: str = "duckdb") -> RunResult:
    """Score every assessed area by the scheme and store the results, replacing the last run's."""
    scheme = _scheme(actor, scheme_id)
    indicators, areas = _ready(scheme)
    return _score(actor, [(scheme, indicators, areas)], engine)[scheme.pk]


@dataclass
class BatchResult:
    schemes: int
    assessed: int
    bottom: int
    skipped: list[str]  # the schemes that could not run, each with why


@transaction.atomic
def schemes_run(
    *, actor: Actor | None, area_code: str, year: Any, engine: str = "duckdb", only: list[int] | None = None
) -> BatchResult:
    """Run every scheme of ``year`` made by the area or below it at once (the province's assessment of all its
    schemes: 下考两级 at every level); a scheme that cannot run is skipped and named."""
    code = codes.normalize(area_code)
    require(actor, "assessment.scheme", code)
    y = _year(year)
    lo, hi = codes.code_range(code)
    items, skipped = [], []
    chosen = Scheme.objects.select_for_update().filter(year=y, area_id__gte=lo, area_id__lte=hi)
    if only is not None:  # (a loader runs the schemes it made)
        chosen = chosen.filter(pk__in=only)
    for scheme in chosen.order_by("pk"):
        try:
            items.append((scheme, *_ready(scheme)))
        except ValidationError as exc:
            skipped.append(str(exc.message))
    if not items:
        raise ValidationError(f"{y} 年没有可运行的考核方案" + (f"：{'；'.join(skipped)}" if skipped else ""))
    done = _score(actor, items, engine)
    return BatchResult(schemes=len(done), assessed=sum(r.assessed for r in done.values()),
                       bottom=sum(len(r.bottom) for r in done.values()), skipped=skipped)  # fmt: skip


# --------------------------------------------------------------------------------------------------- cases


def _scope_area(actor: Actor | None, area: Area) -> str:
    """The authority of a case opened by ``actor``: their own area (the system's: the area's parent)."""
    code = getattr(actor, "scope_code", None) if actor is not None and not actor.is_superuser else None
    return str(code or area.parent_id or area.code)


@transaction.atomic
def case_open(
    *,
    actor: Actor | None,
    area_code: str,
    kind: str,
    subject: str,
    reason: str,
    opened_on: date | None,
    accountability: str = "",
    evidence: list[dict[str, Any]] | None = None,
    scheme_id: Any = None,
    problem: str = "",
    lead: str = "",
) -> Case:
    """Open a 约谈 or 问责 against the leaders of ``area_code``, with its grounds (``evidence``: {kind, ref,
    text}, e.g. a ranking's result), what it is about (``problem``) and where it came from (``lead``)."""
    code = codes.normalize(area_code)
    require(actor, "assessment.case_open", code, from_above=True)  # never an area's case against itself
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    k = CaseKind(choice_field(kind, CaseKind, "类型"))
    how = ""
    if k == CaseKind.ACCOUNTABILITY:
        if not str(accountability or "").strip():
            names = "、".join(Accountability.labels)
            raise ValidationError(f"问责须选择问责方式（{names}）", extra={"field": "accountability"})
        how = choice_field(accountability, Accountability, "问责方式")
    items = []
    for item in evidence or []:
        items.append(
            {
                "kind": choice_field(item.get("kind"), EvidenceKind, "依据类型"),
                "ref": str(item.get("ref") or "")[:40],
                "text": text_field(item.get("text"), "依据", 300),
            }
        )
    scheme = None
    if scheme_id:
        scheme = Scheme.objects.filter(pk=scheme_id).first()
        if scheme is None or not codes.contains(scheme.area_id, code):
            raise ValidationError("考核方案不存在或不涉及该单位")
    if scheme is not None and Case.objects.filter(area=area, scheme=scheme, status__in=OPEN_CASE).exists():
        raise ValidationError(f"已就{area.name}的“{scheme.title}”结果立案，尚未办结")
    on = date_field(opened_on, "约谈/问责日期")
    case = Case.objects.create(
        area=area,
        authority_id=_scope_area(actor, area),
        kind=k,
        accountability=how,
        problem=choice_field(problem, Problem, "问题类型") if problem else "",
        lead=choice_field(lead, Lead, "线索来源") if lead else "",
        subject=text_field(subject, "约谈/问责对象", 100),
        reason=text_field(reason, "事由", 300),
        evidence=items,
        opened_on=on,
        scheme=scheme,
        created_by_id=getattr(actor, "pk", None),
    )
    _step(actor, case, "open", on, case.reason)
    audit_record(
        actor=actor,
        action="assessment.case_open",
        entity=case,
        area_code=code,
        changes={
            "kind": [None, k.value],
            "problem": [None, case.problem],
            "subject": [None, case.subject],
            "status": [None, case.status],
        },
    )
    return case


def _step(actor: Actor | None, case: Case, step: str, on: date, text: str) -> None:
    CaseStep.objects.create(
        case=case, step=step, on=on, text=text, by_id=getattr(actor, "pk", None), by_name=actor_name(actor)
    )


def _case(actor: Actor | None, case_id: Any, action: str) -> Case:
    case = Case.objects.select_for_update().select_related("area", "authority").filter(pk=case_id).first()
    if case is None:
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    area = case.authority_id if action == "assessment.case_close" else case.area_id
    require(actor, action, area)
    if action == "assessment.case_rectify" and not _rectifier(actor, case):
        raise PermissionDeniedError(f"整改由被约谈、问责的{case.area.name}登记")
    return case


def _rectifier(actor: Actor | None, case: Case) -> bool:
    """The held-to-account area records its own 整改 (a village's, its township): not the authority above it."""
    if actor is None or actor.is_superuser:
        return True
    own = actor.scope_code or ""
    if codes.level_of(case.area_id) == codes.VILLAGE:
        return own in (case.area_id, codes.normalize(codes.prefix(case.area_id, codes.TOWNSHIP)))
    return own == case.area_id


def _advance(actor: Actor | None, case: Case, name: str, *, on: date | None, text: str, label: str) -> Case:
    """Take the step ``name`` (``procedures.STEPS``): from an allowed state, dated no earlier than the last step."""
    step = procedures.BY_NAME[name]
    if case.status not in step.sources:
        raise ValidationError(f"该记录{case.get_status_display()}，不能{step.title}")
    last = case.steps.order_by("-on").values_list("on", flat=True).first() or case.opened_on
    when = date_field(on, f"{step.title}日期", earliest=last)
    body = text_field(text, label, 2000)
    before = case.status
    case.status = step.target
    if step.target in (CaseStatus.CLOSED, CaseStatus.EXEMPTED):
        case.closed_on = when
    case.save()
    _step(actor, case, name, when, body)
    audit_record(
        actor=actor,
        action=f"assessment.case_{name}",
        entity=case,
        area_code=case.area_id,
        changes={"status": [before, case.status], label: [None, body]},
    )
    return case


@transaction.atomic
def case_plan(*, actor: Actor | None, case_id: Any, measures: str, deadline: date | None, on: date | None) -> Case:
    """The held-to-account area records its 整改 measures and deadline."""
    case = _case(actor, case_id, "assessment.case_rectify")
    if deadline is None:
        raise ValidationError("请填写整改时限")
    if on is not None and deadline < on:
        raise ValidationError("整改时限不能早于制定日期")
    case.measures, case.deadline = text_field(measures, "整改措施", 2000), deadline
    return _advance(actor, case, "plan", on=on, text=f"{case.measures}（时限 {deadline:%Y-%m-%d}）", label="整改措施")


@transaction.atomic
def case_progress(*, actor: Actor | None, case_id: Any, text: str, on: date | None) -> Case:
    case = _case(actor, case_id, "assessment.case_rectify")
    return _advance(actor, case, "progress", on=on, text=text, label="整改进展")


@transaction.atomic
def case_close(*, actor: Actor | None, case_id: Any, text: str, on: date | None) -> Case:
    """销号: the authority that opened the case (or above) closes it once the 整改 has progress on record."""
    case = _case(actor, case_id, "assessment.case_close")
    if not case.steps.filter(step="progress").exists():
        raise ValidationError("尚未登记整改进展，不能销号")
    return _advance(actor, case, "close", on=on, text=text, label="销号意见")


@transaction.atomic
def case_exempt(*, actor: Actor | None, case_id: Any, text: str, on: date | None) -> Case:
    """容错纠错: the authority exempts the case, with its grounds (e.g. 先行先试出现失误、已及时纠正)."""
    case = _case(actor, case_id, "assessment.case_close")
    return _advance(actor, case, "exempt", on=on, text=text, label="容错免责依据")


def case_may(actor: Actor | None, case: Case) -> dict[str, bool]:
    """Which steps ``actor`` may take on ``case`` now (the page shows only those)."""
    from fupin.core.permissions import allowed

    rectify = allowed(actor, "assessment.case_rectify", case.area_id) and _rectifier(actor, case)
    close = allowed(actor, "assessment.case_close", case.authority_id)
    status = case.status
    return {
        "plan": rectify and status in procedures.BY_NAME["plan"].sources,
        "progress": rectify and status in procedures.BY_NAME["progress"].sources,
        "close": close and status in procedures.BY_NAME["close"].sources,
        "exempt": close and status in procedures.BY_NAME["exempt"].sources,
    }


# --------------------------------------------------------------------------------------------- unit grades

CAP_TEXT = {
    "poor_rating": "{n} 名派驻干部年度考核为基本称职或不称职（县乡村评议不好）",
    "masses": "派驻干部群众满意度测评最低 {v:g} 分（群众反映差）",
    "bottom_village": "{n} 个帮扶村在当年村级考核中排名末位（帮扶成效不好）",
}
RECURRING = "连续两年不能评为一等奖：应约谈单位主要负责人"


def unit_grade_params(year: int) -> dict[str, Any]:
    from fupin.policy.selectors import param

    lines = tuple(float(param(k, year)) for k in ("unit_first_min", "unit_second_min", "unit_third_min"))
    return {"grade_min": lines, "masses_min": float(param("unit_masses_min", year))}


@dataclass
class GradeResult:
    units: int
    by_grade: dict[str, int]
    capped: int
    recurring: list[str]


@transaction.atomic
def unit_grades_run(*, actor: Actor | None, area_code: str, year: Any, engine: str = "duckdb") -> GradeResult:
    """Grade every helping unit located in the area for ``year`` by the seed's rule
    (``analytics.assessment.unit_grades``), replacing the year's grades there; a unit capped this year and the
    year before is marked for an interview of its head (单位“一把手”约谈)."""
    from fupin.analytics import assessment as rules
    from fupin.analytics import engines
    from fupin.cadres.models import HelpingUnit

    code = codes.normalize(area_code)
    require(actor, "assessment.unit_grade", code)
    y = _year(year)
    progress.report("读取派驻干部考核", 0, 3)
    cadres = unit_cadres(code, y)
    village_sets = [k for k, level in ASSESSED_LEVEL.items() if level == codes.VILLAGE]
    bottom = sorted(
        set(
            Result.objects.filter(scheme__year=y, bottom=True, scheme__assessed__in=village_sets).values_list(
                "area_id", flat=True
            )
        )
    )
    tables = {"cadres": cadres, "bottom": pa.table({"village_code": pa.array(bottom, pa.string())})}
    progress.report("评定等次", 1, 3)
    with engines.load(tables, engine) as t:
        grades_expr, caps_expr = rules.unit_grades(t["cadres"], t["bottom"], **unit_grade_params(y))
        grades, caps = grades_expr.to_pyarrow().to_pylist(), caps_expr.to_pyarrow().to_pylist()
    progress.report("保存结果", 2, 3)
    reasons: dict[str, list[str]] = {}
    for c in sorted(caps, key=lambda r: (r["unit_id"], rules.CAPS.index(r["cap"]))):
        n = int(c["value"]) if c["value"] is not None else 0
        reasons.setdefault(c["unit_id"], []).append(CAP_TEXT[c["cap"]].format(n=n, v=c["value"] or 0))
    lo, hi = codes.code_range(code)
    units = {u.unit_id: u for u in HelpingUnit.objects.filter(area_id__gte=lo, area_id__lte=hi)}
    last_capped = set(
        UnitGrade.objects.filter(year=y - 1, unit__unit_id__in=list(reasons))
        .exclude(reasons="")
        .values_list("unit__unit_id", flat=True)
    )
    old = {g.unit.unit_id: g for g in UnitGrade.objects.filter(year=y, unit__in=units.values()).select_related("unit")}
    rows, changes, recurring = [], [], []
    for g in grades:
        unit = units[g["unit_id"]]
        why = reasons.get(unit.unit_id, []) or ([f"派驻干部尚未评定 {y} 年度考核"] if g["score"] is None else [])
        if why and unit.unit_id in last_capped:
            why.append(RECURRING)
            recurring.append(unit.unit_id)
        row = UnitGrade(
            unit=unit,
            area_id=unit.area_id,
            year=y,
            cadres=g["cadres"],
            score=None if g["score"] is None else Decimal(str(g["score"])),
            earned=g["earned"],
            grade=g["grade"],
            reasons="；".join(why)[:500],
        )
        rows.append(row)
        before = old.get(unit.unit_id)
        if before is None or (before.grade, before.reasons) != (row.grade, row.reasons):
            changes.append(
                Change(
                    "assessment.unit_grade",
                    unit,
                    {
                        "year": [None, y],
                        "grade": [before.grade if before else None, row.grade],
                        "reasons": [before.reasons if before else None, row.reasons or None],
                    },
                    unit.area_id,
                )
            )
    UnitGrade.objects.filter(year=y, unit__in=units.values()).delete()
    UnitGrade.objects.bulk_create(rows, batch_size=2000)
    audit_record_many(actor=actor, changes=changes)
    progress.report("完成", 3, 3)
    by_grade: dict[str, int] = {}
    for r in rows:
        by_grade[r.grade] = by_grade.get(r.grade, 0) + 1
    return GradeResult(
        units=len(rows), by_grade=by_grade, capped=sum(1 for r in rows if r.reasons), recurring=sorted(recurring)
    )
