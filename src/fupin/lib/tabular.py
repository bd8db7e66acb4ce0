"""Reading, validating and writing spreadsheets (CSV, xlsx, xls) — column-wise, pure Python (no Django).

A file becomes an Arrow table of strings (one column per known header); each column is then checked as a whole
with Arrow/NumPy kernels, so the Python work per row is limited to rows that fail. Failures become
:class:`RowError` (Excel row number, column header, value, reason in Chinese). The database half of the registry
import lives in ``fupin.registry.imports``; this module is what ``fupin evaluate``, the department loads and the
hypothesis fuzz tests drive directly. :func:`write_rows` writes rows back out as xlsx (text cells as text) or CSV.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .safefiles import DEFAULT_LIMITS, Limits, RefusedFile, check_file, run_capped

TRUE_WORDS = ("是", "有", "Y", "YES", "TRUE", "1", "√", "参加", "已参加")
FALSE_WORDS = ("否", "无", "N", "NO", "FALSE", "0", "×", "未参加")
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


class FileUnreadable(Exception):  # noqa: N818 - reads as the condition it names
    """The file as a whole cannot be read (exit code 2); the message is Chinese and names the cause."""


@dataclass(frozen=True)
class Col:
    header: str
    field: str
    level: str  # "household" or "member"
    kind: str  # text | int | bool | choice | date | idnumber | village
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    lo: int | None = None
    hi: int | None = None
    max_len: int = 64
    example: str = ""
    help: str = ""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number (header is row 1)
    column: str
    value: str
    reason: str


@dataclass
class Sheet:
    """A file read as strings: ``columns`` by known header, ``rows`` the spreadsheet row number of each row."""

    columns: dict[str, pa.Array]
    rows: np.ndarray
    ignored_headers: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)


@dataclass
class Checked:
    """Typed columns by field name (refused rows are still present; ``bad`` marks them) and the errors found."""

    values: dict[str, pa.Array]
    bad: np.ndarray
    errors: list[RowError]
    derived: dict[str, pa.Array] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------- reading


# A cell beginning with one of these is a formula to Excel and LibreOffice (OWASP "CSV injection"): exports prefix
# it with an apostrophe, and reading strips exactly that prefix again, so an export re-imports unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = r"^'([=+\-@\t\r])"


def neutralise(value: Any) -> Any:
    """``value`` safe to write into a spreadsheet cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _restore(text: str) -> str:
    """The inverse of ``neutralise`` on read."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS else text


def _cell_text(value: Any, header: str) -> str | None:  # noqa: PLR0911 - one case per cell type
    """One spreadsheet cell as text: whole numbers without '.0', dates ISO, empty as None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = _restore(value.strip())
        return text or None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            if abs(value) >= 1e15 and "身份证" in header:
                return f"#NUMERIC:{int(value)}"
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def _normalise_header(text: Any) -> str:
    return str(text or "").strip().replace("*", "").replace("＊", "").replace(" ", "").replace("\n", "")


def _from_rows(rows: Sequence[Sequence[Any]], spec: Sequence[Col], first_row: int) -> Sheet:
    """rows[0] is the header row; ``first_row`` is its spreadsheet row number."""
    header = [_normalise_header(h) for h in rows[0]]
    index = _header_index(header, spec)
    body = rows[1:]
    width = len(header)
    columns_raw: list[list[Any]] = [[] for _ in range(width)]
    if body:
        padded = [tuple(r) + (None,) * (width - len(r)) if len(r) < width else tuple(r)[:width] for r in body]
        columns_raw = [list(c) for c in zip(*padded, strict=True)]
    texts = {
        col.header: pa.array([_cell_text(v, col.header) for v in columns_raw[i]], pa.string())
        for col in spec
        if (i := index.get(col.header)) is not None
    }
    rows_no = np.arange(first_row + 1, first_row + 1 + len(body), dtype=np.int64)
    ignored = [h for h in header if h and h not in {c.header for c in spec}]
    return _drop_empty(Sheet(texts, rows_no, ignored), spec)


