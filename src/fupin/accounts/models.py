from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from fupin.core import codes, permissions, scoping

from .choices import OFFICER_ROLES, Department, Role

# The level of area each role is bound to; an inspector or a helping unit may be bound to any level.
ROLE_LEVEL: dict[str, int | None] = {
    Role.PROVINCE_ADMIN: codes.PROVINCE,
    Role.PREFECTURE_OFFICER: codes.PREFECTURE,
    Role.COUNTY_OFFICER: codes.COUNTY,
    Role.TOWNSHIP_OFFICER: codes.TOWNSHIP,
    Role.FIRST_SECRETARY: codes.VILLAGE,
    Role.RESIDENT_CADRE: codes.VILLAGE,
    Role.VILLAGE_COMMITTEE: codes.VILLAGE,
    Role.HELPING_UNIT: None,
    Role.INSPECTOR: None,
}
READ_ONLY_ROLES = frozenset({Role.INSPECTOR})


@scoping.register("area_id")
class User(AbstractUser):
    """A person using fupin, bound to one role and one area; the area bounds everything they see."""

    display_name = models.CharField("姓名", max_length=64, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=32, choices=Role.choices, blank=True)
    department = models.CharField(
        "部门", max_length=16, choices=Department.choices, blank=True, help_text="市、县、乡镇干部所在部门"
    )
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
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def can_read_audit(self) -> bool:
        return permissions.allowed(self, "audit.read")
