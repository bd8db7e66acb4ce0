"""Django admin for fupin: a scoped, read-only browser over every model.

Writes go through services only (validation, permissions, audit), so the admin never writes; it lists and
shows what the user's area allows, and out-of-scope objects do not exist for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from fupin.lib.idnumbers import mask

from . import scoping
from .actors import Actor

if TYPE_CHECKING:  # ModelAdmin is generic for the type checker only (it has no __class_getitem__ at run time)
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


# Columns holding ID numbers: the admin shows them masked for everyone (full numbers only on the household page,
# for the roles that may see them).
ID_FIELDS = ("id_number", "person_id", "owner_id", "legal_rep_id")


def _masked(name: str) -> Any:
    @admin.display(description="身份证号（脱敏）")
    def show(self: Any, obj: Model) -> str:
        value = getattr(obj, name, "") or ""
        return mask(value) if len(value) == 18 else value

    return show


class ScopedReadOnlyAdmin(_ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    masked_id_number = _masked("id_number")
    masked_person_id = _masked("person_id")
    masked_owner_id = _masked("owner_id")
    masked_legal_rep_id = _masked("legal_rep_id")

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [f"masked_{f}" if f in ID_FIELDS else f for f in super().get_fields(request, obj)]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return [*super().get_readonly_fields(request, obj), *(f"masked_{f}" for f in ID_FIELDS)]

    def get_list_display(self, request: HttpRequest) -> Any:
        return [f"masked_{f}" if f in ID_FIELDS else f for f in super().get_list_display(request)]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        user = request.user
        return scoping.scoped(super().get_queryset(request), user if isinstance(user, Actor) else None)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff):
            return False
        return obj is None or scoping.scope_of(user).contains(scoping.code_of(obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ProvinceOnlyReadOnlyAdmin(ScopedReadOnlyAdmin):
    """For exempt, province-wide tables (other departments' snapshots): only province-level staff may browse them."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(user.is_superuser or (user.scope_level == 1 and not getattr(user, "is_read_only", False)))
