from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import AccessToken, User


@admin.register(User)
class UserAdmin(ScopedReadOnlyAdmin):
    list_display = ("username", "display_name", "role", "area", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "area__name")
    list_select_related = ("area",)
    exclude = ("password", "user_permissions", "groups")


@admin.register(AccessToken)
class AccessTokenAdmin(ScopedReadOnlyAdmin):
    """Read-only, like every model here: who holds which token, till when (never a secret: only its digest is kept,
    and that is not shown either)."""

    list_display = ("name", "user", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "user__username", "user__display_name")
    list_select_related = ("user",)
    exclude = ("digest",)
