"""压实责任: the schemes an area runs (下考两级) and their rankings, one result's contributions, the accountability
cases (约谈、问责) and their steps, the helping units' grades. Every form is shown only to those who may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fupin.areas.selectors import area_children, area_get, area_names, area_resolve
from fupin.assessment import campaigns, leadership, selectors, services
from fupin.assessment.choices import CaseKind, CaseStatus, Consequence, EvidenceKind, Lead, Problem, Source
from fupin.assessment.procedures import STEP_TITLES
from fupin.core import codes, permissions
from fupin.core.errors import ApplicationError, ValidationError
from fupin.core.parsing import ascii_int
from fupin.jobs.services import job_start
from fupin.web.common.forms import form_errors_text, form_submit
from fupin.web.common.params import viewer_of, year_param

from .forms import (
    AppointForm,
    CampaignForm,
    CaseOpenForm,
    CaseRecordForm,
    ContactForm,
    DebriefForm,
    DecideForm,
    IndicatorForm,
    PlanForm,
    SchemeForm,
    StepTextForm,
    TaskDoneForm,
    TaskForm,
    VisitForm,
)

CASE_LIMIT = 500


def _today() -> Any:
    return timezone.localdate()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year's schemes of the viewer's area and below, the viewer's own results, the open cases by age."""
    viewer = viewer_of(request)
    year = year_param(request)
    own = viewer.scope_code or codes.normalize("52")
    may_scheme = permissions.allowed(viewer, "assessment.scheme", own)
    form = SchemeForm(initial={"year": year, "title": f"{year} 年脱贫攻坚考核"})
    if request.method == "POST" and request.POST.get("form") == "run_all":
        if not may_scheme:
            raise PermissionDenied("您没有运行考核的权限")
        return _run_all(request, viewer, own, year)
    if request.method == "POST":
        if not may_scheme:
            raise PermissionDenied("您没有制定考核方案的权限")
        form = SchemeForm(request.POST)
        made: list[Any] = []
        if form_submit(request, form, lambda d: made.append(services.scheme_create(actor=viewer, area_code=own, **d)),
                       "已制定考核方案：请核对指标和权重，录入评分后运行考核"):  # fmt: skip
            return redirect("assessment-scheme", scheme_id=made[0].pk)
    return render(request, "web/assessment/index.html", {
        "year": year, "years": range(2014, _today().year + 1), "schemes": selectors.schemes(viewer=viewer, year=year),
        "own_results": selectors.own_results(viewer=viewer, area_code=own) if viewer.scope_code else [],
        "ages": selectors.open_cases_by_age(viewer=viewer), "may_scheme": may_scheme, "form": form,
        "own_name": area_names([own]).get(own, "全省"),
    })  # fmt: skip


POINTS_SHOWN = 500  # a prefecture's contact points; the province's 2,745 are read county by county


def _posted_id(request: HttpRequest, name: str) -> int:
    """A row's id posted by a page's form; a tampered value is refused in Chinese, not a server error."""
    value = ascii_int(request.POST.get(name), lo=1, hi=2**62)
    if value is None:
        raise ValidationError("提交的数据无效，请刷新页面后重试")
    return value


