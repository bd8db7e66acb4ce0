"""部门比对：两不愁三保障的登记信息与教育、医保、住建、民政、残联的数据比对（POLICY §2、§4）

Each rule compares what the registry records for the registered poor of year Y with another department's table,
matched on ID numbers: a member registered under a mistyped ID number has no record under it in any department,
which the rules that fire on an absent record report as such (the comparison is what reveals the typo).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

from .base import Inputs, Rule, age, out, registered_poor


def year_end(p: Params) -> ir.DateValue:
    return ibis.date(p.year, 12, 31)


def _poor_members(i: Inputs, p: Params) -> ir.Table:
    """Every column of the members of households registered poor at the end of year Y, with the attribute."""
    poor = registered_poor(i, p).select("household_id", "attribute")
    return i["members"].join(poor, "household_id")


def _when_loaded(t: ir.Table, snapshot: ir.Table) -> ir.Table:
    """``t`` only when the department's ``snapshot`` has rows: an absent record means something only once the
    department's data for the year has been loaded (an empty table would otherwise flag every member)."""
    return t.filter(snapshot.count().as_scalar() > 0)


def _flag(value: ir.BooleanValue) -> ir.IntegerValue:
    return ibis.cases((value.fill_null(False), 1), else_=0)


def _dropout(i: Inputs, p: Params) -> ir.Table:
    m = _poor_members(i, p)
    a = age(m, p)
    kids = m.filter(
        (a >= p.school_age_min)
        & (a <= p.school_age_max)
        & m.student.fill_null(False)
        & ~m.home_schooled.fill_null(False)
    )
    e = i["school_enrolment"]
    e = e.filter(e.year == p.year)
    attending = e.filter(e.status != "辍学").select(attending_id=e.person_id).distinct()
    dropped = e.filter(e.status == "辍学").select(dropped_id=e.person_id).distinct()
    # a left join and a null test rather than NOT EXISTS: SQLite runs the latter as a scan per member
    gap = kids.left_join(attending, kids.person_id == attending.attending_id)
    gap = _when_loaded(gap.filter(gap.attending_id.isnull()).drop("attending_id"), e)
    j = gap.left_join(dropped, gap.person_id == dropped.dropped_id)
    detail = ibis.cases(
        (j.dropped_id.notnull(), ibis.literal(f"{p.year} 学年学籍状态为辍学")),
        else_=ibis.literal(f"无 {p.year} 学年学籍"),
    )
    return out(j, j.household_id, j.person_id, ibis.literal(p.year) - j.birth_date.year(), detail)


def _uninsured(i: Inputs, p: Params) -> ir.Table:
    m = _poor_members(i, p)
    m = m.filter(m.medical_insurance.fill_null(False) & m.critical_illness_insurance.fill_null(False))
    r = i["medical_insured"]
    r = r.filter(r.year == p.year)
    per = r.group_by("person_id").aggregate(basic=_flag(r.basic).max(), critical=_flag(r.critical).max())
    per = per.select(insured_id=per.person_id, has_basic=per.basic, has_critical=per.critical)
    m = _when_loaded(m, r)
    j = m.left_join(per, m.person_id == per.insured_id)
    j = j.filter(j.insured_id.isnull() | (j.has_basic == 0) | (j.has_critical == 0))
    detail = ibis.cases(
        (j.insured_id.isnull(), ibis.literal(f"医保部门无 {p.year} 年度参保记录")),
        ((j.has_basic == 0) & (j.has_critical == 0), ibis.literal("医保部门记录未参加基本医疗保险和大病保险")),
        (j.has_basic == 0, ibis.literal("医保部门记录未参加基本医疗保险")),
        else_=ibis.literal("医保部门记录未参加大病保险"),
    )
    return out(j, j.household_id, j.person_id, None, detail)


def _housing_grade(i: Inputs, p: Params) -> ir.Table:
    a = i["housing_appraisal"]
    a = a.filter(a.appraised_on <= year_end(p))
    # the latest appraisal per owner in one aggregate (no self-join, which PostgreSQL plans badly): its ISO date,
    # grade and renovated flag as one sortable string; the maximum is the latest (a D beats a C on the same day)
    renovated = ibis.cases((a.renovated.fill_null(False), "1"), else_="0")
    per = a.group_by("owner_id").aggregate(latest=a.appraised_on.cast("string").concat(a.grade, renovated).max())
    grade, done = per.latest.substr(10, 1), per.latest.substr(11, 1)
    unsafe = per.filter(grade.isin(["C", "D"]) & (done == "0"))
    unsafe = unsafe.select(unsafe_owner=unsafe.owner_id, dept_grade=unsafe.latest.substr(10, 1))
    # joined from the few unsafe appraisals outwards (SQLite follows the written order; no hash joins there)
    m = i["members"]
    heads = m.filter(m.relation == "户主").select("household_id", head_id=m.person_id)
    j = unsafe.join(heads, unsafe.unsafe_owner == heads.head_id)
    j = j.join(registered_poor(i, p).select("household_id"), "household_id")
    y = i["household_years"]
    safe = y.filter((y.year == p.year) & y.housing_grade.isin(["A", "B"]) & ~y.relocated.fill_null(False))
    hits = j.join(safe.select("household_id"), "household_id")
    hits = hits.group_by("household_id").aggregate(dept_grade=hits.dept_grade.max())
    return out(hits, hits.household_id, None, None, hits.dept_grade)


