from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import User


@admin.register(User)
class UserAdmin(ScopedReadOnlyAdmin):
    list_display = ("username", "display_name", "role", "area", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "area__name")
    list_select_related = ("area",)
    exclude = ("password", "user_permissions", "groups")