def _header_index(header: list[str], spec: Sequence[Col]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            continue
        if h in seen:
            raise FileUnreadable(f"表头“{h}”出现了两次（第 {seen[h] + 1} 列和第 {i + 1} 列）")
        seen[h] = i
    missing = [c.header for c in spec if c.required and c.header not in seen]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        raise FileUnreadable(
            f"缺少必需的列：{'、'.join(missing)}。找到的表头为：{found}。请使用 `fupin template` 生成的模板"
        )
    return {c.header: seen[c.header] for c in spec if c.header in seen}


def _drop_empty(sheet: Sheet, spec: Sequence[Col]) -> Sheet:
    if not sheet.columns or sheet.n == 0:
        return sheet
    any_value = np.zeros(sheet.n, dtype=bool)
    for arr in sheet.columns.values():
        any_value |= pc.is_valid(arr).to_numpy(zero_copy_only=False)
    if any_value.all():
        return sheet
    keep = pa.array(any_value)
    return Sheet(
        {h: pc.filter(a, keep) for h, a in sheet.columns.items()},
        sheet.rows[any_value],
        sheet.ignored_headers,
        sheet.errors,
    )


def read_table(path: Path, spec: Sequence[Col], *, limits: Limits = DEFAULT_LIMITS, capped: bool = False) -> Sheet:
    """Read a CSV (UTF-8 or GB18030), xlsx or xls file; raise FileUnreadable with a Chinese reason.

    The file is first held against ``limits`` (size; for xlsx the unpacked size, packing ratio, shared strings and
    used range) without being parsed; ``capped``: parse in a child process capped in memory and time (the web
    does, so that nothing an upload does can take the server down)."""
    path = Path(path)
    if not path.exists():
        raise FileUnreadable(f"找不到文件 {path}")
    try:
        check_file(path, limits)
        return run_capped(_read_checked, path, list(spec), limits=limits) if capped else _read_checked(path, spec)
    except RefusedFile as exc:
        raise FileUnreadable(str(exc)) from None


def _read_checked(path: Path, spec: Sequence[Col]) -> Sheet:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, spec)
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        return _read_excel(path, spec)
    raise FileUnreadable(f"不支持的文件类型“{suffix or '（无扩展名）'}”：请使用 .xlsx、.xls 或 .csv")


def _read_csv(path: Path, spec: Sequence[Col]) -> Sheet:
    data = path.read_bytes()
    if not data.strip():
        raise FileUnreadable("文件是空的")
    if b"\x00" in data[:4096]:
        raise FileUnreadable("文件不是文本格式的 CSV（可能是改了扩展名的 Excel 或其他二进制文件）")
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        try:
            data[:65536].decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < 65530:  # not just a character cut at the sample's end
                encoding = "gb18030"
    if encoding != "utf-8":
        try:
            data = data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            raise FileUnreadable("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV") from None
    first_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    header = [_normalise_header(h) for h in next(csv.reader([first_line]))]
    index = _header_index(header, spec)
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid as exc:
        raise FileUnreadable(f"CSV 格式错误：{_arrow_reason(str(exc))}") from None
    columns = {}
    for col in spec:
        i = index.get(col.header)
        if i is None:
            continue
        arr = table.column(i).combine_chunks()
        arr = pc.replace_substring_regex(pc.utf8_trim_whitespace(arr), pattern=_NEUTRALISED, replacement="\\1")
        columns[col.header] = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    rows_no = np.arange(2, 2 + table.num_rows, dtype=np.int64)
    ignored = [h for h in header if h and h not in {c.header for c in spec}]
    return _drop_empty(Sheet(columns, rows_no, ignored), spec)


def _arrow_reason(text: str) -> str:
    if "Expected" in text and "columns" in text:
        return "某行的列数与表头不一致（" + text.split(":", 1)[-1].strip()[:120] + "）"
    return text[:200]


BROKEN_EXCEL = "文件不是有效的 Excel 文件，可能已损坏，或是改了扩展名的其他文件：请用 Excel 打开后另存为 .xlsx 再导入"


def broken_excel_reason(exc: BaseException) -> str:
    """A reader's (calamine, zipfile, openpyxl) English error on a broken workbook, said in Chinese for users: the
    original ("invalid Zip archive: Could not find EOCD") helps no one who uploads a file."""
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return "文件设有打开密码（已加密）：请在 Excel 中取消密码后另存为 .xlsx 再导入"
    return BROKEN_EXCEL


def _read_excel(path: Path, spec: Sequence[Col]) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every kind of broken file
        raise FileUnreadable(broken_excel_reason(exc)) from None
    start = 0
    while start < len(rows) and not any(v not in (None, "") for v in rows[start]):
        start += 1
    if start == len(rows):
        raise FileUnreadable(f"工作表“{sheet.name}”是空的")
    result = _from_rows(rows[start:], spec, first_row=start + 1)
    merged = sheet.merged_cell_ranges or []
    for (r0, c0), (r1, c1) in merged:
        if r1 > start:  # below the header
            result.errors.append(
                RowError(
                    r0 + 1,
                    f"第 {c0 + 1}–{c1 + 1} 列",
                    "",
                    f"第 {r0 + 1}–{r1 + 1} 行是合并单元格：合并后只有第一行有值，请取消合并并逐行填写",
                )
            )
    return result


