"""`fupin evaluate FILE --year Y`: exit verdicts for households listed in a spreadsheet (third-party evaluation).

The spreadsheet (columns: :mod:`fupin.analytics.evaluate_spec`) becomes the canonical tables ``households``,
``members`` and ``household_years``, and the verdicts come from the live system's own rule,
:func:`fupin.analytics.verdicts.household.exit_vetoes`, run on DuckDB — so 义务教育, 基本医疗 and 饮水安全 are judged
from the facts when the sheet gives them. Where it gives only the recorded judgement (no member rows for a
household), a 否 there is a veto of its own ("…无保障（评估表登记）"); where it gives both and they disagree, the facts
decide and the 数据不一致 column says so. The parameters (exit line, age band, water thresholds) are passed in: the
command reads the stored ones; this module imports no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.lib import tabular as tb

from . import engines
from .evaluate_spec import (
    BY_FIELD,
    EDUCATION_HEADERS,
    MEDICAL_HEADERS,
    MEMBER_HEADERS,
    NOT_OK,
    OK,
    RESULT_COLUMNS,
    SOURCES,
    SPEC,
    TEMPLATE_COMMAND,
    TEMPLATE_HINT,
    H,
)
from .params import Params
from .verdicts.household import EXIT_VETOES, assemble, exit_vetoes

# the recorded judgement's own vetoes, for households without member facts; each follows its fact-based veto
RECORDED = {
    "education": ("education_recorded", "义务教育无保障（评估表登记）"),
    "medical": ("medical_recorded", "基本医疗无保障（评估表登记）"),
}
VETOES: dict[str, str] = {}
for _code, _text in EXIT_VETOES.items():
    VETOES[_code] = _text
    if _code in RECORDED:
        VETOES[RECORDED[_code][0]] = RECORDED[_code][1]
WATER_FACT_CODES = frozenset({"water_quantity", "water_quality", "water_time", "water_cut"})
WATER_FACTS = ("water_litres", "water_quality_ok", "water_minutes", "water_cut_days")
INCOME_TOLERANCE = 0.01

LATE = "识别年度晚于评估年度"


@dataclass
class Evaluation:
    """``verdicts``: one row per judged household (户编号, 退出结论, 原因, 数据不一致); ``errors``: the refused rows
    (not judged); ``ignored_headers``: headers of the file that are no column of the evaluation."""

    verdicts: pa.Table
    errors: list[tb.RowError]
    ignored_headers: list[str] = field(default_factory=list)


def evaluate_file(path: Path, year: int, params: Params | None = None, *, capped: bool = False) -> Evaluation:
    """Exit verdicts of ``year`` for the households of the spreadsheet at ``path`` (FileUnreadable if it cannot be
    read as a whole). ``params`` must be of ``year``; default: POLICY.md's defaults."""
    params = params or Params.defaults(year)
    if params.year != year:
        raise ValueError(f"parameters of {params.year} for an evaluation of {year}")
    sheet = _read(Path(path), capped=capped)  # capped: parsed in a memory- and time-capped child (uploads)
    checked = tb.check_columns(sheet, SPEC, villages=set(), allowed=None)
    rows = _Rows(sheet, checked)
    rows.check(year)
    verdicts = rows.judge(params) if rows.kept.size else _empty()
    return Evaluation(verdicts, sorted(rows.out.errors, key=lambda e: (e.row, e.column)), sheet.ignored_headers)


def _read(path: Path, *, capped: bool = False) -> tb.Sheet:
    try:
        sheet = tb.read_table(path, SPEC, capped=capped)
    except tb.FileUnreadable as exc:
        raise tb.FileUnreadable(str(exc).replace("`fupin template`", f"`{TEMPLATE_COMMAND}`")) from None
    income_headers = [BY_FIELD[f].header for f in ("income_given", *SOURCES)]
    if not any(h in sheet.columns for h in income_headers):
        raise tb.FileUnreadable(
            f"缺少人均纯收入列（或各项收入列：{'、'.join(income_headers[1:])}，与家庭人口列）。{TEMPLATE_HINT}"
        )
    return sheet


def _empty() -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in RESULT_COLUMNS})


