from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = (
        "考核问责：standard 按标准指标体系制定（或沿用同名）考核方案并运行考核；all 运行本地区本年度全部考核方案并"
        "评定帮扶单位等次；run 重新运行一个方案；ranking 考核排名；units 评定帮扶单位年度等次；cases 未办结的约谈问责"
        "（按立案时长）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["standard", "all", "run", "ranking", "units", "cases"])
        parser.add_argument("--area", default="520000000000", help="考核单位的区划代码（缺省为全省）")
        parser.add_argument("--year", type=int, help="年度")
        parser.add_argument("--assessed", help="standard：考核对象（extremely_poor_townships、deep_poverty_villages…）")
        parser.add_argument("--title", help="standard：方案名称（缺省按年度和考核对象）")
        parser.add_argument("--bottom", type=int, default=1, help="standard：末位数（缺省 1）")
        parser.add_argument("--scheme", type=int, help="run、ranking：方案编号")
        parser.add_argument("--limit", type=int, default=20, help="ranking：显示前几名和末位（缺省 20）")
        self.add_user_argument(parser, help="以该用户身份（按其管辖范围和权限）；缺省为系统")

    def handle(self, *args: Any, **options: Any) -> None:
        from fupin.assessment import selectors, services
        from fupin.assessment.choices import Assessed
        from fupin.core.actors import SYSTEM_VIEWER

        actor = options["actor"]
        viewer = actor or SYSTEM_VIEWER
        action, year = options["action"], options["year"]
        if action in ("standard", "all", "units") and not year:
            raise CommandError("请用 --year 指定年度")
        if action == "standard":
            kind = options["assessed"]
            if kind not in Assessed.values:
                raise CommandError(f"--assessed 须为 {'、'.join(Assessed.values)} 之一")
            title = options["title"] or f"{year} 年{Assessed(kind).label}脱贫攻坚考核"
            scheme = selectors.schemes(viewer=viewer, year=year).filter(area_id=options["area"], title=title).first()
            if scheme is None:
                scheme = services.scheme_create(actor=actor, area_code=options["area"], year=year, title=title,
                                                assessed=kind, bottom=options["bottom"])  # fmt: skip
            self._run(actor, viewer, scheme.pk, options["limit"])
        elif action == "all":
            self._all(actor, options["area"], year)
        elif action in ("run", "ranking"):
            if not options["scheme"]:
                raise CommandError("请用 --scheme 指定方案编号")
            if action == "run":
                self._run(actor, viewer, options["scheme"], options["limit"])
            else:
                self._ranking(viewer, options["scheme"], options["limit"])
        elif action == "units":
            got = services.unit_grades_run(actor=actor, area_code=options["area"], year=year)
            grades = "，".join(f"{g} {n:,}" for g, n in sorted(got.by_grade.items()))
            self.stdout.write(f"{year} 年评定帮扶单位 {got.units:,} 个：{grades or '无派驻干部'}；不能评为一等奖的情形"
                              f" {got.capped:,} 个，连续两年的 {len(got.recurring):,} 个")  # fmt: skip
        else:
            self._cases(viewer)

    def _cases(self, viewer: Any) -> None:
        from fupin.assessment import selectors

        for band in selectors.open_cases_by_age(viewer=viewer):
            self.stdout.write(f"立案{band['label']}：{band['count']:,} 件（超过整改时限 {band['overdue']:,}）")
        for row in selectors.cases_by_problem(viewer=viewer):
            self.stdout.write(f"{row['label']}：未办结 {row['open']:,} 件，已销号 {row['closed']:,} 件，"
                              f"容错免责 {row['exempted']:,} 件")  # fmt: skip

    def _all(self, actor: Any, area: str, year: int) -> None:
        from fupin.assessment import services

        done = services.schemes_run(actor=actor, area_code=area, year=year)
        self.stdout.write(f"{year} 年运行考核方案 {done.schemes:,} 个：参加排名 {done.assessed:,} 个单位，"
                          f"末位 {done.bottom:,} 个")  # fmt: skip
        for why in done.skipped:
            self.stdout.write(f"  未运行：{why}")
        got = services.unit_grades_run(actor=actor, area_code=area, year=year)
        self.stdout.write(f"评定帮扶单位 {got.units:,} 个，不能评为一等奖的情形 {got.capped:,} 个")

    def _run(self, actor: Any, viewer: Any, scheme_id: int, limit: int) -> None:
        from fupin.assessment import services

        run = services.scheme_run(actor=actor, scheme_id=scheme_id)
        self.stdout.write(f"方案 {scheme_id}：{run.assessed:,} 个单位参加排名，末位 {len(run.bottom)} 个")
        for title, n in run.missing.items():
            self.stdout.write(f"  缺少数据（按 0 分计）：{title} {n:,} 个单位")
        self._ranking(viewer, scheme_id, limit)

    def _ranking(self, viewer: Any, scheme_id: int, limit: int) -> None:
        from fupin.assessment import selectors

        scheme = selectors.scheme_get(viewer=viewer, scheme_id=scheme_id)
        rows: list[Any] = list(selectors.ranking(viewer=viewer, scheme=scheme))
        shown: list[Any] = rows if len(rows) <= 2 * limit else [*rows[:limit], None, *rows[-limit:]]
        for r in shown:
            if r is None:
                self.stdout.write("  …")
                continue
            flags = ("  末位：" + scheme.get_consequence_display() if r.bottom else "") + (
                f"  一票否决：{r.capped}" if r.capped else ""
            )
            self.stdout.write(f"  {r.rank:>4}  {r.area.name}  {r.total} 分{flags}")
