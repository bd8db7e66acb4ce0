"""数据不一致：登记的两不愁三保障判断与事实不符（POLICY §2）

The registry keeps both the recorded judgement (义务教育有保障, 基本医疗有保障, 饮水安全) and the facts it stands for
(members' schooling and insurance, the year's water). The verdicts decide from the facts; these rules name every
registered poor household whose recorded judgement says otherwise, in either direction, with both sides.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from fupin.analytics.guarantees import education_gaps, medical_gaps, water_gaps, year_rows
from fupin.analytics.params import Params

from .base import Inputs, Rule, out, registered_poor

GapsOf = Callable[[Inputs, Params, ir.Table], list[ir.Table]]


def _mismatch(
    flag: str, gaps_of: GapsOf, facts_known: Callable[[ir.Table], ir.Value] | None = None
) -> Callable[[Inputs, Params], ir.Table]:
    def build(i: Inputs, p: Params) -> ir.Table:
        j = year_rows(i, registered_poor(i, p), p.year)
        gaps = ibis.union(*gaps_of(i, p, j))
        first = gaps.group_by("household_id").aggregate(fact=gaps.detail.fill_null("").min())
        said_ok = j.filter(j[flag].fill_null(True))
        contradicted = said_ok.join(first, "household_id")
        said_not = j.filter(~j[flag].fill_null(True))
        if facts_known is not None:
            said_not = said_not.filter(facts_known(said_not))
        unfounded = said_not.anti_join(first, "household_id")
        return ibis.union(
            out(
                contradicted,
                contradicted.household_id,
                None,
                None,
                ibis.literal("登记为有保障，但").concat(contradicted.fact),
            ),
            out(unfounded, unfounded.household_id, None, None, ibis.literal("登记为无保障，但按事实已达标")),
        )

    return build


def _education(i: Inputs, p: Params, j: ir.Table) -> list[ir.Table]:
    return [education_gaps(i, p, j.select("household_id"))]


def _medical(i: Inputs, p: Params, j: ir.Table) -> list[ir.Table]:
    return [medical_gaps(i, j.select("household_id"))]


def _water(i: Inputs, p: Params, j: ir.Table) -> list[ir.Table]:
    # only the facts (the fallback on the recorded judgement would compare the flag with itself), each said in words:
    # the verdict's rows carry the number and the standard apart
    quantity, quality, minutes, cut = water_gaps(j, p)[:4]

    def said(t: ir.Table, *words: ir.Value | str) -> ir.Table:
        return t.mutate(detail=ibis.literal("").concat(*words))

    def n(t: ir.Table) -> ir.Value:
        return t.value.cast("int64").cast("string")

    return [
        said(quantity, "人均日供水 ", n(quantity), " 升，低于 ", quantity.detail, " 升"),
        said(quality, "水质不达标"),
        said(minutes, "人力取水往返 ", n(minutes), " 分钟，超过 ", minutes.detail, " 分钟"),
        said(cut, "全年停水 ", n(cut), " 天，超过 ", cut.detail, " 天"),
    ]


def _water_known(t: ir.Table) -> ir.Value:
    return (
        t.water_litres.notnull()
        | t.water_quality_ok.notnull()
        | t.water_minutes.notnull()
        | (t.water_cut_days.notnull())
    )


RULES: list[Rule] = [
    Rule("flag_education", "数据不一致：“义务教育有保障”与在校信息不符", "数据不一致", "household", "medium",
         "《义务教育法》第十一条；两不愁三保障中的义务教育有保障（以家庭成员在校、送教上门信息判定）",
         "登记的“义务教育有保障”与成员在校信息不符：{detail}",
         _mismatch("education_ok", _education), planted=True),
    Rule("flag_medical", "数据不一致：“基本医疗有保障”与参保信息不符", "数据不一致", "household", "medium",
         "《中共中央 国务院关于打赢脱贫攻坚战的决定》（中发〔2015〕34号）基本医疗有保障："
         "家庭成员全部参加基本医疗保险和大病保险",
         "登记的“基本医疗有保障”与成员参保信息不符：{detail}",
         _mismatch("medical_ok", _medical), planted=True),
    Rule("flag_water", "数据不一致：“饮水安全”与水量、水质、取水时间、停水天数不符", "数据不一致", "household",
         "medium",
         "《农村饮水安全评价准则》（T/CHES 18-2018）水量、水质、方便程度、保证率",
         "登记的“饮水安全”与饮水情况不符：{detail}",
         _mismatch("water_ok", _water, _water_known), planted=True),
]  # fmt: skip
