import json
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
        from fupin.checks.whatif import whatif

        changes = {}
        for item in options["set"]:
            key, _, value = item.partition("=")
            try:
                changes[key.strip()] = float(value)
            except ValueError:
                raise CommandError(f"参数“{item}”应写成 名称=数值") from None
        if not changes:
            raise CommandError("请用 --set 名称=数值 指定至少一个假设的参数")
        diffs = whatif(actor=options["actor"], year=options["year"], changes=changes, area_code=options["area"])
        if options["json"]:
            payload = [{"county": d.county, "exit_eligible": d.exit_eligible, "findings": d.findings} for d in diffs]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
            return
        for d in diffs:
            parts = [f"符合退出条件 {d.exit_eligible[0]} → {d.exit_eligible[1]} 户"]
            parts += [f"{BY_ID[k].title} {a} → {b}" for k, (a, b) in d.findings.items()]
            self.stdout.write(f"{d.county}：" + "；".join(parts))
