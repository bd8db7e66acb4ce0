"""Hypothesis fuzzes the column-wise row parser: it never crashes, and its vectorised ID and date checks agree with
the scalar reference (lib.idnumbers.parse, datetime.date) on arbitrary input."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from fupin.lib import tabular as tb
from fupin.lib.idnumbers import IdNumberError, parse

SPEC = [
    tb.Col("户编号", "household_no", "household", "text", True, max_len=24),
    tb.Col("村代码", "village_code", "household", "village", True),
    tb.Col("属性", "attribute", "household", "choice", True, ("一般贫困户", "低保贫困户"), (("低保户", "低保贫困户"),)),
    tb.Col("年度", "year", "household", "int", True, lo=2013, hi=2035),
    tb.Col("身份证号", "id_number", "member", "idnumber", True),
    tb.Col("出生日期", "birth", "member", "date"),
    tb.Col("在校生", "student", "member", "bool"),
]
VILLAGES = {"520526101001", "520526101002"}

cell = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2300, 1, 1)),
    st.sampled_from(["520526101001", "一般贫困户", "低保户", "是", "否", "2017", "2017.0", "1970-01-01", "19700101"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=0, max_size=9), min_size=0, max_size=30))
def test_the_parser_never_crashes_and_every_refused_row_has_a_reason(rows):
    header = [c.header for c in SPEC]
    sheet = tb._from_rows([header, *rows], SPEC, first_row=1)
    checked = tb.check_columns(sheet, SPEC, villages=VILLAGES, allowed={"520526101001"})
    assert len(checked.bad) == sheet.n
    error_rows = {e.row for e in checked.errors}
    refused = set(sheet.rows[checked.bad].tolist())
    assert refused == error_rows
    assert all(2 <= r <= len(rows) + 1 for r in error_rows)
    for e in checked.errors:
        assert e.reason
        assert e.column in header


ids18 = st.text(alphabet="0123456789Xx", min_size=18, max_size=18)


def _valid_id(prefix: str, born: date, seq: int) -> str:
    body = f"{prefix}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body)


valid_ids = st.builds(
    _valid_id,
    st.sampled_from(["520526", "522633", "110101"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(ids18, valid_ids, st.text(max_size=20)), min_size=1, max_size=40))
@example(["52052619700101001x", "520526700101123", "52052619700230001X", "5205261970010100"])
def test_vectorised_id_check_agrees_with_the_scalar_parser(values):
    arr = pa.array([v.strip() or None for v in values], pa.string())
    text, fails, birth, male = tb._id_numbers(arr)
    failed = np.zeros(len(values), dtype=bool)
    for mask in fails.values():
        failed |= mask
    for i, raw in enumerate(values):
        if not raw.strip():
            continue
        try:
            ident = parse(raw)
        except IdNumberError:
            assert failed[i], raw
            continue
        assert not failed[i], raw
        assert text[i].as_py() == ident.number
        assert birth[i] == np.datetime64(ident.birth_date)
        assert bool(male[i]) == (ident.sex == "男")


@settings(max_examples=300, deadline=None)
@given(st.integers(1800, 2300), st.integers(-1, 14), st.integers(-1, 33), st.sampled_from(["-", "/", ".", "年"]))
def test_dates_agree_with_the_calendar(y, m, d, sep):
    text = f"{y}{sep}{m}{'月' if sep == '年' else sep}{d}{'日' if sep == '年' else ''}"
    ok, days = tb._parse_dates(pa.array([text]))
    try:
        expected = date(y, m, d)
    except ValueError:
        expected = None
    if expected is None or not 1880 <= y <= 2200 or m < 0 or d < 0:
        assert not ok[0], text  # impossible dates and years outside 1880–2200 are refused
    else:
        assert ok[0], text
        assert days[0] == np.datetime64(expected)
