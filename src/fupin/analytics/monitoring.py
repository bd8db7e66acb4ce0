"""Return-to-poverty monitoring (防止返贫动态监测和帮扶), as Ibis expressions identical on every engine.

Sources: 国务院扶贫开发领导小组《关于建立防止返贫监测和帮扶机制的指导意见》(2020) — the three groups, the three
channels (农户自主申报、基层干部排查、部门筛查预警), the risk factors (因病、因残、因灾、因意外事故、因学, 刚性支出
较大, 收入骤减) and 风险消除 once income is stable and 两不愁三保障 hold; 国家乡村振兴局等《关于完善防止返贫监测
帮扶机制的指导意见》(2021) — identification within a time limit (简化识别程序; 各地实施办法: 从农户申请到
确定为监测对象原则上不超过 15 天).

Days are integers (days since 1970-01-01, ``analytics.fieldwork.epoch_day``), so time limits are integer arithmetic
every engine does alike.

- ``match_alerts``: a department's alert to the registered household of the person it names (ID number); the
  alerts no registered person matches are ``unmatched_alerts`` (the township visits them: a household not yet in
  the registry, e.g. 边缘易致贫户).
- ``overdue``: identification not decided within the limit (still open past it, or decided after it).
- ``risk_factors`` / ``risk_scores``: each monitored household's factors, a point each (``FACTORS``), the score and
  its rank in the village and the township — every point explained.
- ``elimination_reasons``: why a monitored household's risk may not be eliminated yet (no row: it may).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

# a department's alert (部门筛查预警): what happened to whom, when, and the amount (元) when it is a bill
ALERTS = pa.schema(
    [
        ("alert_id", pa.int64()),
        ("person_id", pa.string()),
        ("kind", pa.string()),
        ("day", pa.int32()),
        ("amount", pa.float64()),
    ]
)
# the registry's people: ID number → household
PEOPLE = pa.schema([("person_id", pa.string()), ("household_id", pa.string())])
# a monitoring case: opened (intake) and, once the county decided, decided; status open/monitored/eliminated/…
CASES = pa.schema(
    [
        ("case_id", pa.int64()),
        ("household_id", pa.string()),
        ("village_code", pa.string()),
        ("status", pa.string()),
        ("opened_day", pa.int32()),
        ("decided_day", pa.int32()),
    ]
)
# a household's facts: the year's record (income, 两不愁三保障 as recorded), the year before, size, disabled members
FACTS = pa.schema(
    [
        ("household_id", pa.string()),
        ("size", pa.int32()),
        ("income", pa.float64()),
        ("income_last", pa.float64()),
        ("guarantees_ok", pa.bool_()),
        ("disabled", pa.int32()),
    ]
)
# a follow-up visit (回访): the income estimate (元/人·年), rigid spending (元/户·年), 两不愁三保障 as found
FOLLOW_UPS = pa.schema(
    [
        ("case_id", pa.int64()),
        ("day", pa.int32()),
        ("income", pa.float64()),
        ("rigid_spending", pa.float64()),
        ("guarantees_ok", pa.bool_()),
    ]
)

# the kinds of department alert (``external`` loads them) and the risk each signals
ALERT_KINDS = {
    "medical": "大额医疗费用",  # 医保
    "dropout": "辍学",  # 教育
    "assistance": "申请救助",  # 民政
    "disaster": "自然灾害",  # 应急管理
    "disability": "新增残疾",  # 残联
    "accident": "意外事故",  # 公安交管
}
# the status of a case that counts as monitored (identified, help under way)
MONITORED = "monitored"
# a case still being identified
IDENTIFYING = "identifying"


@dataclass(frozen=True)
class Factor:
    code: str
    title: str
    points: int
    explain: str  # how the point is explained, {value} filled in


# One row per factor, in the order a household's explanation lists them; points are this system's weights
# (本系统默认值, transparent: the score is their sum and every point is listed).
FACTORS: tuple[Factor, ...] = (
    Factor("low_income", "收入低于监测线", 30, "人均纯收入 {value:,.0f} 元低于监测线"),
    Factor("income_drop", "收入骤减", 15, "人均纯收入较上年下降 {value:.0%}"),
    Factor("rigid_spending", "刚性支出超过收入", 25, "医疗、教育等刚性支出 {value:,.0f} 元超过家庭年收入"),
    Factor("guarantee_gap", "两不愁三保障未实现", 30, "两不愁三保障有未实现的项目"),
    Factor("disability", "家庭成员残疾", 10, "家庭有 {value:.0f} 名残疾成员"),
    Factor("disaster", "遭受灾害或意外事故", 15, "近 12 个月遭受自然灾害或意外事故 {value:.0f} 次"),
    Factor("dropout", "子女辍学", 10, "近 12 个月有子女辍学"),
)
POINTS = {f.code: f.points for f in FACTORS}
RECENT_DAYS = 365  # "近 12 个月" for alerts


def _cents(yuan: ir.FloatingValue) -> ir.IntegerValue:
    """An amount in whole fen: money compared exactly (a per-head income times the household's size, a stored sum
    to the cent), not as the floating-point product happens to land."""
    return (yuan * 100).round().cast("int64")


def match_alerts(alerts: ir.Table, people: ir.Table) -> ir.Table:
    """Alerts naming a registered person, with that person's household (one row per alert)."""
    # a person registered twice (a data error the checks report) is matched to one household, the same everywhere
    people = people.group_by("person_id").aggregate(household_id=people.household_id.min())
    return alerts.join(people, "person_id").select("alert_id", "person_id", "household_id", "kind", "day", "amount")


