"""错评、漏评：家庭成员与其他部门数据比对，抽样调查户与建档立卡比对（POLICY §4；第三方评估）"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, out, poor_members

# What users read as each rule's source: the identification standard and the 大数据比对 of 贵州's 专项治理.
FILING = "《扶贫开发建档立卡工作方案》（国开办发〔2014〕24号）"
GUIZHOU = "贵州省贫困人口漏评错评专项治理"


def _wrong_car(i: Inputs, p: Params) -> ir.Table:
    v = i["vehicles"]
    m = poor_members(i, p)
    hits = v.filter(v.value_yuan >= p.car_value)
    j = hits.join(m, hits.owner_id == m.person_id)
    return out(j, j.household_id, j.person_id, j.value_yuan, j.vehicle_type.concat("，号牌 ", j.plate))


def _wrong_town_housing(i: Inputs, p: Params) -> ir.Table:
    r = i["real_estate"]
    m = poor_members(i, p)
    hits = r.filter(r.kind == "商品住房")
    j = hits.join(m, hits.owner_id == m.person_id)
    return out(j, j.household_id, j.person_id, None, j.location)


def _wrong_business(i: Inputs, p: Params) -> ir.Table:
    b = i["businesses"]
    m = poor_members(i, p)
    hits = b.filter(b.status == "存续")
    j = hits.join(m, hits.legal_rep_id == m.person_id)
    return out(j, j.household_id, j.person_id, None, j.name)


def _wrong_state_payroll(i: Inputs, p: Params) -> ir.Table:
    s = i["state_payroll"]
    m = poor_members(i, p)
    j = s.join(m, s.person_id == m.person_id)
    return out(j, j.household_id, j.person_id, None, j.employer)


def _deceased_member(i: Inputs, p: Params) -> ir.Table:
    d = i["deaths"]
    m = poor_members(i, p)
    hits = d.filter(d.death_date <= ibis.date(p.year, 12, 31))
    j = hits.join(m, hits.person_id == m.person_id)
    return out(j, j.household_id, j.person_id, None, j.death_date.cast("string"))


def _missed(i: Inputs, p: Params) -> ir.Table:
    s = i["survey_households"]
    t = s.filter(s.income_per_capita < p.poverty_line)
    return out(t, t.household_id, None, t.income_per_capita, t.village_code)


RULES: list[Rule] = [
    Rule("wrong_car", "错评：家庭成员名下有车", "错评", "person", "high",
         f"{FILING}识别标准；{GUIZHOU}：公安交管车辆比对",
         "成员 {person_id} 名下有价值 {value:,.0f} 元的车辆（{detail}），达到错评标准",
         _wrong_car, planted=True),
    Rule("wrong_town_housing", "错评：在城镇购有商品住房", "错评", "person", "high",
         f"{FILING}识别标准；{GUIZHOU}：住建、不动产登记比对",
         "成员 {person_id} 在城镇有商品住房（{detail}）", _wrong_town_housing,
         planted=True),
    Rule("wrong_business", "错评：开办存续的企业或个体工商户", "错评", "person", "high",
         f"{FILING}识别标准；{GUIZHOU}：市场监管登记比对",
         "成员 {person_id} 是存续企业“{detail}”的法定代表人", _wrong_business,
         planted=True),
    Rule("wrong_state_payroll", "错评：家庭成员为财政供养人员", "错评", "person", "high",
         f"{FILING}识别标准；{GUIZHOU}：财政、编办、人社供养人员比对",
         "成员 {person_id} 由财政供养（{detail}）", _wrong_state_payroll,
         planted=True),
    Rule("deceased_member", "错评/数据：已死亡人员仍在册", "错评", "person", "medium",
         f"{FILING}动态管理；{GUIZHOU}：公安户籍、民政死亡信息比对",
         "成员 {person_id} 已于 {detail} 死亡，仍登记为贫困人口", _deceased_member,
         planted=True),
    Rule("missed", "漏评：抽样调查户人均纯收入低于扶贫标准但未建档", "漏评", "household", "high",
         f"《贫困县退出专项评估检查实施办法（试行）》抽样调查漏评；{FILING}识别标准",
         "调查户人均纯收入 {value:,.2f} 元低于扶贫标准，未纳入建档立卡", _missed,
         planted=True),
]  # fmt: skip
