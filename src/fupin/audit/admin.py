from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import AuditEntry, AuditHead


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedReadOnlyAdmin):
    list_display = ("seq", "at", "actor_username", "action", "entity_type", "entity_id", "area_code")
    list_filter = ("action", "entity_type")
    search_fields = ("entity_id", "actor_username", "area_code")

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user: Any = request.user
        return bool(getattr(user, "can_read_audit", False)) and super().has_view_permission(request, obj)


@admin.register(AuditHead)
class AuditHeadAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
