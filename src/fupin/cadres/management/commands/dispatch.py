from datetime import date
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "第一书记选派：plan 生成最优方案（最小费用流，说明理由）；approve 批准并生成派驻；report 覆盖与轮换情况"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["plan", "approve", "report"])
        parser.add_argument("--round", type=int, help="轮次（年度）")
        parser.add_argument("--area", default="520000000000")
        parser.add_argument("--plan", type=int, help="approve：方案编号")
        parser.add_argument("--start", default="", help="approve：到岗日期（缺省今天）")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred, like every command here: `fupin --help` loads each command module and should stay light
        from fupin.cadres.models import DispatchPlan
        from fupin.cadres.services import coverage_report, dispatch_plan, plan_approve, team_report

        actor = options["actor"]
        if options["action"] == "plan":
            if not options["round"]:
                raise CommandError("请用 --round 指定轮次（年度）")
            plan = dispatch_plan(actor=actor, area_code=options["area"], round_year=options["round"])
            s = plan.summary
            self.stdout.write(
                f"方案 {plan.pk}：需选派 {s['villages']} 村，已覆盖 {s['covered']}，未覆盖 {s['uncovered']}；"
                f"候选 {s['candidates']} 人，不符合条件 {s['refused']} 人；目标值 {plan.objective}"
                f"（线性规划最优值 {plan.certified_objective}）；"
                f"驻村干部 {s['resident_covered']}/{s['resident_slots']} 个岗位"
            )
            for item in plan.items.filter(cadre=None, role="first_secretary")[:50]:
                self.stdout.write(f"  未覆盖 {item.village_id}：{item.reason}")
        elif options["action"] == "approve":
            try:
                plan = DispatchPlan.objects.get(pk=options["plan"])
            except DispatchPlan.DoesNotExist:
                raise CommandError("没有该方案") from None
            start = date.fromisoformat(options["start"]) if options["start"] else date.today()  # noqa: DTZ011
            n = plan_approve(actor=actor, plan=plan, start=start)
            self.stdout.write(f"方案 {plan.pk} 已批准：{n} 名第一书记到岗")
        else:
            year = options["round"] or 2017
            report = coverage_report(viewer=actor, area_code=options["area"], year=year)
            self.stdout.write(
                f"需选派 {report['needing']} 村，已有第一书记 {report['covered']} 村，"
                f"未覆盖 {len(report['uncovered'])} 村；"
                f"任期满两轮待轮换 {len(report['due_for_rotation'])} 人；召回调整 {report['recalled']} 人"
            )
            problems = team_report(viewer=actor, area_code=options["area"], year=year)
            self.stdout.write(f"工作队(组)不符合配备要求 {len(problems)} 个")
            for village, reasons in problems[:50]:
                self.stdout.write(f"  {village}：{'；'.join(reasons)}")
