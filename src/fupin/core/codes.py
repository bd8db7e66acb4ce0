"""Twelve-digit statistical area codes (统计用区划代码). Pure functions, no Django.

A code's significant prefix is its ancestry: 52 (province) → 5201 (prefecture) → 520102 (county)
→ 520102016 (township) → 520102016001 (village). Stored codes are always padded to 12 digits, so every
descendant of an area lies in one contiguous code range — an indexed range scan, no joins, no recursion.
"""

from __future__ import annotations

PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5
LEVEL_DIGITS = {PROVINCE: 2, PREFECTURE: 4, COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
LEVEL_NAMES = {
    PROVINCE: "省",
    PREFECTURE: "市(州)",
    COUNTY: "县(市、区)",
    TOWNSHIP: "乡(镇、街道)",
    VILLAGE: "村(社区)",
}
CODE_LENGTH = 12


class AreaCodeError(ValueError):
    pass


def normalize(code: str) -> str:
    """Pad a 2/4/6/9/12-digit code to 12 digits, refusing anything else."""
    code = str(code).strip()
    if not (code.isascii() and code.isdigit()) or len(code) not in LEVEL_DIGITS.values():
        raise AreaCodeError(f"区划代码“{code}”无效：应为 2、4、6、9 或 12 位数字")
    return code.ljust(CODE_LENGTH, "0")


def level_of(code: str) -> int:
    code = normalize(code)
    for level in (PROVINCE, PREFECTURE, COUNTY, TOWNSHIP):
        if set(code[LEVEL_DIGITS[level] :]) == {"0"}:
            return level
    return VILLAGE


def prefix(code: str, level: int | None = None) -> str:
    code = normalize(code)
    return code[: LEVEL_DIGITS[level or level_of(code)]]


def code_range(code: str, level: int | None = None) -> tuple[str, str]:
    """Inclusive range [lo, hi] of 12-digit codes of the area and all its descendants."""
    p = prefix(code, level)
    return p.ljust(CODE_LENGTH, "0"), p.ljust(CODE_LENGTH, "9")


def ancestor_codes(code: str, level: int | None = None) -> list[str]:
    """Codes of the strict ancestors, top first."""
    lvl = level or level_of(code)
    code = normalize(code)
    return [code[: LEVEL_DIGITS[up]].ljust(CODE_LENGTH, "0") for up in range(PROVINCE, lvl)]


def contains(outer: str, inner: str, outer_level: int | None = None) -> bool:
    lo, hi = code_range(outer, outer_level)
    return lo <= normalize(inner) <= hi
