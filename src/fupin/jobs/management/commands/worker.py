from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "运行后台任务的工作进程（核查、指标更新、选派方案、大批量导入导出）；Ctrl-C 停止"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒），缺省 1")
        parser.add_argument("--batch", action="store_true", help="处理完排队的任务后退出（定时任务、测试用）")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.jobs.services import jobs_interrupted

        n = jobs_interrupted()
        if n:
            self.stderr.write(f"{n} 个任务在上次工作进程退出时中断，已标记为“已中断”，可在“后台任务”页重新运行")
        call_command(
            "db_worker", interval=options["interval"], batch=options["batch"], reload=False, startup_delay=False,
            verbosity=options["verbosity"],
        )  # fmt: skip
