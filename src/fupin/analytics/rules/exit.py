"""错退：当年退出的户与其年度收入（POLICY §3–4）"""

from __future__ import annotations

import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, out


def _wrong_exit(i: Inputs, p: Params) -> ir.Table:
    h = i["households"]
    y = i["household_years"]
    exited = h.filter(h.exit_year.fill_null(0) == p.year).select("household_id")
    yr = y.filter(y.year == p.year)
    j = exited.join(yr, exited.household_id == yr.household_id)
    j = j.filter(j.income_per_capita < p.poverty_line)
    return out(j, j.household_id, None, j.income_per_capita, None)


RULES: list[Rule] = [
    Rule("wrong_exit", "错退：当年脱贫但人均纯收入低于国家扶贫标准", "错退", "household", "high",
         "POLICY.md §3–4", "该户当年退出，但人均纯收入 {value:,.2f} 元低于扶贫标准", _wrong_exit,
         planted=True),
]  # fmt: skip
