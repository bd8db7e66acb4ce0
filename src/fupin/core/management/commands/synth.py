import tempfile
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fupin.areas.models import Area, Classification
from fupin.areas.services import area_classifications_replace, areas_load
from fupin.core import codes
from fupin.core.errors import ApplicationError
from fupin.registry.models import Household
from fupin.registry.services import registry_bulk_load
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
            help="写入数据库：区划分类（贫困县、深度贫困县、极贫乡镇、贫困村等，2014–2017）和建档立卡户、成员、年度记录",
        )
        parser.add_argument("--skip-registry", action="store_true", help="与 --into-db 同用：只写区划分类")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["out"] and not options["into_db"]:
            raise CommandError("请用 --out 指定输出目录，或用 --into-db 写入数据库")
        with tempfile.TemporaryDirectory() as tmp:
            self._run(options, Path(tmp))

    def _run(self, options: dict[str, Any], tmp: Path) -> None:
        out = options["out"] or tmp
        if options["out"] or (options["into_db"] and not options["skip_registry"]):
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
            self._into_db(options["scale"], options["seed"])
            if not options["skip_registry"]:
                self._registry_into_db(out)
                self._external_into_db(out)
                self._cadres_into_db(out)

    def _registry_into_db(self, out: Path) -> None:
        """Households, members and yearly records, county by county (each county all or nothing). Planted
        data-quality faults (wrong check digits) are kept on purpose, so the ID check is off for this load."""
        tables = {n: pq.read_table(out / f"{n}.parquet") for n in ("households", "members", "household_years")}
        for county in sorted(set(tables["households"]["county_code"].to_pylist())):
            lo, hi = codes.code_range(county)
            if Household.objects.filter(village_id__gte=lo, village_id__lte=hi).exists():
                self.stdout.write(f"{county}：已有建档立卡数据，跳过")
                continue
            hh = tables["households"].filter(pc.equal(tables["households"]["county_code"], county))
            ids = hh["household_id"]
            members = tables["members"].filter(pc.is_in(tables["members"]["household_id"], ids))
            years = tables["household_years"].filter(pc.is_in(tables["household_years"]["household_id"], ids))
            try:
                result = registry_bulk_load(
                    actor=None,
                    area_code=county,
                    households=hh,
                    members=members,
                    years=years,
                    source=f"synth:{out.name}:{county}",
                    validate_ids=False,
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"{county}：{result.households} 户，{result.members} 人，{result.years} 条年度记录已入库")

    def _cadres_into_db(self, out: Path) -> None:
        """The generated counties' helping units (with the prefecture and province units) and cadres, with their
        2017 postings as first secretaries and resident cadres."""
        from fupin.cadres.services import cadres_load, work_teams_load

        cadres = pq.read_table(out / "cadres.parquet").to_pylist()
        used = {c["unit_id"] for c in cadres}
        units = [u for u in pq.read_table(out / "helping_units.parquet").to_pylist() if u["unit_id"] in used]
        n = cadres_load(actor=None, units=units, cadres=cadres, source=f"synth:{out.name}")
        groups = pq.read_table(out / "work_groups.parquet").to_pylist()
        teams = work_teams_load(actor=None, groups=groups, round_year=2017, source=f"synth:{out.name}")
        self.stdout.write(f"帮扶单位 {len(units)} 个，干部 {n} 人，工作队(组) {teams} 个已入库")

    def _external_into_db(self, out: Path) -> None:
        """The other departments' tables and the survey sample, each replacing its kind (the checks read them).
        Rows with invalid ID numbers (planted data-quality faults in the hukou copy) are reported and left out."""
        from fupin.external.services import KINDS, external_load
        from fupin.stats.services import area_statistics_load

        targets = pq.read_table(out / "county_targets.parquet").to_pylist()
        rows = [(t["county_code"], year, t["rural_population"]) for t in targets for year in range(2014, 2018)]
        area_statistics_load(actor=None, rows=rows, source=f"synth:{out.name}")

        for kind in KINDS:
            path = out / f"{kind}.parquet"
            if path.exists():
                report = external_load(actor=None, kind_name=kind, path=path, partial=True)
                refused = f"，{report.rows_refused} 行身份证号无效未导入" if report.rows_refused else ""
                self.stdout.write(f"{KINDS[kind].title}：{report.rows_loaded} 行已入库{refused}")

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
