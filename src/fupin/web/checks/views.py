"""Check findings: the list and its export, a finding's page, moving a finding on in its workflow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fupin.assessment import selectors as assessment_selectors
from fupin.assessment.choices import CaseKind
from fupin.assessment.governance import CONFIRMED, case_from_finding
from fupin.checks import selectors as check_selectors
from fupin.checks.choices import FindingStatus
from fupin.checks.services import (
    BULK_MAX,
    INDEPENDENT,
    finding_transition,
    findings_bulk_transition,
    next_statuses,
    next_statuses_for,
    transition_targets,
)
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.parsing import ascii_int
from fupin.core.permissions import allowed
from fupin.registry import selectors as registry_selectors
from fupin.web.assessment.forms import CaseOpenForm
from fupin.web.common.exports import export_response
from fupin.web.common.forms import FindingTransitionForm, form_error, form_submit
from fupin.web.common.paging import keyset_page
from fupin.web.common.params import digits_param, text_param, viewer_of
from fupin.web.registry.views import household_page, members_shown, safe_next


@login_required
def finding_transition_view(request: HttpRequest, finding_id: int) -> HttpResponse:
    """Move a finding on; back to the list it came from (``next``, with its filters), else to its household's
    page, or to the finding's own page (漏评: not yet a household)."""
    viewer = viewer_of(request)
    finding = check_selectors.finding_get(viewer=viewer, finding_id=finding_id)
    if finding is None:
        raise Http404("该核查发现不存在或不在您的管辖范围内")
    try:
        household = registry_selectors.household_get(viewer=viewer, household_no=finding.household_no)
    except NotFoundError:
        household = None
    target = safe_next(request) or (household.get_absolute_url() if household else f"/findings/{finding.pk}/")
    if request.method != "POST":
        return redirect(target)
    choices = next_statuses(finding.status)
    form = FindingTransitionForm(request.POST, choices=choices, prefix=f"f{finding.pk}")
    if form.is_valid():
        try:
            finding_transition(
                actor=viewer, finding=finding, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, "已更新核查发现的处理状态")
            return redirect(target)
        except ApplicationError as exc:
            form_error(form, exc)
    if household is None:
        return _finding_page(request, viewer, finding, form)
    members = members_shown(viewer, household)
    return household_page(request, viewer, household, members, {f"finding-{finding.pk}": form})


def _finding_page(
    request: HttpRequest,
    viewer: Actor,
    finding: Any,
    form: FindingTransitionForm | None = None,
    case_form: CaseOpenForm | None = None,
) -> HttpResponse:
    choices = next_statuses_for(viewer, finding.status, finding.category)
    if form is None and choices and allowed(viewer, "checks.transition", finding.village_id):
        form = FindingTransitionForm(choices=choices, prefix=f"f{finding.pk}")
    cases = assessment_selectors.cases_for_finding(viewer=viewer, finding=finding)
    may_case = (
        finding.status in CONFIRMED
        and not any(c.status in assessment_selectors.OPEN for c in cases)
        and allowed(viewer, "assessment.case_open", finding.village_id, from_above=True)
    )
    if may_case and case_form is None:
        whom = finding.detail if finding.category in INDEPENDENT and finding.detail else "村“两委”"
        case_form = CaseOpenForm(initial={
            "kind": CaseKind.ACCOUNTABILITY, "subject": f"{finding.village.name}{whom}"[:100],
            "reason": finding.explanation[:300], "opened_on": timezone.localdate(),
        })  # fmt: skip
    bad = bool((form and form.errors) or (case_form and case_form.errors))
    shown = case_form if may_case or bad else None  # a refused form keeps its reason in view
    return render(
        request,
        "web/checks/finding_detail.html",
        {"f": finding, "form": form, "back": safe_next(request), "rule": _rule(finding.rule_id), "cases": cases,
         "case_form": shown},
        status=400 if bad else 200,
    )  # fmt: skip


@login_required
def finding_case(request: HttpRequest, finding_id: int) -> HttpResponse:
    """Open an accountability case citing a confirmed finding (the fifth special governance: 优亲厚友 and the
    other problems a township has confirmed); back on the finding's page with the refusal when refused."""
    viewer = viewer_of(request)
    finding = check_selectors.finding_get(viewer=viewer, finding_id=finding_id)
    if finding is None:
        raise Http404("该核查发现不存在或不在您的管辖范围内")
    if request.method != "POST":
        return redirect("finding-detail", finding_id=finding.pk)
    if not allowed(viewer, "assessment.case_open", finding.village_id, from_above=True):
        raise PermissionDenied("您没有约谈、问责立案的权限")
    form = CaseOpenForm(request.POST)
    made: list[Any] = []
    done = "已立案：可在“约谈问责”中跟踪整改和销号"
    if form_submit(request, form, lambda d: made.append(case_from_finding(actor=viewer, finding_id=finding.pk, **d)),
                   done):  # fmt: skip
        return redirect("assessment-case", case_id=made[0].pk)
    return _finding_page(request, viewer, finding, case_form=form)


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    finding = check_selectors.finding_get(viewer=viewer, finding_id=finding_id)
    if finding is None:
        raise Http404("该核查发现不存在或不在您的管辖范围内")
    return _finding_page(request, viewer, finding)


