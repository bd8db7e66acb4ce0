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
        if options["year"] not in series:
            raise CommandError(
                f"该区划没有 {options['year']} 年的指标：已有 {min(series)}—{max(series)} 年"
                "（年度超出范围，或该年尚未计算：fupin indicators --refresh）"
            )
        if options["json"]:
            payload = {
                "area": area,
                "year": options["year"],
                "values": series.get(options["year"], {}),
                "series": series,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        for key, value in ordered(series[options["year"]]):
            label, unit = LABELS.get(key, (IndicatorValue(key=key).label, "条"))
            shown = f"{value:,.2f}{unit}" if unit == "%" else f"{value:,.0f}{unit}"
            note = EXPLAIN.get(key)
            self.stdout.write(f"{label}：{shown}" + (f"（{note}）" if note else ""))


# One line for the indicators that look alike (definitions: stats.services, analytics.verdicts.county).
EXPLAIN = {
    "incidence": "= 年末建档立卡贫困人口 ÷ 农村人口",
    "comprehensive_incidence": "= (年末贫困人口 + 漏评人口 + 错退人口) ÷ 农村人口，贫困县退出看此项；须有当年核查",
    "missed_rate": "= 漏评人口 ÷ 抽样调查非建档人口",
    "wrong_exit_rate": "= 错退户 ÷ 当年脱贫户",
    "findings": "各规则发现的总条数",
    "findings_open": "其中尚未办结（未确认排除或整改）的",
    "missed_people": "核查发现的应纳未纳人口",
    "surveyed_people": "第三方抽样调查中未建档立卡的人口，漏评率的分母",
    "approval_rate": "第三方评估的群众满意比例",
}


def ordered(values: dict[str, float]) -> list[tuple[str, float]]:
    """The year's indicators in a fixed order: the LABELS order (counts, rates, coverage), then findings by rule in
    the rule catalogue's order, then findings by status in the workflow's order, then anything else by key."""
    from fupin.analytics.rules import BY_ID  # lazy: the rule catalogue loads Ibis
    from fupin.checks.choices import FindingStatus
    from fupin.stats.models import LABELS

    order = [*LABELS, *(f"findings_{r}" for r in BY_ID), *(f"status_{s}" for s in FindingStatus.values)]
    rank = {key: i for i, key in enumerate(order)}
    return sorted(values.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
