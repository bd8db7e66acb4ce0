import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core import codes
from fupin.core.commands import FupinCommand
from fupin.core.scoping import scoped


class Command(FupinCommand):
    help = "指标：某区划某年度的贫困户、贫困人口、发生率、脱贫、核查发现（--refresh 重新计算，--json 机器可读）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="520000000000")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--refresh", action="store_true", help="先重新计算该区划及其下辖区划的指标")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: the indicator computation (Ibis, DuckDB) loads only when the command runs, not for `fupin --help`
        from fupin.stats.models import LABELS, IndicatorValue
        from fupin.stats.services import indicators_refresh

        actor = options["actor"]
        area = codes.normalize(options["area"])
        if options["refresh"]:
            indicators_refresh(actor=actor, area_code=area, last_year=options["year"])
        qs = IndicatorValue.objects.filter(area_code=area) if actor is None else scoped(IndicatorValue, actor)
        rows = list(qs.filter(area_code=area).order_by("year", "key"))
        series: dict[int, dict[str, float]] = {}
        for v in rows:
            series.setdefault(v.year, {})[v.key] = v.value
        if not series:
            raise CommandError("该区划没有指标（先运行 fupin checks 或 fupin indicators --refresh）")
        if options["json"]:
            payload = {
                "area": area,
                "year": options["year"],
                "values": series.get(options["year"], {}),
                "series": series,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        for key, value in sorted(series.get(options["year"], {}).items()):
            label, unit = LABELS.get(key, (IndicatorValue(key=key).label, "条"))
            self.stdout.write(f"{label}：{value:,.2f}{unit}" if unit == "%" else f"{label}：{value:,.0f}{unit}")