def unmatched_alerts(alerts: ir.Table, people: ir.Table) -> ir.Table:
    """Alerts naming nobody in the registry."""
    return alerts.anti_join(people, "person_id")


def overdue(cases: ir.Table, *, today: int, limit_days: int) -> ir.Table:
    """Cases whose identification was not decided within ``limit_days`` of intake: still open after it (``late`` =
    days past the limit so far) or decided after it."""
    open_late = cases.filter(cases.decided_day.isnull() & (cases.status == IDENTIFYING))
    open_late = open_late.filter(today - open_late.opened_day > limit_days)
    decided_late = cases.filter(cases.decided_day.notnull() & (cases.decided_day - cases.opened_day > limit_days))
    return ibis.union(
        open_late.select(
            "case_id", "household_id", "village_code", days=today - open_late.opened_day, decided=ibis.literal(False)
        ),
        decided_late.select(
            "case_id",
            "household_id",
            "village_code",
            days=decided_late.decided_day - decided_late.opened_day,
            decided=ibis.literal(True),
        ),
    )


def _latest_follow_up(follow_ups: ir.Table) -> ir.Table:
    w = ibis.window(group_by="case_id", order_by=[ibis.desc("day")])
    ranked = follow_ups.mutate(n=ibis.row_number().over(w))
    return ranked.filter(ranked.n == 0).drop("n")


def risk_factors(
    cases: ir.Table,
    facts: ir.Table,
    matched: ir.Table,
    follow_ups: ir.Table,
    *,
    today: int,
    income_line: float,
    drop_ratio: float,
) -> ir.Table:
    """One row per (monitored or identifying case, factor that holds): case_id, code, points, value.

    Income is the latest follow-up's estimate, else the year's record. Rigid spending is the medical bills of the
    last 12 months plus the latest follow-up's rigid spending, against the household's year income (per head ×
    size)."""
    c = cases.filter(cases.status.isin([MONITORED, IDENTIFYING])).select("case_id", "household_id")
    last = _latest_follow_up(follow_ups).select(
        "case_id", fu_income="income", fu_rigid="rigid_spending", fu_ok="guarantees_ok"
    )
    recent = matched.filter(matched.day > today - RECENT_DAYS)
    bills = recent.filter(recent.kind == "medical").group_by("household_id").aggregate(bills=recent.amount.sum())
    shocks = recent.filter(recent.kind.isin(["disaster", "accident"]))
    shocks = shocks.group_by("household_id").aggregate(shocks=shocks.count())
    drops = recent.filter(recent.kind == "dropout").group_by("household_id").aggregate(dropouts=ibis._.count())
    disabled_alerts = (
        matched.filter(matched.kind == "disability")
        .group_by("household_id")
        .aggregate(new_disabled=ibis._.person_id.nunique())
    )
    t = (
        c.left_join(facts, "household_id")
        .left_join(last, "case_id")
        .left_join(bills, "household_id")
        .left_join(shocks, "household_id")
        .left_join(drops, "household_id")
        .left_join(disabled_alerts, "household_id")
    )
    t = t.select(
        "case_id",
        income=ibis.coalesce(t.fu_income, t.income),
        income_year=t.income,
        income_last=t.income_last,
        size=t.size.fill_null(1),
        rigid=t.bills.fill_null(0.0) + t.fu_rigid.fill_null(0.0),
        gaps=(t.guarantees_ok == False) | (t.fu_ok == False),  # noqa: E712 - a null (unknown) is no gap
        disabled=t.disabled.fill_null(0) + t.new_disabled.fill_null(0),
        shocks=t.shocks.fill_null(0),
        dropouts=t.dropouts.fill_null(0),
    )
    drop = (t.income_last - t.income_year) / t.income_last

    def part(cond: ir.BooleanValue, code: str, value: ir.Value) -> ir.Table:
        rows = t.filter(cond)
        return rows.select(
            "case_id", code=ibis.literal(code), points=ibis.literal(POINTS[code]), value=value.cast("float64")
        )

    return ibis.union(
        part(t.income < income_line, "low_income", t.income),
        part((t.income_last > 0) & (drop >= drop_ratio), "income_drop", drop),
        part(_cents(t.rigid) > _cents(t.income.fill_null(0.0) * t.size), "rigid_spending", t.rigid),
        part(t.gaps.fill_null(False), "guarantee_gap", ibis.literal(1.0)),
        part(t.disabled > 0, "disability", t.disabled),
        part(t.shocks > 0, "disaster", t.shocks),
        part(t.dropouts > 0, "dropout", t.dropouts),
    )


