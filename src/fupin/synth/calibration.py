"""The figures the synthetic province reproduces (POLICY.md §7 and the seed article). Changing one here changes
the generator; docs/synthetic-data.md explains each."""

from __future__ import annotations

from dataclasses import dataclass, field

YEARS = (2014, 2015, 2016, 2017)

# Registered poor still in poverty at the end of each year (people). 2017 is the article's 280.32万.
REMAINING_POOR: dict[int, int] = {2014: 6_230_000, 2015: 4_930_000, 2016: 4_020_000, 2017: 2_803_200}
INCIDENCE_2017 = 0.0775
# Rural population implied by the article: 2,803,200 ÷ 7.75% (POLICY.md: ≈36M).
RURAL_POPULATION = round(REMAINING_POOR[2017] / INCIDENCE_2017)

POOR_COUNTIES_DESIGNATED = 66
POOR_COUNTIES_EXITED_2017 = ("520381",)  # 赤水市 left the list in 2017, the first in Guizhou
DEEP_POVERTY_COUNTIES = (
    "520204", "520324", "520325", "520326", "520425", "520525", "520526",
    "520527", "520627", "522324", "522326", "522327", "522632", "522633",
)  # fmt: skip
EXTREMELY_POOR_TOWNSHIPS = 20
DEEP_POVERTY_VILLAGES = 2_760
POOR_VILLAGES = 9_000
# Not given by the article: plausible shares, documented as synthetic.
WEAK_VILLAGES = 1_200
DISORDERLY_VILLAGES = 300
INDUSTRY_VILLAGES = 2_000
SPECIALISED_VILLAGES = 600

# Cadres in the villages, 2018 (the article).
FIRST_SECRETARIES = 8_542
RESIDENT_CADRES = 43_000
COUNTY_WORK_TEAMS = 85
VILLAGE_WORK_GROUPS = 8_782
VILLAGE_PARTY_ORGANIZATIONS = 13_615
# The cadres' field work (the article's five-year tallies, 2013–2018, spread evenly over five years and the
# 51,542 posted cadres; docs/synthetic-data.md): per year 6M visits, 100k good deeds, 18.4k difficulties solved,
# 24.6k disputes resolved, 16k projects bringing in 3 billion yuan (15 billion over five years).
FIELDWORK_YEAR = 2018
FIVE_YEAR_TALLIES = {"visit": 30_000_000, "good_deed": 500_000, "difficulty": 92_000, "dispute": 123_000,
                     "project": 80_000}  # fmt: skip
FIVE_YEAR_FUNDS_WAN = 1_500_000  # 约 150 亿元, in 万元
MEETINGS_PER_CADRE = 12  # synthetic: one a month
FIRST_SECRETARIES_ADJUSTED_2018 = 387
PROMOTED_SINCE_2013 = 4_200
# Helping units per level (synthetic): provincial organs/SOEs/institutions, per prefecture, per county.
UNITS_PROVINCE, UNITS_PER_PREFECTURE, UNITS_PER_COUNTY = 60, 40, 25

# How much likelier a resident of each kind of county is to be registered poor (relative weights).
INCIDENCE_WEIGHT = {"deep": 3.0, "poor": 1.6, "exited": 0.3, "other": 0.25}
# Household sizes 1..8 (mean ≈ 3.1 people, POLICY.md: ≈3 per registered household).
HOUSEHOLD_SIZE_P = (0.12, 0.20, 0.25, 0.20, 0.12, 0.06, 0.03, 0.02)


@dataclass(frozen=True)
class Scale:
    name: str
    counties: tuple[str, ...] | None  # None = every county
    prefecture: str | None = None
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


SCALES = {
    # One small deep-poverty county (66 rural villages): fast enough for every CI run.
    "tiny": Scale("tiny", ("520325",), notes="道真仡佬族苗族自治县"),
    # The demo's two counties, generated and loaded together (other departments' data is loaded per kind, replacing
    # the kind: two separate loads would leave only the second county's): 道真, and 威宁 so that the demo accounts of
    # 毕节市 and 威宁县 (down to a village) see data.
    "demo": Scale("demo", ("520325", "520526"), notes="道真仡佬族苗族自治县、威宁彝族回族苗族自治县"),
    # One prefecture: 毕节市, the one with most poor.
    "county": Scale("county", None, prefecture="5205", notes="毕节市"),
    "province": Scale("province", None, notes="贵州省全省"),
}

# The village Party organizations' 10th election of the 两委 (2017) and the 2018 review (the article): of the 13,615
# secretaries, 5,857 newly chosen in the villages (627 of them brought back from migrant work, 3,847 from the
# 致富能手) and 1,518 sent down by organs; 342 replaced in 2018 as incompetent, negligent or unqualified.
SECRETARIES_NEW_2017 = 5_857
SECRETARIES_SENT_DOWN_2017 = 1_518
SECRETARIES_MIGRANT_2017 = 627
SECRETARIES_CAPABLE_2017 = 3_847
SECRETARIES_ADJUSTED_2018 = 342
# 基层保障 standards (synthetic, mirrored by the policy parameters): a secretary's pay in 元/年 at least, and a village
# organization's office funds in 万元/年 at least.
SECRETARY_PAY_MIN = 17_738.0
OFFICE_FUNDS_MIN_WAN = 2.0
