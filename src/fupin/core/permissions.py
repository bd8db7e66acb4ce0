"""Write permissions shared by every service (by area and role). Reads are bounded by fupin.core.scoping."""

from __future__ import annotations

from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.scoping import scope_of


def require_can_write(actor: Actor | None, area_code: str, *, from_above: bool = False) -> None:
    """Refuse a write on ``area_code`` unless ``actor`` may make it.

    ``actor=None`` is the system itself (a management command run by an operator on the server).
    ``from_above``: only a user bound to a strict ancestor may write (e.g. classifying a county).
    An area outside the actor's scope is reported as not found, so its existence is not revealed.
    """
    if actor is None:
        return
    if not getattr(actor, "is_active", False):
        raise PermissionDeniedError("账号已停用，不能修改数据")
    if actor.is_superuser:
        return
    if getattr(actor, "is_read_only", False):
        raise PermissionDeniedError("督查审计员为只读角色，不能修改数据")
    if not scope_of(actor).contains(codes.normalize(area_code)):
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if from_above and actor.scope_level is not None and actor.scope_level >= codes.level_of(area_code):
        raise PermissionDeniedError("该项只能由上级部门设置")


def can_write(actor: Actor | None, area_code: str, *, from_above: bool = False) -> bool:
    """Whether ``require_can_write`` would let ``actor`` write on ``area_code`` (pages show forms only then)."""
    try:
        require_can_write(actor, area_code, from_above=from_above)
    except ApplicationError:
        return False
    return True
