"""The checks' background job: a check run started on the web."""

from __future__ import annotations

from typing import Any

from fupin.core.errors import ValidationError
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


def evaluate(job: JobContext) -> dict[str, Any]:
    """A third-party evaluation spreadsheet uploaded on the web: verdicts into 退出评估结果-<year>.xlsx."""
    from fupin.lib.tabular import FileUnreadable

    from .evaluation import evaluate_to_file, outcome_lines

    year = int(job.params["year"])
    source = job.output_dir() / str(job.params["file"])
    out = job.output_dir() / "result.xlsx"
    try:
        outcome = evaluate_to_file(source, year, out, capped=True)  # an upload: parsed in a capped child
    except FileUnreadable as exc:
        raise ValidationError(f"文件无法读取：{exc}") from None
    finally:
        source.unlink(missing_ok=True)
    return {"lines": outcome_lines(outcome), "file": out.name, "download_name": f"退出评估结果-{year}.xlsx"}
