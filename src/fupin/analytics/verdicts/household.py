"""Household verdicts: exit eligibility with every veto, identification eligibility, monitoring triggers.

Each verdict kind is a union of reason rows (household, code) computed in Ibis, so every engine gives the same
reasons; ``assemble`` turns them into one row per household with the Chinese reasons joined.
"""

from __future__ import annotations

from collections import defaultdict

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from fupin.analytics.guarantees import Inputs, guarantee_gaps, reason, year_rows
from fupin.analytics.params import Params

EXIT_VETOES = {
    "income": "人均纯收入 {value:,.2f} 元未超过退出标准 {line:,.0f} 元",
    "food": "不愁吃未达标",
    "clothing": "不愁穿未达标",
    "education": "义务教育无保障：{detail}",
    "medical": "基本医疗无保障：{detail}",
    "housing": "住房不安全（{detail} 级危房，未搬迁）",
    "water_quantity": "饮水不安全：人均日供水 {value:.0f} 升，低于 {detail} 升",
    "water_quality": "饮水不安全：水质不达标",
    "water_time": "饮水不安全：人力取水往返 {value:.0f} 分钟，超过 {detail} 分钟",
    "water_cut": "饮水不安全：全年停水 {value:.0f} 天，超过 {detail} 天",
    "water": "饮水不安全（登记为不安全，缺少水量、水质、取水时间和停水天数）",
    "same_year": "当年识别的贫困户不能当年退出",
    "no_record": "缺少该年度收入与两不愁三保障记录",
}
# a short name of each exit veto, for findings that count them
VETO_NAMES = {
    "income": "收入未超过退出标准", "food": "不愁吃未达标", "clothing": "不愁穿未达标", "education": "义务教育无保障",
    "medical": "基本医疗无保障", "housing": "住房不安全", "water_quantity": "饮水水量不足",
    "water_quality": "饮水水质不达标",
    "water_time": "取水时间过长", "water_cut": "停水天数过多", "water": "饮水不安全", "same_year": "当年识别当年退出",
    "no_record": "缺少年度记录",
}  # fmt: skip
IDENTIFY_REASONS = {
    "income": "人均纯收入 {value:,.2f} 元低于扶贫标准 {line:,.0f} 元",
    "food": "吃饭有困难",
    "clothing": "穿衣有困难",
    "education": "义务教育无保障：{detail}",
    "medical": "基本医疗无保障：{detail}",
    "housing": "住房不安全（{detail} 级）",
    "water_quantity": "饮水不安全：人均日供水 {value:.0f} 升，低于 {detail} 升",
    "water_quality": "饮水不安全：水质不达标",
    "water_time": "饮水不安全：人力取水往返 {value:.0f} 分钟，超过 {detail} 分钟",
    "water_cut": "饮水不安全：全年停水 {value:.0f} 天，超过 {detail} 天",
    "water": "饮水不安全（登记为不安全）",
}
MONITOR_REASONS = {
    "low_income": "人均纯收入 {value:,.2f} 元低于监测线 {line:,.0f} 元",
    "drop": "人均纯收入较上年下降 {value:.0%}",
    **{code: text for code, text in IDENTIFY_REASONS.items() if code != "income"},
}


def exit_candidates(i: Inputs, year: int) -> ir.Table:
    """Households on the register during the year: identified by then, not exited before it (those exiting in it
    included) — the households an exit verdict is about."""
    h = i["households"]
    exit_year = h.exit_year.fill_null(0)
    return h.filter((h.identified_year <= year) & ((exit_year == 0) | (exit_year >= year)))


