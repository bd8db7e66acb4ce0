"""Who may do what: the plumbing every service calls. Reads are bounded by fupin.core.scoping.

Every service action declares the permission it needs by name (``require(actor, "dispatch.approve", area)``).
Which roles and departments hold which action is data owned by ``fupin.accounts.permissions`` (the table the
web, API, CLI and the generated docs all read); accounts installs it here when the app is ready, so core imports
no app and every domain calls the same two functions.

``actor=None`` is the system itself (a management command run by an operator, a job acting on its own).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import codes
from .actors import Actor
from .errors import ApplicationError, NotFoundError, PermissionDeniedError
from .scoping import scope_of

# action → its Chinese title; and the rule deciding whether an actor holds an action (None = yes, else why not)
_ACTIONS: dict[str, str] = {}
_Refusal = Callable[[Actor, str], str | None]
_refusal: list[_Refusal] = []


def install(actions: Mapping[str, str], refusal: _Refusal) -> None:
    """Called once by the accounts app: the declared actions and the rule over roles and departments."""
    _ACTIONS.clear()
    _ACTIONS.update(actions)
    _refusal[:] = [refusal]


def actions() -> dict[str, str]:
    return dict(_ACTIONS)


def refusal(actor: Actor | None, action: str) -> str | None:
    """Why ``actor`` may not take ``action`` anywhere (None when they may); the area is not looked at."""
    if action not in _ACTIONS:
        raise LookupError(f"undeclared permission {action!r}")  # a programming error, never a user's
    if actor is None:
        return None
    if not getattr(actor, "is_active", False):
        return "账号已停用，不能修改数据"
    if actor.is_superuser:
        return None
    return _refusal[0](actor, action) if _refusal else "权限表尚未加载"


def require_area(actor: Actor | None, area_code: str, *, from_above: bool = False) -> None:
    """Refuse unless ``area_code`` is inside the actor's area (``from_above``: strictly below the actor's level).

    An area outside the actor's scope is reported as not found, so its existence is not revealed."""
    if actor is None or actor.is_superuser:
        return
    if not scope_of(actor).contains(codes.normalize(area_code)):
        raise NotFoundError("对象不存在或不在您的管辖范围内")
    if from_above and actor.scope_level is not None and actor.scope_level >= codes.level_of(area_code):
        raise PermissionDeniedError("该项只能由上级部门设置")


def require(actor: Actor | None, action: str, area_code: str | None = None, *, from_above: bool = False) -> None:
    """Refuse unless ``actor`` holds ``action`` and (when given) ``area_code`` is theirs to act on."""
    reason = refusal(actor, action)
    if reason is not None:
        raise PermissionDeniedError(reason, code="permission_denied", extra={"action": action})
    if area_code is not None:
        require_area(actor, area_code, from_above=from_above)


def allowed(actor: Actor | None, action: str, area_code: str | None = None, *, from_above: bool = False) -> bool:
    """Whether ``require`` would let ``actor`` act (pages show a form or a menu item only then)."""
    try:
        require(actor, action, area_code, from_above=from_above)
    except ApplicationError:
        return False
    return True
