"""Import-template files (CSV and xlsx, one row per person) from the synthetic province's Parquet output."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

HEADERS = {
    "household_id": "户编号",
    "village_code": "村代码",
    "attribute": "贫困户属性",
    "main_cause": "主要致贫原因",
    "identified_year": "识别年度",
    "exit_year": "脱贫年度",
    "name": "姓名",
    "person_id": "身份证号",
    "sex": "性别",
    "birth_date": "出生日期",
    "relation": "与户主关系",
    "education": "文化程度",
    "student": "在校生",
    "health": "健康状况",
    "labour": "劳动技能",
    "migrant_months": "务工时间(月)",
    "medical_insurance": "基本医疗保险",
    "critical_illness_insurance": "大病保险",
}


def build_table(parquet_dir: Path, limit: int | None = None) -> pa.Table:
    households = pq.read_table(parquet_dir / "households.parquet")
    members = pq.read_table(parquet_dir / "members.parquet")
    if limit:
        members = members.slice(0, limit)
        # whole households only
        last = members.column("household_id")[-1]
        members = members.filter(pc.not_equal(members.column("household_id"), last))
    joined = members.join(
        households.select(["household_id", "village_code", "attribute", "main_cause", "identified_year", "exit_year"]),
        "household_id",
    )
    exit_year = pc.if_else(
        pc.equal(joined.column("exit_year"), 0), pa.scalar(None, pa.int16()), joined.column("exit_year")
    )
    joined = joined.set_column(joined.column_names.index("exit_year"), "exit_year", exit_year)
    cols = {}
    for name, header in HEADERS.items():
        col = joined.column(name)
        if pa.types.is_boolean(col.type):
            col = pc.if_else(col, "是", "否")
        cols[header] = col
    return pa.table(cols).sort_by([("户编号", "ascending")])


def write_files(table: pa.Table, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / "households.csv", out / "households.xlsx"
    pa_csv.write_csv(table, csv_path)
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("贫困户家庭成员")
    ws.append(table.column_names)
    columns = [c.to_pylist() for c in table.columns]
    for row in zip(*columns, strict=True):
        ws.append([v.isoformat() if hasattr(v, "isoformat") else v for v in row])
    wb.save(xlsx_path)
    return csv_path, xlsx_path


if __name__ == "__main__":
    t = build_table(Path(sys.argv[1]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
    write_files(t, Path(sys.argv[2]))
    print(t.num_rows)  # noqa: T201