def _run_all(request: HttpRequest, viewer: Any, own: str, year: int) -> HttpResponse:
    """Every scheme of the year in the viewer's area at once: in the background above a county (with progress)."""
    try:
        if codes.level_of(own) < codes.COUNTY:
            job = job_start(actor=viewer, kind="assessment.run_all", area_code=own, params={"year": year})
            return redirect("job-detail", job_id=job.pk)
        done = services.schemes_run(actor=viewer, area_code=own, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        skipped = f"；未运行 {len(done.skipped)} 个：{'；'.join(done.skipped)}" if done.skipped else ""
        messages.success(request, f"已运行考核方案 {done.schemes} 个：参加排名 {done.assessed} 个单位，末位 "
                                  f"{done.bottom} 个{skipped}")  # fmt: skip
    return redirect(f"{request.path}?year={year}")


def _scheme_post(request: HttpRequest, scheme: Any, viewer: Any) -> tuple[bool, IndicatorForm | None]:
    which = request.POST.get("form", "")
    sid = scheme.pk
    if which == "indicator":
        form = IndicatorForm(request.POST)
        return form_submit(request, form, lambda d: services.indicator_add(actor=viewer, scheme_id=sid, **d),
                           "已增加指标"), form  # fmt: skip
    try:
        if which == "remove":
            services.indicator_remove(actor=viewer, scheme_id=sid, order=_posted_id(request, "order"))
            messages.success(request, "已删除指标")
        elif which == "values":
            order = _posted_id(request, "order")
            values = {k[2:]: v for k, v in request.POST.items() if k.startswith("v_")}
            n = services.values_enter(actor=viewer, scheme_id=sid, order=order, values=values)
            messages.success(request, f"已保存 {n} 个单位的录入评分" if n else "录入评分没有变化")
        elif which == "run":
            run = services.scheme_run(actor=viewer, scheme_id=sid)
            text = f"已完成考核：{run.assessed} 个单位参加排名，末位 {len(run.bottom)} 个"
            if run.missing:
                text += "；缺少数据（按 0 分计）：" + "、".join(f"{k} {v} 个" for k, v in run.missing.items())
            messages.success(request, text)
        else:
            raise PermissionDenied("未知的操作")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False, None
    return True, None


@login_required
def scheme(request: HttpRequest, scheme_id: int) -> HttpResponse:
    """A scheme: its indicators and weights, the entered values, the run and the ranking with the bottom flagged."""
    viewer = viewer_of(request)
    item = selectors.scheme_get(viewer=viewer, scheme_id=scheme_id)
    may = permissions.allowed(viewer, "assessment.scheme", item.area_id)
    indicator_form: IndicatorForm | None = None
    if request.method == "POST":
        if not may:
            raise PermissionDenied("您没有修改考核方案的权限")
        done, indicator_form = _scheme_post(request, item, viewer)
        if done:
            return redirect("assessment-scheme", scheme_id=item.pk)
    lines = selectors.indicators(scheme=item)
    areas = services.assessed_areas(item)
    entered = selectors.entered_values(viewer=viewer, scheme=item)
    entry_rows = [
        {"indicator": i, "rows": [(a, entered.get((i.order, a.code))) for a in areas]}
        for i in lines
        if i.source == Source.ENTERED
    ]
    ranking = list(selectors.ranking(viewer=viewer, scheme=item))
    return render(request, "web/assessment/scheme.html", {
        "s": item, "lines": lines, "weight_total": sum(i.weight for i in lines), "areas": areas,
        "entry_rows": entry_rows, "ranking": ranking, "may": may,
        "form": indicator_form or IndicatorForm(initial={"method": "relative"}),
        "consequence": Consequence(item.consequence).label,
    })  # fmt: skip


@login_required
def result(request: HttpRequest, result_id: int) -> HttpResponse:
    """One assessed area's result: each indicator's value, score and points; its cases; a form to open one."""
    viewer = viewer_of(request)
    item, parts, ranked = selectors.result_get(viewer=viewer, result_id=result_id)
    scheme_ = item.scheme
    may_open = permissions.allowed(viewer, "assessment.case_open", item.area_id, from_above=True)
    title = scheme_.title if str(scheme_.year) in scheme_.title else f"{scheme_.year} 年{scheme_.title}"
    reason = f"{title}第 {item.rank} 名（共 {ranked} 名，{item.total} 分）"
    if item.bottom:
        reason += f"，排名末位：{Consequence(scheme_.consequence).label}"
    form = CaseOpenForm(initial={"kind": CaseKind.INTERVIEW, "subject": f"{item.area.name}党政主要负责人",
                                 "reason": reason, "opened_on": _today()})  # fmt: skip
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied("您没有约谈、问责立案的权限")
        form = CaseOpenForm(request.POST)
        evidence = [
            {"kind": EvidenceKind.RESULT, "ref": str(item.pk), "text": f"{reason}（{_today():%Y-%m-%d} 的排名）"}
        ]
        made: list[Any] = []
        if form_submit(request, form, lambda d: made.append(services.case_open(
                actor=viewer, area_code=item.area_id, evidence=evidence, scheme_id=scheme_.pk,
                problem=Problem.RANKING, lead=Lead.ASSESSMENT, **d)),
                "已立案：被约谈单位可在“约谈问责”中登记整改"):  # fmt: skip
            return redirect("assessment-case", case_id=made[0].pk)
    return render(request, "web/assessment/result.html", {
        "r": item, "s": scheme_, "parts": parts, "ranked": ranked, "may_open": may_open, "form": form,
        "cases": selectors.cases_for_result(viewer=viewer, result=item),
        "may_scheme": permissions.allowed(viewer, "assessment.scheme", scheme_.area_id),
    })  # fmt: skip


def _record(viewer: Any, data: dict[str, Any]) -> Any:
    return services.case_open(actor=viewer, area_code=_resolve(viewer, data.pop("area")), **data)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the viewer may see, by status, kind and problem; the board by problem; recording a lead."""
    viewer = viewer_of(request)
    status = request.GET.get("status", "active")
    status = status if status in {"active", "all", *CaseStatus.values} else "active"
    kind = request.GET.get("kind", "")
    kind = kind if kind in CaseKind.values else ""
    problem = request.GET.get("problem", "")
    problem = problem if problem in Problem.values else ""
    may_record = permissions.allowed(viewer, "assessment.case_open")
    form = CaseRecordForm(initial={"kind": CaseKind.INTERVIEW, "opened_on": _today()}) if may_record else None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("您没有约谈、问责立案的权限")
        form = CaseRecordForm(request.POST)
        made: list[Any] = []
        if form_submit(request, form, lambda d: made.append(_record(viewer, dict(d))),
                       "已登记并立案：被约谈/问责单位可在此登记整改"):  # fmt: skip
            return redirect("assessment-case", case_id=made[0].pk)
    rows = list(selectors.cases(viewer=viewer, status="" if status == "all" else status, kind=kind,
                                problem=problem)[:CASE_LIMIT])  # fmt: skip
    today = _today()
    return render(request, "web/assessment/cases.html", {
        "rows": [{"c": c, "age": (today - c.opened_on).days,
                  "overdue": c.deadline is not None and c.deadline < today and c.status in selectors.OPEN}
                 for c in rows],
        "status": status, "kind": kind, "problem": problem,
        "statuses": [("active", "未办结"), *CaseStatus.choices, ("all", "全部")], "kinds": CaseKind.choices,
        "problems": Problem.choices, "limit": CASE_LIMIT, "ages": selectors.open_cases_by_age(viewer=viewer),
        "board": selectors.cases_by_problem(viewer=viewer), "form": form,
    }, status=400 if form is not None and form.errors else 200)  # fmt: skip


STEP_LABELS = {"progress": "整改进展", "close": "销号意见", "exempt": "容错免责依据"}
STEP_DONE = {"plan": "已保存整改措施", "progress": "已登记整改进展", "close": "已销号", "exempt": "已认定容错免责"}


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """A case: whom, by whom, why and its evidence; its dated steps; the steps the viewer may take now."""
    viewer = viewer_of(request)
    item = selectors.case_get(viewer=viewer, case_id=case_id)
    may = services.case_may(viewer, item)
    today = _today()
    forms_: dict[str, Any] = {"plan": PlanForm(initial={"on": today})}
    forms_.update({k: StepTextForm(initial={"on": today}, label=v) for k, v in STEP_LABELS.items()})
    if request.method == "POST":
        which = request.POST.get("form", "")
        if not may.get(which):
            raise PermissionDenied("您现在不能办理此步骤")
        calls: dict[str, Callable[..., Any]] = {
            "plan": services.case_plan, "progress": services.case_progress, "close": services.case_close,
            "exempt": services.case_exempt,
        }  # fmt: skip
        form = PlanForm(request.POST) if which == "plan" else StepTextForm(request.POST, label=STEP_LABELS[which])
        forms_[which] = form
        if form_submit(request, form, lambda d: calls[which](actor=viewer, case_id=item.pk, **d), STEP_DONE[which]):
            return redirect("assessment-case", case_id=item.pk)
    return render(request, "web/assessment/case.html", {
        "c": item, "steps": [(st, STEP_TITLES.get(st.step, st.step)) for st in selectors.case_steps(case=item)],
        "may": may, "forms": forms_,
        "overdue": item.deadline is not None and item.deadline < today and item.status in selectors.OPEN,
        "result_kind": EvidenceKind.RESULT.value,
    })  # fmt: skip


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """The helping units' grades of a year: counts by grade, each unit with its score and the reasons it could not
    be first class; the grading itself for those who may."""
    viewer = viewer_of(request)
    year = year_param(request)
    own = viewer.scope_code or codes.normalize("52")
    may = permissions.allowed(viewer, "assessment.unit_grade", own)
    rows = list(selectors.unit_grades(viewer=viewer, year=year))
    recurring = [g for g in rows if services.RECURRING in g.reasons]
    return render(request, "web/assessment/units.html", {
        "year": year, "years": range(2014, _today().year + 1), "rows": rows,
        "counts": selectors.unit_grade_counts(viewer=viewer, year=year), "may": may,
        "own_name": area_names([own]).get(own, "全省"), "recurring": services.RECURRING,
        "openable": {g.pk for g in recurring
                     if permissions.allowed(viewer, "assessment.case_open", g.area_id, from_above=True)},
        "interviewed": {g.pk for g in recurring if selectors.unit_case_open(viewer=viewer, grade=g)},
    })  # fmt: skip


@login_required
@require_POST
def units_run(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    year = year_param(request)
    own = viewer.scope_code or codes.normalize("52")
    try:
        got = services.unit_grades_run(actor=viewer, area_code=own, year=request.POST.get("year", year))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        text = "、".join(f"{g} {n} 个" for g, n in got.by_grade.items())
        messages.success(request, f"已评定 {got.units} 个帮扶单位：{text or '无派驻干部'}；不能评为一等奖的情形 "
                                  f"{got.capped} 个，连续两年的 {len(got.recurring)} 个")  # fmt: skip
    return redirect(f"{request.path.removesuffix('run/')}?year={request.POST.get('year', year)}")


@login_required
@require_POST
def unit_interview(request: HttpRequest, grade_id: int) -> HttpResponse:
    """约谈 the head of a unit that could not be first class two years running (the seed: 对责任不落实的单位“一把手”
    进行约谈), with the grade as its evidence; once, by the level above the unit's."""
    viewer = viewer_of(request)
    grade = selectors.unit_grade_get(viewer=viewer, grade_id=grade_id)
    back = redirect(f"/assessment/units/?year={grade.year}")
    reason = f"{grade.year} 年帮扶单位年度目标考核：{grade.reasons}"
    if services.RECURRING not in grade.reasons:
        messages.error(request, "该单位不属于连续两年不能评为一等奖的情形")
        return back
    if selectors.unit_case_open(viewer=viewer, grade=grade):
        messages.error(request, "已对该单位主要负责人立案约谈，尚未办结")
        return back
    try:
        made = services.case_open(
            actor=viewer, area_code=grade.area_id, kind=CaseKind.INTERVIEW, subject=f"{grade.unit.name}主要负责人",
            reason=reason[:300], opened_on=_today(),
            evidence=[{"kind": EvidenceKind.UNIT_GRADE, "ref": str(grade.pk), "text": reason[:300]}],
            problem=Problem.RESULTS, lead=Lead.ASSESSMENT,
        )  # fmt: skip
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return back
    messages.success(request, "已立案约谈单位主要负责人")
    return redirect("assessment-case", case_id=made.pk)


def _leaders_area(request: HttpRequest, viewer: Any) -> Any:
    code = request.GET.get("area") or request.POST.get("area_code") or viewer.scope_code or codes.normalize("52")
    try:
        return area_get(viewer=viewer, code=code)
    except ApplicationError:
        raise Http404("该地区不存在或不在您的管辖范围内") from None


def _resolve(viewer: Any, text: str) -> str:
    """A typed area (a 12-digit code or a name) as its code; a Chinese refusal when it is neither or ambiguous."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return codes.normalize(text)
    found, candidates = area_resolve(viewer=viewer, name=text)
    if found is None:
        names = "、".join(f"{a.name}（{a.code}）" for a in candidates[:5])
        raise ValidationError(f"“{text}”对应多个地区：{names}，请填写区划代码" if candidates else f"找不到地区“{text}”")
    return str(found.code)


@login_required
def leaders(request: HttpRequest) -> HttpResponse:
    """An area's leadership (its own and its child areas' leaders in post), the contact points in it with their
    visits, 下抓两级's coverage, and the poor counties' head changes waiting for the province."""
    viewer = viewer_of(request)
    area = _leaders_area(request, viewer)
    year = year_param(request)
    may = permissions.allowed(viewer, "assessment.leaders", area.code)
    rows = list(selectors.leaders_of(viewer=viewer, area_code=area.code))
    children = [(c.code, c.name) for c in area_children(viewer=viewer, area=area)] if area.level < 5 else []
    appoint = AppointForm(areas=[(area.code, area.name), *children], initial={"on": _today()})
    contact = ContactForm(leaders=[(str(r.pk), f"{r.area.name} {r.title} {r.name}") for r in rows],
                          initial={"start": _today()})  # fmt: skip
    decide = DecideForm()
    points = list(selectors.contact_points(viewer=viewer, area_code=area.code))
    may_debrief = bool(children) and permissions.allowed(viewer, "assessment.debrief", children[0][0], from_above=True)
    debrief = DebriefForm(areas=children, initial={"held_on": _today()})
    if request.method == "POST":
        which = request.POST.get("form", "")
        done = False
        if which == "appoint" and may:
            appoint = AppointForm(request.POST, areas=[(area.code, area.name), *children])
            got: list[Any] = []
            done = form_submit(request, appoint, lambda d: got.append(leadership.leader_appoint(
                actor=viewer, area_code=d["area"], name=d["name"], post=d["post"], title=d["title"], on=d["on"],
                reason=d["reason"])), "已登记")  # fmt: skip
            if done and got[0].change is not None:
                messages.warning(request, f"{got[0].change.flag}：已报送审批，批准后生效")
        elif which == "contact" and may:
            contact = ContactForm(request.POST, leaders=[(str(r.pk), r.name) for r in rows])
            done = form_submit(request, contact, lambda d: leadership.contact_set(
                actor=viewer, leader_id=d["leader"], area_code=_resolve(viewer, d["area"]), start=d["start"],
                kind=d["kind"]), "已确定联系点")  # fmt: skip
        elif which == "visit" and may:
            form = VisitForm(request.POST)
            pid = _posted_id(request, "point")
            done = form_submit(request, form, lambda d: leadership.contact_visit(actor=viewer, point_id=pid, **d),
                               "已登记走访")  # fmt: skip
            if not done:
                messages.error(request, form_errors_text(form) or "未能登记走访")
                done = True
        elif which == "debrief" and may_debrief:
            debrief = DebriefForm(request.POST, areas=children)
            before = {d.area_id: d.score for d in selectors.debriefings(viewer=viewer, area_code=area.code, year=year)}
            kept: list[Any] = []
            done = form_submit(request, debrief, lambda d: kept.append(leadership.debriefing_record(
                actor=viewer, area_code=d.pop("area"), year=year, **d)), "已登记述职评议")  # fmt: skip
            if done and kept[0].area_id in before:
                messages.info(request, f"{kept[0].area.name}的述职评议已更正：原 {before[kept[0].area_id]} 分，"
                                       f"现 {kept[0].score} 分（{kept[0].grade}）")  # fmt: skip
        elif which == "decide" and permissions.allowed(viewer, "assessment.stability", area.code):
            decide = DecideForm(request.POST)
            cid = _posted_id(request, "change")
            done = form_submit(request, decide, lambda d: leadership.change_decide(
                actor=viewer, change_id=cid, approve=d["decision"] == "approve", note=d["note"]), "已审批")  # fmt: skip
            if not done:
                messages.error(request, form_errors_text(decide) or "未能审批")
                done = True
        else:
            raise PermissionDenied("您没有办理此事项的权限")
        if done:
            return redirect(f"{request.path}?area={area.code}&year={year}")
    return render(request, "web/assessment/leaders.html", {
        "area": area, "year": year, "years": range(2014, _today().year + 1), "rows": rows, "may": may,
        "points": points[:POINTS_SHOWN], "points_total": len(points), "points_shown": POINTS_SHOWN,
        "coverage": selectors.contact_coverage(viewer=viewer, area_code=area.code, year=year),
        "pending": selectors.changes_pending(viewer=viewer), "decided": selectors.changes_decided(viewer=viewer),
        "may_decide": permissions.allowed(viewer, "assessment.stability", area.code), "appoint": appoint,
        "contact": contact, "visit": VisitForm(initial={"on": _today()}), "decide": decide,
        "debriefs": selectors.debriefings(viewer=viewer, area_code=area.code, year=year), "debrief": debrief,
        "may_debrief": may_debrief,
        "unapproved": leadership.stability_scan(area.code) if area.level <= codes.COUNTY else [],
    })  # fmt: skip


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns the viewer takes part in or oversees; launching one for those who may."""
    viewer = viewer_of(request)
    year = year_param(request)
    own = viewer.scope_code or codes.normalize("52")
    may = permissions.allowed(viewer, "assessment.campaign", own)
    form = CampaignForm()
    if request.method == "POST":
        if not may:
            raise PermissionDenied("您没有发起攻坚行动的权限")
        form = CampaignForm(request.POST)
        made: list[Any] = []
        launch = campaigns.campaign_launch
        if form_submit(request, form, lambda d: made.append(launch(actor=viewer, area_code=own, **d)),
                       "已发起攻坚行动：请按五步工作法布置任务"):  # fmt: skip
            return redirect("assessment-campaign", campaign_id=made[0].pk)
    return render(request, "web/assessment/campaigns.html", {
        "year": year, "years": range(2014, _today().year + 1), "may": may, "form": form,
        "rows": selectors.campaigns_for(viewer=viewer, year=year), "own_name": area_names([own]).get(own, "全省"),
    })  # fmt: skip


