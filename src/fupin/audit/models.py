from __future__ import annotations

from django.db import models

from fupin.core import scoping

GENESIS_HASH = "0" * 64


@scoping.register("area_code")
class AuditEntry(models.Model):
    """One service write: who, when, what, old→new. Append-only and hash-chained (see services.verify_chain).

    The actor is stored by id and user name, not as a foreign key, so that nothing (a deleted user, a cascade)
    can ever rewrite a row after it was written.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)
    actor_username = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    entity_type = models.CharField("对象类型", max_length=64)
    entity_id = models.CharField("对象ID", max_length=64)
    area_code = models.CharField("所属区划", max_length=12, db_index=True)
    changes = models.JSONField("变更(旧→新)", default=dict)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["entity_type", "entity_id"], name="audit_entity")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.entity_type}:{self.entity_id}"


@scoping.exempt("chain bookkeeping: one row holding the last sequence number and hash")
class AuditHead(models.Model):
    """Tip of the chain. Locking this row serialises writers, so sequence numbers have no gaps."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
