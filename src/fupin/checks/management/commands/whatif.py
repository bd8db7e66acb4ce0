import json
import unicodedata
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "假设分析：改变政策参数（如退出标准）后，各县符合退出条件的户数和核查发现的变化（不改动已存结果）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--set", action="append", default=[], metavar="参数=值", help="如 exit_line=4000，可多次")
        parser.add_argument("--area", default="520000000000")
        parser.add_argument("--json", action="store_true")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: the rules engines (Ibis, DuckDB) load only when the command runs, not for `fupin --help`
        from fupin.analytics.rules import BY_ID
        from fupin.checks.whatif import CHANGEABLE, whatif
        from fupin.policy.defaults import SPECS
        from fupin.policy.selectors import param

        year = options["year"]
        changes: dict[str, float] = {}
        for item in options["set"]:
            key, sep, value = (part.strip() for part in item.partition("="))
            if not sep or not key:
                raise CommandError(f"参数“{item}”应写成 名称=数值，如 exit_line=4000")
            if key not in CHANGEABLE:
                raise CommandError(f"不能假设的参数：{key}；可选：{'、'.join(CHANGEABLE)}")
            try:
                changes[key] = float(value)
            except ValueError:
                spec = SPECS[key]
                raise CommandError(
                    f"参数 {key}（{spec.title}）的值“{value}”不是数值：请写成 {key}=数值（单位：{spec.unit}），"
                    f"如 {key}={param(key, year) if 2000 <= year <= 2100 else 1}"
                ) from None
        if not changes:
            raise CommandError("请用 --set 名称=数值 指定至少一个假设的参数，如 --set exit_line=4000")
        if not options["json"]:
            self.stderr.write("正在按现行参数和假设参数各运行一遍全部核查规则，请稍候……")
        diffs = whatif(actor=options["actor"], year=year, changes=changes, area_code=options["area"])
        if options["json"]:
            payload = [
                {"county": d.county, "name": d.name, "exit_eligible": d.exit_eligible,
                 "findings_total": d.findings_total, "findings": d.findings}
                for d in diffs
            ]  # fmt: skip
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        assumed = "；".join(
            f"{SPECS[k].title} {_num(param(k, year))} → {_num(v)} {SPECS[k].unit}" for k, v in changes.items()
        )
        self.stdout.write(f"{year} 年假设：{assumed}（现行 = 已存的政策参数，假设 = 改动后；不保存任何结果）")
        header = ("县（市、区）", "符合退出条件·现行", "假设", "增减", "核查发现·现行", "假设", "增减")
        rows = [(d.name, *_triple(d.exit_eligible), *_triple(d.findings_total)) for d in diffs]
        total_exit = (sum(d.exit_eligible[0] for d in diffs), sum(d.exit_eligible[1] for d in diffs))
        total_findings = (sum(d.findings_total[0] for d in diffs), sum(d.findings_total[1] for d in diffs))
        rows.append(("合计", *_triple(total_exit), *_triple(total_findings)))
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for r in [header, *rows]:
            cells = [_pad(r[0], widths[0], left=True)] + [_pad(c, w) for c, w in zip(r[1:], widths[1:], strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write("（符合退出条件：当年拟退出户中未被一票否决的户数；核查发现：各规则发现的条数）")
        changed = [d for d in diffs if d.findings]
        if not changed:
            self.stdout.write("各县各项核查发现的条数均无变化")
        for d in changed:
            parts = [f"{BY_ID[k].title} {a} → {b}" for k, (a, b) in d.findings.items()]
            self.stdout.write(f"{d.name}：" + "；".join(parts))


def _num(value: float) -> str:
    return f"{value:g}"


def _triple(pair: tuple[int, int]) -> tuple[str, str, str]:
    a, b = pair
    return f"{a:,}", f"{b:,}", f"{b - a:+,}" if b != a else "0"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool = False) -> str:
    fill = " " * (width - _width(text))
    return text + fill if left else fill + text
