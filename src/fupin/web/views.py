from __future__ import annotations

from typing import Any, cast

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
from fupin.core import codes, scoping
from fupin.core.errors import ApplicationError
from fupin.registry import selectors as registry_selectors
from fupin.registry.models import Status

from .exports import export_response
from .forms import PasswordChangeForm


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    code = getattr(viewer, "area_id", None)  # the user's own area: no lookup needed
    if not code:
        area = area_selectors.area_home(viewer=viewer)
        if area is None:
            return render(request, "core/error.html", {"message": "您的账号尚未绑定区划，请联系管理员。"}, status=403)
        code = area.code
    return area_detail(request, code)


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The dashboard of one area: precomputed indicators, charts, map, drill-down to the units below.

    The body depends only on the area, the year and the indicator table (scopes are subtrees: whoever may open an
    area sees all of it), so it is rendered once per indicator refresh and kept; a view then costs the session,
    the scope check and one lookup of the latest refresh."""
    from django.core.cache import cache

    from fupin.stats.services import indicators_stamp

    viewer = _user(request)
    area, ancestors = _area_and_ancestors(viewer, code)
    year = _year(request)
    stamp, refreshed_at = cast(tuple[int, Any], cache.get_or_set("indicators-stamp", indicators_stamp, STAMP_SECONDS))
    key = f"dashboard:{area.code}:{year}:{stamp}"
    cached = cache.get(key)
    if cached is None:
        body, charts = _dashboard_body(request, viewer, area, year, refreshed_at)
        cache.set(key, (body, charts), STRUCTURE_SECONDS)
    else:
        body, charts = cached
    scope = scoping.scope_of(viewer)
    context = {
        "area": area,
        "year": year,
        "ancestors": [(a, scope.contains(a.code)) for a in ancestors],
        "body": body,
        "charts": charts,
    }
    return render(request, "web/area_detail.html", context)


def _dashboard_body(request: HttpRequest, viewer: Any, area: Any, year: int, refreshed_at: Any) -> tuple[str, bool]:
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from fupin.stats.dashboard import dashboard

    structure = _area_structure(viewer, area, year)
    data = dashboard(
        viewer=viewer, area=area, year=year, children=[row["area"] for row in structure["children"]],
        counties=structure["counties"],
    )  # fmt: skip
    for row, units in zip(data["children"], structure["children"], strict=True):
        row["townships"], row["villages"] = units.get("level4"), units.get("village")
    context = {
        "area": area,
        "year": year,
        "dashboard": data,
        "refreshed_at": refreshed_at,
        "child_level_name": codes.LEVEL_NAMES.get(area.level + 1, ""),
        "own_classes": [
            c.get_kind_display() for c in area_selectors.classifications(viewer=viewer, year=year).filter(area=area)
        ],
        **structure,
    }
    context.update(_indicator_context(area, year, data))
    body = render_to_string("web/_dashboard.html", context, request=request)
    return mark_safe(body), bool(data["years"] or data["children"])  # noqa: S308 - our own template's output


STRUCTURE_SECONDS = 600
STAMP_SECONDS = 3  # a refresh shows on dashboards within this many seconds


def _area_and_ancestors(viewer: Any, code: str) -> tuple[Any, list[Any]]:
    """The area (refused exactly as ``area_get`` refuses it) and its ancestors; the division tree changes only with
    ``areas load``, so both are kept per process and the viewer's scope is checked on every call."""
    from django.core.cache import cache

    from fupin.core.errors import NotFoundError

    try:
        key = f"area:{codes.normalize(code)}"
    except codes.AreaCodeError:
        raise NotFoundError("区划不存在") from None
    found = cache.get(key)
    if found is None:
        from fupin.areas.models import Area

        area = Area.objects.filter(code=key.removeprefix("area:")).select_related("parent").first()
        found = (area, area_selectors.area_ancestors(area=area) if area else [])
        cache.set(key, found, STRUCTURE_SECONDS)
    if found[0] is None or not scoping.scope_of(viewer).contains(found[0].code):
        raise NotFoundError("区划不存在或不在您的管辖范围内")
    return found


