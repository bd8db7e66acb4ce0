from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from fupin.core import codes, scoping
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


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters: who (user name), what (action), when (dates, inclusive, local time) and where
    (an area inside the viewer's own: its code, 2–12 digits). Empty = no filter."""

    actor: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    area: str = ""


def audit_area_allowed(viewer: Actor, area: str) -> bool:
    """Whether ``area`` (a 2/4/6/9/12-digit code) is a valid code inside the viewer's scope."""
    try:
        code = codes.normalize(area)
    except codes.AreaCodeError:
        return False
    return scoping.scope_of(viewer).contains(code)


def audit_entries_before(
    *,
    viewer: Actor,
    entity_type: str = "",
    entity_id: str = "",
    before: int | None = None,
    filters: AuditFilter | None = None,
) -> QuerySet[AuditEntry]:
    """``audit_entries`` newest first, narrowed by ``filters``, continuing below sequence number ``before`` (keyset
    paging). The area filter only narrows what the viewer's scope already allows; one outside it matches nothing."""
    qs = audit_entries(viewer=viewer, entity_type=entity_type, entity_id=entity_id)
    f = filters or AuditFilter()
    if f.actor:
        qs = qs.filter(actor_username=f.actor)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.date_from is not None:
        qs = qs.filter(at__date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(at__date__lte=f.date_to)
    if f.area:
        if not audit_area_allowed(viewer, f.area):
            return qs.none()
        lo, hi = codes.code_range(f.area)
        qs = qs.filter(area_code__gte=lo, area_code__lte=hi)
    return qs.filter(seq__lt=before) if before is not None else qs
