"""错退：当年退出的户与其年度收入（POLICY §3–4）"""

from __future__ import annotations

import ibis.expr.types as ir

from fupin.analytics.params import Params
from fupin.analytics.verdicts.household import VETO_NAMES, exit_vetoes

from .base import Inputs, Rule, out

EXIT_2016 = "《关于建立贫困退出机制的意见》（厅字〔2016〕16号）"  # the exit standard users read as the source


def _wrong_exit(i: Inputs, p: Params) -> ir.Table:
    h = i["households"]
    y = i["household_years"]
    exited = h.filter(h.exit_year.fill_null(0) == p.year).select("household_id")
    yr = y.filter(y.year == p.year)
    j = exited.join(yr, exited.household_id == yr.household_id)
    j = j.filter(j.income_per_capita < p.poverty_line)
    return out(j, j.household_id, None, j.income_per_capita, None)


def _exit_despite_vetoes(i: Inputs, p: Params) -> ir.Table:
    """Households that exited in year Y although their exit verdict of Y has vetoes — an exit approved by a county
    against the verdict, or one recorded before the verdict bound the procedure."""
    h = i["households"]
    exited = h.filter(h.exit_year.fill_null(0) == p.year).select("household_id")
    vetoes = exit_vetoes(i, p)
    j = exited.join(vetoes, "household_id")
    j = j.mutate(name=j.code.cases(*VETO_NAMES.items(), else_="其他"))
    per = j.group_by("household_id").aggregate(n=j.code.count(), first=j.name.min())
    return out(per, per.household_id, None, per.n, per.first)


RULES: list[Rule] = [
    Rule("wrong_exit", "错退：当年脱贫但人均纯收入低于国家扶贫标准", "错退", "household", "high",
         f"{EXIT_2016}退出标准；贵州省贫困人口错退专项治理",
         "该户当年退出，但人均纯收入 {value:,.2f} 元低于扶贫标准", _wrong_exit,
         planted=True),
    Rule("exit_despite_vetoes", "错退风险：当年退出但不符合退出标准（含县级批准带否决项退出）", "错退", "household",
         "medium", f"{EXIT_2016}：人均纯收入稳定超过退出线且两不愁三保障均达标；否决项见户页面的退出评估",
         "该户当年退出，但退出评估有 {value:.0f} 项否决（如：{detail}），请核实县级批准理由或退出依据",
         _exit_despite_vetoes),
]  # fmt: skip