def _area_structure(viewer: Any, area: Any, year: int) -> dict[str, Any]:
    """The units under an area and their classifications: they change only when areas or classifications are
    loaded, so a dashboard keeps them for ten minutes instead of counting 18,000 units on every view. Safe to
    share between viewers: whoever passed ``area_get`` may see every unit under the area (scopes are subtrees)."""
    from django.core.cache import cache

    key = f"area-structure:{area.code}:{year}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    children = area_selectors.area_children_stats(viewer=viewer, area=area)
    structure = {
        "level_counts": [
            (codes.LEVEL_NAMES[lvl], n)
            for lvl, n in sorted(area_selectors.area_level_counts(viewer=viewer, area=area).items())
        ],
        "village_kinds": _kind_counts(viewer, area),
        "children": children,
        "classes": [
            (Classification(kind).label, n)
            for kind, n in sorted(area_selectors.classification_counts(viewer=viewer, area=area, year=year).items())
        ],
        "counties": list(area_selectors.area_descendants(viewer=viewer, area=area, level=codes.COUNTY))
        if area.level < codes.COUNTY
        else [],
    }
    cache.set(key, structure, STRUCTURE_SECONDS)
    return structure


@login_required
def area_map(request: HttpRequest, code: str) -> HttpResponse:
    """County outlines under a province or prefecture (GeoJSON) for the choropleth; cached by the browser."""
    from fupin.areas.maps import county_geojson

    area = area_selectors.area_get(viewer=_user(request), code=code)
    if area.level >= codes.COUNTY:
        raise Http404("县级以下不提供地图")
    response = HttpResponse(county_geojson(area.code), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _indicator_context(area: Any, year: int, data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's tables (the charts' accessible twins) and the area's exit verdict."""
    current = data["current"]
    findings = [(r["title"], r["n"]) for r in data["by_rule"]]
    t = data["trend"]
    trend = list(zip(t["years"], t["poor_people"], t["incidence"], t["exit_people"], strict=True))
    exit_verdict = None
    if current and area.level <= codes.COUNTY:
        from fupin.stats.services import county_exit_verdict

        exit_verdict = county_exit_verdict(viewer=None, area_code=area.code, year=year, values=current)
    elif current and area.level == codes.VILLAGE:
        from fupin.stats.services import village_exit_verdict

        exit_verdict = village_exit_verdict(viewer=None, area_code=area.code, year=year, values=current)
    return {"ind": current, "trend": trend, "finding_counts": findings, "exit_verdict": exit_verdict}


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
    qs = area_selectors.area_descendants(viewer=viewer, area=area).values_list(
        "code", "name", "level", "kind", "parent_id"
    )
    level_names, kind_names = codes.LEVEL_NAMES, dict(Kind.choices)
    rows = ((c, n, level_names[lvl], kind_names.get(k, k), p) for c, n, lvl, k, p in qs.iterator(chunk_size=5000))
    name = f"{area.name}_下辖区划"
    return export_response(fmt, name, EXPORT_HEADERS, rows)


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
    """Search with keyset pagination: no COUNT(*), no OFFSET over millions of rows. Sorted by household number
    (the unique index), or by size or year of identification with the household number breaking ties — the page
    key then carries both (``after=5|520325…``)."""
    from django.db.models import Q

    viewer = _user(request)
    text = request.GET.get("q", "").strip()
    area_code = request.GET.get("area", "").strip()
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "")
    sort = sort if sort in HOUSEHOLD_SORTS else ""
    qs = registry_selectors.household_search(viewer=viewer, text=text, area_code=area_code, status=status)
    after = request.GET.get("after", "")
    field, descending = HOUSEHOLD_SORTS[sort]
    if field:
        qs = qs.order_by(f"-{field}", "-household_no") if descending else qs.order_by(field, "household_no")
    if after:
        value, _, number = after.rpartition("|")
        cmp = "lt" if descending else "gt"
        if field and value.isdigit():
            key = int(value)
            qs = qs.filter(Q(**{f"{field}__{cmp}": key}) | Q(**{field: key, f"household_no__{cmp}": number}))
        elif not field:
            qs = qs.filter(household_no__gt=number)
    page, last = keyset_page(qs, "household_no")
    next_after = None
    if last is not None:
        next_after = f"{getattr(page[-1], field)}|{last}" if field else last
    return render(
        request,
        "web/household_list.html",
        {
            "households": page,
            "q": text,
            "area": area_code,
            "status": status,
            "sort": sort,
            "sorts": list(HOUSEHOLD_SORT_LABELS.items()),
            "statuses": Status.choices,
            "next_after": next_after,
        },
    )


