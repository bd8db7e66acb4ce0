from __future__ import annotations

from django.db.models import QuerySet

from fupin.core import scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError

from .models import AuditEntry


def audit_entries(*, viewer: Actor | None, entity_type: str = "", entity_id: str = "") -> QuerySet[AuditEntry]:
    qs = scoping.scoped(AuditEntry, viewer)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    return qs.order_by("-seq")


def audit_entry_get(*, viewer: Actor | None, seq: int) -> AuditEntry:
    entry = scoping.scoped(AuditEntry, viewer).filter(seq=seq).first()
    if entry is None:
        raise NotFoundError("审计记录不存在或不在您的管辖范围内")
    return entry


def audit_readable(viewer: Actor) -> bool:
    """Whether the viewer's role may read the audit log (the list page and the API refuse the others)."""
    return bool(viewer.can_read_audit)


def audit_entries_before(
    *, viewer: Actor, entity_type: str = "", entity_id: str = "", before: int | None = None
) -> QuerySet[AuditEntry]:
    """``audit_entries`` newest first, continuing below sequence number ``before`` (keyset paging)."""
    qs = audit_entries(viewer=viewer, entity_type=entity_type, entity_id=entity_id)
    return qs.filter(seq__lt=before) if before is not None else qs
