"""Background jobs on the web: start the long work one's role allows (a check run, an indicator refresh, a large
export), follow its progress, read its result or its Chinese error, download its file, run it again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fupin.core import codes
from fupin.core.errors import ApplicationError, NotFoundError, ValidationError
from fupin.core.parsing import ascii_int
from fupin.jobs.selectors import job_get, job_state, jobs_visible
from fupin.jobs.services import job_file, job_rerun, job_start, may_start
from fupin.stats.services import data_year, last_year_shown
from fupin.web.common.params import viewer_of

# What the web may start, in the order of the page: kind → (button, the parameter it asks for)
STARTABLE: dict[str, tuple[str, str]] = {
    "checks.run": ("运行核查", "year"),
    "stats.refresh": ("更新统计指标", "year"),
    "registry.export_households": ("导出贫困户家庭成员", "fmt"),
}


def _get(request: HttpRequest, job_id: int) -> Any:
    try:
        return job_get(viewer=viewer_of(request), job_id=job_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    area_code = viewer.area_id or ""
    year = data_year()
    offers = [
        {"kind": kind, "label": label, "param": param}
        for kind, (label, param) in STARTABLE.items()
        if area_code and may_start(viewer, kind, area_code)
    ]
    mine = request.GET.get("mine") == "1"
    jobs = list(jobs_visible(viewer=viewer, mine=mine)[:50])
    rows = [{"job": j, "state": job_state(j)} for j in jobs]
    context = {"offers": offers, "rows": rows, "area_code": area_code, "year": year, "mine": mine,
               "years": list(range(year, 2013, -1))}  # fmt: skip
    return render(request, "web/jobs/job_list.html", context)


@login_required
@require_POST
def job_start_view(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    kind = request.POST.get("kind", "")
    if kind not in STARTABLE:
        raise Http404("没有这种任务")
    area_text = request.POST.get("area", "").strip()[:12]
    area_code = area_text if area_text.isascii() and area_text.isdigit() else (viewer.area_id or "")
    params: dict[str, Any] = {}
    try:
        area_code = codes.normalize(area_code)
        if STARTABLE[kind][1] == "year":
            params["year"] = ascii_int(request.POST.get("year")) or data_year()
            if not 2014 <= params["year"] <= last_year_shown():
                raise ValidationError(f"年度应在 2014—{last_year_shown()} 之间")
        else:
            params["fmt"] = "csv" if request.POST.get("fmt") == "csv" else "xlsx"
        job = job_start(actor=viewer, kind=kind, area_code=area_code, params=params)
    except (ApplicationError, codes.AreaCodeError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("job-list")
    messages.success(request, f"已提交：{job.title}。页面会显示进度，完成后可在此查看结果")
    return redirect("job-detail", job_id=job.pk)


@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    job = _get(request, job_id)
    state = job_state(job)
    context = {
        "job": job,
        "state": state,
        "mine": job.user_id == viewer.pk,
        "may_rerun": state["finished"] and may_start(viewer, job.kind, job.area_code),
        "link": job.result.get("link") if isinstance(job.result, dict) else None,
    }
    return render(request, "web/jobs/job_detail.html", context)


@login_required
def job_state_json(request: HttpRequest, job_id: int) -> JsonResponse:
    return JsonResponse(job_state(_get(request, job_id)))


@login_required
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    job = _get(request, job_id)
    try:
        path, name = job_file(viewer=viewer_of(request), job=job)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def job_rerun_view(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get(request, job_id)
    try:
        new = job_rerun(actor=viewer_of(request), job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("job-detail", job_id=job.pk)
    messages.success(request, "已重新提交")
    return redirect("job-detail", job_id=new.pk)
