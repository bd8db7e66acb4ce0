from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fupin.areas.models import Area, Classification
from fupin.areas.services import area_classifications_replace, areas_load
from fupin.core.errors import ApplicationError
from fupin.synth import calibration as cal
from fupin.synth.generate import counties_for, generate
from fupin.synth.province import plan_province


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
        parser.add_argument(
            "--into-db",
            action="store_true",
            help="把区划分类（贫困县、深度贫困县、极贫乡镇、贫困村等，2014–2017）写入数据库；"
            "户和人口的入库随建档立卡模块提供",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["out"] and not options["into_db"]:
            raise CommandError("请用 --out 指定输出目录，或用 --into-db 写入数据库")
        if options["out"]:
            try:
                manifest = generate(
                    scale=options["scale"], seed=options["seed"], out=options["out"], year=options["year"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            rows = manifest["rows"]
            self.stdout.write(
                f"已生成 {manifest['counties']} 个县：{rows['households']} 户，{rows['members']} 人，"
                f"年度记录 {rows['household_years']} 条；"
                f"2017 年末贫困人口 {manifest['registered_poor_remaining']['2017']}，"
                f"用时 {manifest['seconds']} 秒 → {options['out']}"
            )
        if options["into_db"]:
            self._into_db(options["scale"], options["seed"])

    def _into_db(self, scale: str, seed: int) -> None:
        """Area classifications go in through the areas service (validated, audited, idempotent), replacing
        only those inside the generated area, so that tiny scale leaves the rest of the province alone."""
        plan = plan_province(seed)
        counties = set(counties_for(plan, scale))
        spec = cal.SCALES[scale]
        within = spec.counties[0] if spec.counties and len(spec.counties) == 1 else spec.prefecture
        by_key: dict[tuple[int, str], list[str]] = {}
        for code, year, kind in plan.classifications:
            if code[:6] in counties:
                by_key.setdefault((year, kind), []).append(code)
        if not Area.objects.exists():
            areas_load(actor=None)
        kinds = {(y, k) for _, y, k in plan.classifications}
        try:
            with transaction.atomic():
                for year, kind in sorted(kinds):
                    area_codes = by_key.get((year, kind), [])
                    added, removed = area_classifications_replace(
                        actor=None, year=year, kind=kind, area_codes=area_codes, note="合成数据", within=within
                    )
                    self.stdout.write(
                        f"{year} {Classification(kind).label}：{len(area_codes)}（新增 {added}，撤销 {removed}）"
                    )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
