"""Resident ID numbers (GB 11643): normalisation, 15→18 upgrade, validation with Chinese messages.

python-stdnum does the checksum and date; its birthplace-era check (the county code must have existed on the
birth date) is reported as a warning, not a refusal (DESIGN.md): people born before their county got today's
code carry IDs that stdnum calls InvalidComponent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent, ValidationError


class IdNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # 男 / 女
    birthplace: str  # 6-digit code
    warnings: list[str] = field(default_factory=list)


def upgrade_15(number: str) -> str:
    """First-generation 15-digit numbers: insert the century 19 and append the check digit."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def parse(raw: object) -> IdNumber:
    text = str(raw if raw is not None else "").strip().replace(" ", "").upper()
    if not text:
        raise IdNumberError("身份证号为空")
    if len(text) == 15 and text.isdigit():
        text = upgrade_15(text)
    if len(text) != 18:
        raise IdNumberError(f"身份证号“{text}”长度应为 18 位（或 15 位旧号），实际 {len(text)} 位")
    if not (text[:17].isascii() and text[:17].isdigit()) or not (text[17].isdigit() or text[17] == "X"):
        raise IdNumberError(f"身份证号“{text}”含有非法字符：前 17 位应为数字，末位为数字或 X")
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号“{text}”中的出生日期 {text[6:14]} 无效") from None
    expected = ric.calc_check_digit(text)
    if expected != text[17]:
        raise IdNumberError(f"身份证号“{text}”校验码错误，末位应为 {expected}")
    warnings: list[str] = []
    try:
        ric.validate(text)
    except InvalidComponent:
        warnings.append("出生地代码在出生日期时尚未启用（行政区划调整），已接受")
    except ValidationError:
        raise IdNumberError(f"身份证号“{text}”格式无效") from None
    if birth > date.today():  # noqa: DTZ011 - a calendar date, no time zone involved
        raise IdNumberError(f"身份证号“{text}”中的出生日期在未来")
    return IdNumber(text, birth, "男" if int(text[16]) % 2 else "女", text[:6], warnings)


def mask(number: str) -> str:
    """First 6 + last 4, the rest hidden (for roles that may not see full numbers)."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)
