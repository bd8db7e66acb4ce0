"""The one parser for numbers that arrive as text from a request, a form or a command (page keys, years, ids),
and the typed inputs of every service (below).

``str.isdigit`` accepts '²' and other Unicode digits that ``int`` then refuses (a 500 on seven pages); ``int``
itself accepts Arabic-Indic digits and unbounded lengths. Here a number is ASCII digits only, and bounded."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.utils import timezone

from .errors import ValidationError

MAX_DIGITS = 18  # fits a 64-bit integer column


def ascii_digits(text: str, *, max_digits: int = MAX_DIGITS) -> bool:
    return 0 < len(text) <= max_digits and text.isascii() and text.isdigit()


def ascii_int(text: str | None, *, lo: int | None = None, hi: int | None = None) -> int | None:
    """``text`` as a non-negative integer within [lo, hi], or None when it is anything else."""
    if text is None or not ascii_digits(text.strip()):
        return None
    value = int(text.strip())
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return None
    return value


# ----------------------------------------------------------------------------------- a service's typed inputs
# Every domain's service takes what a form, the API or a file gave it and refuses, in Chinese naming the field,
# anything that is not what it needs (``label`` is the field's name as the user sees it).


def text_field(value: Any, label: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError(f"请填写{label}")
    if len(text) > limit:
        raise ValidationError(f"{label}不能超过 {limit} 字")
    return text


def choice_field(value: Any, choices: Any, label: str) -> str:
    if value not in choices.values:
        raise ValidationError(f"{label}“{value}”无效，可选：{'、'.join(str(x) for x in choices.labels)}")
    return str(value)


def int_field(value: Any, label: str, lo: int, hi: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(f"{label}须为整数") from None
    if not lo <= number <= hi:
        raise ValidationError(f"{label}须在 {lo}–{hi} 之间")
    return number


def number_field(value: Any, label: str, lo: float, hi: float, *, required: bool = True) -> float | None:
    """A finite number within [lo, hi]; None for an empty optional field."""
    if value is None or str(value).strip() == "":
        if required:
            raise ValidationError(f"请填写{label}")
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label}须为数字") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ValidationError(f"{label}须在 {lo:g}–{hi:g} 之间")
    return number


def date_field(value: date | None, label: str, *, earliest: date | None = None) -> date:
    """A date that happened: given, not after today (the server's local date) and not before ``earliest``."""
    if value is None:
        raise ValidationError(f"请填写{label}")
    if value > timezone.localdate():
        raise ValidationError(f"{label}不能晚于今天")
    if earliest is not None and value < earliest:
        raise ValidationError(f"{label}不能早于 {earliest:%Y-%m-%d}")
    return value
