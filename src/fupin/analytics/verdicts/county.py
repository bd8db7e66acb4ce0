"""贫困县退出 (三率一度, POLICY §3): the rates from a county's indicator values, and the verdict against the limits.

Pure functions over precomputed indicator values (percent); missing data is said, never guessed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CountyLimits:
    """The year's thresholds, in percent (policy parameters ``county_*``)."""

    comprehensive_incidence: float  # below
    wrong_exit_rate: float  # at most
    missed_rate: float  # at most
    approval_rate: float  # at least


def three_rates(values: Mapping[str, float], *, checked: bool, approval: float | None) -> dict[str, float]:
    """综合贫困发生率, 错退率, 漏评率 (percent) where their inputs exist, and 群众认可度 from the survey share.

    Rates built on findings need a check run of that year covering the area (``checked``); without one they stay
    absent rather than a misleading 0."""
    get = values.get
    out: dict[str, float] = {}
    population = get("rural_population")
    if population and checked:
        burden = (get("poor_people") or 0) + (get("missed_people") or 0) + (get("wrong_exit_people") or 0)
        out["comprehensive_incidence"] = round(100 * burden / population, 4)
    exits = get("exit_households")
    if exits and checked:
        out["wrong_exit_rate"] = round(100 * (get("wrong_exit_households") or 0) / exits, 4)
    surveyed = get("surveyed_people")
    if surveyed and checked:
        out["missed_rate"] = round(100 * (get("missed_people") or 0) / surveyed, 4)
    if approval is not None:
        out["approval_rate"] = round(100 * approval, 4)
    return out


def county_exit_verdict(values: Mapping[str, float], limits: CountyLimits) -> dict[str, Any]:
    """Each indicator against its threshold: 符合 only when every one is known and passes."""
    checks = [
        ("comprehensive_incidence", "综合贫困发生率", "<", limits.comprehensive_incidence),
        ("wrong_exit_rate", "错退率", "<=", limits.wrong_exit_rate),
        ("missed_rate", "漏评率", "<=", limits.missed_rate),
        ("approval_rate", "群众认可度", ">=", limits.approval_rate),
    ]
    items, ok, complete = [], True, True
    for key, title, op, limit in checks:
        value = values.get(key)
        if value is None:
            items.append({"key": key, "title": title, "value": None, "limit": limit, "op": op, "ok": None})
            complete = False
            continue
        passed = value < limit if op == "<" else value <= limit if op == "<=" else value >= limit
        ok = ok and passed
        items.append({"key": key, "title": title, "value": value, "limit": limit, "op": op, "ok": passed})
    verdict = "符合退出条件" if ok and complete else "不符合退出条件" if not ok else "数据不全，暂不能判定"
    return {"items": items, "verdict": verdict, "ok": ok and complete}
