"""The registry's background jobs: exports too large to build while the browser waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from fupin.jobs.handlers import JobContext


def _name(job: JobContext, what: str, fmt: str) -> str:
    from fupin.areas.models import Area

    area = Area.objects.filter(code=job.area_code).values_list("name", flat=True).first() or job.area_code
    return f"{what}-{area}-{timezone.localdate():%Y%m%d}.{fmt}"


def export_households(job: JobContext) -> dict[str, Any]:
    from .workbooks import export_households as export

    fmt = "csv" if job.params.get("fmt") == "csv" else "xlsx"
    path = job.output_dir() / f"export.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert job.actor is not None  # an export is always someone's: ID numbers are masked by their role
    n = export(viewer=job.actor, path=path, area_code=job.area_code, status=str(job.params.get("status", "")),
               text=str(job.params.get("q", "")))  # fmt: skip
    return {"lines": [f"导出 {n:,} 名家庭成员"], "file": path.name,
            "download_name": _name(job, "贫困户家庭成员", fmt)}  # fmt: skip


def export_years(job: JobContext) -> dict[str, Any]:
    from .yearimport import export_years as export

    fmt = "csv" if job.params.get("fmt") == "csv" else "xlsx"
    year = int(job.params["year"])
    path = job.output_dir() / f"export.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert job.actor is not None
    n = export(viewer=job.actor, area_code=job.area_code, year=year, path=path)
    return {"lines": [f"导出 {n:,} 行 {year} 年度记录"], "file": path.name,
            "download_name": _name(job, f"年度动态调整-{year}", fmt)}  # fmt: skip


def import_households(job: JobContext) -> dict[str, Any]:
    """A large households file uploaded on the web: the same service as `fupin import households`, its file kept
    in the job's folder; the refused rows' workbook is linked from the result."""
    from django.conf import settings

    from .imports import import_households as run_import
    from .importspec import PARTIAL_HINT_WEB, summary_lines
    from .workbooks import write_error_workbook

    path = job.output_dir() / str(job.params["file"])
    report = run_import(actor=job.actor, path=path, mode=str(job.params.get("mode", "all")),
                        dry_run=bool(job.params.get("dry_run")), capped=True)  # fmt: skip
    result: dict[str, Any] = {"lines": summary_lines(report, partial_hint=PARTIAL_HINT_WEB)}
    if report.rows_refused and report.batch_id:
        errors = Path(settings.DATA_DIR) / "imports" / "errors"
        errors.mkdir(parents=True, exist_ok=True)
        write_error_workbook(report, errors / f"{report.batch_id}.xlsx", path,
                             lines=lambda r: summary_lines(r, partial_hint=PARTIAL_HINT_WEB))  # fmt: skip
        result["link"] = f"/imports/{report.batch_id}/errors.xlsx"
    path.unlink(missing_ok=True)  # the import keeps its own archived copy
    return result
