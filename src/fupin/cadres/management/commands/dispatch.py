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
        parser.add_argument("--start", default="", help="approve：到岗日期（缺省为该轮次的到岗日 3 月 1 日）")
        parser.add_argument(
            "--confirm", "--force", action="store_true", dest="confirm",
            help="plan：该轮次已有批准的方案时，确认仍要重新生成",
        )  # fmt: skip
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred, like every command here: `fupin --help` loads each command module and should stay light
        from fupin.cadres.models import DispatchPlan
        from fupin.cadres.services import coverage_report, dispatch_plan, plan_approve, plan_summary_lines, team_report

        actor = options["actor"]
        if options["action"] == "plan":
            if not options["round"]:
                raise CommandError("请用 --round 指定轮次（年度）")
            plan = dispatch_plan(
                actor=actor, area_code=options["area"], round_year=options["round"], confirm=options["confirm"]
            )
            for line in plan_summary_lines(plan):
                self.stdout.write(line)
            for item in plan.items.filter(cadre=None, role="first_secretary")[:50]:
                self.stdout.write(f"  未覆盖 {item.village_id}：{item.reason}")
        elif options["action"] == "approve":
            try:
                plan = DispatchPlan.objects.get(pk=options["plan"])
            except DispatchPlan.DoesNotExist:
                raise CommandError("没有该方案") from None
            try:
                start = date.fromisoformat(options["start"]) if options["start"] else None
            except ValueError:
                raise CommandError(f"到岗日期“{options['start']}”应写成 年-月-日，如 {plan.round}-03-01") from None
            n = plan_approve(actor=actor, plan=plan, start=start)
            self.stdout.write(f"方案 {plan.pk} 已批准：{n} 名干部（第一书记和驻村干部）{plan.round} 年轮次到岗")
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
