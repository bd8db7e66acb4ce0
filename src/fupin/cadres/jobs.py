"""The cadres' background job: generating a dispatch plan (min-cost flow over a county or more)."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext


def dispatch_plan(job: JobContext) -> dict[str, Any]:
    from .services import dispatch_plan as plan

    made = plan(actor=job.actor, area_code=job.area_code, round_year=int(job.params["round_year"]),
                confirm=bool(job.params.get("confirm")))  # fmt: skip
    return {"lines": [f"已生成选派方案 #{made.pk}，请查看并批准"], "link": f"/dispatch/{made.pk}/"}
