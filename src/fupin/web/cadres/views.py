"""Cadres sent to the villages: the roster and its export, a cadre's record, dispatch plans and their review."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from fupin.accounts.selectors import user_by_username
from fupin.cadres import selectors as cadre_selectors
from fupin.cadres.choices import TEMPORARY_ROLES, PostingRole
from fupin.cadres.services import (
    cadre_account_link,
    dispatch_plan,
    eligibility,
    plan_approve,
    plan_item_set,
    plan_summary_lines,
    promotion_record,
    round_start,
    temporary_post,
)
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError
from fupin.core.parsing import ascii_int
from fupin.core.permissions import allowed
from fupin.registry.selectors import shown_id
from fupin.web.common.exports import export_response
from fupin.web.common.paging import keyset_page
from fupin.web.common.params import digits_param, text_param, viewer_of, year_param


@login_required
def dispatch_plans(request: HttpRequest) -> HttpResponse:
    """Dispatch plans of the viewer's area; officers generate one for a round."""
    viewer = viewer_of(request)
    can_plan = cadre_selectors.dispatch_plannable(viewer)
    error, needs_confirm = "", False
    round_year = cadre_selectors.dispatch_default_round(viewer=viewer)
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied("只读角色不能生成选派方案")
        year = ascii_int(request.POST.get("round"), lo=2000, hi=2100)
        try:
            if year is None:
                error = "请填写轮次（年度，如 2017）"
            else:
                round_year = year
                plan = dispatch_plan(
                    actor=viewer, area_code=viewer.area_id or "520000000000", round_year=year,
                    confirm=request.POST.get("confirm") == "1",
                )  # fmt: skip
                return redirect("dispatch-plan", plan.pk)
        except ApplicationError as exc:
            error, needs_confirm = exc.message, exc.code == "confirm_required"
    plans = cadre_selectors.dispatch_plans_recent(viewer=viewer)
    return render(
        request, "web/cadres/dispatch_plans.html",
        {"plans": plans, "can_plan": can_plan, "error": error, "needs_confirm": needs_confirm,
         "round_year": round_year or ""},
        status=400 if error else 200,
    )  # fmt: skip


@login_required
def dispatch_plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Review a plan: each village's first secretary and resident cadres with the reason; edit an item; approve."""
    viewer = viewer_of(request)
    plan = cadre_selectors.dispatch_plan_get(viewer=viewer, plan_id=plan_id)
    if plan is None:
        raise Http404("该方案不存在或不在您的管辖范围内")
    can_edit = cadre_selectors.plan_editable(viewer, plan)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("该方案不能修改")
        try:
            if "approve" in request.POST:
                n = plan_approve(actor=viewer, plan=plan)  # the postings start on the round's start date
                messages.success(request, f"方案已批准：{n} 名干部 {plan.round} 年轮次到岗")
                return redirect("dispatch-plan", plan.pk)
            item_id = ascii_int(request.POST.get("item")) or 0
            item = cadre_selectors.plan_item_get(viewer=viewer, plan=plan, item_id=item_id)
            if item is None:
                raise Http404("方案明细不存在")
            person = request.POST.get("cadre", "").strip().upper()
            cadre = cadre_selectors.cadre_by_person_id(viewer=viewer, person_id=person) if person else None
            if person and cadre is None:
                error = f"没有身份证号为 {person} 的干部（或不在您的管辖范围内）"
            else:
                plan_item_set(actor=viewer, item=item, cadre=cadre)
                messages.success(request, "已调整")
                return redirect("dispatch-plan", plan.pk)
        except ApplicationError as exc:
            error = exc.message
    items = cadre_selectors.plan_items(plan=plan)
    return render(
        request, "web/cadres/dispatch_plan.html",
        {"plan": plan, "items": items, "can_edit": can_edit, "error": error, "summary_lines": plan_summary_lines(plan),
         "round_start": round_start(plan.round)},
        status=400 if error else 200,
    )  # fmt: skip


CADRE_HEADERS = [
    "编号", "姓名", "性别", "出生日期", "身份证号", "派出单位", "单位层级", "类型", "职级", "专业特长",
    "工作年限", "编制", "前年考核", "上年考核", "当前职务", "派驻村", "轮次",
]  # fmt: skip


def _filters(request: HttpRequest) -> dict[str, Any]:
    """The roster's filters: name, area code, role of a current posting, only those serving now."""
    return {
        "q": text_param(request, "q"),
        "area": text_param(request, "area"),
        "role": request.GET.get("role", ""),
        "active": request.GET.get("active", "") == "1",
    }