def _rule(rule_id: str) -> Any:
    """The rule behind a finding (its title and the documents it cites), None for a rule since retired."""
    from fupin.analytics.rules import BY_ID  # lazy: the rule catalogue loads Ibis

    return BY_ID.get(rule_id)


def _filters(request: HttpRequest) -> tuple[str, str, str, str]:
    """The list's filters as given: rule, status, area code, year."""
    return (
        request.GET.get("rule", ""),
        request.GET.get("status", ""),
        text_param(request, "area"),
        request.GET.get("year", ""),
    )


def _findings(request: HttpRequest, *, after: int | None = None) -> Any:
    """The viewer's findings narrowed by the list's filters, in id order."""
    rule, status, area, _ = _filters(request)
    return check_selectors.finding_search(
        viewer=viewer_of(request), rule=rule, status=status, area_code=area, year=digits_param(request, "year"),
        after=after,
    )  # fmt: skip


FINDING_HEADERS = ["编号", "年度", "规则", "类别", "村代码", "户编号", "身份证号", "说明", "状态", "仍命中"]


@login_required
def finding_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered findings list as a workbook (or CSV), every row, streamed; ID numbers masked as on screen."""
    from fupin.analytics.rules import BY_ID

    viewer = viewer_of(request)
    labels = dict(FindingStatus.choices)
    rows = (
        (f.pk, f.year, BY_ID[f.rule_id].title if f.rule_id in BY_ID else f.rule_id, f.category, f.village_id,
         f.household_no, registry_selectors.shown_id(viewer, f.person_id) if f.person_id else "", f.explanation,
         labels.get(f.status, f.status), "是" if f.present else "否")
        for f in _findings(request).iterator(chunk_size=5000)
    )  # fmt: skip
    return export_response(fmt, "核查发现", FINDING_HEADERS, rows)


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings in the viewer's area, newest rules first; keyset pagination on the id (no COUNT)."""
    from fupin.analytics.rules import RULES

    viewer = viewer_of(request)
    targets = transition_targets(viewer)  # the bulk form, for those who may move findings
    rule, status, area, year = _filters(request)
    page, next_after = keyset_page(_findings(request, after=digits_param(request, "after")), "id")
    return render(
        request,
        "web/checks/finding_list.html",
        {
            "findings": page,
            "next_after": next_after,
            "rules": [(r.id, r.title) for r in RULES],
            "rule": rule,
            "statuses": FindingStatus.choices,
            "status": status,
            "area": area,
            "year": year,
            "targets": targets,
            "matching": check_selectors.finding_search_count(
                viewer=viewer,
                cap=BULK_MAX,
                rule=rule,
                status=status,
                area_code=area,
                year=digits_param(request, "year"),
            )
            if targets
            else 0,
            "bulk_max": BULK_MAX,
            "here": request.get_full_path(),
        },
    )


@login_required
@require_POST
def finding_bulk_view(request: HttpRequest) -> HttpResponse:
    """Move the ticked findings, or every finding matching the list's filters, to one status (all or nothing);
    back to the list with its filters, the outcome or the refusal shown above it."""
    viewer = viewer_of(request)
    to, reason = request.POST.get("to", ""), request.POST.get("reason", "")
    if request.POST.get("scope") == "filter":
        ids, filters = None, {
            "rule": request.POST.get("rule", ""), "status": request.POST.get("status", ""),
            "area_code": request.POST.get("area", "").strip()[:40], "year": ascii_int(request.POST.get("year")),
        }  # fmt: skip
    else:
        picked = [int(i) for i in request.POST.getlist("ids") if i.isascii() and i.isdigit() and len(i) <= 12]
        ids, filters = picked[: BULK_MAX + 1], None  # one more than allowed: the service says "too many"
    try:
        n = findings_bulk_transition(actor=viewer, to=to, ids=ids, filters=filters, reason=reason)
        messages.success(request, f"已将 {n} 条核查发现改为“{FindingStatus(to).label}”")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(safe_next(request) or reverse("finding-list"))
