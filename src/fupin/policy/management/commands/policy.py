from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand
from fupin.policy.defaults import SPECS, defaults_text, format_value
from fupin.policy.models import Parameter
from fupin.policy.selectors import param
from fupin.policy.services import parameter_set


class Command(FupinCommand):
    help = "政策参数：show 列出某年度的取值与依据；set KEY YEAR VALUE 由省级管理员修改（留痕）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "set"])
        parser.add_argument("values", nargs="*", help="set：参数名 起始年度 取值")
        parser.add_argument("--year", type=int, default=2017, help="show：年度")
        self.add_user_argument(parser, help="set：以该用户身份（须为省级管理员）；缺省为系统")
        parser.add_argument("--note", default="", help="set：依据/说明")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            year = options["year"]
            for key, spec in SPECS.items():
                stored = Parameter.objects.filter(key=key, year__lte=year).order_by("-year").first()
                origin = f"（{stored.year} 年起，已修改：{stored.note}）" if stored else "（默认值）"
                self.stdout.write(f"{key:<28} {spec.title}：{format_value(key, param(key, year))}{origin}")
                self.stdout.write(f"{'':<28} 依据：{spec.source}")
                if len(set(spec.by_year.values())) > 1:
                    self.stdout.write(f"{'':<28} 默认值：{defaults_text(key)}")
            return
        if len(options["values"]) != 3:
            raise CommandError("用法：fupin policy set 参数名 起始年度 取值 --user 用户名 [--note 依据]")
        key, year, value = options["values"]
        try:
            row = parameter_set(actor=options["actor"], key=key, year=int(year), value=value, note=options["note"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{SPECS[key].title}：{row.year} 年起为 {format_value(key, row.value)}")
