from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.synth import calibration as cal
from fupin.synth.generate import generate


class Command(BaseCommand):
    help = (
        "合成数据：按种子生成与 2017 年末贵州一致的建档立卡数据"
        "（tiny 一县 / county 一市 / province 全省），写为 Parquet"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(cal.SCALES), default="tiny")
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument("--year", type=int, default=2017)
        parser.add_argument("--out", type=Path, help="输出目录（Parquet）")
        parser.add_argument("--into-db", action="store_true", help="写入数据库（待建档立卡模块完成后提供）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["into_db"]:
            raise CommandError("--into-db 需要建档立卡（registry）模块，尚未提供；请先用 --out 生成 Parquet")
        if not options["out"]:
            raise CommandError("请用 --out 指定输出目录")
        try:
            manifest = generate(scale=options["scale"], seed=options["seed"], out=options["out"], year=options["year"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = manifest["rows"]
        self.stdout.write(
            f"已生成 {manifest['counties']} 个县：{rows['households']} 户，{rows['members']} 人，"
            f"年度记录 {rows['household_years']} 条；"
            f"2017 年末贫困人口 {manifest['registered_poor_remaining']['2017']}，"
            f"用时 {manifest['seconds']} 秒 → {options['out']}"
        )
