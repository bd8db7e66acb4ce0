from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user: Any = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_area_code": user.area_id,
        "nav_can_read_audit": user.can_read_audit,
        "nav_is_staff": user.is_staff,
    }
