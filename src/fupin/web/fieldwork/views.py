"""驻村工作: a posted cadre's day on a phone (work log, residents' requests, leave, days in the village), the
township's and county's approvals, adjustment proposals, and the tallies of an area."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fupin.areas.selectors import area_get, area_names
from fupin.cadres import selectors as cadre_selectors
from fupin.cadres.choices import BenefitKind
from fupin.core import codes, permissions
from fupin.core.errors import ApplicationError
from fupin.core.parsing import ascii_int
from fupin.fieldwork import selectors
from fupin.fieldwork.choices import LogKind, Rater
from fupin.fieldwork.services import (
    LogInput,
    adjustment_decide,
    adjustment_propose,
    guidance_done,
    guidance_publish,
    inspection_record,
    leave_cancel,
    leave_decide,
    leave_decider_reason,
    leave_request,
    own_posting,
    rating_scores_set,
    ratings_compute,
    red_line_set,
    request_add,
    request_answer,
    violation_record,
    violation_statement,
    worklog_add,
    worklog_edit,
    worklog_locked_reason,
)
from fupin.web.common.forms import form_error
from fupin.web.common.params import viewer_of, year_param

from .forms import (
    AdjustmentForm,
    AnswerForm,
    DecisionForm,
    DoneForm,
    GuidanceForm,
    InspectionForm,
    LeaveForm,
    RedLineForm,
    RequestForm,
    ScoresForm,
    StatementForm,
    ViolationForm,
    WorkLogForm,
)


def _today() -> date:
    return timezone.localdate()


@login_required
def field_home(request: HttpRequest) -> HttpResponse:
    """A posted cadre's home on a phone: their village, this month's days in it, today's work and what is open.
    Everyone else sees the tallies of their area."""
    viewer = viewer_of(request)
    if not permissions.allowed(viewer, "fieldwork.log"):
        return redirect("field-overview")
    posting = own_posting(viewer)
    context: dict[str, Any] = {"posting": posting}
    if posting is not None:
        today = _today()
        context.update(
            presence=selectors.presence_of(posting, today.year, today.month),
            logs=selectors.logs_of_posting(viewer=viewer, posting=posting, limit=20),
            requests=selectors.requests_of_village(viewer=viewer, village=posting.village_id, open_only=True),
            leaves=selectors.leaves_of_posting(viewer=viewer, posting=posting)[:5],
            violations=selectors.violations_of_posting(viewer=viewer, posting=posting),
            guidance=selectors.guidance_for(viewer=viewer, posting=posting, year=today.year),
            tallies=selectors.tallies(viewer=viewer, area_code=posting.village_id, year=today.year, month=today.month),
            today=today,
        )
    return render(request, "web/fieldwork/home.html", context)


def _posted(request: HttpRequest) -> Any:
    viewer = viewer_of(request)
    if not permissions.allowed(viewer, "fieldwork.log"):
        raise PermissionDenied("只有驻村第一书记和驻村工作队员可以填报")
    posting = own_posting(viewer)
    if posting is None:
        messages.error(request, "您的账号没有关联在岗的驻村干部，不能填报（请县委组织部在干部名册中关联账号）")
    return viewer, posting


def log_input(data: dict[str, Any]) -> LogInput:
    return LogInput(
        kind=data["kind"],
        date=data["date"],
        content=data["content"],
        household_no=data["household"],
        purpose=data["purpose"],
        amount=data["amount"],
        funds_source=data["funds_source"],
        risk=data.get("risk") or "",
    )


@login_required
def log_new(request: HttpRequest) -> HttpResponse:
    viewer, posting = _posted(request)
    if posting is None:
        return redirect("field-home")
    kind = request.GET.get("kind", LogKind.VISIT)
    initial = {
        "date": _today(),
        "kind": kind if kind in LogKind.values else LogKind.VISIT,
        "household": request.GET.get("household", "")[:40],
    }
    households = selectors.household_choices(viewer=viewer, village=posting.village_id)
    form = WorkLogForm(request.POST or None, initial=initial, households=households)
    if request.method == "POST" and form.is_valid():
        try:
            log = worklog_add(actor=viewer, data=log_input(form.cleaned_data))
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已记录：{log.get_kind_display()}（{log.date:%m月%d日}）")
            return redirect("field-home")
    return render(
        request,
        "web/fieldwork/log_form.html",
        {"form": form, "posting": posting, "log": None},
        status=400 if form.errors else 200,
    )


@login_required
def log_edit(request: HttpRequest, log_id: int) -> HttpResponse:
    """An entry of the work log: everyone in its area reads it; its author corrects it within the edit window."""
    viewer = viewer_of(request)
    try:
        log = selectors.log_get(viewer=viewer, log_id=log_id)
    except ApplicationError:
        raise Http404("记录不存在或不在您的管辖范围内") from None
    posting = log.posting
    locked = worklog_locked_reason(viewer, log)
    initial = {
        "kind": log.kind,
        "date": log.date,
        "household": log.household.household_no if log.household else "",
        "purpose": log.purpose,
        "content": log.content,
        "amount": log.amount,
        "funds_source": log.funds_source,
    }
    households = selectors.household_choices(viewer=viewer, village=log.village_id)
    form = WorkLogForm(request.POST or None, initial=initial, households=households)
    del form.fields["risk"]  # a risk found is a monitoring lead, taken when the entry is made (the case keeps it)
    if request.method == "POST":
        if locked:
            raise PermissionDenied(locked)
        if form.is_valid():
            try:
                worklog_edit(actor=viewer, log=log, data=log_input(form.cleaned_data))
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已保存修改")
                return redirect("field-home")
    return render(
        request,
        "web/fieldwork/log_form.html",
        {"form": form, "posting": posting, "log": log, "locked": locked},
        status=400 if form.errors else 200,
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    viewer, posting = _posted(request)
    if posting is None:
        return redirect("field-home")
    form = RequestForm(request.POST or None, initial={"received": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            request_add(
                actor=viewer,
                requester=d["requester"],
                category=d["category"],
                content=d["content"],
                received=d["received"],
                deadline=d["deadline"],
                household_no=d["household"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "诉求已登记，请在办理时限内答复")
            return redirect("field-home")
    return render(
        request,
        "web/fieldwork/request_form.html",
        {"form": form, "posting": posting},
        status=400 if form.errors else 200,
    )


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    try:
        item = selectors.request_get(viewer=viewer, request_id=request_id)
    except ApplicationError:
        raise Http404("诉求不存在或不在您的管辖范围内") from None
    posting = own_posting(viewer)
    can_answer = item.status == "open" and posting is not None and posting.village_id == item.village_id
    form = AnswerForm(request.POST or None, initial={"answered_on": _today()})
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied("只有派驻本村的干部可以答复办理中的诉求")
        if form.is_valid():
            try:
                request_answer(
                    actor=viewer, item=item, answer=form.cleaned_data["answer"], on=form.cleaned_data["answered_on"]
                )
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已答复")
                return redirect("field-home")
    return render(
        request,
        "web/fieldwork/request_detail.html",
        {"item": item, "form": form, "can_answer": can_answer, "today": _today()},
        status=400 if form.errors else 200,
    )


@login_required
def leave_new(request: HttpRequest) -> HttpResponse:
    viewer, posting = _posted(request)
    if posting is None:
        return redirect("field-home")
    form = LeaveForm(request.POST or None, initial={"start": _today(), "end": _today()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            leave = leave_request(actor=viewer, kind=d["kind"], start=d["start"], end=d["end"], reason=d["reason"])
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"请假申请已提交（{leave.days} 天），{leave.get_status_display()}")
            return redirect("field-home")
    return render(
        request, "web/fieldwork/leave_form.html", {"form": form, "posting": posting}, status=400 if form.errors else 200
    )


@login_required
def leave_detail(request: HttpRequest, leave_id: int) -> HttpResponse:
    """A leave request: its author may withdraw it while pending; the township or county decides its step."""
    viewer = viewer_of(request)
    try:
        leave = selectors.leave_get(viewer=viewer, leave_id=leave_id)
    except ApplicationError:
        raise Http404("请假申请不存在或不在您的管辖范围内") from None
    can_decide = permissions.allowed(viewer, "fieldwork.leave_approve", leave.village_id) and (
        leave_decider_reason(viewer, leave) is None
    )
    posting = own_posting(viewer)
    can_cancel = posting is not None and posting.pk == leave.posting_id and leave.status.startswith("pending")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        try:
            if "cancel" in request.POST:
                if not can_cancel:
                    raise PermissionDenied("不能撤回该申请")
                leave_cancel(actor=viewer, leave=leave)
                messages.success(request, "已撤回")
                return redirect("field-home")
            if not can_decide:
                raise PermissionDenied(leave_decider_reason(viewer, leave) or "您不能审批该申请")
            if form.is_valid():
                leave = leave_decide(
                    actor=viewer, leave=leave, approve="approve" in request.POST, note=form.cleaned_data["note"]
                )
                messages.success(request, f"{leave.posting.cadre.name} 的请假：{leave.get_status_display()}")
                return redirect("field-leaves")
        except ApplicationError as exc:
            form_error(form, exc)
    return render(
        request,
        "web/fieldwork/leave_detail.html",
        {"leave": leave, "form": form, "can_decide": can_decide, "can_cancel": can_cancel},
        status=400 if form.errors else 200,
    )


@login_required
def leaves(request: HttpRequest) -> HttpResponse:
    """Leave waiting for the viewer's decision, and the latest decided."""
    viewer = viewer_of(request)
    return render(
        request,
        "web/fieldwork/leaves.html",
        {
            "pending": list(selectors.leaves_pending(viewer=viewer)),
            "decided": list(selectors.leaves_decided(viewer=viewer)),
            "can_decide": permissions.allowed(viewer, "fieldwork.leave_approve"),
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The tallies of the viewer's area (or a child area) for a year, by kind and by child area; what is open."""
    viewer = viewer_of(request)
    code = request.GET.get("area") or viewer.area_id or codes.normalize("52")
    try:
        area = area_get(viewer=viewer, code=code)
    except ApplicationError:
        raise Http404("该地区不存在或不在您的管辖范围内") from None
    year = year_param(request, default=selectors.latest_year(viewer=viewer, area_code=area.code, default=_today().year))
    by_child = selectors.tallies_by_child(viewer=viewer, area_code=area.code, year=year)
    today = _today()
    team = selectors.village_team(viewer=viewer, village=area.code) if area.level == codes.VILLAGE else None
    short: tuple[int, list[dict[str, Any]]] | None = None
    if codes.level_of(area.code) >= codes.COUNTY:  # a county's postings are read in well under a second
        short = selectors.presence_short(viewer=viewer, area_code=area.code, year=today.year, month=today.month)
    names = area_names([r["code"] for r in by_child]) if by_child else {}
    return render(
        request,
        "web/fieldwork/overview.html",
        {
            "area": area,
            "year": year,
            "years": list(range(_today().year, 2013, -1)),
            "tallies": selectors.tallies(viewer=viewer, area_code=area.code, year=year),
            "by_child": [{**r, "name": names.get(r["code"], r["code"])} for r in by_child],
            "kinds": LogKind.choices,
            "pending": selectors.pending_counts(viewer=viewer, area_code=area.code),
            "can_adjust": permissions.allowed(viewer, "fieldwork.adjust"),
            "short": short,
            "team": team,
            "benefits": cadre_selectors.benefit_totals(viewer=viewer, area_code=area.code, year=year),
            "benefit_kinds": BenefitKind.choices,
            "today": today,
            "is_discipline": getattr(viewer, "department", "") == "discipline"
            and permissions.allowed(viewer, "fieldwork.inspect"),
        },
    )


@login_required
def adjustments(request: HttpRequest) -> HttpResponse:
    """Adjustment proposals of the area: the county's organization department approves (recall) or refuses."""
    viewer = viewer_of(request)
    can = permissions.allowed(viewer, "fieldwork.adjust")
    if request.method == "POST":
        if not can:
            raise PermissionDenied("只有县委组织部可以审批调整建议")
        form = DecisionForm(request.POST)
        try:
            item = selectors.adjustment_get(viewer=viewer, adjustment_id=int(request.POST.get("id", "0") or 0))
            note = form.cleaned_data["note"] if form.is_valid() else ""
            adjustment_decide(actor=viewer, item=item, approve="approve" in request.POST, note=note)
            messages.success(request, f"{item.posting.cadre.name}：已处理")
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "请求无效"))
        return redirect("field-adjustments")
    return render(
        request,
        "web/fieldwork/adjustments.html",
        {"items": selectors.adjustments_open(viewer=viewer), "can_decide": can},
    )