def exit_vetoes(i: Inputs, p: Params) -> ir.Table:
    """For the exit candidates of year Y: why each may not exit in Y (no rows = eligible). Income must be stably
    above the exit line (《关于建立贫困退出机制的意见》，厅字〔2016〕16号): at the line is not above it."""
    candidates = exit_candidates(i, p.year)
    j = year_rows(i, candidates, p.year)
    parts = [reason(j.filter(j.income_per_capita <= p.exit_line), "income", j.income_per_capita)]
    parts.extend(guarantee_gaps(i, p, j))
    parts.append(reason(candidates.filter(candidates.identified_year == p.year), "same_year"))
    with_record = j.select("household_id").distinct()
    parts.append(reason(candidates.anti_join(with_record, "household_id"), "no_record"))
    return ibis.union(*parts)


def need_reasons(i: Inputs, p: Params) -> ir.Table:
    """For every household with a record of year Y: why it meets the identification criteria (no rows = it does
    not) — income below the poverty line, or any of 两不愁三保障 unmet. Sources: 《扶贫开发建档立卡工作方案》
    (国开办发〔2014〕24号); 《中共中央 国务院关于打赢脱贫攻坚战的决定》 (中发〔2015〕34号)."""
    j = year_rows(i, i["households"], p.year)
    parts = [reason(j.filter(j.income_per_capita < p.poverty_line), "income", j.income_per_capita)]
    parts.extend(guarantee_gaps(i, p, j))
    return ibis.union(*parts)


def risk_reasons(i: Inputs, p: Params) -> ir.Table:
    """For every household with a record of year Y: the monitoring triggers that hold (国务院扶贫开发领导小组
    《关于建立防止返贫监测和帮扶机制的指导意见》, 2020) — income below the monitoring line, a fall from the year before
    of at least the ratio, or any of 两不愁三保障 unmet."""
    j = year_rows(i, i["households"], p.year)
    return ibis.union(*_income_triggers(i, p, j), *guarantee_gaps(i, p, j))


def identification_reasons(i: Inputs, p: Params) -> ir.Table:
    """For surveyed (non-registered) households: why each should be identified (no rows = not eligible)."""
    s = i["survey_households"]
    return reason(s.filter(s.income_per_capita < p.poverty_line), "income", s.income_per_capita)


def monitoring_triggers(i: Inputs, p: Params) -> ir.Table:
    """Exited households whose income in year Y is below the monitoring line or fell sharply from the year before."""
    h = i["households"]
    exit_year = h.exit_year.fill_null(0)
    exited = h.filter((exit_year > 0) & (exit_year <= p.year)).select("household_id")
    return ibis.union(*_income_triggers(i, p, year_rows(i, exited, p.year)))


def _income_triggers(i: Inputs, p: Params, now: ir.Table) -> list[ir.Table]:
    """For the rows ``now`` of year Y: income below the monitoring line; a fall from Y−1 of at least the ratio."""
    y = i["household_years"]
    before = y.filter(y.year == p.year - 1).select(household_id="household_id", last=y.income_per_capita)
    both = now.join(before, "household_id")
    drop = (both["last"] - both.income_per_capita) / both["last"]
    return [
        reason(now.filter(now.income_per_capita < p.monitoring_income_line), "low_income", now.income_per_capita),
        reason(both.filter((both["last"] > 0) & (drop >= p.monitoring_drop_ratio)), "drop", drop),
    ]


def assemble(reasons: pa.Table, subjects: list[str], templates: dict[str, str], line: float) -> pa.Table:
    """One row per subject: ``ok`` is True when it has no reason rows; reasons in Chinese, in template order."""
    by: dict[str, list[tuple[int, str]]] = defaultdict(list)
    order = {code: k for k, code in enumerate(templates)}
    for r in reasons.to_pylist():
        text = templates[r["code"]].format(value=r["value"] or 0, detail=r["detail"] or "", line=line)
        by[r["household_id"]].append((order[r["code"]], text))
    ids = sorted(set(subjects) | set(by))
    return pa.table(
        {
            "household_id": pa.array(ids, pa.string()),
            "ok": pa.array([not by.get(h) for h in ids]),
            "reasons": pa.array(["；".join(t for _, t in sorted(by.get(h, []))) for h in ids], pa.string()),
        }
    )
