"""Starting, running and re-running background jobs. Progress is written to a small file beside the job's outputs
(atomic rename), not to the job's row: the work usually runs inside a transaction of its own, which on SQLite holds
the only write lock and on every database hides its writes until the end."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fupin.audit.services import audit_record
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require, require_area

from .choices import FINISHED, JobStatus
from .handlers import JobContext, handler, job_dir
from .models import Job

log = logging.getLogger(__name__)
INTERNAL_ERROR = "任务因系统内部错误中止（详情已记入服务器日志），没有写入任何不完整的结果，可以重新运行。"
INTERRUPTED = "任务在运行中被中断（工作进程已退出），没有写入任何不完整的结果，可以重新运行。"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _title(template: str, area_code: str, params: dict[str, Any]) -> str:
    from fupin.areas.models import Area

    name = Area.objects.filter(code=area_code).values_list("name", flat=True).first() or area_code
    try:
        return template.format(area=name, **params)[:120]
    except (KeyError, IndexError, ValueError):
        return template[:120]


def job_start(*, actor: Actor | None, kind: str, area_code: str, params: dict[str, Any] | None = None) -> Job:
    """Queue a job of ``kind`` over the area for the actor; refused unless they hold the kind's permission there.
    The task is enqueued when the surrounding transaction commits."""
    spec = handler(kind)
    if spec is None:
        raise ValidationError(f"未知的任务类型“{kind}”")
    area_code = codes.normalize(area_code)
    _require(actor, spec.permission, area_code)
    params = dict(params or {})
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, title=_title(spec.title, area_code, params), area_code=area_code, params=params,
            user_id=getattr(actor, "pk", None),
        )  # fmt: skip
        if actor is not None:
            audit_record(actor=actor, action="jobs.start", entity=job, area_code=area_code,
                         changes={"kind": [None, kind], "params": [None, params]})  # fmt: skip
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _require(actor: Actor | None, permission: str, area_code: str) -> None:
    """The kind's permission over the area; a kind without one (a read, such as an export) needs the scope only."""
    if permission:
        require(actor, permission, area_code)
    else:
        require_area(actor, area_code)


def may_start(actor: Actor | None, kind: str, area_code: str) -> bool:
    """Whether ``job_start`` would accept this kind over the area from the actor (pages offer only these)."""
    spec = handler(kind)
    if spec is None:
        return False
    try:
        _require(actor, spec.permission, codes.normalize(area_code))
    except ApplicationError:
        return False
    return True


def _enqueue(job_id: int) -> None:
    run_job.enqueue(job_id)


@task()
def run_job(job_id: int) -> None:
    """The one task of the queue (Django's tasks framework, database backend): everything a job needs is in its
    row, so a task carries only the id; ``fupin worker`` picks tasks in the order they were enqueued."""
    job_execute(job_id)


def job_rerun(*, actor: Actor | None, job: Job) -> Job:
    """A new job with the same kind, area and parameters as a finished one (its own starter or an equal role)."""
    if job.status not in FINISHED:
        raise ValidationError("任务尚未结束，不能重新运行")
    new = job_start(actor=actor, kind=job.kind, area_code=job.area_code, params=job.params)
    Job.objects.filter(pk=new.pk).update(rerun_of=job)
    return new


def _write_progress(job_id: int, stage: str, done: int | None, total: int | None) -> None:
    folder = job_dir(job_id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "progress.json.tmp"
    tmp.write_text(json.dumps({"stage": stage[:120], "done": done, "total": total, "at": time.time()}))
    tmp.replace(folder / "progress.json")


def read_progress(job_id: int) -> dict[str, Any]:
    try:
        return dict(json.loads((job_dir(job_id) / "progress.json").read_text()))
    except (OSError, ValueError):
        return {}


def _finish(job_id: int, last: dict[str, Any], **fields: Any) -> None:
    info = last or read_progress(job_id)
    fields.setdefault("stage", str(info.get("stage", ""))[:120])
    fields.setdefault("done", info.get("done"))
    fields.setdefault("total", info.get("total"))
    Job.objects.filter(pk=job_id).update(finished_at=timezone.now(), **fields)


def job_execute(job_id: int) -> None:
    """Run one queued job (the worker's task). A job already taken, finished or unknown is left alone."""
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), worker=worker_name()[:100]
    )
    if not taken:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    spec = handler(job.kind)
    actor: Actor | None = job.user
    last: dict[str, Any] = {}
    try:
        if spec is None:
            raise ValidationError(f"未知的任务类型“{job.kind}”")
        if job.user_id is not None and (job.user is None or not job.user.is_active):
            raise PermissionDeniedError("发起任务的用户已停用，任务未运行")
        _require(actor, spec.permission, job.area_code)  # the user may have lost the right since it was queued
        write = progress.throttled(lambda s, d, t: _write_progress(job_id, s, d, t))

        def listener(stage: str, done: int | None, total: int | None) -> None:
            last.update(stage=stage, done=done, total=total)  # the job's row keeps the last report, throttled or not
            write(stage, done, total)

        with progress.listening(listener):
            result = spec.run(JobContext(job_id=job.pk, actor=actor, area_code=job.area_code, params=job.params))
    except ApplicationError as exc:
        _finish(job_id, last, status=JobStatus.FAILED, error=exc.message)
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, last, status=JobStatus.FAILED, error=INTERNAL_ERROR)
    else:
        _finish(job_id, last, status=JobStatus.SUCCEEDED, result=result or {}, stage="完成")


def jobs_interrupted(*, host: str | None = None) -> int:
    """Mark as interrupted the running jobs of this host whose worker process is gone (a killed worker): called
    when a worker starts. Their own transactions were rolled back with the process, so nothing is half-written."""
    host = host or socket.gethostname()
    n = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING, worker__startswith=f"{host}:"):
        pid = int(job.worker.rsplit(":", 1)[1] or 0)
        if pid and _alive(pid) and pid != os.getpid():
            continue
        n += Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.INTERRUPTED, error=INTERRUPTED, finished_at=timezone.now()
        )
    return n


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def job_file(*, viewer: Actor | None, job: Job) -> tuple[Any, str]:
    """(path, download name) of a finished job's file: only for the user who started it."""
    if job.user_id is None or getattr(viewer, "pk", None) != job.user_id:
        raise PermissionDeniedError("只有发起该任务的用户可以下载其结果")
    name = str(job.result.get("file") or "")
    path = job_dir(job.pk) / name
    if job.status != JobStatus.SUCCEEDED or not name or "/" in name or not path.is_file():
        raise NotFoundError("该任务没有可下载的文件（可能已过期删除），请重新运行")
    return path, str(job.result.get("download_name") or name)
