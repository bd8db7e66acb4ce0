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
         "《关于加强和完善建档立卡贫困户等重点对象农村危房改造若干问题的通知》（建村〔2017〕192号）C/D 级危房"
         "为改造对象；《农村危险房屋鉴定技术导则（试行）》（建村函〔2009〕69号）",
         "年末住房鉴定为 {detail} 级危房，未改造也未易地搬迁",
         _housing_unsafe),
]  # fmt: skip
