from __future__ import annotations

import math
from typing import Any

from django.db import transaction

from fupin.audit.services import audit_record
from fupin.core.actors import Actor
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.core.permissions import require

from .defaults import GUIZHOU, SPECS
from .models import Parameter
from .selectors import parameter_editable


@transaction.atomic
def parameter_set(
    *, actor: Actor | None, key: str, year: int, value: Any, note: str = "", province: str = GUIZHOU
) -> Parameter:
    """Set a parameter from ``year`` on. Only province administrators (and the system) may; audited old→new."""
    require(actor, "policy.set")
    if not parameter_editable(actor, province=province):  # an administrator of this province
        raise PermissionDeniedError("政策参数只能由省级管理员修改")
    spec = SPECS.get(key)
    if spec is None:
        raise ValidationError(f"没有名为“{key}”的政策参数")
    try:
        typed = spec.kind(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{spec.title}：取值“{value}”不是有效的数", extra={"field": "value"}) from None
    if isinstance(typed, float) and not math.isfinite(typed):
        raise ValidationError(f"{spec.title}：取值“{value}”不是有限的数", extra={"field": "value"})
    if spec.minimum is not None and typed < spec.minimum:
        raise ValidationError(f"{spec.title}：取值 {typed} 小于下限 {spec.minimum}", extra={"field": "value"})
    if spec.maximum is not None and typed > spec.maximum:
        raise ValidationError(f"{spec.title}：取值 {typed} 大于上限 {spec.maximum}", extra={"field": "value"})
    row = Parameter.objects.select_for_update().filter(province=province, key=key, year=year).first()
    old = row.value if row else None
    if row is None:
        row = Parameter.objects.create(province=province, key=key, year=year, value=typed, note=note)
    else:
        row.value, row.note = typed, note
        row.save(update_fields=["value", "note", "updated_at"])
    audit_record(
        actor=actor,
        action="policy.parameter_set",
        entity=row,
        area_code=province,
        entity_type="policy.parameter",
        entity_id=f"{key}@{year}",
        changes={"value": [old, typed]},
    )
    return row
