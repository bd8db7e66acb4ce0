from __future__ import annotations

from typing import Any

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


class TokenScope(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "读写"


@scoping.register("user__area_id")
class AccessToken(models.Model):
    """A personal access token for apps and integrations (``Authorization: Bearer fp_…``).

    Only a SHA-256 digest of the secret is stored (the secret is 32 random bytes, so a plain digest is enough and
    lets a request find its token in one indexed read); the secret itself is shown once, when it is made. A token
    acts as its user, never more: a read-only one cannot write, and one of an inactive user opens nothing."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField("用途", max_length=64)
    prefix = models.CharField("令牌开头", max_length=16, help_text="令牌的前几位，用于辨认，不足以使用")
    digest = models.CharField("摘要", max_length=64, unique=True, editable=False)
    scope = models.CharField("权限", max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def writes(self) -> bool:
        return self.scope == TokenScope.WRITE

    def state(self, now: Any) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= now:
            return "已过期"
        return "有效"
