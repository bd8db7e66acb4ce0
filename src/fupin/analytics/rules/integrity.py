"""优亲厚友：村“两委”成员本人及其户籍亲属登记为贫困户（扶贫领域腐败和不正之风专项治理）

The fifth special governance compares the village Party organizations' committees (the organization department's
list of 两委 members, by ID number) with the registry and the public-security hukou: a member of the committees
seated at the end of year Y who is himself in a household registered poor, and a household registered poor one of
whose members shares a hukou household (户号) with such a member without the member being registered in it (a
relative split off into a poor household of his own). Neither is forbidden as such: the finding asks the township to
verify that the household meets the criteria, was announced and was filed with the county (村干部及其亲属享受扶贫
政策备案); a confirmed finding becomes an accountability case.

Seats run from ``seated_from`` to ``seated_until`` exclusive (the day the member left), as on the organization's
page; a member who left on the last day of the year is no longer seated at its end.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, out, poor_members

# the highest post a member holds names him (a secretary who also heads the villagers' committee: 书记)
POSTS = (("secretary", "村党组织书记"), ("director", "村委会主任"), ("deputy", "村“两委”副职"),
         ("member", "村“两委”委员"))  # fmt: skip

SOURCE = (
    "中央纪委国家监委扶贫领域腐败和作风问题专项治理（2018—2020年）；《中共中央 国务院关于打赢脱贫攻坚战三年行动的"
    "指导意见》（2018年6月）“开展扶贫领域腐败和作风问题专项治理”；村干部及其亲属享受扶贫政策备案（组织部门"
    "村“两委”成员名单与建档立卡、公安户籍比对）"
)


def seated(i: Inputs, p: Params) -> ir.Table:
    """One row per person seated on a committee at the end of year Y: ID number, name and highest post."""
    s = i["cadre_seats"]
    end = ibis.date(p.year, 12, 31)
    s = s.filter((s.seated_from <= end) & (s.seated_until.isnull() | (s.seated_until > end)))
    rank = ibis.cases(*((s.post == code, k) for k, (code, _) in enumerate(POSTS)), else_=len(POSTS))
    per = s.group_by("person_id").aggregate(cadre_name=s.name.min(), rank=rank.min())
    label = ibis.cases(*((per.rank == k, name) for k, (_, name) in enumerate(POSTS)), else_="村“两委”成员")
    return per.select(cadre_id=per.person_id, cadre=per.cadre_name.concat("（", label, "）"))


def _self_poor(i: Inputs, p: Params) -> ir.Table:
    m = poor_members(i, p)
    c = seated(i, p)
    j = m.join(c, m.person_id == c.cadre_id)
    return out(j, j.household_id, j.person_id, None, j.cadre)


def _relative_poor(i: Inputs, p: Params) -> ir.Table:
    c = seated(i, p)
    h = i["hukou"]
    h = h.filter(h.household_id.notnull() & (h.household_id != ""))
    # the cadres' hukou households, then everybody registered in them except the cadre
    mine = h.select(own_id=h.person_id, hukou_no=h.household_id)
    own = c.join(mine, c.cadre_id == mine.own_id)
    theirs = h.select(kin_id=h.person_id, kin_no=h.household_id)
    kin = own.join(theirs, own.hukou_no == theirs.kin_no)
    kin = kin.filter(kin.kin_id != kin.cadre_id).select("cadre_id", "cadre", "kin_id")
    m = poor_members(i, p)
    j = m.join(kin, m.person_id == kin.kin_id)
    # a cadre registered in the household himself is the rule above, not a relative split off
    inside = m.select(in_id=m.person_id, in_household=m.household_id)
    j = j.left_join(inside, (j.cadre_id == inside.in_id) & (j.household_id == inside.in_household))
    j = j.filter(j.in_id.isnull())
    per = j.group_by("household_id").aggregate(pair=j.name.concat("与", j.cadre).min())
    return out(per, per.household_id, None, None, per.pair)


RULES: list[Rule] = [
    Rule("cadre_self_poor", "优亲厚友：村“两委”成员本人登记为贫困户成员", "优亲厚友", "person", "medium", SOURCE,
         "成员 {person_id} 为{detail}，本人在建档立卡贫困户中：须核实是否符合识别标准、是否经公示并报县级备案",
         _self_poor, planted=True),
    Rule("cadre_relative_poor", "优亲厚友：村“两委”成员的户籍亲属另立户登记为贫困户", "优亲厚友", "household",
         "medium", SOURCE,
         "户内成员{detail}同属一个公安户籍户，却另立户登记为贫困户：须核实分户是否真实、是否符合识别标准",
         _relative_poor, planted=True),
]  # fmt: skip
