from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fupin.core import scoping
from fupin.core.errors import NotFoundError

from .models import AuditEntry


def audit_entries(*, viewer: Any, entity_type: str = "", entity_id: str = "") -> QuerySet[AuditEntry]:
    qs = scoping.scoped(AuditEntry, viewer)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.order_by("-seq")


def audit_entry_get(*, viewer: Any, seq: int) -> AuditEntry:
    entry = scoping.scoped(AuditEntry, viewer).filter(seq=seq).first()
    if entry is None:
        raise NotFoundError("审计记录不存在或不在您的管辖范围内")
    return entry
