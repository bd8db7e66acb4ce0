from __future__ import annotations

from django.db.models import QuerySet

from fupin.core import scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError

from .models import User


def users_visible(*, viewer: Actor | None) -> QuerySet[User]:
    return scoping.scoped(User, viewer).select_related("area")


def user_get(*, viewer: Actor | None, pk: int) -> User:
    user = users_visible(viewer=viewer).filter(pk=pk).first()
    if user is None:
        raise NotFoundError("用户不存在或不在您的管辖范围内")
    return user


def user_by_username(*, viewer: Actor | None, username: str) -> User:
    user = users_visible(viewer=viewer).filter(username=username.strip()).first()
    if user is None:
        raise NotFoundError(f"账号“{username.strip()[:40]}”不存在或不在您的管辖范围内")
    return user
