"""The audit log, for the roles that may read it: filtered by who, what, when and where, in Chinese."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fupin.audit import selectors as audit_selectors
from fupin.audit.labels import ACTIONS
from fupin.web.common.paging import keyset_page
from fupin.web.common.params import digits_param, text_param, viewer_of


def _date_param(request: HttpRequest, name: str) -> date | None:
    text = text_param(request, name, max_length=10)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not audit_selectors.audit_readable(viewer):
        raise PermissionDenied("您的角色不能查看审计记录")
    action = text_param(request, "action", max_length=64)
    filters = audit_selectors.AuditFilter(
        actor=text_param(request, "user", max_length=150),
        action=action if action in ACTIONS else "",
        date_from=_date_param(request, "from"),
        date_to=_date_param(request, "to"),
        area=text_param(request, "area", max_length=12),
    )
    problems = []
    if filters.area and not audit_selectors.audit_area_allowed(viewer, filters.area):
        problems.append(f"区划代码“{filters.area}”无效或不在您的管辖范围内")
    for name, value in (("from", filters.date_from), ("to", filters.date_to)):
        if request.GET.get(name) and value is None:
            problems.append(f"日期“{text_param(request, name, max_length=20)}”格式不正确，应为 年-月-日")
    qs = audit_selectors.audit_entries_before(
        viewer=viewer,
        entity_type=text_param(request, "type", max_length=64),
        entity_id=text_param(request, "id", max_length=64),
        before=digits_param(request, "before"),
        filters=filters,
    )
    page, next_before = keyset_page(qs, "seq")
    kept = {
        k: v
        for k, v in {
            "user": filters.actor,
            "action": filters.action,
            "from": filters.date_from.isoformat() if filters.date_from else "",
            "to": filters.date_to.isoformat() if filters.date_to else "",
            "area": filters.area,
            "type": text_param(request, "type", max_length=64),
            "id": text_param(request, "id", max_length=64),
        }.items()
        if v
    }
    return render(
        request,
        "web/audit/audit_list.html",
        {
            "entries": page,
            "next_before": next_before,
            "next_query": urlencode({**kept, "before": next_before}) if next_before else "",
            "filters": filters,
            "actions": sorted(ACTIONS.items(), key=lambda kv: kv[0]),
            "problems": problems,
            "filtered": bool(kept),
        },
    )
