"""建强组织: an area's village Party organizations (dashboard), a village's organization with its two committees,
pool, elections, reviews, adjustments, rectification, visits and guarantees; the adjustments waiting for the
viewer; the year's 软弱涣散 list and a village's rectification case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fupin.areas.selectors import area_get, area_names
from fupin.core import codes, permissions
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError
from fupin.core.parsing import ascii_int
from fupin.fieldwork.selectors import village_team
from fupin.jobs.services import job_start
from fupin.partyorg import selectors, services
from fupin.partyorg.choices import CaseStatus, ElectionStep
from fupin.partyorg.procedures import NEXT
from fupin.policy.selectors import param
from fupin.web.common.forms import form_error, form_errors_text, form_submit
from fupin.web.common.params import viewer_of, year_param

from .forms import (
    RESULT_ROWS,
    AcceptForm,
    CancelForm,
    DecideForm,
    ElectionOpenForm,
    GuaranteeForm,
    IdentifyForm,
    IdNumberForm,
    ManualWeakForm,
    OrgForm,
    OrgYearForm,
    PersonForm,
    PlanForm,
    ProgressForm,
    ProposeForm,
    ResultsForm,
    ReviewForm,
    SeatEndForm,
    StepForm,
    VisitForm,
)

LIST_LIMIT = 200  # adjustments waiting in one area: a county has at most a few dozen a year
WEAK_LIMIT = 2000  # the province's list (≈1,200 in 2017) fits one page


def _today() -> date:
    return timezone.localdate()


def _area(request: HttpRequest, viewer: Actor) -> Any:
    code = request.GET.get("area") or request.POST.get("area") or viewer.area_id or codes.normalize("52")
    try:
        return area_get(viewer=viewer, code=code)
    except ApplicationError:
        raise Http404("该地区不存在或不在您的管辖范围内") from None


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = area_names([r["code"] for r in rows]) if rows else {}
    return [{**r, "name": names.get(r["code"], r["code"])} for r in rows]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """An area's organizations in a year, per child area, the secretaries' make-up, the last election's tallies,
    vacancies and guarantees short of the standard (county and below), and links to the lists."""
    viewer = viewer_of(request)
    area = _area(request, viewer)
    if area.level == codes.VILLAGE:
        return redirect("party-village", code=area.code)
    year = year_param(request, default=_today().year)
    summary = selectors.area_summary(viewer=viewer, area_code=area.code, year=year)
    names = area_names([r["code"] for r in summary["rows"]]) if summary["rows"] else {}
    rounds = selectors.election_rounds(viewer=viewer, area_code=area.code)
    near = area.level >= codes.COUNTY  # a county's villages are read in well under a second
    return render(request, "web/partyorg/overview.html", {
        "area": area,
        "year": year,
        "years": list(range(_today().year, 2013, -1)),
        "summary": summary,
        "rows": [{**r, "name": names.get(r["code"], r["code"])} for r in summary["rows"]],
        "election": selectors.election_tallies(viewer=viewer, area_code=area.code, round=rounds[0]) if rounds else None,
        "vacancies": selectors.vacancies(viewer=viewer, area_code=area.code, limit=50) if near else None,
        "guarantees": _named(selectors.guarantees_short(viewer=viewer, area_code=area.code, year=year))
        if near
        else None,
        "pending": selectors.adjustments_pending(viewer=viewer, area_code=area.code).count(),
        "visits": selectors.visit_coverage(viewer=viewer, area_code=area.code, year=year),
        "child_level": codes.LEVEL_NAMES.get(area.level + 1, ""),
        "standards": {"pay": param("secretary_pay_min", year), "funds": param("village_office_funds_min", year)},
    })  # fmt: skip


def _may(viewer: Actor, village: str) -> dict[str, bool]:
    return {
        a.split(".")[1]: permissions.allowed(viewer, a, village)
        for a in ("partyorg.manage", "partyorg.elect", "partyorg.review", "partyorg.identify", "partyorg.visit",
                  "partyorg.guarantee")
    }  # fmt: skip


@login_required
def village(request: HttpRequest, code: str) -> HttpResponse:
    """A village's organization and its forms (each shown only to whoever may use it)."""
    viewer = viewer_of(request)
    try:
        area = area_get(viewer=viewer, code=code)
    except ApplicationError:
        raise Http404("该村不存在或不在您的管辖范围内") from None
    if area.level != codes.VILLAGE:
        return redirect(f"/party/?area={area.code}")
    may = _may(viewer, area.code)
    today = _today()
    form_of: dict[str, forms.Form] = {}
    if request.method == "POST":
        which = request.POST.get("form", "")
        handler = HANDLERS.get(which)
        if handler is None or not may.get(handler[0], False):
            raise PermissionDenied("您没有办理此事项的权限")
        form = handler[1](request.POST)
        if form_submit(request, form, lambda d: handler[2](viewer, area.code, d), handler[3]):
            return redirect("party-village", code=area.code)
        form_of[which] = form
    picture = selectors.village_org(viewer=viewer, village=area.code)
    org = picture.org
    initial: dict[str, dict[str, Any]] = {
        "org": {"kind": org.kind, "members": org.members} if org else {},
        "person": {"reserve": True},
        "election": {"round": (picture.elections[0].round + 1) if picture.elections else 11},
        "review": {"year": today.year},
        "propose": {"year": today.year},
        "visit": {"date": today},
        "guarantee": {"year": today.year},
        "org_year": {"year": today.year},
        "weak": {"year": today.year},
    }
    blank = {name: handler[1](initial=initial.get(name, {})) for name, handler in HANDLERS.items()}
    return render(request, "web/partyorg/village.html", {
        "area": area,
        "p": picture,
        "may": may,
        "forms": {**blank, **form_of},
        "seat_end_form": SeatEndForm(initial={"on": today}, auto_id=False),
        "id_form": IdNumberForm(auto_id=False),
        "failed_form": bool(form_of),
        "team": village_team(viewer=viewer, village=area.code)["postings"],
        "open_election": next((e for e in picture.elections if e.step != ElectionStep.FILED), None),
        "today": today,
    })  # fmt: skip


