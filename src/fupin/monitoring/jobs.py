"""The monitoring's background job: the area's run (alerts matched, cases scored and ranked), started on the web."""

from __future__ import annotations

from typing import Any

from fupin.jobs.handlers import JobContext


def run(job: JobContext) -> dict[str, Any]:
    from .services import monitoring_run

    return {"lines": result_lines(monitoring_run(actor=job.actor, area_code=job.area_code))}


def result_lines(r: Any) -> list[str]:
    """A run's result in Chinese (the job's page and the command print it)."""
    from fupin.analytics.monitoring import ALERT_KINDS

    lines = [
        f"近 12 个月部门预警 {r.alerts:,} 条，匹配到本区域建档立卡人员 {r.matched:,} 条（此前已纳入 {r.known:,} 条）",
        f"新纳入监测识别 {r.opened:,} 户，合并到已有监测对象的线索 {r.merged:,} 条",
        f"风险评分 {r.scored:,} 户；超过认定时限 {r.overdue:,} 户；符合风险消除条件 {r.ready:,} 户",
    ]
    lines += [f"新取用{ALERT_KINDS.get(k, k)}预警：{n:,} 条" for k, n in sorted(r.by_kind.items())]
    return lines
