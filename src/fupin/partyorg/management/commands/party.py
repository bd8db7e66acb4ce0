from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = (
        "村级党组织：identify 按认定标准排查本年度软弱涣散村党组织（开立整顿台账）；summary 组织、书记、后备力量、"
        "软弱涣散村整顿情况；election 换届中选任村党组织书记的来源统计；vacancies 书记空缺的村；"
        "guarantees 基层保障低于标准的村"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["identify", "summary", "election", "vacancies", "guarantees"])
        parser.add_argument("--area", default="520000000000", help="区划代码（缺省为全省）")
        parser.add_argument("--year", type=int, help="年度（缺省为今年）")
        parser.add_argument("--round", type=int, default=10, help="election：届次（缺省为第十届）")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围和权限）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: `fupin --help` loads every command module and should stay light
        from django.utils import timezone

        from fupin.core.actors import SYSTEM_VIEWER
        from fupin.partyorg import selectors, services

        actor, area = options["actor"], options["area"]
        viewer = actor or SYSTEM_VIEWER
        year = options["year"] or timezone.localdate().year
        action = options["action"]
        if action == "identify":
            if not options["year"]:
                raise CommandError("请用 --year 指定排查年度")
            result = services.weak_identify(actor=actor, area_code=area, year=year)
            self.stdout.write(f"{year} 年排查村党组织 {result.organizations:,} 个，认定软弱涣散 {result.weak:,} 个"
                              f"（新列入 {result.added:,}，更新 {result.updated:,}）")  # fmt: skip
            for criterion, n in sorted(result.by_criterion.items()):
                self.stdout.write(f"  {services.criterion_label(criterion)}：{n:,}")
        elif action == "summary":
            s = selectors.area_summary(viewer=viewer, area_code=area, year=year)
            t = s["total"]
            if not t:
                self.stdout.write("该地区还没有村党组织数据")
                return
            self.stdout.write(
                f"{year} 年（截至 {s['as_of']:%Y-%m-%d}）：村党组织 {t['orgs']:,} 个，党员 {t['members']:,} 人；"
                f"书记在岗 {t['secretaries']:,}，空缺 {t['vacant']:,}，一肩挑 {t['one_shoulder']:,}；"
                f"后备力量 {t['pool']:,} 人；软弱涣散村 {t['weak']:,}"
                f"（验收合格 {t['passed']:,}，不合格 {t['failed']:,}）；"
                f"调整书记 {t['adjusted']:,} 人"
            )
            for title, key in (("书记来源", "source"), ("年龄", "ages"), ("文化程度", "education"), ("性别", "gender")):
                self.stdout.write(f"{title}：" + "，".join(f"{label} {n:,}" for label, n in s[key]))
        elif action == "election":
            e = selectors.election_tallies(viewer=viewer, area_code=area, round=options["round"])
            self.stdout.write(
                f"第{e['round']}届村两委换届：村党组织书记 {e['secretaries']:,} 人，"
                f"其中新选任 {e['newly_chosen']:,} 人、"
                f"机关单位下派 {e['sent_down']:,} 人、连任 {e['re_elected']:,} 人；新选任中外出务工经商人员 "
                f"{e['migrant']:,} 人、致富能手 {e['local_capable']:,} 人"
            )
        elif action == "vacancies":
            rows = selectors.vacancies(viewer=viewer, area_code=area, limit=500)
            self.stdout.write(f"书记空缺的村：{len(rows):,} 个")
            for r in rows:
                since = f"{r['since']:%Y-%m-%d} 起空缺 {r['days']} 天" if r["since"] else "无任职记录"
                self.stdout.write(f"  {r['code']} {r['name']}：{since}{'（超过预警天数）' if r['flagged'] else ''}")
        else:
            rows = selectors.guarantees_short(viewer=viewer, area_code=area, year=year)
            self.stdout.write(f"{year} 年基层保障低于标准的村：{len(rows):,} 个")
            for r in rows[:500]:
                self.stdout.write(f"  {r['code']}：{'、'.join(r['reasons'])}")
