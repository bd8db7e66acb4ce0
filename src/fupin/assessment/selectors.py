"""Every read of the assessment, scoped by ``core.scoping`` first: the schemes an area runs, a scheme's ranking,
an assessed area's own results, one result's contributions, the accountability cases a viewer may see (the
organization departments and discipline inspection of the level and above, and the area held to account) and the
helping units' grades."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from fupin.accounts.choices import Department, Role
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError

from .choices import CaseStatus, ChangeStatus, Method, Problem
from .models import (
    Campaign,
    CampaignTask,
    Case,
    CaseStep,
    ContactPoint,
    Debriefing,
    EnteredValue,
    Indicator,
    Leader,
    LeaderChange,
    Result,
    Scheme,
    UnitGrade,
)

CASE_DEPARTMENTS = frozenset({Department.ORGANIZATION, Department.DISCIPLINE})
OPEN = (CaseStatus.OPEN, CaseStatus.RECTIFYING)


def schemes(*, viewer: Actor | None, year: int | None = None) -> QuerySet[Scheme]:
    """The schemes of the viewer's area and below (an assessed area reads its results, not the schemes)."""
    qs = scoping.scoped(Scheme, viewer).select_related("area")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "area_id", "title")


def scheme_get(*, viewer: Actor | None, scheme_id: int) -> Scheme:
    scheme = scoping.scoped(Scheme, viewer).select_related("area").filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFoundError("考核方案不存在或不在您的管辖范围内")
    return scheme


def indicators(*, scheme: Scheme) -> list[Indicator]:
    return list(scheme.indicators.order_by("order"))


def entered_values(*, viewer: Actor | None, scheme: Scheme) -> dict[tuple[int, str], float]:
    """(indicator order, area code) → the value entered, for the scheme's entered indicators."""
    rows = scoping.scoped(EnteredValue, viewer).filter(indicator__scheme=scheme).select_related("indicator")
    return {(v.indicator.order, v.area_id): v.value for v in rows}


def ranking(*, viewer: Actor | None, scheme: Scheme) -> QuerySet[Result]:
    return (
        scoping.scoped(Result, viewer)
        .filter(scheme=scheme)
        .select_related("area", "area__parent")
        .order_by("rank", "area_id")
    )


def own_results(*, viewer: Actor | None, area_code: str, limit: int = 200) -> list[Result]:
    """The results of the area and of the areas in it (a township reads its own and its villages'), latest year
    first, the area's own before its parts'."""
    code = codes.normalize(area_code)
    lo, hi = codes.code_range(code)
    qs = (
        scoping.scoped(Result, viewer)
        .filter(area_id__gte=lo, area_id__lte=hi)
        .select_related("scheme", "scheme__area", "area")
        .order_by("-scheme__year", "area__level", "scheme__title", "rank")
    )
    return list(qs[:limit])


@dataclass(frozen=True)
class Part:
    indicator: Indicator
    value: float | None
    score: float
    points: float
    vetoed: bool

    @property
    def how(self) -> str:
        """The scoring rule as people read it."""
        i = self.indicator
        better = "越大越好" if i.higher_better else "越小越好"
        unit = "" if i.unit == "分" else i.unit
        if i.method == Method.TARGET:
            return f"达标法，目标值 {i.target:g}{unit}（{better}）"
        if i.method == Method.DEDUCT:
            return f"扣分法，每{unit or '项'}扣 {i.step:g} 分"
        return f"极差法（{better}）"


def result_get(*, viewer: Actor | None, result_id: int) -> tuple[Result, list[Part], int]:
    """One result with each indicator's part (in the scheme's order) and the number of areas ranked."""
    result = (
        scoping.scoped(Result, viewer).select_related("scheme", "scheme__area", "area").filter(pk=result_id).first()
    )
    if result is None:
        raise NotFoundError("考核结果不存在或不在您的管辖范围内")
    by_order = {i.order: i for i in result.scheme.indicators.all()}
    parts = [
        Part(by_order[p["order"]], p["value"], p["score"], p["points"], p["vetoed"])
        for p in result.parts
        if p["order"] in by_order
    ]
    return result, parts, Result.objects.filter(scheme_id=result.scheme_id).count()


# --------------------------------------------------------------------------------------------------- cases


def cases_visible(viewer: Actor | None) -> QuerySet[Case]:
    """Cases in the viewer's area — of the organization departments, discipline inspection, the province's
    administrators and inspectors all of them; of any other officer only those against their own area."""
    qs = scoping.scoped(Case, viewer)
    if viewer is None or viewer.is_superuser or viewer.role in (Role.PROVINCE_ADMIN, Role.INSPECTOR):
        return qs
    if getattr(viewer, "department", "") in CASE_DEPARTMENTS:
        return qs
    own = viewer.scope_code or ""
    if viewer.scope_level == codes.TOWNSHIP:  # a township records its villages' 整改 too
        return qs.filter(Q(area_id=own) | Q(area__parent_id=own, area__level=codes.VILLAGE))
    return qs.filter(area_id=own)


