from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "运行专项治理核查（错评、错退、漏评、数据质量、部门比对），保存发现；重复运行不产生重复记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area", default="520000000000", help="区划代码（缺省全省）")
        parser.add_argument("--engine", default="duckdb", choices=["duckdb", "sqlite", "postgres", "spark"])
        self.add_user_argument(parser, help="以该用户身份运行（按其管辖范围）；缺省为系统")
        parser.add_argument(
            "--parquet",
            help="核查 Parquet 数据目录（合成省或分省的全国布局；集群上用 hdfs:// 或 s3a:// 路径），不读写数据库",
        )
        parser.add_argument("--out", help="与 --parquet 同用：核查发现写入此 Parquet 文件")
        parser.add_argument("--memory-limit", help="与 --parquet、duckdb 同用：内存上限（如 4GB），超出部分落盘")

    def handle(self, *args: Any, **options: Any) -> None:
        # deferred: the rules engines (Ibis, DuckDB) load only when a check runs, not for `fupin --help`
        from fupin.analytics.rules import BY_ID
        from fupin.checks.services import check_run

        if options["parquet"]:
            self._parquet(options)
            return
        from fupin.checks.datayears import require_data

        require_data(options["area"], options["year"])  # 区划不存在 / 暂无建档立卡数据 / 年度超出范围: exit 1
        run = check_run(
            actor=options["actor"], year=options["year"], area_code=options["area"], engine=options["engine"]
        )
        for rule_id, count in sorted(run.counts.items()):
            self.stdout.write(f"{BY_ID[rule_id].title}：{count}")
        self.stdout.write(
            f"共 {sum(run.counts.values())} 条，新发现 {run.new_findings} 条，用时 {run.seconds} 秒（{run.engine}）"
        )

    def _parquet(self, options: dict[str, Any]) -> None:
        """National scale: the rules over Parquet files on DuckDB (memory-capped) or Spark; nothing in the database."""
        import pyarrow.parquet as pq

        from fupin.analytics.params import Params
        from fupin.analytics.rules import BY_ID
        from fupin.analytics.run import run_parquet

        if options["engine"] not in ("duckdb", "spark"):
            raise CommandError("--parquet 只支持 duckdb 或 spark 引擎")
        try:
            out = run_parquet(
                options["parquet"], options["engine"], Params.defaults(options["year"]),
                memory_limit=options["memory_limit"],
            )  # fmt: skip
        except FileNotFoundError as exc:
            raise CommandError(f"Parquet 数据不存在：{exc}") from None
        for rule_id, count in sorted(out.result.by_rule().items()):
            self.stdout.write(f"{BY_ID[rule_id].title}：{count}")
        self.stdout.write(
            f"{out.households:,} 户 {out.people:,} 人：共 {out.result.findings.num_rows:,} 条发现，"
            f"用时 {out.seconds:.1f} 秒（{options['engine']}）"
        )
        if options["out"]:
            pq.write_table(out.result.findings, options["out"])
            self.stdout.write(f"核查发现已写入 {options['out']}")