# --------------------------------------------------------------------------------------------------- checks


def np_bool(arr: pa.Array) -> np.ndarray:
    """A boolean Arrow array as a NumPy mask, nulls as False."""
    mask: np.ndarray = pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool)
    return mask


class Collector:
    """Gathers the refused rows of a sheet: ``bad`` marks them, ``errors`` names each (row, column, value, reason)."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.bad = np.zeros(sheet.n, dtype=bool)
        self.errors: list[RowError] = list(sheet.errors)
        # merged-cell findings refuse their rows too
        for e in sheet.errors:
            self.bad |= sheet.rows == e.row

    def add(self, mask: np.ndarray, col: Col, arr: pa.Array | None, reason: str | Any) -> None:
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.bad[idx] = True
        values = arr.take(pa.array(idx)).to_pylist() if arr is not None else [""] * len(idx)
        for i, v in zip(idx.tolist(), values, strict=True):
            text = "" if v is None else str(v)
            message = reason(text) if callable(reason) else reason
            self.errors.append(RowError(int(self.sheet.rows[i]), col.header, text, message))


def _dates_from_parts(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(valid mask, datetime64[D]) for integer year, month, day arrays."""
    ok = (y >= 1880) & (y <= 2200) & (m >= 1) & (m <= 12) & (d >= 1)
    ys, ms = np.where(ok, y, 2000), np.where(ok, m, 1)
    month = ((ys - 1970) * 12 + (ms - 1)).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    ok &= d <= length
    return ok, first + np.where(ok, d - 1, 0).astype("timedelta64[D]")


def _parse_dates(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Dates written 2017-03-01, 2017/3/1, 2017.3.1, 2017年3月1日 or 20170301 (as text or as Excel dates)."""
    text = pc.fill_null(arr, "")
    compact = pc.replace_substring_regex(text, r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3")
    parts = pc.extract_regex(compact, r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$")
    matched = np_bool(pc.is_valid(parts))
    y = np.zeros(len(arr), dtype=np.int64)
    m = np.zeros(len(arr), dtype=np.int64)
    d = np.zeros(len(arr), dtype=np.int64)
    if matched.any():
        for name, target in (("y", y), ("m", m), ("d", d)):
            field_arr = pc.struct_field(parts, name)
            target[matched] = pc.cast(pc.filter(field_arr, pa.array(matched)), pa.int64()).to_numpy()
    ok, days = _dates_from_parts(y, m, d)
    return ok & matched, days


def _id_numbers(arr: pa.Array) -> tuple[pa.Array, dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Upper-cased, 15-digit numbers upgraded; returns (numbers, failure masks by reason, birth days, sex_male)."""
    n = len(arr)
    text = pc.utf8_upper(pc.fill_null(arr, ""))
    text = pc.replace_substring(text, " ", "")
    fifteen = np_bool(pc.match_substring_regex(text, r"^\d{15}$"))
    if fifteen.any():
        from stdnum.cn import ric

        values = text.to_pylist()
        for i in np.flatnonzero(fifteen).tolist():
            body = values[i][:6] + "19" + values[i][6:]
            values[i] = body + ric.calc_check_digit(body + "0")
        text = pa.array(values, pa.string())
    numeric = np_bool(pc.starts_with(text, "#NUMERIC:"))
    shape_ok = np_bool(pc.match_substring_regex(text, r"^\d{17}[\dX]$"))
    length = pc.utf8_length(text).to_numpy(zero_copy_only=False)
    fails = {
        "numeric": numeric,
        "length": ~shape_ok & ~numeric & (length != 18),
        "chars": ~shape_ok & ~numeric & (length == 18),
    }
    raw = np.zeros((n, 18), dtype=np.uint8)
    if shape_ok.any():
        ok_values = pc.filter(text, pa.array(shape_ok))
        joined = "".join(ok_values.to_pylist()).encode("ascii")
        raw[shape_ok] = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 18)
    digits = raw[:, :17].astype(np.int64) - 48
    y = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    m = digits[:, 10] * 10 + digits[:, 11]
    d = digits[:, 12] * 10 + digits[:, 13]
    date_ok, birth = _dates_from_parts(y, m, d)
    today = np.datetime64(date.today())  # noqa: DTZ011 - calendar date
    fails["date"] = shape_ok & ~date_ok
    fails["future"] = shape_ok & date_ok & (birth > today)
    expected = ID_CHECK[(digits @ ID_WEIGHTS) % 11]
    fails["check"] = shape_ok & date_ok & (birth <= today) & (expected != raw[:, 17])
    return text, fails, birth, (digits[:, 16] % 2) == 1


