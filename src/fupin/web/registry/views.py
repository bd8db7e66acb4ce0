"""建档立卡 pages: the household list and export, a household's page with its procedures and findings, the import."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from fupin.areas import selectors as area_selectors
from fupin.assessment.governance import CONFIRMED
from fupin.checks import selectors as check_selectors
from fupin.checks.services import next_statuses_for
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError
from fupin.core.permissions import allowed
from fupin.jobs.handlers import job_dir
from fupin.jobs.services import job_start
from fupin.lib.tabular import FileUnreadable
from fupin.monitoring import selectors as monitoring_selectors
from fupin.registry import procedures as proc
from fupin.registry import selectors as registry_selectors
from fupin.registry.choices import SchoolStage, Status
from fupin.registry.imports import households_template, import_households
from fupin.registry.importspec import HEALTH, PARTIAL_HINT_WEB, summary_lines
from fupin.registry.workbooks import error_workbook_for, member_table, write_error_workbook
from fupin.registry.yearly import household_year_save
from fupin.web.common.exports import export_name, export_response
from fupin.web.common.forms import FindingTransitionForm, form_error
from fupin.web.common.paging import Page, keyset_page_both
from fupin.web.common.params import text_param, viewer_of, year_param

from .forms import HouseholdYearForm, ImportForm, ProcedureOpenForm, ProcedureStepForm

HOUSEHOLD_SORT_LABELS = {"": "按户编号", "-size": "人口多的在前", "year": "识别年度早的在前"}
AREA_CHOICES = 20  # the units listed when a name in the area box means several


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """Search with keyset pagination: no COUNT(*), no OFFSET over millions of rows. Sorted by household number
    (the unique index), or by size or year of identification with the household number breaking ties — the page
    key then carries both (``after=5|520325…``)."""
    viewer = viewer_of(request)
    text, area_text = text_param(request, "q"), text_param(request, "area")
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "")
    sort = sort if sort in registry_selectors.HOUSEHOLD_SORTS else ""
    after, before = text_param(request, "after"), text_param(request, "before")
    area_code, area_problem, area_choices, area_found = _area_filter(viewer, area_text)
    page, total = Page[Any]([]), None
    if not area_problem:
        qs = registry_selectors.household_listing(
            viewer=viewer, text=text, area_code=area_code, status=status, sort=sort, after=after, before=before
        )
        page = keyset_page_both(
            qs, lambda h: registry_selectors.household_cursor(h, sort), backward=bool(before and not after),
            continued=bool(after),
        )  # fmt: skip
        total = registry_selectors.household_total(viewer=viewer, text=text, area_code=area_code, status=status)
    return render(
        request,
        "web/registry/household_list.html",
        {
            "households": page.rows,
            "q": text,
            "area": area_text,
            "area_found": area_found,
            "area_problem": area_problem,
            "area_choices": area_choices,
            "note": registry_selectors.parse_query(viewer, text).note,
            "total": total,
            "status": status,
            "sort": sort,
            "sorts": list(HOUSEHOLD_SORT_LABELS.items()),
            "statuses": Status.choices,
            "next_after": page.next_after,
            "prev_before": page.prev_before,
        },
    )


def _area_filter(viewer: Actor, text: str) -> tuple[str, str, list[Any], Any]:
    """The household list's area box: a code, or the name of a county, township or village in the viewer's area.
    Returns (code to filter on, why not when it cannot be used, the candidates a name may mean, the unit found)."""
    if not text:
        return "", "", [], None
    if text.isascii() and text.isdigit():
        try:
            return codes.normalize(text), "", [], None
        except codes.AreaCodeError as exc:
            return "", str(exc), [], None
    area, candidates = area_selectors.area_resolve(viewer=viewer, name=text, limit=AREA_CHOICES)
    if area is not None:
        return area.code, "", [], area
    if not candidates:
        return "", f"您的管辖范围内没有名称含“{text}”的县、乡镇或村：请检查名称，或输入区划代码", [], None
    many = "超过" if len(candidates) > AREA_CHOICES else ""
    problem = f"“{text}”对应{many} {min(len(candidates), AREA_CHOICES)} 个区划，请选择其中一个（或输入更完整的名称）："
    return "", problem, candidates[:AREA_CHOICES], None


@login_required
def household_detail(request: HttpRequest, household_no: str) -> HttpResponse:
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    members = members_shown(viewer, household)
    return household_page(request, viewer, household, members)


def safe_next(request: HttpRequest) -> str:
    """The ``next`` the request carries (POST, then GET) if it is a path on this site, else empty: where a form
    returns to (the findings list with its filters)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if target and ok else ""


