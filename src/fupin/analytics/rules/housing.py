"""住房安全：贫困户的危房（POLICY §2）"""

from __future__ import annotations

import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, out, registered_poor


def _housing_unsafe(i: Inputs, p: Params) -> ir.Table:
    poor = registered_poor(i, p).select("household_id")
    y = i["household_years"]
    j = poor.join(y.filter(y.year == p.year), "household_id")
    j = j.filter(j.housing_grade.isin(["C", "D"]) & ~j.relocated.fill_null(False))
    return out(j, j.household_id, None, None, j.housing_grade)


RULES: list[Rule] = [
    Rule("housing_unsafe", "住房安全：贫困户住 C/D 级危房且未改造、未搬迁", "住房保障", "household", "high",
         "POLICY.md §2 危改对象 = 贫困户且 C/D 级", "年末住房鉴定为 {detail} 级危房，未改造也未易地搬迁",
         _housing_unsafe),
]  # fmt: skip
