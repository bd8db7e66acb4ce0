"""防返贫监测: an area's monitored households (counts by group, the time limit, the ranking by risk, the run), a
case's page (sources, identification, risk and its points, help, follow-up visits, risk elimination, history) and
a household's cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fupin.areas.selectors import area_get, area_names
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError
from fupin.jobs.services import job_start
from fupin.monitoring import selectors, services
from fupin.monitoring.choices import CaseStatus
from fupin.monitoring.jobs import result_lines
from fupin.registry import selectors as registry_selectors
from fupin.registry.choices import MonitoringGroup
from fupin.registry.procedures import next_step, steps_of
from fupin.web.common.forms import form_submit
from fupin.web.common.params import viewer_of

from .forms import EliminationForm, FollowUpForm, IntakeForm, MeasureForm

LIST_LIMIT = 200
VIEWS = {
    "open": "识别中和监测帮扶中",
    "identifying": "识别中",
    "overdue": "超过认定时限",
    "monitored": "监测帮扶中",
    "ready": "符合风险消除条件",
    "eliminated": "风险已消除",
    "not_included": "未纳入监测",
}


def _today() -> date:
    return timezone.localdate()


def _area(request: HttpRequest, viewer: Actor) -> Any:
    code = request.GET.get("area") or request.POST.get("area") or viewer.area_id or codes.normalize("52")
    try:
        return area_get(viewer=viewer, code=code)
    except ApplicationError:
        raise Http404("该地区不存在或不在您的管辖范围内") from None


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The area's monitored households: the counts by group and state, then the chosen list (by risk when asked)."""
    viewer = viewer_of(request)
    area = _area(request, viewer)
    view = request.GET.get("view") or "open"
    view = view if view in VIEWS else "open"
    group = request.GET.get("group") or ""
    group = group if group in MonitoringGroup.values else ""
    order = "risk" if request.GET.get("order") == "risk" else ""
    status = {"overdue": "", "ready": ""}.get(view, view)
    qs = selectors.cases(viewer=viewer, area_code=area.code, status=status, group=group,
                         overdue=view == "overdue", ready=view == "ready", order=order)  # fmt: skip
    rows = list(qs[: LIST_LIMIT + 1])
    more = len(rows) > LIST_LIMIT
    rows = rows[:LIST_LIMIT]
    names = area_names(sorted({r.village_id for r in rows}))
    today = _today()
    for r in rows:
        r.village_name = names.get(r.village_id, r.village_id)  # type: ignore[attr-defined]
        r.late = r.status == CaseStatus.IDENTIFYING and r.deadline < today  # type: ignore[attr-defined]
    intake_form = IntakeForm(initial={"on": today})
    if request.method == "POST":
        if not selectors.may_intake(viewer, area.code) and not _may_intake_somewhere(viewer):
            raise PermissionDenied("您没有登记监测线索的权限")
        intake_form = IntakeForm(request.POST)
        created: list[Any] = []

        def take(d: dict[str, Any]) -> None:
            household = registry_selectors.household_get(viewer=viewer, household_no=d.pop("household_no").strip())
            created.append(services.case_intake(actor=viewer, household=household, **d))

        if form_submit(request, intake_form, take, "已登记监测线索"):
            intake = created[0]
            if intake.merged:
                messages.info(request, "该户已有进行中的监测对象档案，线索已合并到该档案")
            return redirect("monitoring-case", case_id=intake.case.pk)
    return render(request, "web/monitoring/overview.html", {
        "area": area, "summary": selectors.summary(viewer=viewer, area_code=area.code), "rows": rows, "more": more,
        "view": view, "views": VIEWS, "view_label": VIEWS[view], "group": group, "groups": MonitoringGroup.values,
        "order": order,
        "may_run": selectors.may_run(viewer, area.code), "may_intake": _may_intake_somewhere(viewer),
        "intake_form": intake_form, "limit": LIST_LIMIT,
    })  # fmt: skip


def _may_intake_somewhere(viewer: Actor) -> bool:
    return selectors.may_intake(viewer, viewer.area_id or codes.normalize("52"))


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """A county or below runs at once (seconds); a prefecture or the province as a background job with progress."""
    viewer = viewer_of(request)
    area = _area(request, viewer)
    try:
        if area.level < codes.COUNTY:
            job = job_start(actor=viewer, kind="monitoring.run", area_code=area.code)
            return redirect("job-detail", job_id=job.pk)
        result = services.monitoring_run(actor=viewer, area_code=area.code)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(f"/monitoring/?area={area.code}")
    for line in result_lines(result):
        messages.success(request, line)
    return redirect(f"/monitoring/?area={area.code}")