def members_shown(viewer: Actor, household: Any) -> list[Any]:
    """The household's members, each with ``shown_id``: the ID number as the viewer's role may see it."""
    members = registry_selectors.household_members(viewer=viewer, household=household)
    for m in members:
        m.shown_id = registry_selectors.shown_id(viewer, m.id_number)  # type: ignore[attr-defined]
    return members


def household_page(
    request: HttpRequest, viewer: Actor, household: Any, members: list[Any], forms_in: dict[str, Any] | None = None
) -> HttpResponse:
    """A household's page; ``forms_in`` are the refused forms to show again (then the status is 400)."""
    procedures = registry_selectors.household_procedures(viewer=viewer, household=household)
    writable = allowed(viewer, "registry.procedure", household.village_id)
    forms_in = forms_in or {}
    for p in procedures:
        p.spec_titles = {s.code: s.title for s in proc.steps_of(p.kind)}
        p.step_list = [(s, p.spec_titles.get(s.step, s.step)) for s in p.steps.all()]
        nxt = proc.next_step(p) if p.status == "open" else None
        p.next = nxt
        # only the steps the viewer's role and level may record get a form (a first secretary never sees 公告's)
        p.next_allowed = nxt is not None and registry_selectors.procedure_step_allowed(viewer, household, nxt)
        if nxt is not None and p.next_allowed:
            last = _is_last(p, nxt) and registry_selectors.verdict_override_allowed(viewer, household)
            p.form = forms_in.get(f"step-{p.pk}") or ProcedureStepForm(
                step_kind=nxt.kind, prefix=f"p{p.pk}", can_override=last
            )
    findings = check_selectors.household_findings(viewer=viewer, household_no=household.household_no)
    may_case = allowed(viewer, "assessment.case_open", household.village_id, from_above=True)
    for f in findings:
        f.may_case = may_case and f.status in CONFIRMED  # type: ignore[attr-defined]
        choices = next_statuses_for(viewer, f.status, f.category)  # only the moves the viewer's level may make
        if choices and writable:
            form = forms_in.get(f"finding-{f.pk}") or FindingTransitionForm(choices=choices, prefix=f"f{f.pk}")
            f.form = form  # type: ignore[attr-defined]
    kinds = registry_selectors.procedure_kinds_startable(household=household)
    can_override = registry_selectors.verdict_override_allowed(viewer, household)
    open_form = forms_in.get("open") or ProcedureOpenForm(kinds=kinds, prefix="open", can_override=can_override)
    return render(
        request,
        "web/registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "years": registry_selectors.household_years(viewer=viewer, household=household),
            "ancestors": [*area_selectors.area_ancestors(area=household.village), household.village],
            "procedures": procedures,
            "findings": findings,
            "monitoring_cases": monitoring_selectors.cases_for_household(viewer=viewer, household_id=household.pk),
            "may_report": monitoring_selectors.may_intake(viewer, household.village_id),
            "history": registry_selectors.household_history(viewer=viewer, household=household),
            "can_write": writable,
            "can_edit": allowed(viewer, "registry.edit", household.village_id),
            "open_form": open_form if writable and kinds else None,
            "verdict": registry_selectors.household_verdict_latest(viewer=viewer, household=household),
            "back": safe_next(request),
        },
        status=400 if forms_in else 200,
    )


@login_required
def procedure_open_view(request: HttpRequest, household_no: str) -> HttpResponse:
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    if request.method != "POST":
        return redirect(household)
    can_override = registry_selectors.verdict_override_allowed(viewer, household)
    kinds = registry_selectors.procedure_kinds_startable(household=household)  # a refused form offers these only
    form = ProcedureOpenForm(request.POST, kinds=kinds, prefix="open", can_override=can_override)
    if form.is_valid():
        try:
            proc.procedure_open(actor=viewer, household=household, kind=form.cleaned_data["kind"],
                                on=form.cleaned_data["on"], reason=form.cleaned_data["reason"],
                                override_reason=form.cleaned_data.get("override_reason", ""))  # fmt: skip
            messages.success(request, "程序已启动")
            return redirect(household)
        except ApplicationError as exc:
            form_error(form, exc)
    members = members_shown(viewer, household)
    return household_page(request, viewer, household, members, {"open": form})


