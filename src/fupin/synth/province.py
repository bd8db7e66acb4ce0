"""Province-level plan: which counties, townships and villages carry which classification each year, and how many
registered poor each county holds at the end of each year — exact to the seed figures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fupin.areas.loader import AreaRow, read_divisions
from fupin.core import codes

from . import calibration as cal
from .allocate import largest_remainder

RURAL_COUNTY_KINDS = {"county", "autonomous_county", "county_city", "special_district"}


@dataclass
class CountyPlan:
    code: str
    name: str
    kind: str  # deep / poor / exited / other
    rural_villages: list[str]
    rural_population: int
    remaining: dict[int, int]  # year → registered poor still poor at year end

    def exits(self, year: int) -> int:
        return self.remaining[year - 1] - self.remaining[year]


@dataclass
class ProvincePlan:
    areas: list[AreaRow]
    counties: dict[str, CountyPlan]
    classifications: list[tuple[str, int, str]]  # (area code, year, kind)
    village_weight: dict[str, float]  # how likely a poor household lives in the village (within its county)


def _rng(seed: int, *salt: int) -> np.random.Generator:
    return np.random.default_rng([seed, *salt])


def _pick(rng: np.random.Generator, items: list[str], weights: np.ndarray, k: int) -> list[str]:
    w = np.asarray(weights, dtype=np.float64)
    chosen = rng.choice(len(items), size=k, replace=False, p=w / w.sum())
    return sorted(items[i] for i in chosen)


def plan_province(seed: int) -> ProvincePlan:  # noqa: PLR0915 - one linear recipe
    areas = read_divisions()
    rng = _rng(seed, 0)
    county_rows = [a for a in areas if a.level == codes.COUNTY]
    villages_by_county: dict[str, list[str]] = {c.code[:6]: [] for c in county_rows}
    township_rows = [a for a in areas if a.level == codes.TOWNSHIP]
    for a in areas:
        if a.level == codes.VILLAGE and a.kind == "village":
            villages_by_county[a.code[:6]].append(a.code)

    # Counties: the 14 deep-poverty counties and 赤水 are real; the other 51 poor counties are drawn, likelier
    # where there are more rural villages, never among city districts.
    deep = set(cal.DEEP_POVERTY_COUNTIES)
    exited = set(cal.POOR_COUNTIES_EXITED_2017)
    candidates = [c.code[:6] for c in county_rows if c.kind in RURAL_COUNTY_KINDS and c.code[:6] not in deep | exited]
    weights = np.array([len(villages_by_county[c]) for c in candidates], dtype=np.float64)
    other_poor = set(_pick(rng, candidates, weights, cal.POOR_COUNTIES_DESIGNATED - len(deep) - len(exited)))
    kind_of = {
        c.code[:6]: "deep"
        if c.code[:6] in deep
        else "exited"
        if c.code[:6] in exited
        else "poor"
        if c.code[:6] in other_poor
        else "other"
        for c in county_rows
    }

    classifications: list[tuple[str, int, str]] = []
    for year in cal.YEARS:
        for c6, kind in sorted(kind_of.items()):
            code12 = codes.normalize(c6)
            if kind in ("deep", "poor") or (kind == "exited" and year < 2017):
                classifications.append((code12, year, "poor_county"))
            if kind == "deep" and year == 2017:
                classifications.append((code12, year, "deep_poverty_county"))

    # 20 extremely poor townships: rural townships of the deep-poverty counties.
    towns = [t.code for t in township_rows if t.code[:6] in deep and t.kind != "subdistrict"]
    extreme = _pick(rng, towns, np.ones(len(towns)), cal.EXTREMELY_POOR_TOWNSHIPS)
    extreme_set = {t[:9] for t in extreme}
    classifications += [(t, 2017, "extremely_poor_township") for t in extreme]

    # Villages: deep-poverty villages concentrate in extremely poor townships and deep-poverty counties.
    rural = [v for vs in villages_by_county.values() for v in vs]
    factor = {"deep": 3.0, "poor": 1.0, "exited": 0.3, "other": 0.03}
    w_deep = np.array([factor[kind_of[v[:6]]] * (8.0 if v[:9] in extreme_set else 1.0) for v in rural])
    deep_villages = set(_pick(rng, rural, w_deep, cal.DEEP_POVERTY_VILLAGES))
    rest = [v for v in rural if v not in deep_villages]
    w_poor = np.array([{"deep": 3.0, "poor": 2.5, "exited": 1.0, "other": 0.15}[kind_of[v[:6]]] for v in rest])
    poor_villages = deep_villages | set(_pick(rng, rest, w_poor, cal.POOR_VILLAGES - len(deep_villages)))
    flat = np.ones(len(rural))
    weak = _pick(rng, rural, flat, cal.WEAK_VILLAGES)
    disorderly = _pick(rng, rural, flat, cal.DISORDERLY_VILLAGES)
    industry = _pick(rng, rural, flat, cal.INDUSTRY_VILLAGES)
    specialised = _pick(rng, [v for v in rural if v not in set(industry)], np.ones(len(rural) - len(industry)),
                        cal.SPECIALISED_VILLAGES)  # fmt: skip
    for year in cal.YEARS:
        classifications += [(v, year, "poor_village") for v in sorted(poor_villages)]
    classifications += [(v, 2017, "deep_poverty_village") for v in sorted(deep_villages)]
    classifications += [(v, 2017, "weak_village") for v in weak]
    classifications += [(v, 2017, "disorderly_village") for v in disorderly]
    classifications += [(v, 2017, "industry_village") for v in industry]
    classifications += [(v, 2017, "specialised_village") for v in specialised]

    # People: rural population in proportion to rural villages; registered poor by county kind.
    county_codes = sorted(villages_by_county)
    n_vill = np.array([len(villages_by_county[c]) for c in county_codes], dtype=np.float64)
    rural_pop = largest_remainder(cal.RURAL_POPULATION, n_vill)
    remaining: dict[int, np.ndarray] = {}
    for year, total in cal.REMAINING_POOR.items():
        w = np.array(
            [
                cal.INCIDENCE_WEIGHT["poor" if kind_of[c] == "exited" and year < 2017 else kind_of[c]]
                for c in county_codes
            ]
        )
        remaining[year] = largest_remainder(total, rural_pop * w)
    counties: dict[str, CountyPlan] = {}
    names = {c.code[:6]: c.name for c in county_rows}
    for i, c in enumerate(county_codes):
        rem = {year: int(remaining[year][i]) for year in cal.YEARS}
        if any(rem[y] > rem[y - 1] for y in cal.YEARS[1:]):
            raise AssertionError(f"registered poor must not grow in county {c}: {rem}")
        counties[c] = CountyPlan(c, names[c], kind_of[c], villages_by_county[c], int(rural_pop[i]), rem)

    village_weight = dict.fromkeys(rural, 1.0)
    for v in poor_villages:
        village_weight[v] = 2.5
    for v in deep_villages:
        village_weight[v] = 4.0
    return ProvincePlan(areas, counties, classifications, village_weight)
