"""第三方评估 on the web: upload a spreadsheet of households (the template below), get each household's exit verdict
with every reason in a workbook — a background job, the same rules and parameters as `fupin evaluate`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fupin.core.errors import ApplicationError
from fupin.jobs.handlers import job_dir
from fupin.jobs.services import job_start
from fupin.stats.services import data_year
from fupin.web.common.params import viewer_of


class EvaluateForm(forms.Form):
    year = forms.IntegerField(label="评估年度（退出年度）", min_value=2014, max_value=2100)
    file = forms.FileField(label="评估表格（xlsx、xls 或 csv，一行一户或一行一人）")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_LIMITS.max_bytes
        if upload.size > limit:
            raise forms.ValidationError(f"文件过大：{upload.size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB")
        if Path(upload.name).suffix.lower() not in (".xlsx", ".xls", ".csv"):
            raise forms.ValidationError("只接受 xlsx、xls 或 csv 文件")
        return upload


@login_required
def evaluate_page(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    form = EvaluateForm(request.POST or None, request.FILES or None, initial={"year": data_year()})
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        try:
            with transaction.atomic():  # the file is in place before the job is queued (on commit)
                job = job_start(actor=viewer, kind="checks.evaluate", area_code=viewer.area_id or "52",
                                params={"year": form.cleaned_data["year"], "file": name})  # fmt: skip
                folder = job_dir(job.pk)
                folder.mkdir(parents=True, exist_ok=True)
                with open(folder / name, "wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已提交评估，完成后在本页下载结果")
            return redirect("job-detail", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/checks/evaluate.html", {"form": form}, status=status)


@login_required
def evaluate_template(request: HttpRequest) -> FileResponse:
    from fupin.analytics.evaluate_spec import write_template

    folder = Path(tempfile.mkdtemp(prefix="fupin-eval-"))
    path = write_template(folder / "退出评估模板.xlsx")
    return FileResponse(path.open("rb"), as_attachment=True, filename="退出评估模板.xlsx")
