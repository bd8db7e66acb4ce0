"""Who acts and who views: the one type every service and selector signature names.

``Actor`` is what fupin needs to know of a person to decide what they may see and do — it is satisfied by
``fupin.accounts.models.User`` without core importing any app. ``None`` stands for the system itself (a
management command run by an operator on the server, or a background job acting on its own): services accept
``Actor | None`` for writes, selectors take an ``Actor`` (an anonymous viewer sees nothing).
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Actor(Protocol):
    pk: Any
    username: str
    role: str
    is_superuser: bool
    is_active: bool
    is_staff: bool

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def area_id(self) -> str | None: ...

    @property
    def scope_code(self) -> str | None: ...

    @property
    def scope_level(self) -> int | None: ...

    @property
    def is_read_only(self) -> bool: ...

    @property
    def can_read_audit(self) -> bool: ...


class _SystemViewer:
    """The operator at the server's console reading through a selector (a command run without ``--user``): sees
    the whole province, as the system itself may write it. Never a web or API request's viewer."""

    pk = None
    username = "system"
    role = ""
    is_superuser = True
    is_active = True
    is_staff = False
    is_authenticated = True
    area_id = None
    scope_code = None
    scope_level = None
    is_read_only = False
    can_read_audit = True


SYSTEM_VIEWER: Actor = _SystemViewer()


def actor_name(actor: Actor | None) -> str:
    """Who acted, as the pages show it: the account's name (姓名/单位), else its login; the system as 系统."""
    if actor is None:
        return "系统"
    return str(getattr(actor, "display_name", "") or actor.username)
