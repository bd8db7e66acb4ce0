from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "运行专项治理核查（错评、错退、漏评、数据质量、部门比对），保存发现；重复运行不产生重复记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area", default="520000000000", help="区划代码（缺省全省）")
        parser.add_argument("--engine", default="duckdb", choices=["duckdb", "sqlite", "postgres", "spark"])
        parser.add_argument("--user", help="以该用户身份运行（按其管辖范围）")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.accounts.models import User
        from fupin.analytics.rules import BY_ID
        from fupin.checks.services import check_run
        from fupin.core.errors import ApplicationError

        actor = User.objects.filter(username=options["user"]).first() if options["user"] else None
        try:
            run = check_run(actor=actor, year=options["year"], area_code=options["area"], engine=options["engine"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for rule_id, count in sorted(run.counts.items()):
            self.stdout.write(f"{BY_ID[rule_id].title}：{count}")
        self.stdout.write(
            f"共 {sum(run.counts.values())} 条，新发现 {run.new_findings} 条，用时 {run.seconds} 秒（{run.engine}）"
        )
