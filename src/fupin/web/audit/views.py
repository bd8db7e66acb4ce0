"""The audit log, for the roles that may read it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fupin.audit import selectors as audit_selectors
from fupin.web.common.paging import keyset_page
from fupin.web.common.params import digits_param, viewer_of


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    if not audit_selectors.audit_readable(viewer):
        raise PermissionDenied("您的角色不能查看审计记录")
    qs = audit_selectors.audit_entries_before(
        viewer=viewer,
        entity_type=request.GET.get("type", ""),
        entity_id=request.GET.get("id", ""),
        before=digits_param(request, "before"),
    )
    page, next_before = keyset_page(qs, "seq")
    return render(request, "web/audit/audit_list.html", {"entries": page, "next_before": next_before})