def _cadres(request: HttpRequest, f: dict[str, Any], *, after: int | None = None) -> Any:
    return cadre_selectors.cadre_search_after(
        viewer=viewer_of(request), text=f["q"], area_code=f["area"], role=f["role"], active=f["active"], after=after
    )


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    """Cadres of the viewer's units and those serving in the viewer's villages; keyset pages on the id."""
    f = _filters(request)
    page, next_after = keyset_page(_cadres(request, f, after=digits_param(request, "after")), "id")
    current = cadre_selectors.current_postings(viewer=viewer_of(request), cadres=page)
    rows = [(c, current.get(c.pk)) for c in page]
    return render(request, "web/cadres/cadre_list.html", {"rows": rows, "next_after": next_after,
                                                          "roles": PostingRole.choices, **f})  # fmt: skip


@login_required
def cadre_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    viewer = viewer_of(request)
    qs = _cadres(request, _filters(request))

    def rows() -> Iterator[tuple[Any, ...]]:
        batch: list[Any] = []
        for cadre in qs.iterator(chunk_size=2000):
            batch.append(cadre)
            if len(batch) == 2000:
                yield from _cadre_rows(viewer, batch)
                batch = []
        yield from _cadre_rows(viewer, batch)

    return export_response(fmt, "干部名册", CADRE_HEADERS, rows())


def _cadre_rows(viewer: Actor, cadres: list[Any]) -> Iterator[tuple[Any, ...]]:
    current = cadre_selectors.current_postings(viewer=viewer, cadres=cadres) if cadres else {}
    for c in cadres:
        p = current.get(c.pk)
        posted = (p.get_role_display(), p.village.name, p.round) if p else ("", "", "")
        yield (c.pk, c.name, c.sex, c.birth_date, shown_id(viewer, c.person_id), c.unit.name,
               c.unit.level, c.cadre_type, c.rank, c.specialty, c.years_of_work, c.staff_status, c.rating_prev,
               c.rating_last, *posted)  # fmt: skip


@login_required
def cadre_detail(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """A cadre's record: unit, type, ratings, whether they may be sent (with the reasons if not), every posting with
    its benefits; the organization department links the cadre's own login account (for the field work)."""
    viewer = viewer_of(request)
    cadre = cadre_selectors.cadre_get(viewer=viewer, cadre_id=cadre_id)
    postings = cadre_selectors.cadre_postings(viewer=viewer, cadre=cadre)
    benefits = cadre_selectors.posting_benefits(postings=postings)
    active = next((p for p in postings if p.status == "active"), None)
    can_link = active is not None and allowed(viewer, "cadres.manage", active.village_id)
    can_manage = allowed(viewer, "cadres.manage", cadre.area_id)
    link_error = ""
    if request.method == "POST" and request.POST.get("form") in ("promotion", "temporary"):
        return _cadre_record_post(request, cadre, can_manage)
    if request.method == "POST":
        if not can_link:
            raise PermissionDenied("只有县委组织部可以关联在岗干部的账号")
        username = request.POST.get("account", "")[:150]
        try:
            user = user_by_username(viewer=viewer, username=username) if username.strip() else None
            cadre_account_link(actor=viewer, cadre=cadre, user=user)
        except ApplicationError as exc:
            link_error = exc.message
        else:
            messages.success(request, f"已关联账号 {username.strip()}" if username.strip() else "已解除账号关联")
            return redirect("cadre-detail", cadre.pk)
    year = year_param(request)
    return render(request, "web/cadres/cadre_detail.html", {
        "cadre": cadre, "id_shown": shown_id(viewer, cadre.person_id), "year": year,
        "refusals": {label: eligibility(cadre, role, year) for role, label in PostingRole.choices[:2]},
        "postings": [(p, benefits.get(p.pk, [])) for p in postings],
        "active": active, "can_link": can_link, "link_error": link_error, "can_manage": can_manage,
        "promotions": cadre_selectors.cadre_promotions(viewer=viewer, cadre=cadre),
        "temporary_roles": [(r, PostingRole(r).label) for r in TEMPORARY_ROLES],
        "can_adjust": active is not None and allowed(viewer, "fieldwork.adjust", active.village_id),
    }, status=400 if link_error else 200)  # fmt: skip


def _cadre_record_post(request: HttpRequest, cadre: Any, can_manage: bool) -> HttpResponse:
    """A promotion (提拔重用) recorded, or a temporary post above the village (挂职) arranged, from the cadre's page."""
    viewer = viewer_of(request)
    if not can_manage:
        raise PermissionDenied("只有组织部可以记录提拔重用、安排挂职")
    try:
        on = date.fromisoformat(request.POST.get("on", "")[:10])
    except ValueError:
        messages.error(request, "日期应写成 年-月-日")
        return redirect("cadre-detail", cadre.pk)
    try:
        if request.POST.get("form") == "promotion":
            promotion_record(actor=viewer, cadre=cadre, on=on, post=request.POST.get("post", "")[:100])
            messages.success(request, "已记录提拔重用")
        else:
            posting = temporary_post(actor=viewer, cadre=cadre, area_code=request.POST.get("area", "")[:12],
                                     role=request.POST.get("role", ""), start=on)  # fmt: skip
            messages.success(request, f"已安排{posting.get_role_display()}")
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", None) or "区划代码无效")
    return redirect("cadre-detail", cadre.pk)
