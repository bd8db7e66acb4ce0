from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError, CommandParser, DjangoHelpFormatter

from fupin.core.commands import FupinCommand

if TYPE_CHECKING:
    from fupin.analytics.params import Params

MAX_ERRORS_SHOWN = 50


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's help layout, with the column list (the epilog) kept line by line."""


def _money(x: float) -> str:
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


class Command(FupinCommand):
    help = "第三方评估：按表格逐户判定是否符合退出标准并列出全部原因（与系统退出判定规则相同）"
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from fupin.analytics.evaluate_spec import help_text

        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.epilog = help_text()
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="xlsx、xls 或 csv，各列见下文（模板：fupin template evaluate）")
        parser.add_argument("--year", type=int, required=True, help="评估年度（退出年度）")
        parser.add_argument(
            "--out", type=Path, help="结果文件（xlsx 或 csv；缺省：与表格同目录的 退出评估结果-<年度>.xlsx）"
        )
        parser.add_argument(
            "--exit-line", type=float, help="退出收入标准（元/人·年；缺省：省级政策参数，未设定时为默认值）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: the rules (Ibis) load only when an evaluation runs, not for `fupin --help`
        from fupin.analytics.evaluate import evaluate_file
        from fupin.analytics.evaluate_spec import RESULT_SHEET, TEMPLATE_HINT
        from fupin.lib.tabular import FileUnreadable, write_rows

        path: Path = options["file"]
        year: int = options["year"]
        params, source = stored_params(year)
        if options["exit_line"] is not None:
            params, source = replace(params, exit_line=options["exit_line"]), "命令行 --exit-line"
        self.stdout.write(f"退出标准：人均纯收入高于 {_money(params.exit_line)} 元；来源：{source}")
        try:
            result = evaluate_file(path, year, params)
        except FileUnreadable as exc:
            raise CommandError(f"文件无法读取：{exc}", returncode=2) from None
        if result.ignored_headers:
            self.stderr.write(f"未识别的列（已忽略）：{'、'.join(result.ignored_headers)}。{TEMPLATE_HINT}")
        verdicts = result.verdicts
        out: Path = options["out"] or path.with_name(f"退出评估结果-{year}.xlsx")
        rows = zip(*(verdicts.column(c).to_pylist() for c in verdicts.column_names), strict=True)
        try:
            write_rows(out, list(verdicts.column_names), rows, sheet=RESULT_SHEET)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None
        ok = sum(v == "符合退出标准" for v in verdicts.column("退出结论").to_pylist())
        mismatched = sum(bool(v) for v in verdicts.column("数据不一致").to_pylist())
        self.stdout.write(
            f"{year} 年 {verdicts.num_rows} 户：符合退出标准 {ok} 户，不符合 {verdicts.num_rows - ok} 户"
            f"，数据不一致 {mismatched} 户 → {out}"
        )
        errors = result.errors
        for e in errors[:MAX_ERRORS_SHOWN]:
            self.stderr.write(f"第 {e.row} 行【{e.column}】“{e.value}”：{e.reason}")
        if len(errors) > MAX_ERRORS_SHOWN:
            self.stderr.write(f"另有 {len(errors) - MAX_ERRORS_SHOWN} 条错误未列出")
        if errors:
            raise CommandError(
                f"{len({e.row for e in errors})} 行数据有误，所在的户未作判定。{TEMPLATE_HINT}", returncode=1
            )
