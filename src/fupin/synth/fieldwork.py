"""The cadres' field work of one county for the rating year (2018): work logs at the article's five-year rates,
leave, spot checks, red lines crossed and the raters' scores — and the planted adjustments.

The article says 387 first secretaries were adjusted in one year. Each county gets its share (largest remainder
over its first secretaries); each planted first secretary is due for adjustment by exactly one rule: more leave
than allowed, three unexcused absences, a red line whose consequence is recall, or scores below the 基本称职 line.
Near misses sit beside them (exactly the leave limit, two absences, an absence covered by leave, a score exactly
at 60, a red line that only caps), so a sloppy rule loses precision. Background cadres never reach a rule: at
most one unexcused absence, scores above 60, only capping red lines. Written to ``fieldwork_answers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from . import calibration as cal

YEAR = cal.FIELDWORK_YEAR
PER_CADRE = {k: v / 5 / (cal.FIRST_SECRETARIES + cal.RESIDENT_CADRES) for k, v in cal.FIVE_YEAR_TALLIES.items()}
PROJECT_WAN = cal.FIVE_YEAR_FUNDS_WAN / cal.FIVE_YEAR_TALLIES["project"]  # mean per project, 万元
LEAVE_LIMIT = 30  # leave_days_year_max
# The province's seeded red lines (fupin.fieldwork migration 0003): code → (severity, rating cap)
RED_LINES = {
    "RL01": ("cap", "基本称职"), "RL02": ("recall", "不称职"), "RL03": ("cap", "基本称职"),
    "RL04": ("referral", "不称职"), "RL05": ("referral", "不称职"), "RL06": ("referral", "不称职"),
    "RL07": ("recall", "不称职"), "RL08": ("referral", "不称职"), "RL09": ("referral", "不称职"),
    "RL10": ("cap", "基本称职"), "RL11": ("warning", "称职"), "RL12": ("cap", "基本称职"),
}  # fmt: skip
RATERS = ("sending_unit", "township", "village_org", "masses", "third_party")
CAUSES = ("leave", "absence", "red_line", "low_score")
CONTENT = {
    "visit": ["了解家庭收入和务工情况", "核实两不愁三保障情况", "宣讲扶贫政策", "了解子女就学情况",
              "了解就医和慢病用药"],
    "good_deed": ["帮助修缮房屋", "协调安装自来水", "帮助销售农产品", "组织义诊"],
    "difficulty": ["协调解决就医报销", "帮助办理低保", "协调解决子女入学", "帮助申请小额信贷"],
    "dispute": ["调解宅基地纠纷", "调解土地流转纠纷", "调解邻里纠纷", "调解赡养纠纷"],
    "project": ["引进产业项目", "争取基础设施资金", "对接东西部协作资金", "争取派出单位帮扶资金"],
    "meeting": ["召开村两委会", "参加乡镇培训", "召开群众会", "组织党员学习"],
}  # fmt: skip
SOURCES = ["派出单位", "东西部扶贫协作", "财政专项扶贫资金", "社会帮扶", "行业部门资金"]
EPOCH = date(1970, 1, 1)
FIRST, LAST = (date(YEAR, 1, 1) - EPOCH).days, (date(YEAR, 12, 31) - EPOCH).days

SCHEMAS = {
    "work_logs": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("kind", pa.string()),
                            ("date", pa.date32()), ("household_id", pa.string()), ("content", pa.string()),
                            ("amount_wan", pa.float64()), ("funds_source", pa.string())]),
    "leave_requests": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("kind", pa.string()),
                                 ("start", pa.date32()), ("end", pa.date32()), ("status", pa.string())]),
    "inspections": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("date", pa.date32()),
                              ("kind", pa.string()), ("present", pa.bool_())]),
    "violations": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("red_line", pa.string()),
                             ("date", pa.date32())]),
    "rating_scores": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("period", pa.string()),
                                ("rater", pa.string()), ("score", pa.float64())]),
    "fieldwork_answers": pa.schema([("kind", pa.string()), ("person_id", pa.string()), ("village_code", pa.string()),
                                    ("year", pa.int16()), ("detail", pa.string())]),
}  # fmt: skip


def _date(days: np.ndarray) -> pa.Array:
    return pa.array(days.astype("int64").astype("datetime64[D]"), pa.date32())


def generate_fieldwork(  # noqa: PLR0912, PLR0915 - one linear recipe, cadre by cadre
    cadres: pa.Table, households: pa.Table, *, adjusted: int, rng: np.random.Generator
) -> dict[str, pa.Table]:
    """The county's field work for ``YEAR``; ``adjusted`` first secretaries planted as due for adjustment."""
    person = np.array(cadres.column("person_id").to_pylist(), dtype=object)
    village = np.array(cadres.column("village_code").to_pylist(), dtype=object)
    first = np.array([r == "first_secretary" for r in cadres.column("role_2017").to_pylist()], dtype=bool)
    n = len(person)
    by_village: dict[str, list[str]] = {}
    for hid, v in zip(households.column("household_id").to_pylist(), households.column("village_code").to_pylist(),
                      strict=True):  # fmt: skip
        by_village.setdefault(v, []).append(hid)

    fs = np.flatnonzero(first)
    planted = rng.choice(fs, size=min(adjusted, len(fs)), replace=False) if adjusted else np.array([], int)
    cause = {int(i): CAUSES[k % len(CAUSES)] for k, i in enumerate(sorted(planted.tolist()))}
    rest = [i for i in range(n) if i not in cause]
    # near misses: at least one of each kind, as many as the planted
    near = rng.choice(np.array(rest, dtype=int), size=min(len(rest), max(len(cause), len(CAUSES))), replace=False)
    decoys = {int(i): CAUSES[k % len(CAUSES)] for k, i in enumerate(near.tolist())}

    logs = _logs(person, village, by_village, rng)
    leaves, inspections, violations, scores, answers = [], [], [], [], []
    for i in range(n):
        p, v = person[i], village[i]
        plant, decoy = cause.get(i), decoys.get(i)
        # leave: a few short absences in distinct months; planted 31–45 days, decoy exactly the limit
        months = rng.choice(np.arange(1, 13), size=4, replace=False)
        if plant == "leave" or decoy == "leave":
            total = int(rng.integers(31, 46)) if plant == "leave" else LEAVE_LIMIT
            for k, days in enumerate(_split(total, rng)):
                start = (date(YEAR, int(months[k]), 1) - EPOCH).days
                leaves.append((p, v, "personal" if k % 2 == 0 else "sick", start, start + days - 1, "approved"))
        else:
            for m in months[: rng.poisson(1.5)]:
                start = (date(YEAR, int(m), int(rng.integers(1, 20))) - EPOCH).days
                kind = rng.choice(["personal", "sick", "annual", "meeting", "work_trip"], p=[0.4, 0.15, 0.1, 0.2, 0.15])
                status = rng.choice(["approved", "rejected", "cancelled"], p=[0.9, 0.05, 0.05])
                leaves.append((p, v, str(kind), start, start + int(rng.integers(1, 5)) - 1, str(status)))
        # spot checks: about two a year; background cadres are found away at most once
        checks = sorted(rng.choice(np.arange(FIRST + 7, LAST - 7), size=max(2, rng.poisson(2)), replace=False))
        away = {0} if rng.random() < 0.015 else set()
        if plant == "absence":
            checks = sorted(set(checks) | set(rng.choice(np.arange(FIRST + 7, LAST - 7), size=3, replace=False)))
            away = set(range(len(checks)))
        elif decoy == "absence":
            away = {0, 1}
        taken = [(s, e) for (pp, _, _, s, e, st) in leaves[-6:] if pp == p and st == "approved"]
        for k, day in enumerate(checks):
            covered = any(s <= day <= e for s, e in taken)
            inspections.append((p, v, int(day), "unannounced" if k % 2 else "spot", k not in away or covered))
        if decoy == "absence" and not any(not ins[4] for ins in inspections[-len(checks) :]):
            pass  # every check fell on leave: still a near miss
        if plant == "absence":  # make sure none of the planted absences is excused
            for k in range(len(checks)):
                inspections[-len(checks) + k] = (*inspections[-len(checks) + k][:4], False)
            leaves[:] = [row for row in leaves if row[0] != p]
        # red lines
        if plant == "red_line":
            violations.append((p, v, str(rng.choice(["RL02", "RL07"])), int(rng.integers(FIRST, LAST))))
        elif decoy == "red_line" or rng.random() < 0.003:
            violations.append((p, v, str(rng.choice(["RL01", "RL10", "RL11", "RL12"])), int(rng.integers(FIRST, LAST))))
        # scores: year-end by every rater, each quarter by the township
        if plant == "low_score":
            year_end = np.clip(rng.normal(52, 3, len(RATERS)), 40, 59)
        elif decoy == "low_score":
            year_end = np.full(len(RATERS), 60.0)
        else:
            year_end = np.clip(rng.normal(86, 5, len(RATERS)), 61, 100)
        for r, s in zip(RATERS, year_end, strict=True):
            scores.append((p, v, "year", r, round(float(s), 1)))
        if plant != "low_score" and decoy != "low_score":
            for q in ("Q1", "Q2", "Q3", "Q4"):
                scores.append((p, v, q, "township", round(float(np.clip(rng.normal(85, 6), 61, 100)), 1)))
        if plant:
            answers.append(("adjust", p, v, YEAR, plant))
    return {
        "work_logs": logs,
        "leave_requests": _table("leave_requests", leaves, dates=("start", "end")),
        "inspections": _table("inspections", inspections, dates=("date",)),
        "violations": _table("violations", violations, dates=("date",)),
        "rating_scores": _table("rating_scores", scores),
        "fieldwork_answers": _table("fieldwork_answers", answers),
    }


