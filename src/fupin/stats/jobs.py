"""The statistics' background jobs: a refresh asked for on the web, and the incremental refresh after writes."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext

from . import services


def refresh(job: JobContext) -> dict[str, Any]:
    year = int(job.params.get("year") or services.data_year())
    n = services.refresh_chain(actor=job.actor, area_code=job.area_code, last_year=year)
    return {"lines": [f"已更新 {n:,} 项指标（{services.FIRST_YEAR}—{year} 年），上级区划的汇总随之更新"]}


def refresh_due(job: JobContext) -> dict[str, Any]:
    return services.refresh_due()
