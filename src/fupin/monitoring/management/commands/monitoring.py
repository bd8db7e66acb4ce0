from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = (
        "防返贫监测：run 匹配近 12 个月的部门预警（先用 fupin external load risk_alerts 载入）、合并线索、逐户风险评分"
        "排序并判断风险消除条件；summary 按监测对象类型和状态统计；ranking 风险评分最高的监测对象"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "summary", "ranking"])
        parser.add_argument("--area", default="520000000000", help="区划代码（缺省为全省）")
        parser.add_argument("--on", help="run：比对日期（缺省为今天，格式 2018-12-31）")
        parser.add_argument("--year", type=int, help="run：年度记录的年份（缺省为比对日期所在年）")
        parser.add_argument("--limit", type=int, default=20, help="ranking：显示前几户（缺省 20）")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围和权限）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.core.actors import SYSTEM_VIEWER
        from fupin.monitoring import jobs, selectors, services

        actor = options["actor"]
        viewer = actor or SYSTEM_VIEWER
        area = options["area"]
        if options["action"] == "run":
            try:
                on = date.fromisoformat(options["on"]) if options["on"] else None
            except ValueError:
                raise CommandError(f"--on 日期无效：{options['on']}（格式 2018-12-31）") from None
            result = services.monitoring_run(actor=actor, area_code=area, on=on, year=options["year"])
            lines = jobs.result_lines(result)
            for line in lines:
                self.stdout.write(line)
        elif options["action"] == "summary":
            s = selectors.summary(viewer=viewer, area_code=area)
            for group, households, people in s.by_group:
                self.stdout.write(f"{group or '类型待定'}：{households:,} 户 {people:,} 人")
            self.stdout.write(
                f"识别中 {s.identifying:,} 户（超过认定时限 {s.overdue:,}）；监测帮扶中 {s.monitored:,} 户"
                f"（回访逾期 {s.follow_up_late:,}，符合风险消除条件 {s.ready:,}）；风险已消除 "
                f"{s.eliminated:,} 户；未纳入 {s.not_included:,} 户"
            )
        else:
            rows = selectors.cases(viewer=viewer, area_code=area, status="open", order="risk")[: options["limit"]]
            if not rows:
                self.stdout.write("没有识别中或监测帮扶中的监测对象")
            for c in rows:
                factors = "；".join(f["text"] for f in c.factors) or "尚未评分"
                self.stdout.write(
                    f"{c.household.household_no} {c.household.head_name} {c.group or '类型待定'} "
                    f"{c.score if c.score is not None else '—'} 分（村内第 {c.village_rank or '—'}）："
                    f"{factors}"
                )
