"""Reading jobs: the ones of the viewer's area (scoped), with their live progress."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.scoping import scoped

from .choices import JobStatus
from .models import Job
from .services import read_progress


def jobs_visible(*, viewer: Actor | None, mine: bool = False) -> QuerySet[Job]:
    qs = scoped(Job, viewer).select_related("user")
    if mine:
        qs = qs.filter(user_id=getattr(viewer, "pk", None) or 0)
    return qs


def job_get(*, viewer: Actor | None, job_id: int) -> Job:
    job = jobs_visible(viewer=viewer).filter(pk=job_id).first()
    if job is None:
        raise NotFoundError("任务不存在或不在您的管辖范围内")
    return job


def job_state(job: Job) -> dict[str, Any]:
    """What a job's page shows and polls: status, stage, rows done of total, percent, seconds elapsed, result."""
    info = read_progress(job.pk) if job.status == JobStatus.RUNNING else {}
    done = info.get("done", job.done)
    total = info.get("total", job.total)
    stage = info.get("stage") or job.stage
    if job.status == JobStatus.QUEUED:
        ahead = Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING), pk__lt=job.pk).count()
        stage = f"排队中，前面还有 {ahead} 个任务" if ahead else "等待工作进程接手"
    end = job.finished_at or timezone.now()
    elapsed = (end - job.started_at).total_seconds() if job.started_at else None
    percent = None
    if job.status == JobStatus.SUCCEEDED:
        percent = 100
    elif done is not None and total:
        percent = max(0, min(99, int(100 * done / total)))
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": JobStatus(job.status).label,
        "finished": job.status not in (JobStatus.QUEUED, JobStatus.RUNNING),
        "stage": stage,
        "done": done,
        "total": total,
        "percent": percent,
        "elapsed": round(elapsed, 1) if elapsed is not None else None,
        "lines": list(job.result.get("lines", [])) if isinstance(job.result, dict) else [],
        "has_file": bool(isinstance(job.result, dict) and job.result.get("file")),
        "error": job.error,
    }


def job_waiting(*, kind: str) -> bool:
    """Whether a job of this kind is queued and not yet taken by a worker (a new one would only repeat it)."""
    return Job.objects.filter(kind=kind, status=JobStatus.QUEUED).exists()
