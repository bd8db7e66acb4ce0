from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.audit.services import verify_chain
from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "审计链：verify 校验全部审计记录的哈希链，发现被改动或删除的记录时以非零状态退出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_chain()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(f"审计链校验失败：已检查 {result.checked} 条，发现 {len(result.problems)} 处问题")
        self.stdout.write(f"审计链完整：共 {result.checked} 条记录，哈希链无断点")
