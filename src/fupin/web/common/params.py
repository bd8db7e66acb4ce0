"""Reading the request: the viewer and the query-string parameters the pages share."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from fupin.core.actors import Actor

DEFAULT_YEAR = 2017


def viewer_of(request: HttpRequest) -> Actor:
    """The signed-in user (every page but the login is behind ``login_required``)."""
    return cast(Actor, request.user)


def year_param(request: HttpRequest, default: int = DEFAULT_YEAR) -> int:
    """``?year=``, or ``default`` when absent or not a number."""
    try:
        return int(request.GET.get("year", str(default)))
    except ValueError:
        return default


def text_param(request: HttpRequest, name: str) -> str:
    """``?name=`` with surrounding blanks removed ("" when absent)."""
    return request.GET.get(name, "").strip()


def digits_param(request: HttpRequest, name: str) -> int | None:
    """``?name=`` as a number when it is all digits (page keys, years), else None."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None
