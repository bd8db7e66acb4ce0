"""Village Party organizations at the end of 2017: exactly 13,615 (the article), one per rural village.

The 2023 division tree has 13,686 rural villages; the 71 more than the 2017 count are taken as villages split or
newly set up after 2017 and get no 2017 organization. They are drawn at random (seeded) among villages that are
neither poor, deep-poverty nor weak in 2017 — those had organizations by definition (weak = 软弱涣散 Party
organization). Each organization: a branch (党支部), a general branch (党总支, ≥50 members) or a committee (党委,
≥100), its member count, its secretary's age, and whether it was rated weak and disorderly in 2017.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import calibration as cal
from .province import ProvincePlan

PROTECTED = {"poor_village", "deep_poverty_village", "weak_village"}


def plan_party_villages(plan: ProvincePlan, seed: int) -> list[str]:
    villages = sorted(v for c in plan.counties.values() for v in c.rural_villages)
    protected = {code for code, year, kind in plan.classifications if year == 2017 and kind in PROTECTED}
    drop = len(villages) - cal.VILLAGE_PARTY_ORGANIZATIONS
    if drop < 0:
        raise ValueError("fewer rural villages than village Party organizations")
    candidates = [v for v in villages if v not in protected]
    rng = np.random.default_rng([seed, 7_2017])
    dropped = set(rng.choice(np.array(candidates, dtype=object), size=drop, replace=False).tolist())
    return [v for v in villages if v not in dropped]


def party_orgs(plan: ProvincePlan, seed: int, counties: list[str]) -> pa.Table:
    """The organizations of the given counties (6-digit codes), deterministic per seed whatever the scale."""
    villages = plan_party_villages(plan, seed)
    weak = {code for code, year, kind in plan.classifications if year == 2017 and kind == "weak_village"}
    rng = np.random.default_rng([seed, 7_2018])
    members = np.clip(rng.lognormal(np.log(32), 0.45, len(villages)).round().astype(np.int64), 5, 260)
    ages = np.clip(rng.normal(47, 8, len(villages)).round().astype(np.int64), 24, 70)
    wanted = set(counties)
    keep = [i for i, v in enumerate(villages) if v[:6] in wanted]
    kinds = np.where(members >= 100, "党委", np.where(members >= 50, "党总支", "党支部"))
    return pa.table(
        {
            "org_id": pa.array([f"P{villages[i]}" for i in keep], pa.string()),
            "village_code": pa.array([villages[i] for i in keep], pa.string()),
            "kind": pa.array([str(kinds[i]) for i in keep], pa.string()),
            "members": pa.array([int(members[i]) for i in keep], pa.int32()),
            "secretary_age": pa.array([int(ages[i]) for i in keep], pa.int16()),
            "weak_2017": pa.array([villages[i] in weak for i in keep], pa.bool_()),
        }
    )
