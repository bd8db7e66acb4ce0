from typing import Any

from django.http import HttpRequest

from fupin.core import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu offers only what the user may do: ``nav_actions`` holds every action they hold somewhere."""
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_area_code": user.area_id,
        "nav_actions": {action for action in permissions.actions() if permissions.allowed(user, action)},
        "nav_is_staff": user.is_staff,
    }
