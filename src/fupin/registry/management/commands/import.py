import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.core.errors import ApplicationError, ConflictError
from fupin.lib.tabular import FileUnreadable
from fupin.registry.imports import import_households
from fupin.registry.importspec import summary_lines
from fupin.registry.workbooks import write_error_workbook
from fupin.registry.yearimport import import_years, write_years_error_workbook, year_summary_lines


class Command(FupinCommand):
    help = "导入建档立卡数据（xlsx/xls/csv）：退出码 0 全部导入，1 有被拒绝的行，2 文件无法读取"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=["households", "years"],
            help="households：贫困户及家庭成员（每行一人）；years：年度动态调整（每行一人）",
        )
        parser.add_argument("file", type=Path)
        self.add_user_argument(parser, help="以该用户身份导入（按其管辖范围检查）；缺省为系统")
        parser.add_argument(
            "--partial", action="store_true", help="只导入无错的户（缺省：有任何被拒绝的行则整个文件不导入）"
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查不写入")
        parser.add_argument("--errors", type=Path, help="错误清单工作簿的路径（缺省：<文件名>.错误.xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.perf_counter()
        try:
            load = import_years if options["kind"] == "years" else import_households
            report = load(
                actor=options["actor"],
                path=path,
                mode="partial" if options["partial"] else "all",
                dry_run=options["dry_run"],
            )
        except FileUnreadable as exc:
            raise CommandError(f"文件无法读取：{exc}", returncode=2) from None
        except ConflictError as exc:  # lost a race with a concurrent import of the same rows: try again later
            raise CommandError(exc.message, returncode=3) from None
        except ApplicationError as exc:  # the file refused as a whole (e.g. a read-only user): exit 2
            raise CommandError(exc.message, returncode=2) from None
        years = options["kind"] == "years"
        for line in (year_summary_lines if years else summary_lines)(report):
            self.stdout.write(line)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"用时 {elapsed:.3f} 秒（{report.rows_total / max(elapsed, 1e-9):,.0f} 行/秒）")
        if report.rows_refused:
            target = options["errors"] or path.with_name(path.stem + ".错误.xlsx")
            (write_years_error_workbook if years else write_error_workbook)(report, target, path)
            for e in report.errors[:20]:
                self.stderr.write(f"第 {e.row} 行【{e.column}】“{e.value}”：{e.reason}")
            if len(report.errors) > 20:
                self.stderr.write(f"……共 {len(report.errors)} 处错误")
            raise CommandError(f"{report.rows_refused} 行被拒绝，错误清单见 {target}", returncode=1)
