from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.registry.workbooks import export_households
from fupin.registry.yearimport import export_years


class Command(FupinCommand):
    help = "导出建档立卡数据为 xlsx 或 csv（与导入模板同格式；按用户管辖范围）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=["households", "years"], help="households：贫困户及家庭成员；years：某年度的年度动态调整"
        )
        parser.add_argument("--out", type=Path, required=True, help="xlsx 或 csv 文件")
        self.add_user_argument(parser, required=True, help="以该用户身份导出（只导出其管辖范围；身份证号按其权限显示）")
        parser.add_argument("--area", default="", help="只导出该区划")
        parser.add_argument("--year", type=int, help="年度（years 必填）")
        parser.add_argument("--status", default="", help="只导出该状态（poor/exited/returned/…）")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix.lower() not in {".xlsx", ".csv"}:
            raise CommandError("导出文件须以 .xlsx 或 .csv 结尾")
        if options["kind"] == "years":
            if not options["year"]:
                raise CommandError("导出年度动态调整须用 --year 指定年度")
            try:
                count = export_years(viewer=options["actor"], area_code=options["area"], year=options["year"], path=out)
            except OSError as exc:
                raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None
            self.stdout.write(f"已导出 {count} 行到 {out}")
            return
        try:
            count = export_households(
                viewer=options["actor"], path=out, area_code=options["area"], status=options["status"]
            )
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None
        self.stdout.write(f"已导出 {count} 行到 {out}")
