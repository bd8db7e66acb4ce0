"""Reading policy parameters: the stored value for the year (or the latest earlier one), else POLICY.md's default."""

from __future__ import annotations

from typing import Any

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
