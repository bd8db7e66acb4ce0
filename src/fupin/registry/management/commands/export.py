from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "导出建档立卡数据为 xlsx 或 csv（与导入模板同格式；按用户管辖范围）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["households"])
        parser.add_argument("--out", type=Path, required=True, help="xlsx 或 csv 文件")
        parser.add_argument("--user", required=True, help="以该用户身份导出（只导出其管辖范围；身份证号按其权限显示）")
        parser.add_argument("--area", default="", help="只导出该区划")
        parser.add_argument("--status", default="", help="只导出该状态（poor/exited/returned/…）")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.accounts.models import User
        from fupin.registry.imports import export_households

        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为“{options['user']}”的有效用户")
        out: Path = options["out"]
        if out.suffix.lower() not in {".xlsx", ".csv"}:
            raise CommandError("导出文件须以 .xlsx 或 .csv 结尾")
        count = export_households(viewer=user, path=out, area_code=options["area"], status=options["status"])
        self.stdout.write(f"已导出 {count} 行到 {out}")
