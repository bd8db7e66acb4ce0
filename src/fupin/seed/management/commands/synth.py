import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.seed.services import synth_into_db
from fupin.synth import calibration as cal
from fupin.synth.generate import generate


class Command(FupinCommand):
    help = (
        "合成数据：按种子生成与 2017 年末贵州一致的建档立卡数据"
        "（tiny 一县 / county 一市 / province 全省），写为 Parquet"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(cal.SCALES), default="tiny")
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument("--year", type=int, default=2017)
        parser.add_argument("--out", type=Path, help="输出目录（Parquet）")
        parser.add_argument(
            "--into-db",
            action="store_true",
            help="写入数据库：区划分类（贫困县、深度贫困县、极贫乡镇、贫困村等，2014–2017）和建档立卡户、成员、年度记录",
        )
        parser.add_argument("--skip-registry", action="store_true", help="与 --into-db 同用：只写区划分类")
        self.add_user_argument(parser, help="与 --into-db 同用：以该用户身份写入；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["out"] and not options["into_db"]:
            raise CommandError("请用 --out 指定输出目录，或用 --into-db 写入数据库")
        with tempfile.TemporaryDirectory() as tmp:
            self._run(options, Path(tmp))

    def _run(self, options: dict[str, Any], tmp: Path) -> None:
        out: Path = options["out"] or tmp
        registry = options["into_db"] and not options["skip_registry"]
        if options["out"] or registry:
            try:
                manifest = generate(scale=options["scale"], seed=options["seed"], out=out, year=options["year"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            rows = manifest["rows"]
            self.stdout.write(
                f"已生成 {manifest['counties']} 个县：{rows['households']} 户，{rows['members']} 人，"
                f"年度记录 {rows['household_years']} 条；"
                f"2017 年末贫困人口 {manifest['registered_poor_remaining']['2017']}，"
                f"用时 {manifest['seconds']} 秒 → {options['out'] or '临时目录'}"
            )
        if options["into_db"]:
            synth_into_db(
                actor=options["actor"],
                scale=options["scale"],
                seed=options["seed"],
                out=out if registry else None,
                echo=self.stdout.write,
            )
