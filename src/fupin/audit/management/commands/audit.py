import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.audit.services import checkpoint, verify_chain, verify_checkpoint
from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = (
        "审计链：verify 校验全部审计记录的哈希链（--checkpoint 再对照保存的检查点），"
        "checkpoint 导出带签名的链头检查点（供督查人员留存）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--checkpoint", type=Path, help="verify：对照此检查点文件（checkpoint 导出的 JSON）")
        parser.add_argument("--out", type=Path, help="checkpoint：写入此文件（缺省打印）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            text = json.dumps(checkpoint(), ensure_ascii=False)
            if options["out"]:
                options["out"].write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"检查点已写入 {options['out']}")
            else:
                self.stdout.write(text)
            return
        result = verify_chain()
        problems = list(result.problems)
        if options["checkpoint"]:
            try:
                point = json.loads(options["checkpoint"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"无法读取检查点文件：{exc}", returncode=2) from None
            problems += verify_checkpoint(point)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"审计链校验失败：已检查 {result.checked} 条，发现 {len(problems)} 处问题")
        self.stdout.write(f"审计链完整：共 {result.checked} 条记录，哈希链无断点")