class _Rows:
    """The typed rows of the sheet, the row checks of the evaluation, and the canonical tables built from them."""

    def __init__(self, sheet: tb.Sheet, checked: tb.Checked) -> None:
        self.sheet, self.checked = sheet, checked
        self.v = checked.values
        self.n = sheet.n
        self.out = tb.Collector(tb.Sheet({}, sheet.rows))
        self.out.bad = checked.bad  # shared: the column checks' refusals and ours
        self.out.errors = checked.errors
        self.hid = self.v["household_id"]
        self.hid_np = np.array(self.hid.to_pylist(), dtype=object).astype(str)
        self.member_row = np.zeros(self.n, dtype=bool)
        for header in MEMBER_HEADERS:
            if header in sheet.columns:
                self.member_row |= tb.np_bool(pc.is_valid(sheet.columns[header]))
        self.edu_facts = any(h in sheet.columns for h in EDUCATION_HEADERS)
        self.med_facts = any(h in sheet.columns for h in MEDICAL_HEADERS)
        self.kept = np.zeros(0, dtype=np.int64)
        self.income = np.full(self.n, np.nan)

    # ----------------------------------------------------------------------------------------------- columns

    def present(self, name: str) -> np.ndarray:
        arr = self.sheet.columns.get(BY_FIELD[name].header)
        return np.zeros(self.n, dtype=bool) if arr is None else tb.np_bool(pc.is_valid(arr))

    def num(self, name: str) -> np.ndarray:
        arr = self.v.get(name)
        if arr is None:
            return np.full(self.n, np.nan)
        values: np.ndarray = pc.fill_null(pc.cast(arr, pa.float64()), np.nan).to_numpy(zero_copy_only=False)
        return values

    def flag(self, name: str) -> np.ndarray:
        arr = self.v.get(name)
        return np.zeros(self.n, dtype=bool) if arr is None else tb.np_bool(arr)

    def add(self, mask: np.ndarray, name: str, reason: str, *, show_value: bool = True) -> None:
        col = BY_FIELD[name]
        self.out.add(mask, col, self.sheet.columns.get(col.header) if show_value else None, reason)

    # ------------------------------------------------------------------------------------------------ checks

    def check(self, year: int) -> None:
        self.add(self.num("identified_year") > year, "identified_year", LATE)
        self._check_income()
        self._check_households()
        self._check_members()
        refused = tb.spread_to_groups(self.hid, self.out.bad)  # a household is judged on all its rows or not at all
        self.kept = np.flatnonzero(~refused)

    def _check_income(self) -> None:
        sources = np.column_stack([self.num(f) for f in SOURCES])
        with_sources = np.zeros(self.n, dtype=bool)
        for f in SOURCES:
            with_sources |= self.present(f)
        given, size = self.num("income_given"), self.num("size")
        self.add(with_sources & ~self.present("size"), "size", "填写了各项收入时必须填写家庭人口", show_value=False)
        self.add(
            ~with_sources & ~self.present("income_given"),
            "income_given",
            "必填：人均纯收入，或各项收入与家庭人口",
            show_value=False,
        )
        total = np.nan_to_num(sources) @ np.array([1.0, 1.0, -1.0, 1.0, 1.0])
        usable = with_sources & (size > 0)
        computed = np.full(self.n, np.nan)
        computed[usable] = np.round(total[usable] / size[usable], 2)
        differ = ~np.isnan(given) & ~np.isnan(computed) & (np.abs(given - computed) > INCOME_TOLERANCE + 1e-9)
        header = BY_FIELD["income_given"].header
        for i in np.flatnonzero(differ).tolist():
            self.out.bad[i] = True
            self.out.errors.append(
                tb.RowError(
                    int(self.sheet.rows[i]),
                    header,
                    f"{given[i]:.2f}",
                    f"填写的人均纯收入 {given[i]:,.2f} 元与按各项收入和家庭人口计算的 {computed[i]:,.2f} 元不一致"
                    f"（相差超过 {INCOME_TOLERANCE} 元）",
                )
            )
        self.income = np.where(np.isnan(given), computed, given)

    def _check_households(self) -> None:
        _, inverse, counts = np.unique(self.hid_np, return_inverse=True, return_counts=True)
        several = (counts[inverse] > 1) & (self.hid_np != "")
        self.add(
            several & ~self.member_row,
            "household_id",
            "户编号重复：每户一行；按成员填写时每行为一名成员（填写姓名或身份证号）",
        )
        for col in SPEC:
            if col.level == H and col.header in self.sheet.columns:
                differs = several & tb.group_inconsistent(self.hid, self.sheet.columns[col.header])
                self.add(differs, col.field, "同一户的各行此列不一致")

    def _check_members(self) -> None:
        m = self.member_row
        self.add(
            m & ~self.present("name") & ~self.present("id_number"),
            "name",
            "成员行须填写姓名或身份证号",
            show_value=False,
        )
        if self.edu_facts:
            self.add(
                m & ~self.present("birth_given") & ~self.present("id_number"),
                "birth_given",
                "缺少出生日期（或身份证号）：无法判断是否为义务教育适龄",
                show_value=False,
            )
        if "id_number" in self.v:
            self.add(m & tb.duplicates(self.v["id_number"]), "id_number", "身份证号在本表中重复")
            if "birth_given" in self.v:
                given, from_id = self.v["birth_given"], self.checked.derived["birth_date"]
                differs = self.present("id_number") & tb.np_bool(pc.not_equal(given, from_id))
                self.add(differs, "birth_given", "与身份证号中的出生日期不符")

    # ----------------------------------------------------------------------------------------------- tables

    def opt_bool(self, name: str, idx: np.ndarray) -> pa.Array:
        """A yes/no column at ``idx`` with blanks as nulls (absent: all null)."""
        if name not in self.v:
            return pa.nulls(len(idx), pa.bool_())
        return pa.array(self.flag(name)[idx], mask=~self.present(name)[idx])

    def opt_num(self, name: str, idx: np.ndarray, kind: pa.DataType) -> pa.Array:
        values = self.num(name)[idx]
        return pa.array(values, mask=np.isnan(values)).cast(kind)

    def tables(self, year: int) -> tuple[dict[str, pa.Table], np.ndarray, np.ndarray]:
        """(canonical tables, row index of each household's first row, row index of each member row)."""
        kept = self.kept
        _, first_pos = np.unique(self.hid_np[kept], return_index=True)
        first = np.sort(kept[first_pos])
        members = kept[self.member_row[kept]]
        hid = self.hid_np[first]
        count = dict(zip(*np.unique(self.hid_np[members], return_counts=True), strict=True))
        size = self.num("size")[first]
        sizes = [int(s) if not np.isnan(s) else int(count.get(h, 0)) for h, s in zip(hid, size, strict=True)]
        k = len(first)
        households = pa.table(
            {
                "household_id": pa.array(hid.tolist(), pa.string()),
                "village_code": pa.array([""] * k, pa.string()),
                "attribute": pa.array([""] * k, pa.string()),
                "main_cause": pa.array([""] * k, pa.string()),
                "identified_year": pa.array(self.num("identified_year")[first].astype(np.int32)),
                "exit_year": pa.nulls(k, pa.int32()),
                "size": pa.array(sizes, pa.int32()),
            }
        )
        years = pa.table(
            {
                "household_id": pa.array(hid.tolist(), pa.string()),
                "year": pa.array([year] * k, pa.int32()),
                "income_per_capita": pa.array(self.income[first], pa.float64()),
                "production_income": pa.array(np.nan_to_num(self.num("business_income")[first]), pa.float64()),
                "food_ok": pa.array(self.flag("food_ok")[first]),
                "clothing_ok": pa.array(self.flag("clothing_ok")[first]),
                "education_ok": self.opt_bool("education_ok", first),
                "medical_ok": self.opt_bool("medical_ok", first),
                "housing_grade": self.v["housing_grade"].take(pa.array(first)),
                "relocated": pa.array(self.flag("relocated")[first]),
                "water_ok": self.opt_bool("water_ok", first),
                "water_litres": self.opt_num("water_litres", first, pa.float64()),
                "water_quality_ok": self.opt_bool("water_quality_ok", first),
                "water_minutes": self.opt_num("water_minutes", first, pa.int32()),
                "water_cut_days": self.opt_num("water_cut_days", first, pa.int32()),
                "water_short_area": pa.array(self.flag("water_short_area")[first]),
            }
        )
        return (
            {"households": households, "members": self._members(members), "household_years": years},
            first,
            members,
        )

    def _members(self, idx: np.ndarray) -> pa.Table:
        """The member rows as canonical members. Without 在校生/送教上门 columns nobody's age is known (so education
        is not judged from members); without either insurance column everybody counts as insured (so medical is
        not judged from members): the recorded judgement decides instead."""
        k = len(idx)
        ids = [""] * k if "id_number" not in self.v else self.v["id_number"].take(pa.array(idx)).to_pylist()
        names = [""] * k if "name" not in self.v else self.v["name"].take(pa.array(idx)).to_pylist()
        rows = self.sheet.rows[idx].tolist()
        hid = self.hid_np[idx].tolist()
        birth = pa.nulls(k, pa.date32())
        if self.edu_facts:
            given = self.v.get("birth_given")
            birth = given.take(pa.array(idx)) if given is not None else birth
            if "birth_date" in self.checked.derived:
                from_id = self.checked.derived["birth_date"].take(pa.array(idx))
                has_id = pa.array([bool(i) for i in ids])
                birth = pc.coalesce(birth, pc.if_else(has_id, from_id, pa.scalar(None, pa.date32())))
        insured = self.flag if self.med_facts else (lambda _name: np.ones(self.n, dtype=bool))
        return pa.table(
            {
                "person_id": pa.array([i or f"{h}#{r}" for i, h, r in zip(ids, hid, rows, strict=True)], pa.string()),
                "household_id": pa.array(hid, pa.string()),
                "name": pa.array([n or f"身份证号尾号 {i[-4:]}" for n, i in zip(names, ids, strict=True)], pa.string()),
                "birth_date": birth,
                "relation": pa.array([""] * k, pa.string()),
                "student": pa.array(self.flag("student")[idx]),
                "home_schooled": pa.array(self.flag("home_schooled")[idx]),
                "health": pa.array([""] * k, pa.string()),
                "labour": pa.array([""] * k, pa.string()),
                "migrant_months": pa.array([0] * k, pa.int32()),
                "medical_insurance": pa.array(insured("medical_insurance")[idx]),
                "critical_illness_insurance": pa.array(insured("critical_illness_insurance")[idx]),
            }
        )

    # ------------------------------------------------------------------------------------------------ verdicts

    def judge(self, params: Params) -> pa.Table:
        tables, first, members = self.tables(params.year)
        with engines.load(tables, "duckdb") as inputs:
            reasons = exit_vetoes(inputs, params).to_pyarrow()
        hid = self.hid_np[first].tolist()
        with_members = set(self.hid_np[members].tolist())
        recorded = {"education": self.opt_bool("education_ok", first), "medical": self.opt_bool("medical_ok", first)}
        facts = {"education": self.edu_facts, "medical": self.med_facts}
        extra = [
            {"household_id": h, "code": RECORDED[g][0], "value": None, "detail": None}
            for g, said in recorded.items()
            for h, ok in zip(hid, said.to_pylist(), strict=True)
            if ok is False and not (facts[g] and h in with_members)
        ]
        rows = reasons.to_pylist() + extra
        every = pa.Table.from_pylist(rows, schema=reasons.schema)
        verdicts = assemble(every, hid, VETOES, params.exit_line)
        codes: dict[str, set[str]] = {}
        for r in rows:
            codes.setdefault(r["household_id"], set()).add(r["code"])
        water_said = self.opt_bool("water_ok", first).to_pylist()
        water_known = np.zeros(len(first), dtype=bool)
        for f in WATER_FACTS:
            water_known |= self.present(f)[first]
        mismatch: dict[str, str] = {}
        for k, h in enumerate(hid):
            found = codes.get(h, set())
            notes = []
            for g, what, basis in (("education", "义务教育", "成员在校信息"), ("medical", "基本医疗", "成员参保信息")):
                said = recorded[g][k].as_py()
                if facts[g] and h in with_members and said is not None and said == (g in found):
                    notes.append(f"{what}：登记为{'有' if said else '无'}保障，但按{basis}{'无' if said else '有'}保障")
            said = water_said[k]
            if water_known[k] and said is not None and said == bool(found & WATER_FACT_CODES):
                basis = "水量、水质、取水时间、停水天数"
                notes.append(f"饮水安全：登记为{'' if said else '不'}安全，但按{basis}{'不' if said else ''}安全")
            mismatch[h] = "；".join(notes)
        ids = verdicts.column("household_id").to_pylist()
        return pa.table(
            {
                RESULT_COLUMNS[0]: verdicts.column("household_id"),
                RESULT_COLUMNS[1]: pa.array([OK if ok else NOT_OK for ok in verdicts.column("ok").to_pylist()]),
                RESULT_COLUMNS[2]: verdicts.column("reasons"),
                RESULT_COLUMNS[3]: pa.array([mismatch.get(h, "") for h in ids], pa.string()),
            }
        )