def _person(viewer: Actor, village: str, d: dict[str, Any]) -> Any:
    data = services.PersonInput(
        d["name"], d["gender"], d["birth_year"], d["education"], d["source"], id_number=d["id_number"]
    )
    return services.person_add(actor=viewer, village_code=village, data=data, reserve=d["reserve"])


# form name → (the permission's short name, the form, the service call, what is said when it went through)
HANDLERS: dict[str, tuple[str, type[forms.Form], Callable[[Actor, str, dict[str, Any]], Any], str]] = {
    "org": ("manage", OrgForm, lambda u, v, d: services.org_set(actor=u, village_code=v, kind=d["kind"],
                                                              members=d["members"]), "已保存村党组织信息"),
    "person": ("manage", PersonForm, _person, "已登记人员"),
    "org_year": ("manage", OrgYearForm, lambda u, v, d: services.org_year_set(
        actor=u, village_code=v, year=d["year"], new_members=d["new_members"], satisfaction=d["satisfaction"]),
        "已保存年度情况"),
    "election": ("elect", ElectionOpenForm, lambda u, v, d: services.election_open(
        actor=u, village_code=v, round=d["round"], branch_seats=d["branch_seats"],
        villagers_seats=d["villagers_seats"]), "已启动换届"),
    "review": ("review", ReviewForm, lambda u, v, d: services.review_record(
        actor=u, village_code=v, year=d["year"], grade=d["grade"], township_rank=d["township_rank"],
        township_size=d["township_size"], findings=d["findings"]), "已保存年度评议"),
    "propose": ("review", ProposeForm, lambda u, v, d: services.adjustment_propose(
        actor=u, village_code=v, year=d["year"], reason=d["reason"], evidence=d["evidence"]),
        "已提出调整建议，待乡镇党委审核"),
    "visit": ("visit", VisitForm, lambda u, v, d: services.visit_record(
        actor=u, village_code=v, data=services.VisitInput(**d)), "已登记遍访"),
    "guarantee": ("guarantee", GuaranteeForm, lambda u, v, d: services.guarantee_set(actor=u, village_code=v, **d),
                  "已保存基层保障"),
    "weak": ("identify", ManualWeakForm, lambda u, v, d: services.weak_add(actor=u, village_code=v, year=d["year"],
                                                                          reason=d["reason"]),
             "已列入软弱涣散村，整顿台账已建立"),
}  # fmt: skip