def check_columns(  # noqa: PLR0912, PLR0915 - one branch per column kind
    sheet: Sheet, spec: Sequence[Col], *, villages: set[str], allowed: set[str] | None
) -> Checked:
    """Type every known column; collect an error per bad cell. ``allowed`` None means every village."""
    out = Collector(sheet)
    values: dict[str, pa.Array] = {}
    derived: dict[str, pa.Array] = {}
    n = sheet.n
    for col in spec:
        arr = sheet.columns.get(col.header)
        if arr is None:
            continue
        present = np_bool(pc.is_valid(arr))
        if col.required:
            out.add(~present, col, None, "必填项为空")
        if col.kind == "text":
            too_long = present & (pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False) > col.max_len)
            out.add(too_long, col, arr, f"超过 {col.max_len} 个字")
            values[col.field] = pc.fill_null(arr, "")
        elif col.kind == "int":
            cleaned = pc.replace_substring_regex(pc.fill_null(arr, ""), r"\.0+$", "")
            is_int = np_bool(pc.match_substring_regex(cleaned, r"^[+-]?\d{1,9}$"))
            out.add(present & ~is_int, col, arr, "应为整数")
            ints = np.zeros(n, dtype=np.int64)
            if is_int.any():
                ints[is_int] = pc.cast(pc.filter(cleaned, pa.array(is_int)), pa.int64()).to_numpy()
            lo = col.lo if col.lo is not None else -(2**31)
            hi = col.hi if col.hi is not None else 2**31
            out.add(is_int & ((ints < lo) | (ints > hi)), col, arr, f"应在 {lo}–{hi} 之间")
            values[col.field] = pa.array(ints, mask=~is_int)
        elif col.kind == "float":
            cleaned = pc.fill_null(arr, "")
            is_num = np_bool(pc.match_substring_regex(cleaned, r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"))
            out.add(present & ~is_num, col, arr, "应为数字")
            nums = np.zeros(n, dtype=np.float64)
            if is_num.any():
                nums[is_num] = pc.cast(pc.filter(cleaned, pa.array(is_num)), pa.float64()).to_numpy()
            lo_f = col.lo if col.lo is not None else -np.inf
            hi_f = col.hi if col.hi is not None else np.inf
            out.add(is_num & ((nums < lo_f) | (nums > hi_f)), col, arr, f"应在 {col.lo}–{col.hi} 之间")
            values[col.field] = pa.array(nums, mask=~is_num)
        elif col.kind == "bool":
            words = pa.array(list(TRUE_WORDS) + list(FALSE_WORDS))
            pos = pc.index_in(pc.utf8_upper(arr), value_set=words)
            known = np_bool(pc.is_valid(pos))
            out.add(present & ~known, col, arr, "应填“是”或“否”")
            values[col.field] = pa.array(
                pc.fill_null(pos, len(TRUE_WORDS)).to_numpy(zero_copy_only=False) < len(TRUE_WORDS)
            )
        elif col.kind == "choice":
            keys = list(col.choices) + [a for a, _ in col.aliases]
            canon = list(col.choices) + [c for _, c in col.aliases]
            pos = pc.index_in(arr, value_set=pa.array(keys))
            known = np_bool(pc.is_valid(pos))
            out.add(present & ~known, col, arr, f"应为：{'、'.join(col.choices)}")
            values[col.field] = pc.fill_null(pa.array(canon).take(pos), "")
        elif col.kind == "date":
            ok, days = _parse_dates(arr)
            out.add(present & ~ok, col, arr, "日期无效（应为 2017-03-01 这样的日期）")
            values[col.field] = pa.array(days, pa.date32(), mask=~ok)
        elif col.kind == "idnumber":
            text, fails, birth, male = _id_numbers(arr)
            out.add(
                present & fails["numeric"],
                col,
                arr,
                "身份证号被存成了数字，末几位已丢失：请把该列设为文本格式后重新录入",
            )
            out.add(present & fails["length"], col, arr, lambda v: f"长度应为 18 位（或 15 位旧号），实际 {len(v)} 位")
            out.add(present & fails["chars"], col, arr, "含有非法字符：前 17 位应为数字，末位为数字或 X")
            out.add(present & fails["date"], col, arr, "身份证号中的出生日期无效")
            out.add(present & fails["future"], col, arr, "身份证号中的出生日期在未来")
            out.add(present & fails["check"], col, arr, "校验码错误")
            values[col.field] = text
            derived["birth_date"] = pa.array(birth, pa.date32())
            derived["sex"] = pa.array(np.where(male, "男", "女"))
        elif col.kind == "village":
            is_code = np_bool(pc.match_substring_regex(pc.fill_null(arr, ""), r"^\d{12}$"))
            out.add(present & ~is_code, col, arr, "应为 12 位村级区划代码")
            known = np_bool(pc.is_in(arr, value_set=pa.array(sorted(villages), pa.string())))
            out.add(present & is_code & ~known, col, arr, "不是村级区划代码（不在区划库中）")
            if allowed is not None:
                inside = np_bool(pc.is_in(arr, value_set=pa.array(sorted(allowed), pa.string())))
                out.add(present & is_code & known & ~inside, col, arr, "不在您的管辖范围内")
            values[col.field] = pc.fill_null(arr, "")
    return Checked(values, out.bad, out.errors, derived)


def cross_check_identity(checked: Checked, sheet: Sheet, spec: Sequence[Col]) -> None:
    """性别 / 出生日期 columns, when given, must agree with the ID number."""
    by_field = {c.field: c for c in spec}
    out = Collector(Sheet({}, sheet.rows))
    out.bad = checked.bad
    if "sex_given" in checked.values and "sex" in checked.derived:
        given = checked.values["sex_given"]
        differs = np_bool(pc.and_(pc.not_equal(given, ""), pc.not_equal(given, checked.derived["sex"])))
        out.add(
            differs, by_field["sex_given"], given, lambda v: f"与身份证号不符（身份证号显示为另一性别，填写为“{v}”）"
        )
    if "birth_given" in checked.values and "birth_date" in checked.derived:
        given = checked.values["birth_given"]
        differs = np_bool(pc.and_(pc.is_valid(given), pc.not_equal(given, checked.derived["birth_date"])))
        out.add(differs, by_field["birth_given"], given, "与身份证号中的出生日期不符")
    checked.errors.extend(out.errors)


def duplicates(keys: pa.Array) -> np.ndarray:
    """Mask of rows whose (non-empty) key occurs more than once."""
    values = keys.to_numpy(zero_copy_only=False).astype(str)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    mask: np.ndarray = (counts[inverse] > 1) & (values != "")
    return mask


def group_inconsistent(group: pa.Array, column: pa.Array) -> np.ndarray:
    """Mask of rows whose group has more than one distinct value in ``column``."""
    table = pa.table({"g": group, "v": column})
    agg = table.group_by("g").aggregate([("v", "count_distinct", pc.CountOptions(mode="all"))])
    multi = pc.filter(agg.column("g"), pc.greater(agg.column("v_count_distinct"), 1))
    return np_bool(pc.is_in(group, value_set=multi))


def spread_to_groups(group: pa.Array, bad: np.ndarray) -> np.ndarray:
    """Every row of a group that has a bad row."""
    if not bad.any():
        return bad
    bad_groups = pc.unique(pc.filter(group, pa.array(bad)))
    return np_bool(pc.is_in(group, value_set=bad_groups))


# --------------------------------------------------------------------------------------------------- writing


def write_rows(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> int:
    """Write a header row and ``rows`` to ``path``: CSV (UTF-8 with BOM, for Excel) when it ends in .csv, else an
    xlsx workbook whose one sheet is titled ``sheet``, with text cells stored as text (ID numbers keep their
    digits). Returns the number of rows written; ``rows`` may be a generator (the workbook is written streaming)."""
    path = Path(path)
    count = 0
    if path.suffix.lower() == ".csv":
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            for row in rows:
                writer.writerow([neutralise(v) for v in row])
                count += 1
        return count
    from openpyxl import Workbook  # deferred: openpyxl is only needed when a workbook is written
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(headers))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=neutralise(value))
            if isinstance(value, str):
                cell.number_format = "@"
            cells.append(cell)
        ws.append(cells)
        count += 1
    wb.save(path)
    return count