@login_required
def adjustment_new(request: HttpRequest, posting_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    posting = cadre_selectors.posting_get(viewer=viewer, posting_id=posting_id)
    if posting is None:
        raise Http404("派驻记录不存在或不在您的管辖范围内")
    if not permissions.allowed(viewer, "fieldwork.adjust", posting.village_id):
        raise PermissionDenied("只有县委组织部可以提出调整")
    form = AdjustmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment_propose(
                actor=viewer,
                posting=posting,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            )
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "调整建议已提出")
            return redirect("field-adjustments")
    return render(
        request,
        "web/fieldwork/adjustment_form.html",
        {"form": form, "posting": posting},
        status=400 if form.errors else 200,
    )


@login_required
def posting_detail(request: HttpRequest, posting_id: int) -> HttpResponse:
    """A posted cadre's record of the year (per cadre their record): logs by kind, days in the village this month,
    leave, spot checks, red lines, scores and rating. Inspectors record a spot check or a red line here; the
    organization department enters the raters' scores."""
    viewer = viewer_of(request)
    posting = cadre_selectors.posting_get(viewer=viewer, posting_id=posting_id)
    if posting is None:
        raise Http404("派驻记录不存在或不在您的管辖范围内")
    today = _today()
    year = year_param(request, default=today.year)
    can_inspect = permissions.allowed(viewer, "fieldwork.inspect", posting.village_id)
    can_rate = permissions.allowed(viewer, "fieldwork.rate", posting.village_id)
    lines = [(r.pk, f"{r.title}（{r.get_severity_display()}）") for r in selectors.red_lines()]
    inspect_form = InspectionForm(initial={"date": today, "present": "1"})
    violation_form = ViolationForm(initial={"date": today}, red_lines=lines)
    scores_form = ScoresForm(initial={"year": year, "period": "year"})
    if request.method == "POST":
        form_name = request.POST.get("form", "")
        if (form_name in ("inspect", "violation") and not can_inspect) or (form_name == "scores" and not can_rate):
            raise PermissionDenied("您不能在此记录")
        try:
            if form_name == "inspect":
                inspect_form = InspectionForm(request.POST)
                if inspect_form.is_valid():
                    d = inspect_form.cleaned_data
                    inspection_record(actor=viewer, posting=posting, on=d["date"], kind=d["kind"],
                                      present=d["present"], note=d["note"])  # fmt: skip
                    messages.success(request, "已记录暗访抽查")
                    return redirect("field-posting", posting.pk)
            elif form_name == "violation":
                violation_form = ViolationForm(request.POST, red_lines=lines)
                if violation_form.is_valid():
                    d = violation_form.cleaned_data
                    violation_record(actor=viewer, posting=posting, on=d["date"], evidence=d["evidence"],
                                     red_line=selectors.red_line_get(red_line_id=int(d["red_line"])))  # fmt: skip
                    messages.success(request, "已记录违反负面清单")
                    return redirect("field-posting", posting.pk)
            elif form_name == "scores":
                scores_form = ScoresForm(request.POST)
                if scores_form.is_valid():
                    d = scores_form.cleaned_data
                    n = rating_scores_set(actor=viewer, posting=posting, year=d["year"], period=d["period"],
                                          scores={r: d[r] for r in Rater.values})  # fmt: skip
                    messages.success(request, f"已保存 {n} 项评分")
                    return redirect(f"{request.path}?year={d['year']}")
        except ApplicationError as exc:
            form = {"inspect": inspect_form, "violation": violation_form, "scores": scores_form}.get(form_name)
            if form is None:
                raise
            form_error(form, exc)
    record = selectors.posting_record(viewer=viewer, posting=posting, year=year)
    active = posting.status == "active"
    errors = any(f.errors for f in (inspect_form, violation_form, scores_form))
    return render(request, "web/fieldwork/posting.html", {
        "posting": posting, "year": year, "record": record, "today": today,
        "years": list(range(today.year, posting.start.year - 1, -1)),
        "presence": selectors.presence_of(posting, today.year, today.month) if active else None,
        "can_inspect": can_inspect, "can_rate": can_rate,
        "can_adjust": active and permissions.allowed(viewer, "fieldwork.adjust", posting.village_id),
        "inspect_form": inspect_form, "violation_form": violation_form, "scores_form": scores_form,
    }, status=400 if errors else 200)  # fmt: skip


