"""What the routers share."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Query

from fupin.core.actors import Actor


def viewer_of(request: HttpRequest) -> Actor:
    """The authenticated user (every operation requires session authentication)."""
    return cast(Actor, request.auth)  # type: ignore[attr-defined]


AREA_PATTERN = r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})?$"


def area_query() -> Any:
    """An optional area code in the query (``?area=5205``), its form declared in the schema."""
    return Query("", pattern=AREA_PATTERN, description="区划代码（2、4、6、9 或 12 位数字；不填为本人辖区）")


def next_link(request: HttpRequest, response: HttpResponse, cursor: object) -> None:
    """The next page's URL in a ``Link: <…>; rel="next"`` header (RFC 8288): the same query, continued after
    ``cursor`` (none on the last page: ``cursor`` None or empty, as ``core.paging.keyset_page`` gives it). The body
    stays a plain list."""
    if cursor is None or cursor == "":
        return
    query = request.GET.copy()
    query["after"] = str(cursor)
    response["Link"] = f'<{request.path}?{query.urlencode()}>; rel="next"'