def _steps(procedure: Any) -> list[tuple[Any, str]]:
    if procedure is None:
        return []
    titles = {s.code: s.title for s in steps_of(procedure.kind)}
    return [(s, titles.get(s.step, s.step)) for s in procedure.steps.order_by("seq")]


def _next_title(procedure: Any) -> str:
    nxt = next_step(procedure) if procedure is not None else None
    return nxt.title if nxt is not None else ""


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    item = selectors.case_get(viewer=viewer, case_id=case_id)
    if item is None:
        raise Http404("该监测对象不存在或不在您的管辖范围内")
    open_ = item.status in (CaseStatus.IDENTIFYING, CaseStatus.MONITORED)
    may_help = selectors.may_help(viewer, item.village_id) and open_
    may_eliminate = (selectors.may_procedure(viewer, item.village_id) and item.status == CaseStatus.MONITORED
                     and item.elimination_id is None)  # fmt: skip
    today = _today()
    measure_form = MeasureForm(initial={"started_on": today})
    follow_form = FollowUpForm(initial={"visited_on": today, "guarantees_ok": True, "rigid_spending": "0"})
    elim_form = EliminationForm(initial={"on": today})
    if request.method == "POST":
        which = request.POST.get("form")
        if (which in ("measure", "follow_up") and not may_help) or (which == "eliminate" and not may_eliminate):
            raise PermissionDenied("您没有办理此事项的权限")
        done = False
        if which == "measure":
            measure_form = MeasureForm(request.POST)
            done = form_submit(request, measure_form, lambda d: services.measure_add(actor=viewer, case=item, **d),
                               "已登记帮扶措施")  # fmt: skip
        elif which == "follow_up":
            follow_form = FollowUpForm(request.POST)
            done = form_submit(request, follow_form, lambda d: services.follow_up_add(actor=viewer, case=item, **d),
                               "已登记回访")  # fmt: skip
        elif which == "eliminate":
            elim_form = EliminationForm(request.POST)
            done = form_submit(request, elim_form,
                               lambda d: services.elimination_start(actor=viewer, case=item, **d),
                               "已启动风险消除程序，请在户档案中逐环节办理")  # fmt: skip
        if done:
            return redirect("monitoring-case", case_id=item.pk)
    gaps: list[str] = []
    if item.status == CaseStatus.MONITORED and may_eliminate:
        gaps = services.elimination_verdict(item.household, today.year).reasons
    return render(request, "web/monitoring/case.html", {
        "c": item, "h": item.household, "open": open_,
        "village_name": area_names([item.village_id]).get(item.village_id, item.village_id),
        "sources": selectors.sources(viewer=viewer, case=item),
        "measures": selectors.measures(viewer=viewer, case=item),
        "follow_ups": selectors.follow_ups(viewer=viewer, case=item),
        "history": selectors.case_history(viewer=viewer, case=item),
        "identification": _steps(item.identification), "identification_next": _next_title(item.identification),
        "elimination": _steps(item.elimination), "elimination_next": _next_title(item.elimination),
        "late": item.status == CaseStatus.IDENTIFYING and item.deadline < today,
        "decided_late": item.decided_on is not None and item.decided_on > item.deadline,
        "follow_up_due": selectors.follow_up_due(item), "today": today,
        "may_help": may_help, "may_eliminate": may_eliminate, "gaps": gaps,
        "measure_form": measure_form, "follow_form": follow_form, "elim_form": elim_form,
    })  # fmt: skip


@login_required
def household(request: HttpRequest, household_no: str) -> HttpResponse:
    """A household's monitoring: its latest case, or the list when it has several."""
    viewer = viewer_of(request)
    try:
        found = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    except ApplicationError:
        raise Http404("该户不存在或不在您的管辖范围内") from None
    cases = selectors.cases_for_household(viewer=viewer, household_id=found.pk)
    if not cases:
        messages.info(request, "该户没有防返贫监测记录")
        return redirect("household-detail", household_no=household_no)
    return redirect("monitoring-case", case_id=cases[0].pk)
