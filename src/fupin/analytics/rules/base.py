"""What every rule is made of: the Rule row, the output shape, and the sets the rules share.

A rule returns a table with the columns ``household_id`` (string), ``person_id`` (string or null), ``value``
(float64 or null) and ``detail`` (string or null): the facts behind each hit, which ``explain`` turns into a
Chinese sentence. Rules are written once and run on every engine; keep to portable operations (filters, joins,
aggregates, string slices, casts) — the four-engine test catches anything that is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

Inputs = dict[str, ir.Table]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    category: str  # 错评 / 错退 / 漏评 / 住房保障 / 数据质量
    subject: str  # household / person
    severity: str  # high / medium / low
    source: str
    explain: str  # str.format template over value, detail, person_id, household_id
    build: Callable[[Inputs, Params], ir.Table]
    planted: bool = False  # the synthetic province plants cases for it (docs/checks.md scores it)

    def explanation(self, row: dict[str, Any]) -> str:
        return self.explain.format(**row)


def out(t: ir.Table, household: Any, person: Any = None, value: Any = None, detail: Any = None) -> ir.Table:
    return t.select(
        household_id=household.cast("string"),
        person_id=(person if person is not None else ibis.null()).cast("string"),
        value=(value if value is not None else ibis.null()).cast("float64"),
        detail=(detail if detail is not None else ibis.null()).cast("string"),
    )


def registered_poor(i: Inputs, p: Params) -> ir.Table:
    """Households registered by the end of year Y and not exited by then (exit year null, 0 or later than Y)."""
    h = i["households"]
    exit_year = h.exit_year.fill_null(0)
    return h.filter((h.identified_year <= p.year) & ((exit_year == 0) | (exit_year > p.year)))


def poor_members(i: Inputs, p: Params) -> ir.Table:
    poor = registered_poor(i, p).select("household_id")
    m = i["members"]
    return m.join(poor, m.household_id == poor.household_id).select(m.person_id, m.household_id, m.name)


def age(m: ir.Table, p: Params) -> ir.Value:
    return ibis.literal(p.year) - m.birth_date.year()