LEVEL_CHOICES = {2: "各市（州）", 3: "各县（市、区）", 4: "各乡（镇）"}


@login_required
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign: its goals, the five steps' progress in the viewer's area, its child areas' progress, the cases
    opened during it; tasks set by the launching area, reported by each responsible area."""
    viewer = viewer_of(request)
    item = selectors.campaign_get(viewer=viewer, campaign_id=campaign_id)
    may_set = permissions.allowed(viewer, "assessment.campaign", item.area_id)
    level = item.area.level
    levels = [("", f"本级（{item.area.name}）"), *((str(k), v) for k, v in LEVEL_CHOICES.items() if k > level)]
    task_form = TaskForm(levels=levels, initial={"due": item.end})
    done_form = TaskDoneForm(initial={"done_on": min(_today(), item.end)})
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "task" and may_set:
            task_form = TaskForm(request.POST, levels=levels)
            set_: list[int] = []
            if form_submit(request, task_form, lambda d: set_.append(campaigns.task_add(
                    actor=viewer, campaign_id=item.pk, **d)), "已布置任务"):  # fmt: skip
                messages.info(request, f"共 {set_[0]} 个责任单位")
                return redirect("assessment-campaign", campaign_id=item.pk)
        elif which == "done":
            tid = _posted_id(request, "task")
            done_form = TaskDoneForm(request.POST)
            if form_submit(request, done_form, lambda d: campaigns.task_done(actor=viewer, task_id=tid, **d),
                           "已报告完成情况"):  # fmt: skip
                return redirect("assessment-campaign", campaign_id=item.pk)
            messages.error(request, form_errors_text(done_form))
        else:
            raise PermissionDenied("您没有办理此事项的权限")
    progress_ = selectors.campaign_progress(viewer=viewer, campaign=item)
    may_report = permissions.allowed(viewer, "assessment.campaign_report", viewer.scope_code or item.area_id)
    return render(request, "web/assessment/campaign.html", {
        "c": item, "p": progress_, "may_set": may_set, "may_report": may_report, "task_form": task_form,
        "done_form": done_form, "today": _today(),
    })  # fmt: skip