HOUSEHOLD_SORTS: dict[str, tuple[str, bool]] = {
    "": ("", False), "-size": ("size", True), "year": ("identified_year", False),
}  # fmt: skip
HOUSEHOLD_SORT_LABELS = {"": "按户编号", "-size": "人口多的在前", "year": "识别年度早的在前"}


@login_required
def household_detail(request: HttpRequest, household_no: str) -> HttpResponse:
    viewer = _user(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    members = _members_shown(viewer, household)
    return _household_page(request, viewer, household, members)


def _members_shown(viewer: Any, household: Any) -> list[Any]:
    """The household's members, each with ``shown_id``: the ID number as the viewer's role may see it."""
    members = registry_selectors.household_members(viewer=viewer, household=household)
    for m in members:
        m.shown_id = registry_selectors.shown_id(viewer, m.id_number)  # type: ignore[attr-defined]
    return members


def _household_page(
    request: HttpRequest, viewer: Any, household: Any, members: list[Any], forms_in: dict[str, Any] | None = None
) -> HttpResponse:
    from fupin.registry import procedures as proc
    from fupin.registry.models import ProcedureKind

    from .forms import ProcedureOpenForm, ProcedureStepForm

    procedures = registry_selectors.household_procedures(viewer=viewer, household=household)
    can_write = _can_write(viewer, household.village_id)
    forms_in = forms_in or {}
    for p in procedures:
        p.spec_titles = {s.code: s.title for s in proc.steps_of(p.kind)}
        p.step_list = [(s, p.spec_titles.get(s.step, s.step)) for s in p.steps.all()]
        nxt = proc.next_step(p) if p.status == "open" else None
        p.next = nxt
        if nxt is not None and can_write:
            p.form = forms_in.get(f"step-{p.pk}") or ProcedureStepForm(step_kind=nxt.kind, prefix=f"p{p.pk}")
    from fupin.checks.services import findings_visible, next_statuses

    from .forms import FindingTransitionForm

    findings = list(
        findings_visible(viewer=viewer).filter(household_no=household.household_no).order_by("-year", "rule_id")
    )
    for f in findings:
        choices = next_statuses(f.status)
        if choices and can_write:
            f.form = forms_in.get(f"finding-{f.pk}") or FindingTransitionForm(choices=choices, prefix=f"f{f.pk}")
    kinds = [(k, label) for k, label in ProcedureKind.choices if household.status in proc.STARTS_FROM[k]]
    open_form = forms_in.get("open") or ProcedureOpenForm(kinds=kinds, prefix="open")
    return render(
        request,
        "web/household_detail.html",
        {
            "household": household,
            "members": members,
            "years": registry_selectors.household_years(viewer=viewer, household=household),
            "ancestors": [*area_selectors.area_ancestors(area=household.village), household.village],
            "procedures": procedures,
            "findings": findings,
            "history": registry_selectors.household_history(viewer=viewer, household=household),
            "can_write": can_write,
            "open_form": open_form if can_write and kinds else None,
        },
        status=400 if forms_in else 200,
    )


def _can_write(viewer: Any, code: str) -> bool:
    from fupin.accounts.permissions import require_can_write
    from fupin.core.errors import ApplicationError

    try:
        require_can_write(viewer, code)
    except ApplicationError:
        return False
    return True


def _form_error(form: Any, exc: Any) -> None:
    name = exc.extra.get("field") if getattr(exc, "extra", None) else None
    form.add_error(name if name in form.fields else None, exc.message)


@login_required
def procedure_open_view(request: HttpRequest, household_no: str) -> HttpResponse:
    from fupin.core.errors import ApplicationError
    from fupin.registry import procedures as proc
    from fupin.registry.models import ProcedureKind

    from .forms import ProcedureOpenForm

    viewer = _user(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    if request.method != "POST":
        return redirect(household)
    form = ProcedureOpenForm(request.POST, kinds=list(ProcedureKind.choices), prefix="open")
    if form.is_valid():
        try:
            proc.procedure_open(actor=viewer, household=household, kind=form.cleaned_data["kind"],
                                on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])  # fmt: skip
            messages.success(request, "程序已启动")
            return redirect(household)
        except ApplicationError as exc:
            _form_error(form, exc)
    members = _members_shown(viewer, household)
    return _household_page(request, viewer, household, members, {"open": form})


@login_required
def procedure_step_view(request: HttpRequest, household_no: str, procedure_id: int) -> HttpResponse:
    from fupin.core.errors import ApplicationError
    from fupin.core.scoping import scoped
    from fupin.registry import procedures as proc
    from fupin.registry.models import Procedure

    from .forms import ProcedureStepForm

    viewer = _user(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    procedure = scoped(Procedure, viewer).filter(pk=procedure_id, household=household).first()
    if procedure is None:
        raise Http404("该程序不存在或不在您的管辖范围内")
    nxt = proc.next_step(procedure)
    if request.method != "POST" or nxt is None:
        return redirect(household)
    form = ProcedureStepForm(request.POST, step_kind=nxt.kind, prefix=f"p{procedure.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            proc.procedure_step_record(
                actor=viewer,
                procedure=procedure,
                step=nxt.code,
                on=data.get("on") or data["notice_start"],
                signer=data["signer"],
                approved=data.get("approved", True) if nxt.kind == "review" else True,
                votes_total=data.get("votes_total"),
                votes_present=data.get("votes_present"),
                votes_for=data.get("votes_for"),
                notice_start=data.get("notice_start"),
                notice_end=data.get("notice_end"),
                note=data.get("note", ""),
            )
            messages.success(request, f"已录入「{nxt.title}」")
            return redirect(household)
        except ApplicationError as exc:
            _form_error(form, exc)
    members = _members_shown(viewer, household)
    return _household_page(request, viewer, household, members, {f"step-{procedure.pk}": form})


@login_required
def household_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered household list as member rows in the import template's layout (re-importable)."""
    from fupin.core.scoping import scoped
    from fupin.registry.imports import HOUSEHOLDS, _export_row
    from fupin.registry.models import Member

    viewer = _user(request)
    households = registry_selectors.household_search(
        viewer=viewer,
        text=request.GET.get("q", ""),
        area_code=request.GET.get("area", ""),
        status=request.GET.get("status", ""),
    )
    members = (
        scoped(Member, viewer)
        .filter(household__in=households.values("pk"))
        .select_related("household", "household__helper")
        .order_by("household__household_no", "id")
    )
    rows = (_export_row(m, registry_selectors.shown_id(viewer, m.id_number)) for m in members.iterator(chunk_size=5000))
    headers = [c.header for c in HOUSEHOLDS]
    return export_response(fmt, "贫困户家庭成员", headers, rows)


def _import_dir() -> Any:
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.DATA_DIR) / "imports" / "errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Data administrators upload a households file; the same service as `fupin import households`."""
    import tempfile
    from pathlib import Path

    from fupin.core.scoping import scoped
    from fupin.registry.imports import import_households, summary_lines, write_error_workbook
    from fupin.registry.models import ImportBatch
    from fupin.registry.tabular import FileUnreadable

    from .forms import ImportForm

    viewer = _user(request)
    can_import = not getattr(viewer, "is_read_only", False)
    form = ImportForm()
    result = None
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("督查审计员为只读角色，不能导入数据")
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(upload.name).name
                with open(path, "wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                try:
                    report = import_households(
                        actor=viewer,
                        path=path,
                        mode="partial" if form.cleaned_data["partial"] else "all",
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except FileUnreadable as exc:
                    form.add_error("file", f"文件无法读取：{exc}")
                    report = None
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    report = None
                if report is not None:
                    if report.rows_refused:
                        write_error_workbook(report, _import_dir() / f"{report.batch_id}.xlsx", path)
                    result = {"report": report, "lines": summary_lines(report), "errors": report.errors[:200]}
            if form.errors:
                status = 400
        else:
            status = 400
    batches = scoped(ImportBatch, viewer).order_by("-at")[:20]
    return render(
        request,
        "web/import.html",
        {"form": form, "result": result, "batches": batches, "can_import": can_import},
        status=status,
    )


@login_required
def import_errors(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    from django.http import FileResponse

    from fupin.core.scoping import scoped
    from fupin.registry.models import ImportBatch

    batch = scoped(ImportBatch, _user(request)).filter(pk=batch_id).first()
    path = _import_dir() / f"{batch_id}.xlsx"
    if batch is None or not path.exists():
        raise Http404("没有该导入批次的错误清单")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=f"导入错误_{batch.file_name}.xlsx")


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    import tempfile
    from pathlib import Path

    from fupin.registry.imports import write_template

    with tempfile.TemporaryDirectory() as tmp:
        data = write_template(Path(tmp) / "t.xlsx").read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%BB%BA%E6%A1%A3%E7%AB%8B%E5%8D%A1%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@login_required
def finding_transition_view(request: HttpRequest, finding_id: int) -> HttpResponse:
    """Move a finding on; back to its household's page, or to the finding's own page (漏评: not yet a household)."""
    from fupin.checks.services import finding_transition, findings_visible, next_statuses
    from fupin.core.errors import NotFoundError

    from .forms import FindingTransitionForm

    viewer = _user(request)
    finding = findings_visible(viewer=viewer).filter(pk=finding_id).first()
    if finding is None:
        raise Http404("该核查发现不存在或不在您的管辖范围内")
    try:
        household = registry_selectors.household_get(viewer=viewer, household_no=finding.household_no)
    except NotFoundError:
        household = None
    target = household.get_absolute_url() if household else f"/findings/{finding.pk}/"
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
            _form_error(form, exc)
    if household is None:
        return _finding_page(request, viewer, finding, form)
    members = _members_shown(viewer, household)
    return _household_page(request, viewer, household, members, {f"finding-{finding.pk}": form})


def _finding_page(request: HttpRequest, viewer: Any, finding: Any, form: Any = None) -> HttpResponse:
    from fupin.checks.services import next_statuses

    from .forms import FindingTransitionForm

    choices = next_statuses(finding.status)
    if form is None and choices and _can_write(viewer, finding.village_id):
        form = FindingTransitionForm(choices=choices, prefix=f"f{finding.pk}")
    return render(
        request, "web/finding_detail.html", {"f": finding, "form": form}, status=400 if form and form.errors else 200
    )


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    from fupin.checks.services import findings_visible

    viewer = _user(request)
    finding = findings_visible(viewer=viewer).filter(pk=finding_id).select_related("village").first()
    if finding is None:
        raise Http404("该核查发现不存在或不在您的管辖范围内")
    return _finding_page(request, viewer, finding)


def _findings_filtered(request: HttpRequest) -> tuple[Any, tuple[str, str, str, str]]:
    """The viewer's findings narrowed by the list's filters (rule, status, area code, year)."""
    from fupin.checks.services import findings_visible

    qs = findings_visible(viewer=_user(request))
    rule, status, area = request.GET.get("rule", ""), request.GET.get("status", ""), request.GET.get("area", "").strip()
    year = request.GET.get("year", "")
    if rule:
        qs = qs.filter(rule_id=rule)
    if status:
        qs = qs.filter(status=status)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if area:
        try:
            lo, hi = codes.code_range(area)
            qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
        except codes.AreaCodeError:
            qs = qs.none()
    return qs, (rule, status, area, year)


FINDING_HEADERS = ["编号", "年度", "规则", "类别", "村代码", "户编号", "身份证号", "说明", "状态", "仍命中"]


@login_required
def finding_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered findings list as a workbook (or CSV), every row, streamed; ID numbers masked as on screen."""
    from fupin.analytics.rules import BY_ID
    from fupin.checks.models import FindingStatus

    viewer = _user(request)
    qs, _ = _findings_filtered(request)
    labels = dict(FindingStatus.choices)
    rows = (
        (f.pk, f.year, BY_ID[f.rule_id].title if f.rule_id in BY_ID else f.rule_id, f.category, f.village_id,
         f.household_no, registry_selectors.shown_id(viewer, f.person_id) if f.person_id else "", f.explanation,
         labels.get(f.status, f.status), "是" if f.present else "否")
        for f in qs.order_by("id").iterator(chunk_size=5000)
    )  # fmt: skip
    return export_response(fmt, "核查发现", FINDING_HEADERS, rows)


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings in the viewer's area, newest rules first; keyset pagination on the id (no COUNT)."""
    from fupin.analytics.rules import RULES
    from fupin.checks.models import FindingStatus

    qs, (rule, status, area, year) = _findings_filtered(request)
    after = request.GET.get("after", "")
    qs = qs.order_by("id")
    page, next_after = keyset_page(qs.filter(id__gt=int(after)) if after.isdigit() else qs, "id")
    return render(
        request,
        "web/finding_list.html",
        {
            "findings": page,
            "next_after": next_after,
            "rules": [(r.id, r.title) for r in RULES],
            "rule": rule,
            "statuses": FindingStatus.choices,
            "status": status,
            "area": area,
            "year": year,
        },
    )


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    """Policy parameters of a year with their source; province administrators change them here (audited)."""
    from fupin.accounts.models import Role
    from fupin.audit.models import AuditEntry
    from fupin.core.scoping import scoped
    from fupin.policy.defaults import SPECS
    from fupin.policy.models import Parameter
    from fupin.policy.selectors import param
    from fupin.policy.services import parameter_set

    from .forms import ParameterForm

    viewer = _user(request)
    year = _year(request)
    can_edit = bool(viewer.is_superuser or viewer.role == Role.PROVINCE_ADMIN)
    bound = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("政策参数只能由省级管理员修改")
        bound = ParameterForm(request.POST, prefix=request.POST.get("which", ""))
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                parameter_set(actor=viewer, key=data["key"], year=data["year"], value=data["value"], note=data["note"])
                messages.success(request, f"已修改：{SPECS[data['key']].title}")
                return redirect(f"{request.path}?year={data['year']}")
            except ApplicationError as exc:
                _form_error(bound, exc)
    rows = []
    for key, spec in SPECS.items():
        stored = Parameter.objects.filter(key=key, year__lte=year).order_by("-year").first()
        form = None
        if can_edit:
            form = bound if bound is not None and bound.prefix == key else ParameterForm(
                prefix=key, initial={"key": key, "year": year, "value": param(key, year)}
            )  # fmt: skip
        rows.append({"key": key, "spec": spec, "value": param(key, year), "stored": stored, "form": form})
    history = scoped(AuditEntry, viewer).filter(action="policy.parameter_set").order_by("-seq")[:50]
    return render(
        request,
        "web/policy.html",
        {"rows": rows, "year": year, "history": history, "can_edit": can_edit},
        status=400 if bound is not None and bound.errors else 200,
    )


@login_required
def dispatch_plans(request: HttpRequest) -> HttpResponse:
    """Dispatch plans of the viewer's area; officers generate one for a round."""
    from fupin.cadres.models import DispatchPlan
    from fupin.cadres.services import dispatch_plan
    from fupin.core.scoping import scoped

    viewer = _user(request)
    can_plan = _can_write(viewer, viewer.area_id) if getattr(viewer, "area_id", None) else viewer.is_superuser
    error = ""
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied("只读角色不能生成选派方案")
        try:
            year = int(request.POST.get("round", ""))
            plan = dispatch_plan(actor=viewer, area_code=viewer.area_id or "520000000000", round_year=year)
            return redirect("dispatch-plan", plan.pk)
        except ValueError:
            error = "请填写轮次（年度）"
        except ApplicationError as exc:
            error = exc.message
    plans = scoped(DispatchPlan, viewer).order_by("-created_at")[:30]
    return render(
        request, "web/dispatch_plans.html", {"plans": plans, "can_plan": can_plan, "error": error},
        status=400 if error else 200,
    )  # fmt: skip


@login_required
def dispatch_plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Review a plan: each village's first secretary and resident cadres with the reason; edit an item; approve."""
    from datetime import date as date_type

    from fupin.cadres.models import Cadre, DispatchPlan, PlanItem
    from fupin.cadres.services import plan_approve, plan_item_set
    from fupin.core.scoping import scoped

    viewer = _user(request)
    plan = scoped(DispatchPlan, viewer).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("该方案不存在或不在您的管辖范围内")
    can_edit = plan.status == "draft" and _can_write(viewer, plan.area_code)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("该方案不能修改")
        try:
            if "approve" in request.POST:
                n = plan_approve(actor=viewer, plan=plan, start=date_type.today())  # noqa: DTZ011
                messages.success(request, f"方案已批准：{n} 名干部到岗")
                return redirect("dispatch-plan", plan.pk)
            item = scoped(PlanItem, viewer).filter(plan=plan, pk=int(request.POST.get("item", "0"))).first()
            if item is None:
                raise Http404("方案明细不存在")
            person = request.POST.get("cadre", "").strip().upper()
            cadre = scoped(Cadre, viewer).filter(person_id=person).first() if person else None
            if person and cadre is None:
                error = f"没有身份证号为 {person} 的干部（或不在您的管辖范围内）"
            else:
                plan_item_set(actor=viewer, item=item, cadre=cadre)
                messages.success(request, "已调整")
                return redirect("dispatch-plan", plan.pk)
        except ApplicationError as exc:
            error = exc.message
    items = plan.items.select_related("cadre", "cadre__unit", "village").order_by("village_id", "role", "id")
    return render(
        request, "web/dispatch_plan.html", {"plan": plan, "items": items, "can_edit": can_edit, "error": error},
        status=400 if error else 200,
    )  # fmt: skip


CADRE_HEADERS = [
    "编号", "姓名", "性别", "出生日期", "身份证号", "派出单位", "单位层级", "类型", "职级", "专业特长",
    "工作年限", "编制", "前年考核", "上年考核", "当前职务", "派驻村", "轮次",
]  # fmt: skip


def _cadres_filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    from fupin.cadres.selectors import cadre_search

    text, area = request.GET.get("q", "").strip(), request.GET.get("area", "").strip()
    role, active = request.GET.get("role", ""), request.GET.get("active", "") == "1"
    qs = cadre_search(viewer=_user(request), text=text, area_code=area, role=role, active=active)
    return qs, {"q": text, "area": area, "role": role, "active": active}


def _current_postings(cadres: list[Any]) -> dict[int, Any]:
    from fupin.cadres.models import Posting, PostingStatus

    rows = Posting.objects.filter(cadre__in=cadres, status=PostingStatus.ACTIVE).select_related("village")
    return {p.cadre_id: p for p in rows}


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    """Cadres of the viewer's units and those serving in the viewer's villages; keyset pages on the id."""
    from fupin.cadres.models import PostingRole

    qs, f = _cadres_filtered(request)
    after = request.GET.get("after", "")
    page, next_after = keyset_page(qs.filter(id__gt=int(after)) if after.isdigit() else qs, "id")
    current = _current_postings(page)
    rows = [(c, current.get(c.pk)) for c in page]
    return render(request, "web/cadre_list.html", {"rows": rows, "next_after": next_after, "roles": PostingRole.choices,
                                                   **f})  # fmt: skip


@login_required
def cadre_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    viewer = _user(request)
    qs, _ = _cadres_filtered(request)

    def rows() -> Any:
        batch: list[Any] = []
        for cadre in qs.iterator(chunk_size=2000):
            batch.append(cadre)
            if len(batch) == 2000:
                yield from _cadre_rows(viewer, batch)
                batch = []
        yield from _cadre_rows(viewer, batch)

    return export_response(fmt, "干部名册", CADRE_HEADERS, rows())


def _cadre_rows(viewer: Any, cadres: list[Any]) -> Any:
    current = _current_postings(cadres) if cadres else {}
    for c in cadres:
        p = current.get(c.pk)
        posted = (p.get_role_display(), p.village.name, p.round) if p else ("", "", "")
        yield (c.pk, c.name, c.sex, c.birth_date, registry_selectors.shown_id(viewer, c.person_id), c.unit.name,
               c.unit.level, c.cadre_type, c.rank, c.specialty, c.years_of_work, c.staff_status, c.rating_prev,
               c.rating_last, *posted)  # fmt: skip


@login_required
def cadre_detail(request: HttpRequest, cadre_id: int) -> HttpResponse:
    """A cadre's record: unit, type, ratings, whether they may be sent (with the reasons if not), every posting with
    its benefits."""
    from fupin.cadres.models import PostingRole
    from fupin.cadres.selectors import cadre_get, cadre_postings, posting_benefits
    from fupin.cadres.services import eligibility

    viewer = _user(request)
    cadre = cadre_get(viewer=viewer, cadre_id=cadre_id)
    postings = cadre_postings(viewer=viewer, cadre=cadre)
    benefits = posting_benefits(postings=postings)
    year = _year(request)
    return render(request, "web/cadre_detail.html", {
        "cadre": cadre, "id_shown": registry_selectors.shown_id(viewer, cadre.person_id), "year": year,
        "refusals": {label: eligibility(cadre, role, year) for role, label in PostingRole.choices[:2]},
        "postings": [(p, benefits.get(p.pk, [])) for p in postings],
    })  # fmt: skip