@login_required
def ratings(request: HttpRequest) -> HttpResponse:
    """The year's ratings of the viewer's area; the organization department computes them from the scores."""
    viewer = viewer_of(request)
    area_code = viewer.area_id or codes.normalize("52")
    year = year_param(request, default=selectors.latest_rating_year(viewer=viewer, area_code=area_code,
                                                                    default=_today().year))  # fmt: skip
    # the province's 51,000 cadres are rated with `fupin field review` (minutes, not a page's seconds)
    can_rate = permissions.allowed(viewer, "fieldwork.rate", area_code) and codes.level_of(area_code) > codes.PROVINCE
    if request.method == "POST":
        if not can_rate:
            raise PermissionDenied("只有组织部可以评定年度考核等次")
        year = ascii_int(request.POST.get("year"), lo=2014, hi=_today().year) or year
        try:
            run = ratings_compute(actor=viewer, area_code=area_code, year=year)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            counts = "，".join(f"{g} {n} 人" for g, n in run.grades.items())
            messages.success(request, f"{year} 年已评定 {run.rated} 人（{counts or '无'}），"
                                      f"受限制等次 {run.capped} 人；尚无评分 {run.unscored} 人")  # fmt: skip
        return redirect(f"{request.path}?year={year}")
    show = request.GET.get("show", "attention")
    show = show if show in selectors.RATING_FILTERS else "attention"
    total, items = selectors.ratings_of_area(viewer=viewer, area_code=area_code, year=year, show=show)
    return render(request, "web/fieldwork/ratings.html", {
        "year": year, "years": list(range(_today().year, 2013, -1)), "can_rate": can_rate,
        "items": items, "total": total, "show": show, "show_label": selectors.RATING_FILTERS[show],
        "filters": selectors.RATING_FILTERS,
        "counts": selectors.rating_counts(viewer=viewer, area_code=area_code, year=year),
    })  # fmt: skip