def cases(*, viewer: Actor | None, status: str = "", kind: str = "", problem: str = "") -> QuerySet[Case]:
    qs = cases_visible(viewer).select_related("area", "authority")
    if problem:
        qs = qs.filter(problem=problem)
    if status == "active":  # 未办结: not yet closed nor exempted (CaseStatus.OPEN alone is "open")
        qs = qs.filter(status__in=OPEN)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    last = CaseStep.objects.filter(case=OuterRef("pk")).order_by("-on", "-pk")
    qs = qs.annotate(last_on=Subquery(last.values("on")[:1]), last_text=Subquery(last.values("text")[:1]))
    return qs.order_by("-opened_on", "-pk")


def cases_waiting(*, viewer: Actor, limit: int = 5) -> list[tuple[Case, str]]:
    """The cases waiting for the viewer, oldest first: their own area's 整改 to plan or report (a township's, also
    its villages'), and the cases they opened whose 整改 is reported, to be closed (销号)."""
    from fupin.core.permissions import allowed

    own = viewer.scope_code
    if not own or viewer.is_superuser:
        return []
    visible = cases_visible(viewer).select_related("area")
    out: list[tuple[Case, str]] = []
    if allowed(viewer, "assessment.case_rectify", own):
        mine = visible.filter(status__in=OPEN).filter(
            Q(area_id=own) | Q(area__parent_id=own, area__level=codes.VILLAGE)
        )
        out += [(c, "待制定整改措施" if c.status == CaseStatus.OPEN else "整改中，待报进展") for c in
                mine.order_by("opened_on", "pk")[:limit]]  # fmt: skip
    if allowed(viewer, "assessment.case_close", own):
        ready = visible.filter(authority_id=own, status=CaseStatus.RECTIFYING, steps__step="progress").distinct()
        out += [(c, "已报整改进展，待销号") for c in ready.order_by("opened_on", "pk")[:limit]]
    return out[:limit]


def case_get(*, viewer: Actor | None, case_id: int) -> Case:
    case = cases_visible(viewer).select_related("area", "authority", "scheme", "created_by").filter(pk=case_id).first()
    if case is None:
        raise NotFoundError("约谈问责记录不存在或不在您的管辖范围内")
    return case


def case_steps(*, case: Case) -> list[Any]:
    return list(case.steps.order_by("on", "pk"))


AGE_BANDS = ((0, 30, "30 天以内"), (31, 90, "31–90 天"), (91, 180, "91–180 天"), (181, 100000, "180 天以上"))


def open_cases_by_age(*, viewer: Actor | None, today: date | None = None) -> list[dict[str, Any]]:
    """The open cases (待整改、整改中) by age since opened, and how many are past their deadline."""
    today = today or timezone.localdate()
    rows = cases_visible(viewer).filter(status__in=OPEN).values_list("opened_on", "deadline")
    counts, overdue = [0] * len(AGE_BANDS), [0] * len(AGE_BANDS)
    for opened, deadline in rows:
        age = (today - opened).days
        for k, (lo, hi, _) in enumerate(AGE_BANDS):
            if lo <= age <= hi:
                counts[k] += 1
                overdue[k] += int(deadline is not None and deadline < today)
    return [{"label": b[2], "count": c, "overdue": o} for b, c, o in zip(AGE_BANDS, counts, overdue, strict=True)]


def cases_by_problem(*, viewer: Actor | None) -> list[dict[str, Any]]:
    """The viewer's cases by what they are about (the special governances' board): open, closed and exempted."""
    counts: dict[str, dict[str, int]] = {}
    for problem, status, n in cases_visible(viewer).values_list("problem", "status").annotate(n=Count("pk")):
        row = counts.setdefault(problem, {"open": 0, "closed": 0, "exempted": 0})
        row["open" if status in OPEN else status] += n
    labels = dict(Problem.choices)
    order = [*Problem.values, ""]
    return [{"problem": p, "label": labels.get(p, "未分类"), **counts[p], "total": sum(counts[p].values())}
            for p in order if p in counts]  # fmt: skip


def cites(case: Case, kind: str, ref: Any) -> bool:
    """Whether ``case``'s evidence names the ``kind`` row ``ref`` (a finding, a unit's grade …); an area has few
    cases, so its cases are read and looked at (JSON containment is not portable to SQLite)."""
    return any(e.get("kind") == kind and e.get("ref") == str(ref) for e in case.evidence)