@login_required
def procedure_step_view(request: HttpRequest, household_no: str, procedure_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    procedure = registry_selectors.procedure_get(viewer=viewer, household=household, procedure_id=procedure_id)
    if procedure is None:
        raise Http404("该程序不存在或不在您的管辖范围内")
    nxt = proc.next_step(procedure)
    if request.method != "POST" or nxt is None:
        return redirect(household)
    can_override = _is_last(procedure, nxt) and registry_selectors.verdict_override_allowed(viewer, household)
    form = ProcedureStepForm(request.POST, step_kind=nxt.kind, prefix=f"p{procedure.pk}", can_override=can_override)
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
                override_reason=data.get("override_reason", ""),
            )
            messages.success(request, f"已录入「{nxt.title}」")
            return redirect(household)
        except ApplicationError as exc:
            form_error(form, exc)
    members = members_shown(viewer, household)
    return household_page(request, viewer, household, members, {f"step-{procedure.pk}": form})


def _is_last(procedure: Any, nxt: Any) -> bool:
    return proc.steps_of(procedure.kind)[-1].code == nxt.code


@login_required
def household_year_edit(request: HttpRequest, household_no: str, year: int) -> HttpResponse:
    """A household's record of one year (年度动态调整): the form, and its save through the registry's service."""
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    if not allowed(viewer, "registry.edit", household.village_id):
        raise PermissionDenied("您没有编辑该户年度信息的权限")
    if not 2013 <= year <= date.today().year:  # noqa: DTZ011 - a calendar year
        raise Http404("年度超出范围")
    members = registry_selectors.household_members(viewer=viewer, household=household)
    record = registry_selectors.household_year_get(viewer=viewer, household=household, year=year)
    kwargs: dict[str, Any] = {"members": members, "stages": list(SchoolStage.choices), "health": HEALTH}
    if request.method == "POST":
        form = HouseholdYearForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                household_year_save(actor=viewer, household=household, year=year,
                                    values=form.household_values(), members=form.member_values())  # fmt: skip
                messages.success(request, f"已保存 {year} 年度记录")
                return redirect(household)
            except ApplicationError as exc:
                if exc.extra.get("field") == "income_per_capita":  # the computed value: shown by the typed one
                    exc.extra["field"] = "income_per_capita_given"
                form_error(form, exc)
        status = 400
    else:
        form = HouseholdYearForm(initial=year_initial(record, members), **kwargs)
        status = 200
    return render(
        request,
        "web/registry/household_year.html",
        {"household": household, "year": year, "form": form, "record": record,
         "ancestors": [*area_selectors.area_ancestors(area=household.village), household.village]},
        status=status,
    )  # fmt: skip


@login_required
def household_year_pick(request: HttpRequest, household_no: str) -> HttpResponse:
    """The household page's year box: on to that year's form."""
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=household_no)
    year = year_param(request, default=date.today().year)  # noqa: DTZ011 - a calendar year
    return redirect("household-year", household.household_no, year)


def year_initial(record: Any, members: list[Any]) -> dict[str, Any]:
    """The form's initial values: the stored record of the year (or the safe defaults of a new one) and each
    member's current facts."""
    names = [n for n in HouseholdYearForm.base_fields if n != "income_per_capita_given"]
    if record is not None:
        initial = {n: getattr(record, n) for n in names}
        initial["water_quality_ok"] = {True: "1", False: "0"}.get(record.water_quality_ok, "")  # the choice's keys
    else:
        initial = {"food_ok": True, "clothing_ok": True, "education_ok": True, "medical_ok": True, "water_ok": True,
                   "housing_grade": "B"}  # fmt: skip
    for m in members:
        for name in HouseholdYearForm.MEMBER_FIELDS:
            initial[f"m{m.pk}-{name}"] = getattr(m, name)
    return initial


