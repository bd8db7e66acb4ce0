"""Reading the request: the viewer and the query-string parameters the pages share."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from fupin.core.actors import Actor
from fupin.core.parsing import ascii_int

DEFAULT_YEAR = 2017
MAX_TEXT = 100  # a search box: long enough for any name, ID or code, too short for a pathological pattern


def viewer_of(request: HttpRequest) -> Actor:
    """The signed-in user (every page but the login is behind ``login_required``)."""
    return cast(Actor, request.user)


def year_param(request: HttpRequest, default: int = DEFAULT_YEAR) -> int:
    """``?year=``, or ``default`` when absent or not a year."""
    return ascii_int(request.GET.get("year"), lo=1949, hi=2100) or default


def text_param(request: HttpRequest, name: str, *, max_length: int = MAX_TEXT) -> str:
    """``?name=`` with surrounding blanks removed ("" when absent), cut to ``max_length`` characters."""
    return request.GET.get(name, "").strip()[:max_length]


def digits_param(request: HttpRequest, name: str) -> int | None:
    """``?name=`` as a number when it is ASCII digits (page keys, years), else None."""
    return ascii_int(request.GET.get(name))
