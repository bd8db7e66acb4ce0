from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.areas.loader import DEFAULT_SOURCE, DivisionFileError
from fupin.areas.services import areas_load
from fupin.core import codes
from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "行政区划：load 从内置的国家统计局区划代码文件载入或更新 省→市→县→乡→村 五级区划（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="区划 CSV 所在目录")
        self.add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = areas_load(actor=options["actor"], source=options["source"])
        except DivisionFileError as exc:
            raise CommandError(str(exc)) from exc
        levels = "，".join(f"{codes.LEVEL_NAMES[lvl]} {n}" for lvl, n in sorted(result.by_level.items()))
        self.stdout.write(f"区划载入完成：{levels}")
        self.stdout.write(
            f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}；"
            f"村 {result.by_kind['village']}，社区 {result.by_kind['community']}"
        )
