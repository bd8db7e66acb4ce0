from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser, DjangoHelpFormatter

from fupin.core.commands import FupinCommand


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Django's help layout, with the column list (the epilog) kept line by line."""


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
        from fupin.checks.evaluation import evaluate_to_file
        from fupin.lib.tabular import FileUnreadable

        path: Path = options["file"]
        year: int = options["year"]
        out: Path = options["out"] or path.with_name(f"退出评估结果-{year}.xlsx")
        try:
            outcome = evaluate_to_file(path, year, out, exit_line=options["exit_line"])
        except FileUnreadable as exc:
            raise CommandError(f"文件无法读取：{exc}", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None
        self.stdout.write(outcome.standard)
        for warning in outcome.warnings:
            self.stderr.write(warning)
        self.stdout.write(f"{outcome.summary} → {out}")
        for error in outcome.errors:
            self.stderr.write(error)
        if outcome.refused:
            raise CommandError(outcome.refused, returncode=1)
