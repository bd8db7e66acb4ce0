"""The assessment's background job: every scheme of a year over a prefecture or the province at once, started on
the web (progress: reading the figures, scoring, storing)."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext


def run_all(job: JobContext) -> dict[str, Any]:
    from .services import schemes_run

    result = schemes_run(actor=job.actor, area_code=job.area_code, year=int(job.params["year"]))
    lines = [f"运行考核方案 {result.schemes:,} 个：参加排名 {result.assessed:,} 个单位，末位 {result.bottom:,} 个"]
    lines += [f"未运行：{why}" for why in result.skipped]
    return {"lines": lines}
