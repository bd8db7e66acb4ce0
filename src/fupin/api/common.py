"""What the routers share."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from fupin.core.actors import Actor


def viewer_of(request: HttpRequest) -> Actor:
    """The authenticated user (every operation requires session authentication)."""
    return cast(Actor, request.auth)  # type: ignore[attr-defined]
