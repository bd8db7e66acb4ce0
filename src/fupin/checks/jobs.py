"""The checks' background job: a check run started on the web."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext


def run(job: JobContext) -> dict[str, Any]:
    from fupin.analytics.rules import BY_ID  # lazy: the rule catalogue loads Ibis

    from .services import check_run

    result = check_run(actor=job.actor, year=int(job.params["year"]), area_code=job.area_code)
    lines = [f"{BY_ID[rule_id].title}：{count:,} 条" for rule_id, count in sorted(result.counts.items())]
    lines.append(
        f"共 {sum(result.counts.values()):,} 条，新发现 {result.new_findings:,} 条，用时 {result.seconds:.1f} 秒；"
        "统计指标已随之更新"
    )
    return {"lines": lines}