def risk_scores(cases: ir.Table, factors: ir.Table) -> ir.Table:
    """Per monitored or identifying case: score (the sum of its factors' points, 0 when none) and its rank in the
    village and in the township (1 = most at risk; ties by the earlier case)."""
    c = cases.filter(cases.status.isin([MONITORED, IDENTIFYING])).select("case_id", "village_code")
    sums = factors.group_by("case_id").aggregate(score=factors.points.sum())
    t = c.left_join(sums, "case_id").select("case_id", "village_code", score=ibis.coalesce(ibis._.score, 0))
    t = t.mutate(township_code=t.village_code.substr(0, 9))
    order = [ibis.desc("score"), "case_id"]
    return t.select(
        "case_id",
        "village_code",
        "score",
        village_rank=ibis.row_number().over(ibis.window(group_by="village_code", order_by=order)) + 1,
        township_rank=ibis.row_number().over(ibis.window(group_by="township_code", order_by=order)) + 1,
    )


ELIMINATION_REASONS = {
    "too_soon": "纳入监测未满 {months} 个月",
    "no_follow_up": "近 {months} 个月没有回访记录",
    "income_unstable": "近 {months} 个月有 {value:.0f} 次回访人均收入低于监测线",
    "income_year": "年度人均纯收入 {value:,.0f} 元低于监测线",
    "guarantee_gap": "两不愁三保障未稳定实现",
    "rigid_spending": "刚性支出 {value:,.0f} 元超过家庭年收入",
}


def elimination_reasons(
    cases: ir.Table, facts: ir.Table, follow_ups: ir.Table, *, since: int, income_line: float
) -> ir.Table:
    """Per monitored case, why its risk may not yet be eliminated (case_id, code, value); no row = it may.

    ``since``: the first day of the stable period (today minus the months the parameter asks). The criteria:
    monitored since before it; visited in it, every visit's income at or above the line; the year's income at or
    above the line; 两不愁三保障 held at the latest visit and in the year's record; the latest visit's rigid
    spending not above the household's year income."""
    c = cases.filter(cases.status == MONITORED).select("case_id", "household_id", "decided_day")
    window = follow_ups.filter(follow_ups.day >= since)
    seen = window.group_by("case_id").aggregate(
        visits=window.count(), low=(window.income < income_line).cast("int32").sum()
    )
    last = _latest_follow_up(follow_ups).select(
        "case_id", fu_income="income", fu_rigid="rigid_spending", fu_ok="guarantees_ok"
    )
    t = c.left_join(facts, "household_id").left_join(seen, "case_id").left_join(last, "case_id")
    t = t.select(
        "case_id",
        decided_day=t.decided_day,
        visits=t.visits.fill_null(0),
        low=t.low.fill_null(0),
        income_year=t.income,
        ok=t.guarantees_ok.fill_null(True) & t.fu_ok.fill_null(False),
        rigid=t.fu_rigid.fill_null(0.0),
        year_income=t.fu_income.fill_null(0.0) * t.size.fill_null(1),
    )

    def part(cond: ir.BooleanValue, code: str, value: ir.Value) -> ir.Table:
        return t.filter(cond).select("case_id", code=ibis.literal(code), value=value.cast("float64"))

    return ibis.union(
        part(t.decided_day.isnull() | (t.decided_day > since), "too_soon", ibis.literal(0.0)),
        part(t.visits == 0, "no_follow_up", ibis.literal(0.0)),
        part(t.low > 0, "income_unstable", t.low),
        part(t.income_year.notnull() & (t.income_year < income_line), "income_year", t.income_year),
        part((t.visits > 0) & ~t.ok, "guarantee_gap", ibis.literal(1.0)),
        part((t.visits > 0) & (_cents(t.rigid) > _cents(t.year_income)), "rigid_spending", t.rigid),
    )
