"""Indicators per area and year at every level (province → village), as one Ibis expression per engine.

From the registry: registered poor households and people at the end of each year (identified by then, not exited
by then), households and people exiting in the year. Rolled up from villages by the code prefix (2, 4, 6, 9, 12
digits, padded to 12), so every level is summed from the same rows. Incidence and findings are added by the
caller (they need the rural population and the stored findings).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir
import pyarrow as pa

PREFIX_LENGTHS = (2, 4, 6, 9, 12)
KEYS = ("poor_households", "poor_people", "exit_households", "exit_people")


def _per_village(households: ir.Table, year: int) -> ir.Table:
    h = households
    exit_year = h.exit_year.fill_null(0)
    poor = (h.identified_year <= year) & ((exit_year == 0) | (exit_year > year))
    exits = exit_year == year
    return h.group_by(h.village_code).aggregate(
        poor_households=poor.ifelse(1, 0).sum(),
        poor_people=poor.ifelse(h.size, 0).sum(),
        exit_households=exits.ifelse(1, 0).sum(),
        exit_people=exits.ifelse(h.size, 0).sum(),
    )


def indicators(households: ir.Table, years: Sequence[int]) -> pa.Table:
    """Long table (area_code, year, key, value) for every area with registered households, every year."""
    parts = []
    for year in years:
        v = _per_village(households, year)
        for k in PREFIX_LENGTHS:
            code = v.village_code.substr(0, k).concat(ibis.literal("0" * (12 - k))) if k < 12 else v.village_code
            g = v.group_by(area_code=code).aggregate(**{key: v[key].sum() for key in KEYS})
            parts.append(g.mutate(year=ibis.literal(year, type="int32")))
    wide = ibis.union(*parts) if len(parts) > 1 else parts[0]
    table = wide.to_pyarrow()
    rows: dict[str, list[object]] = {"area_code": [], "year": [], "key": [], "value": []}
    codes, yrs = table.column("area_code").to_pylist(), table.column("year").to_pylist()
    for key in KEYS:
        values = table.column(key).to_pylist()
        rows["area_code"] += codes
        rows["year"] += yrs
        rows["key"] += [key] * len(codes)
        rows["value"] += [float(x or 0) for x in values]
    out = pa.table(
        {"area_code": pa.array(rows["area_code"], pa.string()), "year": pa.array(rows["year"], pa.int32()),
         "key": pa.array(rows["key"], pa.string()), "value": pa.array(rows["value"], pa.float64())}
    )  # fmt: skip
    return out.sort_by([("area_code", "ascending"), ("year", "ascending"), ("key", "ascending")])