def cases_for_finding(*, viewer: Actor | None, finding: Any) -> list[Case]:
    """The viewer's cases citing a check finding."""
    qs = cases_visible(viewer).filter(area_id=finding.village_id).order_by("-opened_on", "-pk")
    return [c for c in qs if cites(c, "finding", finding.pk)]


def cases_for_result(*, viewer: Actor | None, result: Result) -> QuerySet[Case]:
    return cases_visible(viewer).filter(area_id=result.area_id, scheme_id=result.scheme_id)


# ------------------------------------------------------------------------------------------------ units


def unit_grades(*, viewer: Actor | None, year: int, grade: str = "") -> QuerySet[UnitGrade]:
    qs = scoping.scoped(UnitGrade, viewer).filter(year=year).select_related("unit", "area")
    if grade:
        qs = qs.filter(grade=grade)
    return qs.order_by("unit__level", "unit__unit_id")


def unit_grade_get(*, viewer: Actor | None, grade_id: int) -> UnitGrade:
    item = scoping.scoped(UnitGrade, viewer).select_related("unit", "area").filter(pk=grade_id).first()
    if item is None:
        raise NotFoundError("帮扶单位等次不存在或不在您的管辖范围内")
    return item


def unit_case_open(*, viewer: Actor | None, grade: UnitGrade) -> bool:
    """Whether a 约谈 citing this grade is still open."""
    open_ = cases_visible(viewer).filter(area_id=grade.area_id, status__in=OPEN)
    return any(cites(c, "unit_grade", grade.pk) for c in open_)