@login_required
def household_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The filtered household list as member rows in the import template's layout (re-importable)."""
    viewer = viewer_of(request)
    area_code, area_problem, _, _ = _area_filter(viewer, text_param(request, "area"))
    if area_problem:  # the list page says the same and offers the choices
        return render(request, "core/error.html", {"message": area_problem.rstrip("：")}, status=400)
    if fmt not in ("csv", "xlsx"):
        raise Http404("不支持的导出格式")
    text, status = text_param(request, "q"), request.GET.get("status", "")
    qs = registry_selectors.household_export_queryset(viewer=viewer, text=text, area_code=area_code, status=status)
    limit = settings.JOB_ROWS_THRESHOLD
    if qs.order_by()[: limit + 1].count() > limit:
        # too large to build while the browser waits: a background job with progress, downloaded from its page
        job = job_start(actor=viewer, kind="registry.export_households", area_code=area_code or viewer.area_id or "52",
                        params={"fmt": fmt, "status": status, "q": text})  # fmt: skip
        messages.info(request, f"导出超过 {limit:,} 行，已转为后台任务；完成后在本页下载")
        return redirect("job-detail", job_id=job.pk)
    headers, rows = member_table(viewer, qs)
    return export_response(fmt, export_name("贫困户家庭成员", area_code or viewer.area_id), headers, rows)


def _import_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports" / "errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Data administrators upload a households file; the same service as `fupin import households`."""
    viewer = viewer_of(request)
    can_import = registry_selectors.imports_allowed(viewer)
    form = ImportForm()
    result = None
    status = 200
    if request.method == "POST":
        if not can_import:
            raise PermissionDenied("督查审计员为只读角色，不能导入数据")
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["file"].size > settings.IMPORT_JOB_BYTES:
            return _import_as_job(request, viewer, form)
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
                        capped=True,  # parsed in a memory-capped child: no upload can take the server down
                    )
                except FileUnreadable as exc:
                    form.add_error("file", f"文件无法读取：{exc}")
                    report = None
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    report = None
                if report is not None:
                    if report.rows_refused:
                        write_error_workbook(report, _import_dir() / f"{report.batch_id}.xlsx", path, lines=_web_lines)
                    result = {"report": report, "lines": _web_lines(report), "errors": report.errors[:200]}
            if form.errors:
                status = 400
        else:
            status = 400
    batches = registry_selectors.import_batches_recent(viewer=viewer)
    return render(
        request,
        "web/registry/import.html",
        {"form": form, "result": result, "batches": batches, "can_import": can_import},
        status=status,
    )


def _import_as_job(request: HttpRequest, viewer: Actor, form: ImportForm) -> HttpResponse:
    """A large file: kept in a background job's folder and imported there, with progress on the job's page."""
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name
    with transaction.atomic():  # the file is in place before the job is queued (on commit)
        job = job_start(actor=viewer, kind="registry.import_households", area_code=viewer.area_id or "52",
                        params={"file": name, "mode": "partial" if form.cleaned_data["partial"] else "all",
                                "dry_run": bool(form.cleaned_data["dry_run"])})  # fmt: skip
        folder = job_dir(job.pk)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / name, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
    messages.info(request, "文件较大，已转为后台导入；本页显示进度，完成后列出结果")
    return redirect("job-detail", job_id=job.pk)


def _web_lines(report: Any) -> list[str]:
    """The outcome in the web form's words (its checkbox, not the command's ``--partial``)."""
    return summary_lines(report, partial_hint=PARTIAL_HINT_WEB)


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


def error_file_name(file_name: str) -> str:
    """The error workbook's download name: 导入错误-<the uploaded file's name without its extensions>.xlsx (a name
    such as 名单.xlsx.xlsx, saved so by a system hiding extensions, loses all of them)."""
    stem = Path(file_name).name
    while stem.lower().endswith(SPREADSHEET_SUFFIXES):
        stem = stem[: stem.rindex(".")]
    return f"导入错误-{stem or '导入文件'}.xlsx"


@login_required
def import_errors(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    viewer = viewer_of(request)
    batch = registry_selectors.import_batch_get(viewer=viewer, batch_id=batch_id)
    data = (
        None
        if batch is None
        else error_workbook_for(viewer=viewer, batch=batch, path=_import_dir() / f"{batch_id}.xlsx")
    )
    if batch is None or data is None:
        raise Http404("没有该导入批次的错误清单（或已超过保存期限）")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f"attachment; filename=\"import-errors.xlsx\"; filename*=UTF-8''{quote(error_file_name(batch.file_name))}"
    )
    return response


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:

    with tempfile.TemporaryDirectory() as tmp:
        data = households_template(Path(tmp) / "t.xlsx", actor=viewer_of(request)).read_bytes()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%BB%BA%E6%A1%A3%E7%AB%8B%E5%8D%A1%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response
