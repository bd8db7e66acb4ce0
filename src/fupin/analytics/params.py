"""The parameters the rules read, for one year (POLICY.md's defaults; the live database passes stored values)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from fupin.policy.defaults import SPECS, default_value


@dataclass(frozen=True)
class Params:
    year: int
    poverty_line: float
    exit_line: float
    car_value: float = 30_000.0
    max_migrant_months: int = 12
    monitoring_income_line: float = 4_200.0
    monitoring_drop_ratio: float = 0.5
    school_age_min: int = 6
    school_age_max: int = 15
    water_litres_min: int = 35
    water_litres_min_short: int = 20
    water_minutes_max: int = 20
    water_cut_days_max: int = 36

    @classmethod
    def defaults(cls, year: int, **overrides: Any) -> Params:
        values = {key: SPECS[key].kind(default_value(key, year)) for key in PARAMETER_KEYS}
        return replace(cls(year=year, **values), **overrides)


# every field but the year is a policy parameter of the same name (fupin.policy.defaults.SPECS)
PARAMETER_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Params) if f.name != "year")
