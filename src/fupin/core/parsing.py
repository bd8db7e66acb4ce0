"""The one parser for numbers that arrive as text from a request, a form or a command (page keys, years, ids).

``str.isdigit`` accepts '²' and other Unicode digits that ``int`` then refuses (a 500 on seven pages); ``int``
itself accepts Arabic-Indic digits and unbounded lengths. Here a number is ASCII digits only, and bounded."""

from __future__ import annotations

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
