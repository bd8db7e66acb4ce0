"""Keyset pagination for the list pages (``keyset_page`` itself is core's, shared with the API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from fupin.core.paging import Sliceable, keyset_page

T = TypeVar("T")
__all__ = ["Page", "Sliceable", "bounded_count", "keyset_page", "keyset_page_both"]


@dataclass
class Page(Generic[T]):
    """One page of a list that may be walked both ways: its rows in the list's order, the key to continue after
    the last row (None on the last page) and the key to go back before the first (None on the first page)."""

    rows: list[T]
    next_after: Any = None
    prev_before: Any = None


def keyset_page_both(
    qs: Sliceable[T], key: str | Callable[[T], Any], size: int = 50, *, backward: bool = False, continued: bool = False
) -> Page[T]:
    """``keyset_page`` with a way back. Forward, ``qs`` is the list's order continued after a key (``continued``:
    a page came before, so there is one to go back to). Backward, ``qs`` is the reverse order continued before the
    key of the page that was shown (the rows nearest to it first); its rows are turned back into the list's order,
    and there is a page before them only when more rows than a page remain.

    Like ``keyset_page``: no OFFSET and no COUNT(*), each way; the URL carries one key, never a stack of them.
    """
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not rows:
        return Page(rows)
    get: Callable[[T], Any] = key if callable(key) else attrgetter(key)
    if backward:
        rows.reverse()
        return Page(rows, next_after=get(rows[-1]), prev_before=get(rows[0]) if more else None)
    return Page(rows, next_after=get(rows[-1]) if more else None, prev_before=get(rows[0]) if continued else None)


def bounded_count(qs: Any, limit: int) -> tuple[int, bool]:
    """How many rows an ordered queryset holds, counting at most ``limit`` (a COUNT over LIMIT): (n, exact);
    (limit, False) when there are more."""
    n = int(qs.order_by()[: limit + 1].count())
    return (n, True) if n <= limit else (limit, False)
