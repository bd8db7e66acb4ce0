from typing import Any

from django.core.management.base import CommandParser

from fupin.core.commands import FupinCommand
from fupin.seed.services import DEMO_PASSWORD, demo_load


class Command(FupinCommand):
    help = "演示数据：载入区划、2017 年 14 个深度贫困县，并创建每种角色的演示账号（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD)
        self.add_user_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_load(actor=options["actor"], password=options["password"])
        self.stdout.write(f"演示账号（密码均为 {options['password']}）：")
        for a in accounts:
            self.stdout.write(f"  {a.username:<10} {a.role_label:<12} {a.area_code}")
