from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fupin.accounts.services import user_password_set
from fupin.areas import selectors as area_selectors
from fupin.areas.models import Classification, Kind
from fupin.audit.selectors import audit_entries
from fupin.core import codes
from fupin.core.errors import ApplicationError
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Status

from .exports import csv_response, xlsx_response
from .forms import PasswordChangeForm


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    area = area_selectors.area_home(viewer=_user(request))
    if area is None:
        return render(request, "core/error.html", {"message": "您的账号尚未绑定区划，请联系管理员。"}, status=403)
    return area_detail(request, area.code)


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    viewer = _user(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    year = _year(request)
    context = {
        "area": area,
        "year": year,
        "ancestors": area_selectors.area_ancestors(area=area),
        "level_counts": [
            (codes.LEVEL_NAMES[lvl], n)
            for lvl, n in sorted(area_selectors.area_level_counts(viewer=viewer, area=area).items())
        ],
        "village_kinds": _kind_counts(viewer, area),
        "children": area_selectors.area_children_stats(viewer=viewer, area=area),
        "child_level_name": codes.LEVEL_NAMES.get(area.level + 1, ""),
        "classes": [
            (Classification(kind).label, n)
            for kind, n in sorted(area_selectors.classification_counts(viewer=viewer, area=area, year=year).items())
        ],
        "own_classes": [
            c.get_kind_display() for c in area_selectors.classifications(viewer=viewer, year=year).filter(area=area)
        ],
    }
    return render(request, "web/area_detail.html", context)


def _kind_counts(viewer: Any, area: Any) -> dict[str, int]:
    if area.level >= codes.VILLAGE:
        return {}
    counts = area_selectors.area_kind_counts(viewer=viewer, area=area, level=codes.VILLAGE)
    order = [Kind.VILLAGE, Kind.COMMUNITY, Kind.OTHER]
    return {Kind(k).label: counts[k] for k in order if counts.get(k)}


def keyset_page(qs: Any, key: str, size: int = 50) -> tuple[list[Any], Any]:
    """One page of an ordered queryset and the key to continue after it (None on the last page).

    Keyset pagination: no OFFSET and no COUNT(*), so page 10,000 of a million rows costs what page 1 does.
    """
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, getattr(rows[-1], key) if more and rows else None


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", "2017"))
    except ValueError:
        return 2017


EXPORT_HEADERS = ["区划代码", "名称", "层级", "类型", "上级代码"]


@login_required
def area_export(request: HttpRequest, code: str, fmt: str) -> HttpResponseBase:
    viewer = _user(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    if fmt not in ("csv", "xlsx"):
        raise Http404("不支持的导出格式")
    qs = area_selectors.area_descendants(viewer=viewer, area=area).values_list(
        "code", "name", "level", "kind", "parent_id"
    )
    level_names, kind_names = codes.LEVEL_NAMES, dict(Kind.choices)
    rows = ((c, n, level_names[lvl], kind_names.get(k, k), p) for c, n, lvl, k, p in qs.iterator(chunk_size=5000))
    name = f"{area.name}_下辖区划"
    if fmt == "csv":
        return csv_response(name, EXPORT_HEADERS, rows)
    return xlsx_response(name, EXPORT_HEADERS, rows)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    results = list(area_selectors.area_search(viewer=_user(request), text=text)) if text else []
    return render(request, "web/search.html", {"q": text, "results": results})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not viewer.can_read_audit:
        raise PermissionDenied("您的角色不能查看审计记录")
    qs = audit_entries(viewer=viewer, entity_type=request.GET.get("type", ""), entity_id=request.GET.get("id", ""))
    before = request.GET.get("before", "")
    page, next_before = keyset_page(qs.filter(seq__lt=int(before)) if before.isdigit() else qs, "seq")
    return render(request, "web/audit_list.html", {"entries": page, "next_before": next_before})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_set(actor=user, user=user, password=form.cleaned_data["new_password1"])
        except ApplicationError as exc:
            form.add_error("new_password1", exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """Search with keyset pagination on the household number: no COUNT(*), no OFFSET over millions of rows."""
    viewer = _user(request)
    text = request.GET.get("q", "").strip()
    area_code = request.GET.get("area", "").strip()
    status = request.GET.get("status", "")
    qs = registry_selectors.household_search(viewer=viewer, text=text, area_code=area_code, status=status)
    after = request.GET.get("after", "")
    page, next_after = keyset_page(qs.filter(household_no__gt=after) if after else qs, "household_no")
    return render(
        request,
        "web/household_list.html",
        {
            "households": page,
            "q": text,
            "area": area_code,
            "status": status,
            "statuses": Status.choices,
            "next_after": next_after,
        },
    )


@login_required
def household_detail(request: HttpRequest, household_no: str) -> HttpResponse:
    viewer = _user(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    members = registry_selectors.household_members(viewer=viewer, household=household)
    for m in members:
        m.shown_id = registry_selectors.shown_id(viewer, m.id_number)  # type: ignore[attr-defined]
    return render(
        request,
        "web/household_detail.html",
        {
            "household": household,
            "members": members,
            "years": registry_selectors.household_years(viewer=viewer, household=household),
            "ancestors": [*area_selectors.area_ancestors(area=household.village), household.village],
        },
    )
