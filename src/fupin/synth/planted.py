"""Planted truth: known errors for the checks to find, and the other departments' tables that reveal them.

Each planted case is written to ``answers`` (kind, household, person, detail), so tests and docs/checks.md can
measure every check's recall and precision. Decoys sit just outside each rule (a 29,999-yuan motorbike, a
rural self-built house, a business closed before 2014, a death after the reference date) so that a sloppy rule
loses precision. Rates are documented in docs/synthetic-data.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .people import CHECK_CHARS, id_numbers, names, surname_indices, unique_sequences

REFERENCE_YEAR = 2017
POVERTY_LINE_2017 = 2952
CAR_VALUE_THRESHOLD = 30_000

# Share of households still poor at the end of 2017 that carry each wrongly-included fault.
RATES = {
    "wrong_car": 0.006,
    "wrong_town_housing": 0.004,
    "wrong_business": 0.003,
    "wrong_state_payroll": 0.002,
    "deceased_member": 0.004,
}
DECOY_RATE = 0.01  # households with a harmless record of the same kind
WRONG_EXIT_RATE = 0.01  # of households exited in 2017
DQ_BAD_CHECKSUM_RATE = 0.0005  # of members
DQ_CAUSE_RATE = 0.002  # of 因病 households: all members recorded healthy
DQ_MIGRANT_RATE = 0.001  # of members: migrant months outside 0–12
SURVEY_VILLAGE_SHARE = 0.05
SURVEY_HOUSEHOLDS_PER_VILLAGE = 20
MISSED_RATE = 0.03  # of surveyed non-registered households


@dataclass
class Planted:
    answers: list[dict[str, object]] = field(default_factory=list)
    vehicles: list[dict[str, object]] = field(default_factory=list)
    real_estate: list[dict[str, object]] = field(default_factory=list)
    businesses: list[dict[str, object]] = field(default_factory=list)
    payroll: list[dict[str, object]] = field(default_factory=list)
    deaths: list[dict[str, object]] = field(default_factory=list)

    def answer(self, kind: str, household: str, person: str | None, detail: str) -> None:
        self.answers.append(
            {"kind": kind, "household_id": household, "person_id": person, "year": REFERENCE_YEAR, "detail": detail}
        )


def _day(rng: np.random.Generator, start: str, end: str) -> date:
    lo, hi = np.datetime64(start).astype(np.int64), np.datetime64(end).astype(np.int64)
    day: date = np.datetime64(int(rng.integers(lo, hi + 1)), "D").astype(date)
    return day


def plant(  # noqa: PLR0912, PLR0915 - one recipe per planted kind, read top to bottom
    rng: np.random.Generator,
    county: str,
    households: pa.Table,
    members: pa.Table,
    years: pa.Table,
) -> tuple[pa.Table, pa.Table, pa.Table, Planted]:
    out = Planted()
    hid = households["household_id"].to_numpy(zero_copy_only=False)
    sizes = households["size"].to_numpy().astype(np.int64)
    exit_year = np.array([e or 0 for e in households["exit_year"].to_pylist()], dtype=np.int64)
    cause = households["main_cause"].to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    pid = members["person_id"].to_numpy(zero_copy_only=False).copy()
    health = members["health"].to_numpy(zero_copy_only=False).copy()
    migrant = members["migrant_months"].to_numpy().copy()
    birth = members["birth_date"].to_numpy()
    age = (np.datetime64("2017-12-31") - birth).astype("timedelta64[D]").astype(np.int64) // 365

    def adult_of(h: int) -> int:
        idx = np.arange(offsets[h], offsets[h] + sizes[h])
        adults = idx[age[idx] >= 18]
        return int(rng.choice(adults)) if len(adults) else int(offsets[h])

    poor = np.flatnonzero(exit_year == 0)
    order = rng.permutation(poor)
    counts = {k: round(len(poor) * r) for k, r in RATES.items()}
    cursor = 0
    chosen: dict[str, np.ndarray] = {}
    for kind, n in counts.items():
        chosen[kind] = order[cursor : cursor + n]
        cursor += n
    decoys = order[cursor : cursor + round(len(poor) * DECOY_RATE) * 4]
    decoy_sets = np.array_split(decoys, 4)

    for i, h in enumerate(chosen["wrong_car"]):
        m = adult_of(h)
        value = CAR_VALUE_THRESHOLD if i == 0 else int(rng.integers(CAR_VALUE_THRESHOLD, 200_000))
        out.vehicles.append(_vehicle(rng, county, pid[m], value, "小型轿车"))
        out.answer("wrong_car", hid[h], pid[m], f"名下小型轿车，价值 {value} 元")
    for i, h in enumerate(decoy_sets[0]):
        m = adult_of(h)
        value = CAR_VALUE_THRESHOLD - 1 if i == 0 else int(rng.integers(2_000, CAR_VALUE_THRESHOLD))
        out.vehicles.append(_vehicle(rng, county, pid[m], value, "三轮摩托车"))
    for h in chosen["wrong_town_housing"]:
        m = adult_of(h)
        out.real_estate.append(_estate(rng, county, pid[m], "商品住房", town=True))
        out.answer("wrong_town_housing", hid[h], pid[m], "在城镇购有商品住房")
    for h in decoy_sets[1]:
        out.real_estate.append(_estate(rng, county, pid[adult_of(h)], "农村自建房", town=False))
    for h in chosen["wrong_business"]:
        m = adult_of(h)
        out.businesses.append(_business(rng, county, pid[m], "存续", _day(rng, "2012-01-01", "2017-06-30")))
        out.answer("wrong_business", hid[h], pid[m], "登记为存续企业法定代表人")
    for h in decoy_sets[2]:
        out.businesses.append(_business(rng, county, pid[adult_of(h)], "注销", _day(rng, "2008-01-01", "2012-12-31")))
    for h in chosen["wrong_state_payroll"]:
        m = adult_of(h)
        out.payroll.append({"person_id": pid[m], "employer": f"{county}某事业单位", "monthly_pay": 3800.0})
        out.answer("wrong_state_payroll", hid[h], pid[m], "财政供养人员")
    for h in chosen["deceased_member"]:
        m = int(offsets[h] + sizes[h] - 1)
        out.deaths.append({"person_id": pid[m], "death_date": _day(rng, "2015-01-01", "2017-06-30")})
        out.answer("deceased_member", hid[h], pid[m], "家庭成员已死亡仍在册")
    for h in decoy_sets[3]:
        m = int(offsets[h] + sizes[h] - 1)
        out.deaths.append({"person_id": pid[m], "death_date": _day(rng, "2018-01-01", "2018-12-31")})

    # 错退: households exited in 2017 whose 2017 income is in fact below the line.
    exited_2017 = np.flatnonzero(exit_year == 2017)
    wrong_exit = rng.choice(exited_2017, size=round(len(exited_2017) * WRONG_EXIT_RATE), replace=False)
    income = years["income_per_capita"].to_numpy().copy()
    n_hh = len(hid)
    year_index = {y: k for k, y in enumerate((2014, 2015, 2016, 2017))}
    for h in wrong_exit:
        row = year_index[2017] * n_hh + h
        income[row] = round(POVERTY_LINE_2017 * float(rng.uniform(0.6, 0.95)), 2)
        out.answer("wrong_exit", hid[h], None, f"2017 年退出，但人均纯收入仅 {income[row]} 元")

    # Internal data-quality faults, on people of households that carry no other planted record (so that an ID
    # changed here is never the key of another department's row).
    used = np.zeros(n_hh, dtype=bool)
    used[np.concatenate([*chosen.values(), decoys])] = True
    free_members = np.flatnonzero(~np.repeat(used, sizes))
    picks = rng.choice(free_members, size=round(len(pid) * (DQ_BAD_CHECKSUM_RATE + DQ_MIGRANT_RATE)), replace=False)
    n_bad = round(len(pid) * DQ_BAD_CHECKSUM_RATE)
    for m in picks[:n_bad]:
        good = pid[m]
        wrong = next(chr(c) for c in CHECK_CHARS if chr(c) != good[-1])
        pid[m] = good[:17] + wrong
        out.answer("dq_id_checksum", hid[np.searchsorted(offsets, m, side="right") - 1], pid[m], "身份证号校验码错误")
    ill = np.flatnonzero(cause == "因病")
    for h in rng.choice(ill, size=round(len(ill) * DQ_CAUSE_RATE), replace=False):
        health[offsets[h] : offsets[h] + sizes[h]] = "健康"
        out.answer("dq_cause_illness_all_healthy", hid[h], None, "致贫原因为因病，但家庭成员均为健康")
    for m in picks[n_bad:]:
        migrant[m] = int(rng.integers(13, 16))
        out.answer(
            "dq_migrant_months", hid[np.searchsorted(offsets, m, side="right") - 1], pid[m], f"务工月数 {migrant[m]}"
        )

    members = members.set_column(members.schema.get_field_index("person_id"), "person_id", pa.array(pid, pa.string()))
    members = members.set_column(members.schema.get_field_index("health"), "health", pa.array(health, pa.string()))
    members = members.set_column(
        members.schema.get_field_index("migrant_months"), "migrant_months", pa.array(migrant, pa.int8())
    )
    households = households.set_column(
        households.schema.get_field_index("head_id"), "head_id", pc.take(members["person_id"], pa.array(offsets))
    )
    years = years.set_column(
        years.schema.get_field_index("income_per_capita"), "income_per_capita", pa.array(income, pa.float64())
    )
    return households, members, years, out


def _vehicle(rng: np.random.Generator, county: str, owner: str, value: int, kind: str) -> dict[str, object]:
    return {
        "owner_id": owner,
        "plate": f"贵{'ABCDEFGHJ'[int(rng.integers(0, 9))]}{int(rng.integers(10000, 99999))}",
        "vehicle_type": kind,
        "value_yuan": value,
        "registered_on": _day(rng, "2012-01-01", "2017-10-31"),
    }


def _estate(rng: np.random.Generator, county: str, owner: str, kind: str, *, town: bool) -> dict[str, object]:
    return {
        "owner_id": owner,
        "county_code": county + "000000",
        "kind": kind,
        "location": "城区" if town else "农村",
        "floor_area_m2": round(float(rng.uniform(60, 140)), 1),
        "registered_on": _day(rng, "2010-01-01", "2017-10-31"),
    }


def _business(rng: np.random.Generator, county: str, rep: str, status: str, since: date) -> dict[str, object]:
    return {
        "legal_rep_id": rep,
        "name": f"{county}某商贸有限公司{int(rng.integers(100, 999))}",
        "status": status,
        "registered_capital": float(rng.integers(10, 500)) * 10_000,
        "registered_on": since,
    }


def survey(
    rng: np.random.Generator, county: str, villages: list[str]
) -> tuple[pa.Table, pa.Table, list[dict[str, object]]]:
    """Non-registered households surveyed in sampled villages (third-party evaluation); some are 漏评."""
    if not villages:
        empty = pa.table({"household_id": pa.array([], pa.string())})
        return empty, pa.table({"person_id": pa.array([], pa.string())}), []
    k = max(1, round(len(villages) * SURVEY_VILLAGE_SHARE))
    sampled = sorted(rng.choice(np.array(villages, dtype=object), size=k, replace=False))
    n = k * SURVEY_HOUSEHOLDS_PER_VILLAGE
    village = np.repeat(np.array(sampled, dtype=object), SURVEY_HOUSEHOLDS_PER_VILLAGE)
    number = np.tile(np.arange(1, SURVEY_HOUSEHOLDS_PER_VILLAGE + 1), k)
    household_id = np.array([f"{v}S{x:04d}" for v, x in zip(village, number, strict=True)], dtype=object)
    sizes = rng.choice(np.arange(1, 7), size=n, p=[0.1, 0.2, 0.3, 0.22, 0.12, 0.06])
    missed = rng.random(n) < MISSED_RATE
    income = np.where(
        missed,
        POVERTY_LINE_2017 * rng.uniform(0.5, 0.97, n),
        POVERTY_LINE_2017 * rng.uniform(1.05, 6.0, n),
    ).round(2)
    income[np.flatnonzero(~missed)[:1]] = POVERTY_LINE_2017  # exactly at the line: not below it, not missed
    households = pa.table(
        {
            "household_id": pa.array(household_id, pa.string()),
            "village_code": pa.array(village, pa.string()),
            "size": pa.array(sizes, pa.int16()),
            "income_per_capita": pa.array(income, pa.float64()),
            "housing_grade": pa.array(
                rng.choice(["A", "B", "C"], size=n, p=[0.4, 0.5, 0.1]).astype(object), pa.string()
            ),
        }
    )
    n_m = int(sizes.sum())
    hh_of = np.repeat(np.arange(n), sizes)
    age = rng.integers(0, 85, n_m)
    age[np.concatenate([[0], np.cumsum(sizes)[:-1]])] = rng.integers(25, 80, n)
    birth = np.datetime64("2017-12-31") - (age * 365.25 + rng.integers(0, 365, n_m)).astype("timedelta64[D]")
    male = rng.random(n_m) < 0.5
    pid = id_numbers(county, birth, unique_sequences(rng, birth, male, block=(380, 440)))
    members = pa.table(
        {
            "person_id": pid,
            "household_id": pa.array(household_id[hh_of], pa.string()),
            "name": names(rng, surname_indices(rng, n_m)),
            "sex": pa.array(np.where(male, "男", "女").astype(object), pa.string()),
            "birth_date": pa.array(birth.astype("datetime64[D]")),
        }
    )
    answers = [
        {
            "kind": "missed",
            "household_id": h,
            "person_id": None,
            "year": REFERENCE_YEAR,
            "detail": f"未建档，人均纯收入 {inc} 元低于贫困线",
        }
        for h, inc, miss in zip(household_id, income, missed, strict=True)
        if miss
    ]
    return households, members, answers
