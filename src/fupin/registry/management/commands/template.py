from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "生成导入模板（中文表头、示例行、下拉选项、填写说明）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["households"])
        parser.add_argument("--out", type=Path, default=None, help="缺省：建档立卡导入模板.xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.registry.imports import write_template

        path = write_template(options["out"] or Path("建档立卡导入模板.xlsx"), options["kind"])
        self.stdout.write(f"模板已写入 {path}")
