from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.core.errors import ApplicationError
from fupin.external.services import KINDS, external_load
from fupin.lib.tabular import FileUnreadable


class Command(FupinCommand):
    help = "部门比对数据：load KIND FILE 导入车辆、不动产、市场主体、财政供养、死亡、户籍或抽样调查户（整表替换）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path, help="parquet、csv 或 xlsx（中文或英文列名）")
        parser.add_argument("--partial", action="store_true", help="只导入无错的行（缺省：有错则不导入）")
        self.add_user_argument(parser, help="以该用户身份导入（须为省级管理员）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = external_load(
                actor=options["actor"], kind_name=options["kind"], path=options["file"], partial=options["partial"]
            )
        except FileUnreadable as exc:
            raise CommandError(f"文件无法读取：{exc}", returncode=2) from None
        except ApplicationError as exc:  # refused as a whole (e.g. not a province admin): exit 2, like a bad file
            raise CommandError(exc.message, returncode=2) from None
        title = KINDS[options["kind"]].title
        for e in report.errors[:20]:
            self.stderr.write(f"第 {e.row} 行【{e.column}】“{e.value}”：{e.reason}")
        if report.written:
            self.stdout.write(f"{title}：共 {report.rows_total} 行，导入 {report.rows_loaded} 行（原有数据已替换）")
        if report.errors:
            raise CommandError(
                f"{report.rows_refused} 行有错误" + ("" if report.written else "，未导入任何数据"), returncode=1
            )
