"""两不愁三保障 from the facts (POLICY §2): each unmet test as reason rows (household, code, value, detail).

Shared by the household verdicts (exit, identification) and the 数据不一致 rules, which compare these facts with the
recorded judgements; pure Ibis, so every engine gives the same reasons.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from fupin.analytics.params import Params

Inputs = dict[str, ir.Table]

# the three guarantees derived from facts, by the code of their reason rows (the water codes share one guarantee)
GUARANTEE_CODES = {
    "education": ("education",),
    "medical": ("medical",),
    "water": ("water_quantity", "water_quality", "water_time", "water_cut", "water"),
}


def reason(t: ir.Table, code: str, value: ir.Value | None = None, detail: ir.Value | None = None) -> ir.Table:
    return t.select(
        household_id=t.household_id.cast("string"),
        code=ibis.literal(code),
        value=(value if value is not None else ibis.null()).cast("float64"),
        detail=(detail if detail is not None else ibis.null()).cast("string"),
    )


def year_rows(i: Inputs, households: ir.Table, year: int) -> ir.Table:
    y = i["household_years"]
    yr = y.filter(y.year == year)
    return households.select("household_id").join(yr, "household_id")


def education_gaps(i: Inputs, p: Params, households: ir.Table) -> ir.Table:
    """义务教育 from the members (POLICY §2): every child of compulsory-school age at the end of the year — both ends
    of the band parameters — is in school, or cannot attend and is taught at home (送教上门). One row per child
    who is neither, with the child's name and age."""
    m = i["members"]
    m = m.join(households.select("household_id"), "household_id")
    age = ibis.literal(p.year) - m.birth_date.year()
    gap = m.filter(
        (age >= p.school_age_min)
        & (age <= p.school_age_max)
        & ~m.student.fill_null(False)
        & ~m.home_schooled.fill_null(False)
    )
    age_gap = ibis.literal(p.year) - gap.birth_date.year()
    return reason(gap, "education", age_gap, gap.name.concat("（", age_gap.cast("string"), " 岁）未在校，也未送教上门"))


def medical_gaps(i: Inputs, households: ir.Table) -> ir.Table:
    """基本医疗 from the members (POLICY §2): every member in basic medical and critical-illness insurance."""
    m = i["members"]
    m = m.join(households.select("household_id"), "household_id")
    basic = m.medical_insurance.fill_null(False)
    critical = m.critical_illness_insurance.fill_null(False)
    gap = m.filter(~basic | ~critical)
    what = ibis.cases(
        (~gap.medical_insurance.fill_null(False) & ~gap.critical_illness_insurance.fill_null(False),
         "未参加基本医疗保险和大病保险"),
        (~gap.medical_insurance.fill_null(False), "未参加基本医疗保险"),
        else_="未参加大病保险",
    )  # fmt: skip
    return reason(gap, "medical", None, gap.name.concat(what))


def water_gaps(j: ir.Table, p: Params) -> list[ir.Table]:
    """饮水安全 from the year's facts (POLICY §2): quantity (a lower standard in water-short areas), quality,
    convenience and reliability, each against its parameter; where no fact was recorded, the recorded judgement."""
    short = j.water_short_area.fill_null(False)
    minimum = ibis.cases((short, p.water_litres_min_short), else_=p.water_litres_min)
    no_facts = (
        j.water_litres.isnull() & j.water_quality_ok.isnull() & j.water_minutes.isnull() & j.water_cut_days.isnull()
    )
    return [
        reason(j.filter(j.water_litres < minimum), "water_quantity", j.water_litres, minimum.cast("string")),
        reason(j.filter(~j.water_quality_ok.fill_null(True)), "water_quality"),
        reason(
            j.filter(j.water_minutes > p.water_minutes_max),
            "water_time",
            j.water_minutes,
            ibis.literal(str(p.water_minutes_max)),
        ),
        reason(
            j.filter(j.water_cut_days > p.water_cut_days_max),
            "water_cut",
            j.water_cut_days,
            ibis.literal(str(p.water_cut_days_max)),
        ),
        reason(j.filter(no_facts & ~j.water_ok.fill_null(True)), "water"),
    ]


def guarantee_gaps(i: Inputs, p: Params, j: ir.Table) -> list[ir.Table]:
    """两不愁三保障 for the households of ``j`` (their rows of the year): every unmet test, one reason row each.
    吃穿 are recorded judgements (no facts stand for them); 教育, 医疗, 住房 and 饮水 are derived from facts."""
    households = j.select("household_id").distinct()
    unsafe = j.housing_grade.isin(["C", "D"]) & ~j.relocated.fill_null(False)
    return [
        reason(j.filter(~j.food_ok), "food"),
        reason(j.filter(~j.clothing_ok), "clothing"),
        education_gaps(i, p, households),
        medical_gaps(i, households),
        reason(j.filter(unsafe), "housing", None, j.housing_grade),
        *water_gaps(j, p),
    ]
