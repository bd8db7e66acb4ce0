from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = (
        "驻村管理：review 年度考核（按评分评定等次，并对不称职、超假、违反召回类负面清单的提出调整建议）；"
        "tallies 民情日记统计（--rebuild 从日记重新汇总）；presence 本月在村天数不足的干部；"
        "link 关联干部本人账号"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["review", "tallies", "presence", "link"])
        parser.add_argument("--area", default="520000000000", help="区划代码（缺省为全省）")
        parser.add_argument("--year", type=int, help="年度")
        parser.add_argument("--month", type=int, help="presence：月份（缺省为本月）")
        parser.add_argument("--rebuild", action="store_true", help="tallies：从民情日记重新汇总")
        parser.add_argument("--cadre", default="", help="link：干部身份证号")
        parser.add_argument("--account", default="", help="link：账号（留空为解除关联）")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围和权限）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: `fupin --help` loads every command module and should stay light
        from django.utils import timezone

        from fupin.core.actors import SYSTEM_VIEWER
        from fupin.fieldwork import selectors, services

        actor, area, today = options["actor"], options["area"], timezone.localdate()
        viewer = actor or SYSTEM_VIEWER
        year = options["year"] or today.year
        if options["action"] == "review":
            if not options["year"]:
                raise CommandError("请用 --year 指定考核年度")
            from fupin.core.permissions import allowed

            proposals = allowed(actor, "fieldwork.adjust", area)  # the county's organization department proposes
            run = services.ratings_compute(actor=actor, area_code=area, year=year, proposals=proposals)
            made = run.proposed
            grades = "，".join(f"{g} {n:,} 人" for g, n in sorted(run.grades.items())) or "无"
            self.stdout.write(f"{year} 年度考核：评定 {run.rated:,} 人（{grades}），受限制等次 {run.capped:,} 人，"
                              f"尚无评分 {run.unscored:,} 人；"
                              + (f"新提出调整建议 {made} 人" if proposals else "调整建议由县委组织部提出"))  # fmt: skip
        elif options["action"] == "tallies":
            if options["rebuild"]:
                n = services.tallies_rebuild(actor=actor, area_code=area, year=year)
                self.stdout.write(f"已重新汇总 {n:,} 行（村 × 月 × 类型）")
            for t in selectors.tallies(viewer=viewer, area_code=area, year=year):
                extra = f"（{t.amount_text}）" if t.kind == "project" else ""
                self.stdout.write(f"{t.label}：{t.count:,}{extra}")
        elif options["action"] == "presence":
            month = options["month"] or today.month
            total, short = selectors.presence_short(viewer=viewer, area_code=area, year=year, month=month)
            self.stdout.write(f"{year} 年 {month} 月：在岗 {total:,} 人，在村天数不足 {len(short):,} 人")
            for r in short[:200]:
                p = r["posting"]
                who = f"{p.village_id} {p.cadre.name}（{p.get_role_display()}）"
                self.stdout.write(f"  {who}在村 {r['village_days']} 天，标准 {r['required_days']} 天")
        else:
            from fupin.accounts.selectors import user_by_username
            from fupin.cadres.selectors import cadre_by_person_id
            from fupin.cadres.services import cadre_account_link

            cadre = cadre_by_person_id(viewer=viewer, person_id=options["cadre"].strip().upper())
            if cadre is None:
                raise CommandError("没有该身份证号的干部（或不在您的管辖范围内）")
            user = user_by_username(viewer=viewer, username=options["account"]) if options["account"] else None
            cadre_account_link(actor=actor, cadre=cadre, user=user)
            self.stdout.write(f"{cadre.name}：{'已关联账号 ' + options['account'] if user else '已解除账号关联'}")
