"""Exports never write a live formula, and the import takes back exactly what the export wrote."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from fupin.lib import tabular as tb

HOSTILE = ['=HYPERLINK("http://x.example","点我")', "+86 138", "-1+1", "@SUM(A1)", "\tTAB", "'普通引号", "张三"]
SPEC = [tb.Col("户编号", "household_no", "household", "text"), tb.Col("备注", "note", "household", "text")]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_hostile_values_round_trip_through_export_and_import(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    tb.write_rows(path, ["户编号", "备注"], [[f"H{k}", v] for k, v in enumerate(HOSTILE)], sheet="数据")
    back = tb.read_table(path, SPEC).columns["备注"].to_pylist()
    assert back == HOSTILE  # even a leading tab survives: its apostrophe kept it from being trimmed as blank


def test_no_exported_cell_is_a_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    tb.write_rows(path, ["户编号", "备注"], [[f"H{k}", v] for k, v in enumerate(HOSTILE)], sheet="数据")
    cells = [c for row in load_workbook(path).active.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert [c.value for c in cells if str(c.value).startswith("'")][:4] == ["'" + v for v in HOSTILE[:4]]
    csv_text = tb.write_rows(tmp_path / "out.csv", ["备注"], [[v] for v in HOSTILE], sheet="数据")
    assert csv_text == len(HOSTILE)
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")


def test_neutralise_touches_only_formula_starts():
    assert tb.neutralise("=1+1") == "'=1+1"
    assert tb.neutralise("张三") == "张三"
    assert tb.neutralise(-5) == -5  # numbers are numbers, never formulas
