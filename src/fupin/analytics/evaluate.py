"""`fupin evaluate FILE --year Y`: exit verdicts for households listed in a spreadsheet, with no database.

For third-party evaluators: one row per household with its year's income and 两不愁三保障 facts; the output lists
each household with 符合/不符合 and every veto in Chinese. The same Ibis rule as the live checks, run on DuckDB.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from fupin.lib import tabular as tb

from . import engines
from .params import Params
from .verdicts.household import EXIT_VETOES, assemble, exit_vetoes

H = "household"
SPEC = [
    tb.Col("户编号", "household_id", H, "text", True, max_len=24),
    tb.Col("识别年度", "identified_year", H, "int", True, lo=2013, hi=2035),
    tb.Col("人均纯收入", "income_per_capita", H, "float", True, lo=-10_000_000, hi=10_000_000),
    tb.Col("不愁吃", "food_ok", H, "bool", True),
    tb.Col("不愁穿", "clothing_ok", H, "bool", True),
    tb.Col("义务教育有保障", "education_ok", H, "bool", True),
    tb.Col("基本医疗有保障", "medical_ok", H, "bool", True),
    tb.Col("住房等级", "housing_grade", H, "choice", True, ("A", "B", "C", "D")),
    tb.Col("易地扶贫搬迁", "relocated", H, "bool"),
    tb.Col("饮水安全", "water_ok", H, "bool"),
]


def evaluate_file(path: Path, year: int, params: Params | None = None) -> tuple[pa.Table, list[tb.RowError]]:
    """(verdicts: 户编号, 退出结论, 原因; errors of refused rows). Refused rows get no verdict."""
    params = params or Params.defaults(year)
    sheet = tb.read_table(Path(path), SPEC)
    checked = tb.check_columns(sheet, SPEC, villages=set(), allowed=None)
    keep = pa.array(~checked.bad)
    v = {k: a.filter(keep) for k, a in checked.values.items()}
    n = len(v["household_id"])
    households = pa.table(
        {
            "household_id": v["household_id"],
            "village_code": pa.array([""] * n, pa.string()),
            "attribute": pa.array([""] * n, pa.string()),
            "main_cause": pa.array([""] * n, pa.string()),
            "identified_year": v["identified_year"].cast(pa.int32()),
            "exit_year": pa.nulls(n, pa.int32()),
            "size": pa.array([0] * n, pa.int32()),
        }
    )
    years = pa.table(
        {
            "household_id": v["household_id"],
            "year": pa.array([year] * n, pa.int32()),
            "income_per_capita": v["income_per_capita"],
            "production_income": pa.array([0.0] * n),
            "food_ok": v["food_ok"],
            "clothing_ok": v["clothing_ok"],
            "education_ok": v["education_ok"],
            "medical_ok": v["medical_ok"],
            "housing_grade": v["housing_grade"],
            "relocated": v.get("relocated", pa.array([False] * n)),
            "water_ok": v.get("water_ok", pa.array([True] * n))
            if "water_ok" in sheet.columns
            else pa.array([True] * n),
        }
    )
    with engines.load({"households": households, "household_years": years}, "duckdb") as inputs:
        reasons = exit_vetoes(inputs, params).to_pyarrow()
    verdicts = assemble(reasons, v["household_id"].to_pylist(), EXIT_VETOES, params.exit_line)
    out = pa.table(
        {
            "户编号": verdicts.column("household_id"),
            "退出结论": pa.array(["符合退出标准" if ok else "不符合" for ok in verdicts.column("ok").to_pylist()]),
            "原因": verdicts.column("reasons"),
        }
    )
    return out, sorted(checked.errors, key=lambda e: (e.row, e.column))
