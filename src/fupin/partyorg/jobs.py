"""The village Party organizations' background job: the year's 软弱涣散 identification over a prefecture or the
province, started on the web."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext


def identify(job: JobContext) -> dict[str, Any]:
    from .services import criterion_label, weak_identify

    result = weak_identify(actor=job.actor, area_code=job.area_code, year=int(job.params["year"]))
    lines = [f"排查村党组织 {result.organizations:,} 个，认定软弱涣散 {result.weak:,} 个"
             f"（新列入 {result.added:,}，更新 {result.updated:,}）"]  # fmt: skip
    lines += [f"{criterion_label(c)}：{n:,}" for c, n in sorted(result.by_criterion.items())]
    return {"lines": lines}
