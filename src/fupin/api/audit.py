"""The audit log, for the roles that may read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fupin.audit import selectors as audit_selectors
from fupin.core.errors import PermissionDeniedError

from .common import viewer_of

router = Router(tags=["审计记录"])


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_username: str
    action: str
    entity_type: str
    entity_id: str
    area_code: str
    changes: dict[str, Any]
    hash: str


@router.get("/audit", response=list[AuditOut], summary="审计记录（按序号倒序，before 翻页）")
def audit(request: HttpRequest, before: int | None = None, entity_type: str = "", entity_id: str = "") -> Any:
    viewer = viewer_of(request)
    if not audit_selectors.audit_readable(viewer):
        raise PermissionDeniedError("您的角色不能查看审计记录")
    qs = audit_selectors.audit_entries_before(
        viewer=viewer, entity_type=entity_type, entity_id=entity_id, before=before
    )
    return list(qs[:200])
