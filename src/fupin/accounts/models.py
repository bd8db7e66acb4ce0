from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from fupin.core import codes, scoping


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    PREFECTURE_OFFICER = "prefecture_officer", "市(州)级干部"
    COUNTY_OFFICER = "county_officer", "县级干部"
    TOWNSHIP_OFFICER = "township_officer", "乡镇干部"
    FIRST_SECRETARY = "first_secretary", "第一书记(驻村)"
    INSPECTOR = "inspector", "督查审计员(只读)"


# The level of area each role is bound to; an inspector may be bound to any level.
ROLE_LEVEL: dict[str, int | None] = {
    Role.PROVINCE_ADMIN: codes.PROVINCE,
    Role.PREFECTURE_OFFICER: codes.PREFECTURE,
    Role.COUNTY_OFFICER: codes.COUNTY,
    Role.TOWNSHIP_OFFICER: codes.TOWNSHIP,
    Role.FIRST_SECRETARY: codes.VILLAGE,
    Role.INSPECTOR: None,
}
READ_ONLY_ROLES = frozenset({Role.INSPECTOR})
ADMIN_SITE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.INSPECTOR})
AUDIT_READER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PREFECTURE_OFFICER, Role.COUNTY_OFFICER, Role.INSPECTOR})
# Roles that see full ID numbers (others see them masked); used by the registry.
FULL_ID_ROLES = frozenset({Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER, Role.FIRST_SECRETARY})


@scoping.register("area_id")
class User(AbstractUser):
    """A person using fupin, bound to one role and one area; the area bounds everything they see."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def scope_code(self) -> str | None:
        return self.area_id

    @property
    def scope_level(self) -> int | None:
        return codes.level_of(self.area_id) if self.area_id else None

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES

    @property
    def can_read_audit(self) -> bool:
        return self.is_superuser or self.role in AUDIT_READER_ROLES
