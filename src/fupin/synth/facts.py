"""The facts behind 两不愁三保障: members' schooling, the household's water, and the recorded judgements that agree
with them — plus planted disagreements (a recorded ✓ the facts contradict) for the 数据不一致 rules.

Drawn from their own random stream (salt 2 of the county seed) so that adding them left every earlier draw, and
so the calibrated counts, unchanged.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from .planted import Planted

SCHOOL_AGE = (6, 15)  # the default compulsory-school band (policy parameters school_age_min/max)
WATER_LITRES, WATER_LITRES_SHORT, WATER_MINUTES, WATER_CUT_DAYS = 35, 20, 20, 36
WATER_SHORT_VILLAGE_SHARE = 0.12  # villages in water-short (karst) areas
HOME_SCHOOLED_SHARE = 0.6  # of disabled children of school age: taught at home rather than enrolled
FLAG_FAULT_RATE = 0.002  # of households poor at the end of 2017, for each of the three guarantees


def school_stage(age: np.ndarray, student: np.ndarray) -> np.ndarray:
    stage = np.full(len(age), "", dtype=object)
    stage[student & (age <= 11)] = "小学"
    stage[student & (age >= 12) & (age <= 14)] = "初中"
    stage[student & (age >= 15) & (age <= 17)] = "高中"
    stage[student & (age >= 16) & (age <= 17) & (age % 2 == 0)] = "中职"
    stage[student & (age >= 18)] = "高等教育"
    return stage


def home_schooling(rng: np.random.Generator, age: np.ndarray, disabled: np.ndarray) -> np.ndarray:
    """Disabled children of school age taught at home (送教上门) instead of enrolled."""
    lo, hi = SCHOOL_AGE
    return disabled & (age >= lo) & (age <= hi) & (rng.random(len(age)) < HOME_SCHOOLED_SHARE)


def water_facts(
    rng: np.random.Generator, water_ok: np.ndarray, short_area: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Litres per person a day, quality, minutes for a round trip, days cut a year: all within the standard where
    ``water_ok``, exactly one of them outside it otherwise."""
    n = len(water_ok)
    litres = np.where(short_area, rng.integers(22, 80, n), rng.integers(40, 120, n))
    quality = np.ones(n, dtype=bool)
    minutes = rng.integers(0, 16, n)
    cut = rng.integers(0, 25, n)
    bad = np.flatnonzero(~water_ok)
    which = rng.integers(0, 4, len(bad))
    floor = np.where(short_area[bad], WATER_LITRES_SHORT, WATER_LITRES)
    litres[bad[which == 0]] = (floor[which == 0] * rng.uniform(0.3, 0.95, int((which == 0).sum()))).astype(np.int64)
    quality[bad[which == 1]] = False
    minutes[bad[which == 2]] = rng.integers(WATER_MINUTES + 1, 90, int((which == 2).sum()))
    cut[bad[which == 3]] = rng.integers(WATER_CUT_DAYS + 1, 120, int((which == 3).sum()))
    return litres, quality, minutes, cut


def plant_flag_faults(
    rng: np.random.Generator, households: pa.Table, members: pa.Table, years: pa.Table, planted: Planted
) -> tuple[pa.Table, pa.Table]:
    """Households still poor at the end of 2017 whose recorded judgement says 有保障 while the facts say not: a
    child of school age out of school (教育), a member without critical-illness insurance (医疗), a water supply
    below the standard quantity (饮水). Each is an answer of its 数据不一致 rule."""
    hid = households["household_id"].to_numpy(zero_copy_only=False)
    sizes = households["size"].to_numpy().astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    poor = np.flatnonzero(np.array([not e for e in households["exit_year"].to_pylist()]))
    n_hh = len(hid)
    y2017 = 3 * n_hh  # years are written year-major, 2014..2017
    flags = {k: years[k].to_numpy(zero_copy_only=False).copy() for k in ("education_ok", "medical_ok", "water_ok")}
    student = members["student"].to_numpy(zero_copy_only=False).copy()
    home = members["home_schooled"].to_numpy(zero_copy_only=False).copy()
    stage = members["school_stage"].to_numpy(zero_copy_only=False).copy()
    critical = members["critical_illness_insurance"].to_numpy(zero_copy_only=False).copy()
    litres = years["water_litres"].to_numpy(zero_copy_only=False).copy()
    short = years["water_short_area"].to_numpy(zero_copy_only=False)
    birth = members["birth_date"].to_numpy()
    age = 2017 - birth.astype("datetime64[Y]").astype(np.int64) - 1970
    n = round(len(poor) * FLAG_FAULT_RATE)

    def clean(h: int) -> bool:
        return bool(
            flags["education_ok"][y2017 + h] and flags["medical_ok"][y2017 + h] and flags["water_ok"][y2017 + h]
        )

    candidates = [h for h in rng.permutation(poor) if clean(int(h))]
    with_child = [h for h in candidates if any(7 <= age[m] <= 14 for m in range(offsets[h], offsets[h] + sizes[h]))]
    edu = with_child[:n]
    taken = set(edu)
    rest = [h for h in candidates if h not in taken]
    med, water = rest[:n], rest[n : 2 * n]
    for h in edu:
        m = next(m for m in range(offsets[h], offsets[h] + sizes[h]) if 7 <= age[m] <= 14)
        student[m], home[m], stage[m] = False, False, ""
        planted.answer("flag_education", hid[h], None, "登记义务教育有保障，但有适龄儿童未在校")
    for h in med:
        critical[offsets[h] + sizes[h] - 1] = False
        planted.answer("flag_medical", hid[h], None, "登记基本医疗有保障，但有成员未参加大病保险")
    for h in water:
        row = y2017 + h
        litres[row] = (WATER_LITRES_SHORT if short[row] else WATER_LITRES) - 1
        planted.answer("flag_water", hid[h], None, f"登记饮水安全，但人均日供水仅 {litres[row]} 升")

    def put(t: pa.Table, name: str, values: np.ndarray, typ: pa.DataType) -> pa.Table:
        return t.set_column(t.schema.get_field_index(name), name, pa.array(values, typ))

    members = put(members, "student", student, pa.bool_())
    members = put(members, "home_schooled", home, pa.bool_())
    members = put(members, "school_stage", stage, pa.string())
    members = put(members, "critical_illness_insurance", critical, pa.bool_())
    years = put(years, "water_litres", litres, pa.int16())
    return members, years
