from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.registry.imports import households_template


class Command(FupinCommand):
    help = "生成导入模板（中文表头、示例行、下拉选项、填写说明）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["households", "evaluate", "years"])
        parser.add_argument("--out", type=Path, default=None, help="缺省：建档立卡导入模板.xlsx")
        self.add_user_argument(parser, help="示例行放在该用户管辖范围内的村（可直接试导入）；缺省为任一有效的村")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "evaluate":  # `fupin evaluate`'s spreadsheet (third-party exit evaluation)
            from fupin.analytics.evaluate_spec import write_template as write_evaluate_template

            target_e: Path = options["out"] or Path("退出评估模板.xlsx")
            try:
                self.stdout.write(f"模板已写入 {write_evaluate_template(target_e)}")
            except OSError as exc:
                raise CommandError(f"无法写入 {target_e}：{exc.strerror or exc}") from None
            return
        if options["kind"] == "years":  # 年度动态调整 (fupin import years)
            from fupin.registry.yearimport import write_years_template

            target_y: Path = options["out"] or Path("年度动态调整导入模板.xlsx")
            try:
                self.stdout.write(f"模板已写入 {write_years_template(target_y)}")
            except OSError as exc:
                raise CommandError(f"无法写入 {target_y}：{exc.strerror or exc}") from None
            return
        target: Path = options["out"] or Path("建档立卡导入模板.xlsx")
        try:
            path = households_template(target, actor=options["actor"])
        except OSError as exc:
            raise CommandError(f"无法写入 {target}：{exc.strerror or exc}") from None
        self.stdout.write(f"模板已写入 {path}")
