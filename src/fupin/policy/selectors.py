"""Reading policy parameters: the stored value for the year (or the latest earlier one), else POLICY.md's default."""

from __future__ import annotations

from typing import Any

from fupin.audit.models import AuditEntry
from fupin.core.actors import Actor
from fupin.core.permissions import allowed
from fupin.core.scoping import scoped

from .defaults import GUIZHOU, SPECS, default_value
from .models import Parameter


def param(key: str, year: int, *, province: str = GUIZHOU) -> Any:
    if key not in SPECS:
        raise KeyError(key)
    row = Parameter.objects.filter(province=province, key=key, year__lte=year).order_by("-year").first()
    value = row.value if row is not None else default_value(key, year)
    return SPECS[key].kind(value)


def parameters_for(year: int, *, province: str = GUIZHOU) -> dict[str, Any]:
    return {key: param(key, year, province=province) for key in SPECS}


def parameter_editable(viewer: Actor | None, *, province: str = GUIZHOU) -> bool:
    """Whether ``viewer`` may change the province's parameters: its administrators (bound to the province itself)
    and superusers; ``None`` is the system. The rule ``services.parameter_set`` enforces."""
    if viewer is None:
        return True
    return allowed(viewer, "policy.set") and (viewer.is_superuser or viewer.scope_code == province)


def parameter_stored(key: str, year: int, *, province: str = GUIZHOU) -> Parameter | None:
    """The stored row ``param`` reads for ``key`` in ``year`` (the latest from that year or before), if any."""
    return Parameter.objects.filter(province=province, key=key, year__lte=year).order_by("-year").first()


def parameter_history(*, viewer: Actor, limit: int = 50) -> list[AuditEntry]:
    """The latest parameter changes in the viewer's area (the audit log's ``policy.parameter_set`` entries)."""
    return list(scoped(AuditEntry, viewer).filter(action="policy.parameter_set").order_by("-seq")[:limit])