def _split(total: int, rng: np.random.Generator) -> list[int]:
    """``total`` days as two or three leaves of at most 28 days (each in its own month)."""
    parts = 2 if total <= 40 else 3
    cuts = sorted(rng.choice(np.arange(1, total), size=parts - 1, replace=False).tolist())
    days = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    while max(days) > 28:
        k = days.index(max(days))
        j = days.index(min(days))
        days[k] -= 1
        days[j] += 1
    return days


def _table(name: str, rows: Sequence[tuple[Any, ...]], dates: tuple[str, ...] = ()) -> pa.Table:
    schema = SCHEMAS[name]
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    arrays = []
    for field, values in zip(schema, columns, strict=True):
        if field.name in dates:
            arrays.append(_date(np.array(values, dtype="int64")))
        else:
            arrays.append(pa.array(list(values), field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _logs(person: np.ndarray, village: np.ndarray, by_village: dict[str, list[str]],
          rng: np.random.Generator) -> pa.Table:  # fmt: skip
    """Every cadre's entries of the year by kind, at the article's rates (Poisson around the mean)."""
    kinds, who, days, households, amounts = [], [], [], [], []
    rates = {**PER_CADRE, "meeting": float(cal.MEETINGS_PER_CADRE)}
    n = len(person)
    for kind, rate in rates.items():
        counts = rng.poisson(rate, n)
        idx = np.repeat(np.arange(n), counts)
        if kind == "visit":  # a visit is to a household of the village; none registered there, no visit
            has = np.array([bool(by_village.get(village[i])) for i in range(n)], dtype=bool)
            idx = idx[has[idx]]
        m = len(idx)
        kinds.append(np.full(m, kind, dtype=object))
        who.append(idx)
        days.append(rng.integers(FIRST, LAST + 1, m))
        if kind == "visit":
            households.append(np.array([by_village[village[i]][int(rng.integers(len(by_village[village[i]])))]
                                        for i in idx], dtype=object))  # fmt: skip
        else:
            households.append(np.full(m, None, dtype=object))
        mu = np.log(PROJECT_WAN) - 0.5  # lognormal with σ = 1 has mean e^(μ + ½)
        amounts.append(np.round(rng.lognormal(mu, 1.0, m), 2) if kind == "project" else np.full(m, np.nan))
    kind_of = np.concatenate(kinds)
    at = np.concatenate(who)
    amount = np.concatenate(amounts)
    texts = {k: np.array(v, dtype=object) for k, v in CONTENT.items()}
    content = np.array([texts[k][j % len(texts[k])] for k, j in zip(kind_of, rng.integers(0, 1000, len(kind_of)),
                                                                          strict=True)], dtype=object)  # fmt: skip
    picked = np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), len(kind_of))]
    source = np.where(kind_of == "project", picked, np.full(len(kind_of), None, dtype=object))
    order = np.lexsort((np.concatenate(days), at))
    return pa.Table.from_arrays(
        [pa.array(person[at][order], pa.string()), pa.array(village[at][order], pa.string()),
         pa.array(kind_of[order], pa.string()), _date(np.concatenate(days)[order]),
         pa.array(np.concatenate(households)[order], pa.string()), pa.array(content[order], pa.string()),
         pa.array(amount[order], pa.float64(), from_pandas=True), pa.array(source[order], pa.string())],
        schema=SCHEMAS["work_logs"],
    )  # fmt: skip
