from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand

RESULT_SHEET = "贫困户家庭成员"


class Command(FupinCommand):
    help = "第三方评估：按表格逐户判定是否符合退出标准并列出原因（不需要数据库）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="xlsx 或 csv：户编号、识别年度、人均纯收入、不愁吃……")
        parser.add_argument("--year", type=int, required=True, help="评估年度（退出年度）")
        parser.add_argument("--out", type=Path, help="结果文件（xlsx 或 csv；缺省：<文件名>.评估结果.xlsx）")
        parser.add_argument("--exit-line", type=float, help="退出收入标准（缺省：该年度政策参数默认值）")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: the rules (Ibis) load only when an evaluation runs, not for `fupin --help`
        from fupin.analytics.evaluate import evaluate_file
        from fupin.analytics.params import Params
        from fupin.lib.tabular import FileUnreadable, write_rows

        path: Path = options["file"]
        params = Params.defaults(options["year"])
        if options["exit_line"] is not None:
            params = Params.defaults(options["year"], exit_line=options["exit_line"])
        try:
            verdicts, errors = evaluate_file(path, options["year"], params)
        except FileUnreadable as exc:
            raise CommandError(f"文件无法读取：{exc}", returncode=2) from None
        out: Path = options["out"] or path.with_name(path.stem + ".评估结果.xlsx")
        rows = zip(*(verdicts.column(c).to_pylist() for c in verdicts.column_names), strict=True)
        try:
            write_rows(out, list(verdicts.column_names), rows, sheet=RESULT_SHEET)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}") from None
        ok = sum(v == "符合退出标准" for v in verdicts.column("退出结论").to_pylist())
        self.stdout.write(
            f"{verdicts.num_rows} 户：符合退出标准 {ok} 户，不符合 {verdicts.num_rows - ok} 户"
            f"（退出标准 {params.exit_line:,.0f} 元）→ {out}"
        )
        for e in errors[:20]:
            self.stderr.write(f"第 {e.row} 行【{e.column}】“{e.value}”：{e.reason}")
        if errors:
            raise CommandError(f"{len({e.row for e in errors})} 行数据有误，未作判定", returncode=1)