@login_required
def red_lines(request: HttpRequest) -> HttpResponse:
    """The province's list of red lines; province administrators add and change items."""
    viewer = viewer_of(request)
    can_edit = permissions.allowed(viewer, "fieldwork.red_lines")
    form = RedLineForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有省级管理员可以修改负面清单")
        if form.is_valid():
            d = form.cleaned_data
            try:
                red_line_set(actor=viewer, code=d["code"], title=d["title"], severity=d["severity"],
                             rating_cap=d["rating_cap"], active=d["active"])  # fmt: skip
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"已保存 {d['code']}")
                return redirect("field-red-lines")
    return render(request, "web/fieldwork/red_lines.html",
                  {"items": selectors.red_lines(active_only=False), "form": form, "can_edit": can_edit},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    """Red lines crossed whose consequence is a referral to discipline inspection, in the viewer's area."""
    return render(request, "web/fieldwork/referrals.html",
                  {"items": selectors.referrals(viewer=viewer_of(request))})  # fmt: skip


@login_required
def violation_statement_view(request: HttpRequest, violation_id: int) -> HttpResponse:
    """The cadre's own statement on a red line recorded against them."""
    viewer = viewer_of(request)
    try:
        item = selectors.violation_get(viewer=viewer, violation_id=violation_id)
    except ApplicationError:
        raise Http404("记录不存在或不在您的管辖范围内") from None
    posting = own_posting(viewer)
    if posting is None or item.posting_id != posting.pk:
        raise Http404("记录不存在或不在您的管辖范围内")
    form = StatementForm(request.POST or None, initial={"statement": item.statement})
    if request.method == "POST" and form.is_valid():
        try:
            violation_statement(actor=viewer, item=item, statement=form.cleaned_data["statement"])
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "已提交本人说明")
            return redirect("field-home")
    return render(request, "web/fieldwork/statement.html", {"item": item, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def guidance(request: HttpRequest) -> HttpResponse:
    """The responsibility lists and quarterly guidance the viewer's area published or received; the organization
    department publishes a new one to its area's cadres."""
    viewer = viewer_of(request)
    area_code = viewer.area_id or codes.normalize("52")
    can_publish = permissions.allowed(viewer, "fieldwork.guide", area_code)
    form = GuidanceForm(request.POST or None, initial={"year": _today().year, "kind": "quarterly"})
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied("只有组织部可以发布责任清单和工作指导要点")
        if form.is_valid():
            d = form.cleaned_data
            try:
                item = guidance_publish(actor=viewer, area_code=area_code, kind=d["kind"], title=d["title"],
                                        year=d["year"], quarter=d["quarter"], items=d["items"])  # fmt: skip
            except ApplicationError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"已发布“{item.title}”（{item.items.count()} 项）")
                return redirect("field-guidance-detail", item.pk)
    published = selectors.guidance_published(viewer=viewer, area_code=area_code)
    names = area_names(sorted({g.area_code for g in published}))
    return render(request, "web/fieldwork/guidance.html", {
        "items": [(g, names.get(g.area_code, g.area_code)) for g in published],
        "form": form, "can_publish": can_publish,
    }, status=400 if form.errors else 200)  # fmt: skip


@login_required
def guidance_detail(request: HttpRequest, guidance_id: int) -> HttpResponse:
    """A published list and its progress by village in the viewer's area."""
    viewer = viewer_of(request)
    area_code = viewer.area_id or codes.normalize("52")
    published = {g.pk: g for g in selectors.guidance_published(viewer=viewer, area_code=area_code, limit=500)}
    item = published.get(guidance_id)
    if item is None:
        raise Http404("清单不存在或不是发给本地区的")
    return render(request, "web/fieldwork/guidance_detail.html", {
        "guidance": item, "rows": selectors.guidance_progress(viewer=viewer, guidance=item, area_code=area_code),
    })  # fmt: skip


@login_required
def guidance_done_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """A cadre marks an item done with one of their own work-log entries as evidence."""
    viewer, posting = _posted(request)
    if posting is None:
        return redirect("field-home")
    try:
        item = selectors.guidance_item_get(viewer=viewer, posting=posting, item_id=item_id)
    except ApplicationError:
        raise Http404("事项不存在或不是发给您所在村的") from None
    logs = [(log.pk, f"{log.date:%m月%d日} {log.get_kind_display()}：{log.content[:30]}")
            for log in selectors.logs_of_posting(viewer=viewer, posting=posting, limit=60)]  # fmt: skip
    form = DoneForm(request.POST or None, logs=logs)
    if request.method == "POST" and form.is_valid():
        try:
            log = selectors.log_get(viewer=viewer, log_id=int(form.cleaned_data["log"]))
            guidance_done(actor=viewer, item=item, log=log)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已完成：{item.title}")
            return redirect("field-home")
    return render(request, "web/fieldwork/guidance_done.html", {"item": item, "form": form, "has_logs": bool(logs)},
                  status=400 if form.errors else 200)  # fmt: skip
