"""What kinds of background job exist: each domain registers its own in its ``AppConfig.ready`` (like the events of
``fupin.core.events``), so the jobs app never imports a domain.

A handler is a function ``run(job: JobContext) -> dict`` that does the work through the domain's services (which
check their own permissions and write in their own transactions, so a failed or killed job leaves nothing
half-written) and reports progress with :func:`fupin.core.progress.report`. What it returns is kept as the job's
result: ``lines`` (Chinese summary lines shown on the job's page) and, for a job that writes a file, ``file``
(a name inside :meth:`JobContext.output_dir`) and ``download_name``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from fupin.core.actors import Actor


@dataclass(frozen=True)
class JobContext:
    job_id: int
    actor: Actor | None
    area_code: str
    params: dict[str, Any] = field(default_factory=dict)

    def output_dir(self) -> Path:
        """The job's own folder for the files it writes (only its user may download them)."""
        return job_dir(self.job_id)


@dataclass(frozen=True)
class Handler:
    kind: str
    title: str  # Chinese, with {area} and the params' names as placeholders, e.g. "核查 {area} {year} 年"
    permission: str  # the action the starting user must hold over the job's area (accounts/permissions.py)
    run: Callable[[JobContext], dict[str, Any]]


_HANDLERS: dict[str, Handler] = {}


def register(kind: str, *, title: str, permission: str, run: Callable[[JobContext], dict[str, Any]]) -> None:
    _HANDLERS[kind] = Handler(kind, title, permission, run)


def handler(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def kinds() -> dict[str, Handler]:
    return dict(_HANDLERS)


def job_dir(job_id: int) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / str(int(job_id))
