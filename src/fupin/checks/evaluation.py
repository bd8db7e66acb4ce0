"""Third-party exit evaluation of a spreadsheet (第三方评估), shared by `fupin evaluate` and the web's background job:
the live exit rule with the province's stored parameters, one verdict per household into a result workbook."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fupin.core import progress

if TYPE_CHECKING:
    from fupin.analytics.params import Params

MAX_ERRORS_SHOWN = 50


def money(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def stored_params(year: int) -> tuple[Params, str]:
    """The year's parameters as the live system uses them (the province's stored values, else the defaults), and
    where the exit line came from. Without a reachable database: the defaults, saying so."""
    from django.db import DatabaseError

    from fupin.analytics.params import PARAMETER_KEYS, Params
    from fupin.policy.selectors import param, parameter_stored

    try:
        values = {key: param(key, year) for key in PARAMETER_KEYS}
        stored = parameter_stored("exit_line", year)
    except DatabaseError:
        return Params.defaults(year), "默认值（数据库不可用，未能读取省级政策参数）"
    source = f"省级政策参数（{stored.year} 年设定）" if stored is not None else "默认值（未设定省级政策参数）"
    return Params(year=year, **values), source


@dataclass
class Outcome:
    standard: str = ""  # the exit line used and where it came from
    summary: str = ""  # households that pass, fail, and whose data disagree
    refused: str = ""  # rows with errors (their households not judged), if any
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # 第 N 行【列】“值”：原因, at most MAX_ERRORS_SHOWN
    error_rows: int = 0
    out: Path | None = None


def evaluate_to_file(
    path: Path, year: int, out: Path, *, exit_line: float | None = None, capped: bool = False
) -> Outcome:
    """Judge every household of the file and write the verdicts to ``out``. Raises FileUnreadable for a file that
    cannot be read as a whole; rows with errors are listed and their households not judged."""
    from fupin.analytics.evaluate import evaluate_file
    from fupin.analytics.evaluate_spec import RESULT_SHEET, TEMPLATE_HINT
    from fupin.lib.tabular import write_rows

    outcome = Outcome()
    params, source = stored_params(year)
    if exit_line is not None:
        params, source = replace(params, exit_line=exit_line), "命令行 --exit-line"
    outcome.standard = f"退出标准：人均纯收入高于 {money(params.exit_line)} 元；来源：{source}"
    progress.report("读取并判定")
    result = evaluate_file(path, year, params, capped=capped)
    if result.ignored_headers:
        outcome.warnings.append(f"未识别的列（已忽略）：{'、'.join(result.ignored_headers)}。{TEMPLATE_HINT}")
    verdicts = result.verdicts
    progress.report("写入结果", verdicts.num_rows, verdicts.num_rows)
    rows: Any = zip(*(verdicts.column(c).to_pylist() for c in verdicts.column_names), strict=True)
    write_rows(out, list(verdicts.column_names), rows, sheet=RESULT_SHEET)
    outcome.out = out
    ok = sum(v == "符合退出标准" for v in verdicts.column("退出结论").to_pylist())
    mismatched = sum(bool(v) for v in verdicts.column("数据不一致").to_pylist())
    outcome.summary = (
        f"{year} 年 {verdicts.num_rows} 户：符合退出标准 {ok} 户，不符合 {verdicts.num_rows - ok} 户，"
        f"数据不一致 {mismatched} 户"
    )
    outcome.errors = [f"第 {e.row} 行【{e.column}】“{e.value}”：{e.reason}" for e in result.errors[:MAX_ERRORS_SHOWN]]
    if len(result.errors) > MAX_ERRORS_SHOWN:
        outcome.errors.append(f"另有 {len(result.errors) - MAX_ERRORS_SHOWN} 条错误未列出")
    outcome.error_rows = len({e.row for e in result.errors})
    if outcome.error_rows:
        outcome.refused = f"{outcome.error_rows} 行数据有误，所在的户未作判定。{TEMPLATE_HINT}"
    return outcome


def outcome_lines(outcome: Outcome) -> list[str]:
    """The outcome as lines for a page: the standard, the counts, the refused rows, each error."""
    return [x for x in (outcome.standard, outcome.summary, *outcome.warnings, outcome.refused) if x] + outcome.errors