def _dibao(i: Inputs, p: Params) -> ir.Table:
    s = i["assistance"]
    active = s.filter((s.since <= year_end(p)) & (s.ended.isnull() | (s.ended >= year_end(p))))
    m = _poor_members(i, p)
    valid = m
    on_dibao = active.filter(active.kind == "低保").select(dibao_id=active.person_id).distinct()
    covered = valid.join(on_dibao, valid.person_id == on_dibao.dibao_id).select("household_id").distinct()
    said = valid.filter(valid.attribute == "低保贫困户").select("household_id").distinct()
    missing = _when_loaded(said.anti_join(covered, "household_id"), s)
    on_tekun = active.filter(active.kind == "特困供养").select(tekun_id=active.person_id).distinct()
    t = m.join(on_tekun, m.person_id == on_tekun.tekun_id)
    t = t.filter(t.attribute.fill_null("") != "特困供养贫困户")
    t = t.group_by("household_id").aggregate(who=t.name.min(), attr=t.attribute.fill_null("（空）").min())
    return ibis.union(
        out(missing, missing.household_id, None, None,
            ibis.literal(f"登记为低保贫困户，但民政低保名单中无该户成员在 {p.year} 年末享受低保")),
        out(t, t.household_id, None, None,
            ibis.literal("成员").concat(t.who, f"在民政特困供养名单中（{p.year} 年末），但户属性登记为", t.attr)),
    )  # fmt: skip


def _disability(i: Inputs, p: Params) -> ir.Table:
    m = _poor_members(i, p)
    d = i["disability"]
    cert = d.select(cert_id=d.person_id, what=d.category.concat(d.grade))
    j = m.join(cert, m.person_id == cert.cert_id)
    j = j.filter(j.health.fill_null("") != "残疾")
    j = j.group_by("household_id", "person_id").aggregate(what=j.what.min(), health=j.health.fill_null("（空）").min())
    return out(j, j.household_id, j.person_id, None, j.what.concat("残疾，健康状况登记为", j.health))


RULES: list[Rule] = [
    Rule("dept_dropout", "部门比对：适龄在校生在教育部门学籍中辍学或无学籍", "部门比对", "person", "high",
         "《义务教育法》第十一条、第十三条；教育部门学籍比对（控辍保学）",
         "成员 {person_id} 年末 {value:.0f} 岁，登记为在校生，但{detail}", _dropout, planted=True),
    Rule("dept_uninsured", "部门比对：登记已参保但医保部门无参保记录", "部门比对", "person", "medium",
         "《中共中央 国务院关于打赢脱贫攻坚战的决定》（中发〔2015〕34号）基本医疗有保障；"
         "医保部门参保人员比对（基本医疗保险、大病保险）",
         "成员 {person_id} 登记为已参加基本医疗保险和大病保险，但{detail}", _uninsured, planted=True),
    Rule("dept_housing_grade", "部门比对：登记 A/B 级住房但住建部门鉴定为危房", "部门比对", "household", "high",
         "《农村危险房屋鉴定技术导则（试行）》（建村函〔2009〕69号）C/D 级为危房；住建部门农村危房鉴定比对",
         "登记住房等级为 A/B 级且未搬迁，但住建部门年末前最近一次鉴定户主住房为 {detail} 级危房且未改造",
         _housing_grade, planted=True),
    Rule("dept_dibao", "部门比对：低保/特困户属性与民政名单不符", "部门比对", "household", "medium",
         "《社会救助暂行办法》低保、特困人员供养；民政部门低保/特困供养名单比对",
         "户属性与民政名单不符：{detail}", _dibao, planted=True),
    Rule("dept_disability", "部门比对：持残疾人证但健康状况未登记为残疾", "部门比对", "person", "low",
         "《残疾人保障法》；残联第二代残疾人证比对",
         "成员 {person_id} 持残联残疾人证（{detail}）", _disability, planted=True),
]  # fmt: skip
