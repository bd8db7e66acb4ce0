"""Keyset pagination, for every face (the web's lists, the API's) and the selectors that page for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Sliceable(Protocol[T_co]):
    """An ordered queryset (or a list): what a selector hands a list page."""

    def __getitem__(self, k: slice, /) -> Iterable[T_co]: ...


def keyset_page(qs: Sliceable[T], key: str | Callable[[T], Any], size: int = 50) -> tuple[list[T], Any]:
    """One page of an ordered queryset (a selector's, already continued after the previous page's key) and the key
    to continue after it (None on the last page): the attribute ``key`` of the page's last row, or ``key(row)``.

    Keyset pagination: no OFFSET and no COUNT(*), so page 10,000 of a million rows costs what page 1 does.
    """
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not (more and rows):
        return rows, None
    return rows, key(rows[-1]) if callable(key) else getattr(rows[-1], key)
