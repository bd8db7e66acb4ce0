"""Helping units, first secretaries, resident cadres, county work teams and village work groups (2017).

Province-level counts are exact (the article's 8,542 / 43,000 / 85 / 8,782); each county's share comes from the
plan, and each county's people from its own random stream, like the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import calibration as cal
from .allocate import largest_remainder
from .people import id_numbers, names, surname_indices, unique_sequences
from .province import ProvincePlan

TYPES = np.array(["党群", "政法", "经济", "农业", "科技"], dtype=object)
RANKS = np.array(["科员", "副科级", "正科级", "副处级", "正处级"], dtype=object)
RATINGS = np.array(["优秀", "称职", "基本称职", "不称职"], dtype=object)
UNIT_KINDS = np.array(["党政机关", "国有企业", "事业单位"], dtype=object)
SPECIALTIES = np.array(
    ["党务", "法律", "财会", "农学", "畜牧", "林业", "水利", "电商", "医疗", "教育", "工程"], dtype=object
)


@dataclass
class CadrePlan:
    group_villages: list[str]  # villages with a village work group
    first_secretary_villages: set[str]
    resident_cadres: dict[str, int]  # village → resident cadres (first secretary not counted)
    team_counties: list[str]  # counties with a county work team
    units: pa.Table


def plan_cadres(plan: ProvincePlan, seed: int) -> CadrePlan:
    rng = np.random.default_rng([seed, 0, 3])
    poor = sorted({c for c, y, k in plan.classifications if k == "poor_village" and y == 2017})
    deep = {c for c, y, k in plan.classifications if k == "deep_poverty_village" and y == 2017}
    weak = {c for c, y, k in plan.classifications if k == "weak_village" and y == 2017}
    # County work teams (one per county, 以县为单位): the counties with most poor villages; every village work
    # group belongs to its county's team.
    per_county: dict[str, tuple[int, int]] = {}
    for v in poor:
        d, p = per_county.get(v[:6], (0, 0))
        per_county[v[:6]] = (d + (v in deep), p + 1)
    teams = sorted(sorted(per_county, key=lambda c: (-per_county[c][0], -per_county[c][1], c))[: cal.COUNTY_WORK_TEAMS])
    team_set = set(teams)
    if any(v[:6] not in team_set for v in deep):
        raise AssertionError("a deep-poverty village lies in a county without a work team")
    # Village work groups: every deep-poverty village first, then other poor villages (weak ones likelier).
    rest = [v for v in poor if v not in deep and v[:6] in team_set]
    w = np.array([3.0 if v in weak else 1.0 for v in rest])
    take = cal.VILLAGE_WORK_GROUPS - len(deep)
    groups = sorted(deep | {rest[i] for i in rng.choice(len(rest), size=take, replace=False, p=w / w.sum())})
    # First secretaries: deep-poverty and weak villages first, then the rest of the groups at random.
    first = [v for v in groups if v in deep or v in weak]
    others = [v for v in groups if v not in set(first)]
    need = cal.FIRST_SECRETARIES - len(first)
    if need < 0:
        first = sorted(rng.choice(np.array(first, dtype=object), size=cal.FIRST_SECRETARIES, replace=False))
    else:
        first += list(rng.choice(np.array(others, dtype=object), size=need, replace=False))
    weights = np.array([1.5 if v in deep else 1.0 for v in groups])
    residents = dict(zip(groups, (largest_remainder(cal.RESIDENT_CADRES, weights)).tolist(), strict=True))
    return CadrePlan(groups, set(first), residents, teams, _units(plan, rng))


def _units(plan: ProvincePlan, rng: np.random.Generator) -> pa.Table:
    rows: list[tuple[str, str, str, str]] = []
    for i in range(cal.UNITS_PROVINCE):
        rows.append((f"P52{i:04d}", f"省直单位{i + 1:02d}", "省", "520000000000"))
    prefectures = sorted({c[:4] for c in plan.counties})
    for p in prefectures:
        for i in range(cal.UNITS_PER_PREFECTURE):
            rows.append((f"M{p}{i:04d}", f"市直单位{p}-{i + 1:02d}", "市", p + "00000000"))
    for c in sorted(plan.counties):
        for i in range(cal.UNITS_PER_COUNTY):
            rows.append((f"C{c}{i:03d}", f"县直单位{c}-{i + 1:02d}", "县", c + "000000"))
    kinds = UNIT_KINDS[rng.choice(3, size=len(rows), p=[0.6, 0.15, 0.25])]
    return pa.table(
        {
            "unit_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "level": [r[2] for r in rows],
            "area_code": [r[3] for r in rows],
            "kind": pa.array(kinds, pa.string()),
        }
    )


def generate_cadres(cadres: CadrePlan, county: str, seed: int) -> pa.Table:
    """Cadres posted to the county's village work groups in 2017 (first secretary + resident cadres)."""
    rng = np.random.default_rng([seed, int(county), 2])
    villages = [v for v in cadres.group_villages if v[:6] == county]
    roles: list[str] = []
    posted: list[str] = []
    for v in villages:
        if v in cadres.first_secretary_villages:
            roles.append("first_secretary")
            posted.append(v)
        roles += ["resident_cadre"] * cadres.resident_cadres[v]
        posted += [v] * cadres.resident_cadres[v]
    n = len(roles)
    role = np.array(roles, dtype=object)
    is_first = role == "first_secretary"
    age = np.where(is_first, rng.integers(26, 50, n), rng.integers(23, 56, n))
    birth = np.datetime64("2017-12-31") - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    male = rng.random(n) < 0.68
    # Cadres carry the ID of a county of the province (most from the county they serve or its prefecture).
    pid = (
        id_numbers(county, birth, unique_sequences(rng, birth, male, block=(440, 500)))
        if n
        else pa.array([], pa.string())
    )
    years_work = np.maximum(age - rng.integers(21, 25, n), 0)
    years_work[is_first] = np.maximum(years_work[is_first], 2)  # first secretaries: ≥2 years of work (the article)
    level = rng.choice(3, size=n, p=[0.1, 0.25, 0.65])
    unit_no = np.where(
        level == 0,
        rng.integers(0, cal.UNITS_PROVINCE, n),
        np.where(level == 1, rng.integers(0, cal.UNITS_PER_PREFECTURE, n), rng.integers(0, cal.UNITS_PER_COUNTY, n)),
    )
    unit = np.array(
        [f"P52{u:04d}" if lv == 0 else f"M{county[:4]}{u:04d}" if lv == 1 else f"C{county}{u:03d}"
         for lv, u in zip(level, unit_no, strict=True)],
        dtype=object,
    )  # fmt: skip
    rank = np.where(
        is_first, rng.choice([1, 2, 3], size=n, p=[0.35, 0.5, 0.15]), rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    )
    rating = rng.choice(4, size=(n, 2), p=[0.2, 0.74, 0.05, 0.01])
    return pa.table(
        {
            "cadre_id": pa.array([f"G{county}{i:05d}" for i in range(n)], pa.string()),
            "person_id": pid,
            "name": names(rng, surname_indices(rng, n)),
            "sex": pa.array(np.where(male, "男", "女").astype(object), pa.string()),
            "birth_date": pa.array(birth.astype("datetime64[D]")),
            "unit_id": pa.array(unit, pa.string()),
            "rank": pa.array(RANKS[rank], pa.string()),
            "cadre_type": pa.array(TYPES[rng.integers(0, 5, n)], pa.string()),
            "specialty": pa.array(SPECIALTIES[rng.integers(0, len(SPECIALTIES), n)], pa.string()),
            "years_of_work": pa.array(years_work, pa.int16()),
            "staff_status": pa.array(np.full(n, "在编", dtype=object), pa.string()),
            "rating_2016": pa.array(RATINGS[rating[:, 0]], pa.string()),
            "rating_2017": pa.array(RATINGS[rating[:, 1]], pa.string()),
            "role_2017": pa.array(role, pa.string()),
            "village_code": pa.array(np.array(posted, dtype=object), pa.string()),
            "county_team": pa.array(np.full(n, county in set(cadres.team_counties)), pa.bool_()),
        }
    )
