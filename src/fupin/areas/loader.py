"""Reading the vendored NBS division files (data/guizhou-divisions) into validated rows. No Django models."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from fupin.core import codes

DEFAULT_SOURCE = Path(__file__).resolve().parent / "data" / "guizhou-divisions"

# file, level, column holding the parent's code
FILES = [
    ("provinces.csv", codes.PROVINCE, None),
    ("cities.csv", codes.PREFECTURE, "provinceCode"),
    ("areas.csv", codes.COUNTY, "cityCode"),
    ("streets.csv", codes.TOWNSHIP, "areaCode"),
    ("villages.csv", codes.VILLAGE, "streetCode"),
]


class DivisionFileError(ValueError):
    pass


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: int
    kind: str
    parent: str | None


def kind_of(name: str, level: int) -> str:  # noqa: PLR0911 - one return per naming rule reads best
    """Classify a unit by the naming rules of the NBS division list."""
    if level == codes.PROVINCE:
        return "province"
    if level == codes.PREFECTURE:
        return "autonomous_prefecture" if name.endswith("州") else "prefecture"
    if level == codes.COUNTY:
        for suffix, kind in (
            ("自治县", "autonomous_county"),
            ("特区", "special_district"),
            ("区", "district"),
        ):
            if name.endswith(suffix):
                return kind
        return "county_city" if name.endswith("市") else "county"
    if level == codes.TOWNSHIP:
        for suffix, kind in (("街道", "subdistrict"), ("民族乡", "ethnic_township"), ("乡", "township")):
            if name.endswith(suffix):
                return kind
        return "town" if name.endswith("镇") else "other"
    # Village level: 村委会 / 村民委员会, and bare "…村" names, are rural villages; 居委会 / 居民委员会 / 社区
    # are urban communities.
    if name.endswith(("居委会", "居民委员会", "社区")):
        return "community"
    if name.endswith(("村委会", "村民委员会", "村")):
        return "village"
    return "other"


def read_divisions(source: Path = DEFAULT_SOURCE) -> list[AreaRow]:
    """All rows, parents before children, with codes and parent links checked."""
    rows: list[AreaRow] = []
    known: set[str] = set()
    for filename, level, parent_col in FILES:
        path = source / filename
        if not path.exists():
            raise DivisionFileError(f"区划文件不存在：{path}")
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for lineno, rec in enumerate(csv.DictReader(fh), start=2):
                raw = (rec.get("code") or "").strip()
                name = (rec.get("name") or "").strip()
                where = f"{filename} 第 {lineno} 行"
                if len(raw) != codes.LEVEL_DIGITS[level] or not (raw.isascii() and raw.isdigit()):
                    raise DivisionFileError(f"{where}：代码“{raw}”应为 {codes.LEVEL_DIGITS[level]} 位数字")
                if not name:
                    raise DivisionFileError(f"{where}：名称为空")
                code = codes.normalize(raw)
                parent = None
                if parent_col:
                    parent_raw = (rec.get(parent_col) or "").strip()
                    if not raw.startswith(parent_raw) or not parent_raw:
                        raise DivisionFileError(f"{where}：上级代码“{parent_raw}”不是代码“{raw}”的前缀")
                    parent = codes.normalize(parent_raw)
                    if parent not in known:
                        raise DivisionFileError(f"{where}：上级代码“{parent_raw}”不存在")
                if code in known:
                    raise DivisionFileError(f"{where}：代码“{raw}”重复")
                known.add(code)
                rows.append(AreaRow(code, name, level, kind_of(name, level), parent))
    return rows
