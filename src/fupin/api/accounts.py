"""The signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from .areas import AreaOut
from .common import viewer_of

router = Router(tags=["账户"])


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    area: AreaOut | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> Any:
    user: Any = viewer_of(request)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "area": user.area,
    }