def unit_grade_counts(*, viewer: Actor | None, year: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for g in scoping.scoped(UnitGrade, viewer).filter(year=year).values_list("grade", flat=True):
        counts[g] = counts.get(g, 0) + 1
    return counts


# ------------------------------------------------------------------------------------------------ leaders


def contact_points(*, viewer: Actor | None, area_code: str) -> QuerySet[ContactPoint]:
    """The contact points (包保) in the area, with their leaders (a township sees the leaders who contact it)."""
    lo, hi = codes.code_range(codes.normalize(area_code))
    return (
        scoping.scoped(ContactPoint, viewer)
        .filter(area_id__gte=lo, area_id__lte=hi, end__isnull=True)
        .select_related("leader", "leader__area", "area")
        .annotate(visit_count=Count("visits"), last_visit=Max("visits__date"))
        .order_by("area_id", "leader__area_id")
    )


def changes_pending(*, viewer: Actor | None) -> QuerySet[LeaderChange]:
    return (
        scoping.scoped(LeaderChange, viewer)
        .filter(status=ChangeStatus.PENDING)
        .select_related("area", "leader")
        .order_by("created_at")
    )


def changes_decided(*, viewer: Actor | None, limit: int = 50) -> list[LeaderChange]:
    qs = scoping.scoped(LeaderChange, viewer).exclude(status=ChangeStatus.PENDING).select_related("area", "leader")
    return list(qs.order_by("-decided_at")[:limit])


def leaders_of(*, viewer: Actor | None, area_code: str) -> QuerySet[Leader]:
    """The leaders in post of the area itself and of its child areas (a page lists two levels, not the province)."""
    code = codes.normalize(area_code)
    level = codes.level_of(code)
    lo, hi = codes.code_range(code)
    qs = scoping.scoped(Leader, viewer).filter(area_id__gte=lo, area_id__lte=hi, end__isnull=True)
    qs = qs.filter(Q(area_id=code) | Q(area__level=level + 1)) if level < codes.VILLAGE else qs.filter(area_id=code)
    return qs.select_related("area").order_by("area_id", "post", "-start")


def contact_coverage(*, viewer: Actor | None, area_code: str, year: int) -> list[dict[str, Any]]:
    """下抓两级: how many of the area's extremely poor townships have a leader in charge (包干) or in contact, and
    how many of its deep-poverty villages, in ``year``'s classification."""
    from datetime import date as date_

    from fupin.areas.models import AreaClassification

    lo, hi = codes.code_range(codes.normalize(area_code))
    first, last = date_(year, 1, 1), date_(year, 12, 31)
    points = scoping.scoped(ContactPoint, viewer).filter(area_id__gte=lo, area_id__lte=hi, start__lte=last)
    points = points.filter(Q(end__isnull=True) | Q(end__gt=first))
    covered = set(points.values_list("area_id", flat=True))
    out = []
    for kind, label in (("extremely_poor_township", "极贫乡镇"), ("deep_poverty_village", "深度贫困村")):
        listed = set(
            AreaClassification.objects.filter(kind=kind, year=year, area_id__gte=lo, area_id__lte=hi).values_list(
                "area_id", flat=True
            )
        )
        if listed:
            out.append({"label": label, "total": len(listed), "covered": len(listed & covered)})
    return out


def debriefings(*, viewer: Actor | None, area_code: str, year: int) -> QuerySet[Debriefing]:
    """The year's 述职评议 of the area's child areas' secretaries (the level the area debriefs)."""
    code = codes.normalize(area_code)
    lo, hi = codes.code_range(code)
    level = codes.level_of(code) + 1
    qs = scoping.scoped(Debriefing, viewer).filter(area_id__gte=lo, area_id__lte=hi, year=year, area__level=level)
    return qs.select_related("area").order_by("-score", "area_id")


# ----------------------------------------------------------------------------------------------- campaigns


def campaigns_for(*, viewer: Actor | None, year: int | None = None) -> QuerySet[Campaign]:
    """The campaigns a viewer takes part in or oversees: those launched by their area's ancestors or by their own
    area, and those launched below it."""
    qs = Campaign.objects.select_related("area")
    if viewer is None or not viewer.is_authenticated:
        return qs.none()
    own = None if viewer.is_superuser else viewer.scope_code
    if not viewer.is_superuser and not own:  # an account bound to no area sees nothing, as everywhere
        return qs.none()
    if own:
        lo, hi = codes.code_range(own)
        qs = qs.filter(Q(area_id__in=[*codes.ancestor_codes(own), own]) | Q(area_id__gte=lo, area_id__lte=hi))
    if year is not None:
        qs = qs.filter(start__year__lte=year, end__year__gte=year)
    return qs.order_by("-start", "area_id")


def campaign_get(*, viewer: Actor | None, campaign_id: int) -> Campaign:
    campaign = campaigns_for(viewer=viewer).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError("攻坚行动不存在或不在您的管辖范围内")
    return campaign


def campaign_progress(*, viewer: Actor | None, campaign: Campaign) -> dict[str, Any]:
    """The campaign as the viewer sees it: per step the tasks in their area (done / set / overdue, attendance),
    per child area of the viewer's part its tasks done / set, and the cases opened in the area during it."""
    from .choices import Step

    today = timezone.localdate()
    own = viewer.scope_code if viewer is not None and not viewer.is_superuser and viewer.scope_code else None
    base = campaign.area_id if own is None or codes.contains(own, campaign.area_id) else own
    tasks = list(scoping.scoped(CampaignTask, viewer).filter(campaign=campaign).select_related("area"))
    steps = []
    for value, label in Step.choices:
        mine = [t for t in tasks if t.step == value]
        steps.append({"step": value, "label": label, "set": len(mine), "done": sum(1 for t in mine if t.done_on),
                      "overdue": sum(1 for t in mine if not t.done_on and t.due < today),
                      "attendance": sum(t.attendance or 0 for t in mine)})  # fmt: skip
    level = codes.level_of(base)
    by_child: dict[str, list[int]] = {}
    for t in tasks:
        if codes.level_of(t.area_id) > level:
            child = codes.normalize(codes.prefix(t.area_id, level + 1))
            counts = by_child.setdefault(child, [0, 0])
            counts[0] += 1
            counts[1] += int(t.done_on is not None)
    from fupin.areas.models import Area

    names = dict(Area.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    children = [{"code": c, "name": names.get(c, c), "set": n, "done": d,
                 "share": round(100 * d / n) if n else 0} for c, (n, d) in sorted(by_child.items())]  # fmt: skip
    lo, hi = codes.code_range(base)
    cases = cases_visible(viewer).filter(area_id__gte=lo, area_id__lte=hi, opened_on__gte=campaign.start,
                                         opened_on__lte=campaign.end).count()  # fmt: skip
    mine = [t for t in tasks if own is not None and t.area_id == own]
    groups: dict[tuple[str, str, date], list[int]] = {}
    for t in tasks:
        g = groups.setdefault((t.step, t.title, t.due), [0, 0])
        g[0] += 1
        g[1] += int(t.done_on is not None)
    labels = dict(Step.choices)
    ordered = sorted(groups.items(), key=lambda x: (x[0][2], x[0][0]))
    set_ = [{"step": labels[k[0]], "title": k[1], "due": k[2], "set": n, "done": d,
             "overdue": d < n and k[2] < today} for k, (n, d) in ordered]  # fmt: skip
    return {"steps": steps, "children": children, "cases": cases, "mine": mine, "base": base, "tasks": set_,
            "total": len(tasks), "done": sum(1 for t in tasks if t.done_on)}  # fmt: skip
