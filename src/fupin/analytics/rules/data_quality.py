"""数据质量：建档立卡信息的内部一致性（POLICY §4）"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, age, out

# What users read as the source of the internal checks: the filing plan whose information they validate.
FILING = "《扶贫开发建档立卡工作方案》（国开办发〔2014〕24号）信息采集"

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


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
    return out(t, t.household_id, t.person_id, None, t.expected)


def _cause_illness_all_healthy(i: Inputs, p: Params) -> ir.Table:
    h = i["households"]  # a data-quality rule covers the whole register, exited households included
    m = i["members"]
    ill = m.filter(m.health != "健康").select("household_id").distinct()
    target = h.filter(h.main_cause == "因病")
    j = target.anti_join(ill, target.household_id == ill.household_id)
    return out(j, j.household_id, None, None, None)


def _migrant_months(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    t = m.filter((m.migrant_months < 0) | (m.migrant_months > p.max_migrant_months))
    return out(t, t.household_id, t.person_id, t.migrant_months, None)


def _student_age(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    t = m.mutate(age=age(m, p)).filter(lambda t: t.student.fill_null(False) & ((t.age < 6) | (t.age > 23)))
    return out(t, t.household_id, t.person_id, t.age, None)


def _labour_age(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    t = m.mutate(age=age(m, p)).filter(lambda t: (t.age < 16) & t.labour.isin(["普通劳动力", "技能劳动力"]))
    return out(t, t.household_id, t.person_id, t.age, t.labour)


def _cause_without_member(
    cause: str, member_filter: Callable[[ir.Table], ir.Value]
) -> Callable[[Inputs, Params], ir.Table]:
    def build(i: Inputs, p: Params) -> ir.Table:
        h = i["households"]
        m = i["members"]
        having = m.filter(member_filter(m)).select("household_id").distinct()
        target = h.filter(h.main_cause == cause)
        j = target.anti_join(having, target.household_id == having.household_id)
        return out(j, j.household_id, None, None, None)

    return build


def _income_range(i: Inputs, p: Params) -> ir.Table:
    y = i["household_years"]
    t = y.filter((y.year == p.year) & ((y.income_per_capita < 0) | (y.income_per_capita > 100_000)))
    return out(t, t.household_id, None, t.income_per_capita, None)


def _duplicate_person(i: Inputs, p: Params) -> ir.Table:
    m = i["members"]
    counts = m.group_by("person_id").aggregate(n=m.household_id.nunique())
    dup = counts.filter(counts.n > 1).select("person_id")
    j = m.join(dup, "person_id")
    return out(j, j.household_id, j.person_id, None, None)


RULES: list[Rule] = [
    Rule("dq_id_checksum", "数据质量：身份证号校验码错误", "数据质量", "person", "medium",
         "GB 11643-1999《公民身份号码》校验码", "身份证号 {person_id} 的校验码应为 {detail}", _id_checksum_wrong,
         planted=True),
    Rule("dq_cause_illness_all_healthy", "数据质量：因病致贫但家庭成员均健康", "数据质量", "household", "low",
         f"{FILING}：致贫原因与成员健康状况一致",
         "主要致贫原因为因病，但家庭成员健康状况均为“健康”", _cause_illness_all_healthy,
         planted=True),
    Rule("dq_migrant_months", "数据质量：务工时间超出 0–12 个月", "数据质量", "person", "low",
         f"{FILING}：务工时间 0–12 个月", "成员 {person_id} 的务工时间填写为 {value:.0f} 个月", _migrant_months,
         planted=True),
    Rule("dq_student_age", "数据质量：在校生年龄不在 6–23 岁", "数据质量", "person", "low",
         f"{FILING}：在校生状况按年龄填写", "成员 {person_id} 登记为在校生，年末 {value:.0f} 岁", _student_age),
    Rule("dq_labour_age", "数据质量：未满 16 岁登记为劳动力", "数据质量", "person", "low",
         f"{FILING}：劳动技能按年龄填写",
         "成员 {person_id} 年末 {value:.0f} 岁，劳动技能登记为“{detail}”", _labour_age),
    Rule("dq_cause_school_no_student", "数据质量：因学致贫但无在校生", "数据质量", "household", "low",
         f"{FILING}：致贫原因与成员在校状况一致", "主要致贫原因为因学，但家庭成员中没有在校生",
         _cause_without_member("因学", lambda m: m.student.fill_null(False))),
    Rule("dq_cause_disability_none", "数据质量：因残致贫但无残疾成员", "数据质量", "household", "low",
         f"{FILING}：致贫原因与成员健康状况一致", "主要致贫原因为因残，但家庭成员健康状况中没有“残疾”",
         _cause_without_member("因残", lambda m: m.health == "残疾")),
    Rule("dq_income_range", "数据质量：人均纯收入超出 0–100,000 元", "数据质量", "household", "medium",
         f"{FILING}：人均纯收入取值范围", "人均纯收入填写为 {value:,.2f} 元", _income_range),
    Rule("dq_duplicate_person", "数据质量：同一人登记在多个户", "数据质量", "person", "high",
         f"{FILING}：同一人只在一户建档（按身份证号查重）", "身份证号 {person_id} 同时登记在多个户", _duplicate_person),
]  # fmt: skip