@login_required
@require_POST
def seat_end(request: HttpRequest, seat_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    seat = selectors.seat_get(viewer=viewer, seat_id=seat_id)
    form = SeatEndForm(request.POST)

    def end(d: dict[str, Any]) -> Any:
        return services.seat_end(actor=viewer, seat=seat, on=d["on"], reason=d["reason"])

    done = form_submit(request, form, end, f"{seat.person.name}已离任")
    if not done:
        messages.error(request, form_errors_text(form))
    return redirect("party-village", code=seat.village_id)


@login_required
@require_POST
def person_id_number(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record or correct a person's ID number (the 优亲厚友 checks compare the committees with the register by it)."""
    viewer = viewer_of(request)
    person = selectors.person_get(viewer=viewer, person_id=person_id)
    form = IdNumberForm(request.POST)

    def record(d: dict[str, Any]) -> Any:
        return services.person_id_number_set(actor=viewer, person=person, id_number=d["id_number"])

    done = f"已更正{person.name}的身份证号" if person.id_number else f"已登记{person.name}的身份证号"
    if not form_submit(request, form, record, done):
        said = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"{person.name}的身份证号未保存：{said}")
    return redirect("party-village", code=person.village_id)


@login_required
@require_POST
def reserve_remove(request: HttpRequest, reserve_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    item = selectors.reserve_get(viewer=viewer, reserve_id=reserve_id)
    try:
        services.reserve_remove(actor=viewer, item=item, on=_today())
        messages.success(request, f"{item.person.name}已移出后备力量")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("party-village", code=item.village_id)


@login_required
def election(request: HttpRequest, election_id: int) -> HttpResponse:
    """An election's steps and, at 选举, its results."""
    viewer = viewer_of(request)
    item = selectors.election_get(viewer=viewer, election_id=election_id)
    may = permissions.allowed(viewer, "partyorg.elect", item.village_id)
    candidates = selectors.village_people(viewer=viewer, village=item.village_id)
    people = [(p.pk, f"{p.name}（{p.birth_year} 年生，{p.get_source_display()}）") for p in candidates]
    step_form, results_form = StepForm(initial={"on": _today()}), ResultsForm(people=people, initial={"on": _today()})
    nxt = NEXT.get(ElectionStep(item.step))
    cancel_form = CancelForm()
    if request.method == "POST" and request.POST.get("form") == "cancel":
        if not may:
            raise PermissionDenied("您没有办理此事项的权限")
        cancel_form = CancelForm(request.POST)
        if form_submit(request, cancel_form,
                   lambda d: services.election_cancel(actor=viewer, election=item, reason=d["reason"]),
                   "已撤销本届换届"):  # fmt: skip
            return redirect("party-village", code=item.village_id)
    elif request.method == "POST":
        if not may or nxt is None:
            raise PermissionDenied("您没有办理此事项的权限")
        if nxt.name == "elect":
            results_form = ResultsForm(request.POST, people=people)
            if results_form.is_valid():
                rows = results_form.rows()
                results = [services.ResultInput(pk, committee, post) for pk, committee, post, _ in rows]
                if not results_form.errors and form_submit(
                    request, results_form,
                    lambda d: services.election_results(actor=viewer, election=item, on=d["on"], results=results),
                    "已登记选举结果",
                ):  # fmt: skip
                    return redirect("party-election", election_id=item.pk)
        else:
            step_form = StepForm(request.POST)
            step = nxt
            if form_submit(request, step_form,
                       lambda d: services.election_step(actor=viewer, election=item, step=step.name, on=d["on"]),
                       f"已办理“{nxt.title}”"):  # fmt: skip
                return redirect("party-election", election_id=item.pk)
    seats = min(RESULT_ROWS, item.branch_seats + item.villagers_seats)  # one row a seat (一肩挑 frees one)
    return render(request, "web/partyorg/election.html", {
        "e": item, "may": may, "next": nxt, "step_form": step_form, "results_form": results_form,
        "cancel_form": cancel_form, "cancellable": may and item.step in ("opened", "recommended", "inspected"),
        "result_rows": [(results_form[f"person_{i}"], results_form[f"seat_{i}"]) for i in range(seats)],
        "elected": selectors.elected(viewer=viewer, election=item),
        "area_name": area_names([item.village_id]).get(item.village_id, item.village_id),
    })  # fmt: skip


@login_required
def adjustments(request: HttpRequest) -> HttpResponse:
    """The secretaries' adjustments waiting for the viewer's stage (乡镇党委审核 → 县委组织部审批) and the year's
    decided ones."""
    viewer = viewer_of(request)
    area = _area(request, viewer)
    if request.method == "POST":
        item_id = ascii_int(request.POST.get("id"))
        if item_id is None:
            raise Http404("调整建议不存在")
        item = selectors.adjustment_get(viewer=viewer, adjustment_id=item_id)
        reserves = selectors.reserves_available(viewer=viewer, village=item.village_id)
        form = DecideForm(request.POST, reserves=[(r.pk, r.person.name) for r in reserves])
        pick = {str(r.pk): r for r in reserves}

        def call(d: dict[str, Any]) -> Any:
            return services.adjustment_decide(actor=viewer, item=item, approve=d["decision"] == "approve",
                                              note=d["note"], replacement=pick.get(d.get("replacement") or ""),
                                              on=d.get("on"))  # fmt: skip

        if form_submit(request, form, call, "已办理"):
            return redirect(f"/party/adjustments/?area={area.code}")
        messages.error(request, form_errors_text(form))
    rows: list[dict[str, Any]] = []
    pending_qs = selectors.adjustments_pending(viewer=viewer, area_code=area.code)
    shown = list(pending_qs[:LIST_LIMIT])
    pools = selectors.reserves_of(viewer=viewer, villages=[p.village_id for p in shown if p.status == "pending_county"])
    for pending in shown:
        reason = services.adjustment_stage_reason(viewer, pending)
        allowed = reason is None and permissions.allowed(viewer, "partyorg.adjust", pending.village_id)
        county = pending.status == "pending_county"
        reserves = pools.get(pending.village_id, []) if allowed and county else []
        form = DecideForm(reserves=[(r.pk, f"{r.person.name}（{r.person.get_source_display()}）") for r in reserves]
                          if county else None, initial={"on": _today()})  # fmt: skip
        rows.append({"item": pending, "may": allowed, "form": form, "waiting": reason, "code": pending.village_id})
    names = area_names([r["code"] for r in rows]) if rows else {}
    year = year_param(request, default=_today().year)
    return render(request, "web/partyorg/adjustments.html", {
        "area": area, "rows": [{**r, "village": names.get(r["code"], "")} for r in rows],
        "decided": selectors.adjustments_decided(viewer=viewer, area_code=area.code, year=year), "year": year,
        "total": pending_qs.count() if len(shown) == LIST_LIMIT else len(shown), "limit": LIST_LIMIT,
    })  # fmt: skip


@login_required
def weak(request: HttpRequest) -> HttpResponse:
    """The year's 软弱涣散 list of an area with each village's reasons and rectification, and the identification
    (listing a village by hand is on the village's page)."""
    viewer = viewer_of(request)
    area = _area(request, viewer)
    year = year_param(request, default=_today().year)
    may_identify = permissions.allowed(viewer, "partyorg.identify", area.code)
    identify_form = IdentifyForm(initial={"year": year})
    if request.method == "POST":
        if not may_identify:
            raise PermissionDenied("您没有办理此事项的权限")
        identify_form = IdentifyForm(request.POST)
        if identify_form.is_valid():
            done = _identify(request, viewer, area, identify_form)
            if done is not None:
                return done
    status = request.GET.get("status", "")
    listed = selectors.weak_list(viewer=viewer, area_code=area.code, year=year, status=status)
    cases = list(listed[:WEAK_LIMIT])
    return render(request, "web/partyorg/weak.html", {
        "area": area, "year": year, "years": list(range(_today().year, 2013, -1)), "cases": cases,
        "total": listed.count() if len(cases) == WEAK_LIMIT else len(cases), "limit": WEAK_LIMIT,
        "run": selectors.identify_run(viewer=viewer, area_code=area.code, year=year),
        "status": status, "statuses": CaseStatus.choices, "may_identify": may_identify,
        "identify_form": identify_form,
    })  # fmt: skip


def _identify(request: HttpRequest, viewer: Actor, area: Any, form: IdentifyForm) -> HttpResponse | None:
    """Run the identification: a job above the county (its page shows progress), on the page below; a refusal lands
    on the form and None is returned."""
    y = form.cleaned_data["year"]
    try:
        if area.level < codes.COUNTY:
            job = job_start(actor=viewer, kind="partyorg.identify", area_code=area.code, params={"year": y})
            return redirect("job-detail", job_id=job.pk)
        done = services.weak_identify(actor=viewer, area_code=area.code, year=y)
    except ApplicationError as exc:
        form_error(form, exc)
        return None
    messages.success(request, f"已完成 {y} 年排查：排查村党组织 {done.organizations:,} 个，认定软弱涣散 "
                              f"{done.weak:,} 个（新列入 {done.added:,}，移出 {done.removed:,}）")  # fmt: skip
    return redirect(f"/party/weak/?area={area.code}&year={y}")


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """A village's rectification: the reasons, the plan, progress and the acceptance."""
    viewer = viewer_of(request)
    item = selectors.case_get(viewer=viewer, case_id=case_id)
    may_rectify = permissions.allowed(viewer, "partyorg.rectify", item.village_id)
    may_accept = permissions.allowed(viewer, "partyorg.accept", item.village_id)
    open_ = item.status == CaseStatus.RECTIFYING
    plan_form = PlanForm(initial={"measures": item.measures, "leader": item.leader, "deadline": item.deadline,
                                  "first_secretary_part": item.first_secretary_part})  # fmt: skip
    progress_form, accept_form = ProgressForm(initial={"on": _today()}), AcceptForm(initial={"on": _today()})
    if request.method == "POST":
        which = request.POST.get("form")
        may = {"plan": may_rectify, "progress": may_rectify, "accept": may_accept}
        if not may.get(str(which), False) or not open_:
            raise PermissionDenied("您没有办理此事项的权限")
        if which == "plan":
            plan_form = PlanForm(request.POST)
            done = form_submit(
                request, plan_form, lambda d: services.case_plan(actor=viewer, case=item, **d), "已保存整顿方案"
            )
        elif which == "progress":
            progress_form = ProgressForm(request.POST)
            done = form_submit(request, progress_form, lambda d: services.case_progress(actor=viewer, case=item, **d),
                           "已登记整顿进展")  # fmt: skip
        else:
            accept_form = AcceptForm(request.POST)
            done = form_submit(request, accept_form, lambda d: services.case_accept(actor=viewer, case=item, **d),
                           "已登记验收结果")  # fmt: skip
        if done:
            return redirect("party-case", case_id=item.pk)
    failed: list[str] = []
    if item.score is not None and item.surveyed:
        _, failed = services.acceptance_judge(item.score, item.surveyed, item.dissatisfied or 0, item.year)
    return render(request, "web/partyorg/case.html", {
        "c": item, "open": open_, "may_rectify": may_rectify and open_, "may_accept": may_accept and open_,
        "plan_form": plan_form, "progress_form": progress_form, "accept_form": accept_form, "failed": failed,
        "village_name": area_names([item.village_id]).get(item.village_id, item.village_id),
    })  # fmt: skip
