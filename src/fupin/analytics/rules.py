"""Every check as an Ibis expression over the canonical tables (schema.py).

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

from .params import Params

Inputs = dict[str, ir.Table]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    category: str  # 错评 / 错退 / 漏评 / 数据质量
    subject: str  # household / person
    severity: str  # high / medium / low
    source: str
    explain: str  # str.format template over value, detail, person_id, household_id
    build: Callable[[Inputs, Params], ir.Table]
    planted: bool = False  # the synthetic province plants cases for it (docs/checks.md scores it)

    def explanation(self, row: dict[str, Any]) -> str:
        return self.explain.format(**row)


def _out(t: ir.Table, household: Any, person: Any = None, value: Any = None, detail: Any = None) -> ir.Table:
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


def _poor_members(i: Inputs, p: Params) -> ir.Table:
    poor = registered_poor(i, p).select("household_id")
    m = i["members"]
    return m.join(poor, m.household_id == poor.household_id).select(m.person_id, m.household_id, m.name)


def _wrong_car(i: Inputs, p: Params) -> ir.Table:
    v = i["vehicles"]
    m = _poor_members(i, p)
    hits = v.filter(v.value_yuan >= p.car_value)
    j = hits.join(m, hits.owner_id == m.person_id)
    return _out(j, j.household_id, j.person_id, j.value_yuan, j.vehicle_type.concat("，号牌 ", j.plate))


def _wrong_town_housing(i: Inputs, p: Params) -> ir.Table:
    r = i["real_estate"]
    m = _poor_members(i, p)
    hits = r.filter(r.kind == "商品住房")
    j = hits.join(m, hits.owner_id == m.person_id)
    return _out(j, j.household_id, j.person_id, None, j.location)


def _wrong_business(i: Inputs, p: Params) -> ir.Table:
    b = i["businesses"]
    m = _poor_members(i, p)
    hits = b.filter(b.status == "存续")
    j = hits.join(m, hits.legal_rep_id == m.person_id)
    return _out(j, j.household_id, j.person_id, None, j.name)


def _wrong_state_payroll(i: Inputs, p: Params) -> ir.Table:
    s = i["state_payroll"]
    m = _poor_members(i, p)
    j = s.join(m, s.person_id == m.person_id)
    return _out(j, j.household_id, j.person_id, None, j.employer)


def _deceased_member(i: Inputs, p: Params) -> ir.Table:
    d = i["deaths"]
    m = _poor_members(i, p)
    hits = d.filter(d.death_date <= ibis.date(p.year, 12, 31))
    j = hits.join(m, hits.person_id == m.person_id)
    return _out(j, j.household_id, j.person_id, None, j.death_date.cast("string"))


def _wrong_exit(i: Inputs, p: Params) -> ir.Table:
    h = i["households"]
    y = i["household_years"]
    exited = h.filter(h.exit_year.fill_null(0) == p.year).select("household_id")
    yr = y.filter(y.year == p.year)
    j = exited.join(yr, exited.household_id == yr.household_id)
    j = j.filter(j.income_per_capita < p.poverty_line)
    return _out(j, j.household_id, None, j.income_per_capita, None)


def _id_checksum_wrong(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    pid = m.person_id
    shaped = pid.length() == 18
    total = sum(
        (pid.substr(k, 1).cast("int64") * w for k, w in enumerate(ID_WEIGHTS)),
        start=ibis.literal(0, type="int64"),
    )
    remainder = total % 11
    expected = remainder.cases(*((k, ID_CHECK[k]) for k in range(11)))
    digits17 = pid.substr(0, 17).re_search(r"^[0-9]{17}$")
    t = m.mutate(expected=expected, ok_shape=shaped & digits17)
    t = t.filter(t.ok_shape & (t.person_id.substr(17, 1).upper() != t.expected))
    return _out(t, t.household_id, t.person_id, None, t.expected)


def _cause_illness_all_healthy(i: Inputs, p: Params) -> ir.Table:
    h = i["households"]  # a data-quality rule covers the whole register, exited households included
    m = i["members"]
    ill = m.filter(m.health != "健康").select("household_id").distinct()
    target = h.filter(h.main_cause == "因病")
    j = target.anti_join(ill, target.household_id == ill.household_id)
    return _out(j, j.household_id, None, None, None)


def _migrant_months(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    t = m.filter((m.migrant_months < 0) | (m.migrant_months > p.max_migrant_months))
    return _out(t, t.household_id, t.person_id, t.migrant_months, None)


def _missed(i: Inputs, p: Params) -> ir.Table:
    s = i["survey_households"]
    t = s.filter(s.income_per_capita < p.poverty_line)
    return _out(t, t.household_id, None, t.income_per_capita, t.village_code)


def _housing_unsafe(i: Inputs, p: Params) -> ir.Table:
    poor = registered_poor(i, p).select("household_id")
    y = i["household_years"]
    j = poor.join(y.filter(y.year == p.year), "household_id")
    j = j.filter(j.housing_grade.isin(["C", "D"]) & ~j.relocated.fill_null(False))
    return _out(j, j.household_id, None, None, j.housing_grade)


def _age(m: ir.Table, p: Params) -> ir.Value:
    return ibis.literal(p.year) - m.birth_date.year()


def _student_age(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    age = _age(m, p)
    t = m.mutate(age=age).filter(lambda t: t.student.fill_null(False) & ((t.age < 6) | (t.age > 23)))
    return _out(t, t.household_id, t.person_id, t.age, None)


def _labour_age(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    t = m.mutate(age=_age(m, p)).filter(lambda t: (t.age < 16) & t.labour.isin(["普通劳动力", "技能劳动力"]))
    return _out(t, t.household_id, t.person_id, t.age, t.labour)


def _cause_without_member(
    cause: str, member_filter: Callable[[ir.Table], ir.Value]
) -> Callable[[Inputs, Params], ir.Table]:
    def build(i: Inputs, p: Params) -> ir.Table:
        h = i["households"]
        m = i["members"]
        having = m.filter(member_filter(m)).select("household_id").distinct()
        target = h.filter(h.main_cause == cause)
        j = target.anti_join(having, target.household_id == having.household_id)
        return _out(j, j.household_id, None, None, None)

    return build


def _income_range(i: Inputs, p: Params) -> ir.Table:
    y = i["household_years"]
    t = y.filter((y.year == p.year) & ((y.income_per_capita < 0) | (y.income_per_capita > 100_000)))
    return _out(t, t.household_id, None, t.income_per_capita, None)


def _duplicate_person(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    counts = m.group_by("person_id").aggregate(n=m.household_id.nunique())
    dup = counts.filter(counts.n > 1).select("person_id")
    j = m.join(dup, "person_id")
    return _out(j, j.household_id, j.person_id, None, None)


RULES: list[Rule] = [
    Rule("wrong_car", "错评：家庭成员名下有车", "错评", "person", "high",
         "POLICY.md §4 公安交管车辆比对", "成员 {person_id} 名下有价值 {value:,.0f} 元的车辆（{detail}），达到错评标准",
         _wrong_car),
    Rule("wrong_town_housing", "错评：在城镇购有商品住房", "错评", "person", "high",
         "POLICY.md §4 住建/不动产比对", "成员 {person_id} 在城镇有商品住房（{detail}）", _wrong_town_housing),
    Rule("wrong_business", "错评：开办存续的企业或个体工商户", "错评", "person", "high",
         "POLICY.md §4 市场监管比对", "成员 {person_id} 是存续企业“{detail}”的法定代表人", _wrong_business),
    Rule("wrong_state_payroll", "错评：家庭成员为财政供养人员", "错评", "person", "high",
         "POLICY.md §4 财政/编办/人社比对", "成员 {person_id} 由财政供养（{detail}）", _wrong_state_payroll),
    Rule("deceased_member", "错评/数据：已死亡人员仍在册", "错评", "person", "medium",
         "POLICY.md §4 公安户籍/民政比对", "成员 {person_id} 已于 {detail} 死亡，仍登记为贫困人口", _deceased_member),
    Rule("wrong_exit", "错退：当年脱贫但人均纯收入低于国家扶贫标准", "错退", "household", "high",
         "POLICY.md §3–4", "该户当年退出，但人均纯收入 {value:,.2f} 元低于扶贫标准", _wrong_exit),
    Rule("dq_id_checksum", "数据质量：身份证号校验码错误", "数据质量", "person", "medium",
         "POLICY.md §4 内部校验；GB 11643", "身份证号 {person_id} 的校验码应为 {detail}", _id_checksum_wrong),
    Rule("dq_cause_illness_all_healthy", "数据质量：因病致贫但家庭成员均健康", "数据质量", "household", "low",
         "POLICY.md §4 致贫原因一致性", "主要致贫原因为因病，但家庭成员健康状况均为“健康”", _cause_illness_all_healthy),
    Rule("dq_migrant_months", "数据质量：务工时间超出 0–12 个月", "数据质量", "person", "low",
         "POLICY.md §4", "成员 {person_id} 的务工时间填写为 {value:.0f} 个月", _migrant_months),
    Rule("missed", "漏评：抽样调查户人均纯收入低于扶贫标准但未建档", "漏评", "household", "high",
         "POLICY.md §3–4 第三方评估抽样", "调查户人均纯收入 {value:,.2f} 元低于扶贫标准，未纳入建档立卡", _missed),
    Rule("housing_unsafe", "住房安全：贫困户住 C/D 级危房且未改造、未搬迁", "住房保障", "household", "high",
         "POLICY.md §2 危改对象 = 贫困户且 C/D 级", "年末住房鉴定为 {detail} 级危房，未改造也未易地搬迁",
         _housing_unsafe),
    Rule("dq_student_age", "数据质量：在校生年龄不在 6–23 岁", "数据质量", "person", "low",
         "POLICY.md §4 按年龄的必填项", "成员 {person_id} 登记为在校生，年末 {value:.0f} 岁", _student_age),
    Rule("dq_labour_age", "数据质量：未满 16 岁登记为劳动力", "数据质量", "person", "low",
         "POLICY.md §4 按年龄的必填项", "成员 {person_id} 年末 {value:.0f} 岁，劳动技能登记为“{detail}”", _labour_age),
    Rule("dq_cause_school_no_student", "数据质量：因学致贫但无在校生", "数据质量", "household", "low",
         "POLICY.md §4 致贫原因一致性", "主要致贫原因为因学，但家庭成员中没有在校生",
         _cause_without_member("因学", lambda m: m.student.fill_null(False))),
    Rule("dq_cause_disability_none", "数据质量：因残致贫但无残疾成员", "数据质量", "household", "low",
         "POLICY.md §4 致贫原因一致性", "主要致贫原因为因残，但家庭成员健康状况中没有“残疾”",
         _cause_without_member("因残", lambda m: m.health == "残疾")),
    Rule("dq_income_range", "数据质量：人均纯收入超出 0–100,000 元", "数据质量", "household", "medium",
         "POLICY.md §4", "人均纯收入填写为 {value:,.2f} 元", _income_range),
    Rule("dq_duplicate_person", "数据质量：同一人登记在多个户", "数据质量", "person", "high",
         "POLICY.md §4 重复登记", "身份证号 {person_id} 同时登记在多个户", _duplicate_person),
]  # fmt: skip
PLANTED = {"wrong_car", "wrong_town_housing", "wrong_business", "wrong_state_payroll", "deceased_member", "wrong_exit",
           "dq_id_checksum", "dq_cause_illness_all_healthy", "dq_migrant_months", "missed"}  # fmt: skip
RULES = [Rule(**{**r.__dict__, "planted": r.id in PLANTED}) for r in RULES]
BY_ID = {r.id: r for r in RULES}
