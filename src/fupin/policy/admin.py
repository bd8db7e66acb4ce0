from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Parameter


@admin.register(Parameter)
class ParameterAdmin(admin.ModelAdmin):
    list_display = ("key", "year", "value", "note", "updated_at")
    list_filter = ("key",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:  # writes go through services
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
