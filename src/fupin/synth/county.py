"""One county's registered poor: households, members and yearly records, generated with NumPy.

Every county is generated from its own random stream (seed, county code), so a county comes out the same
whether it is generated alone (tiny scale) or with the whole province.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

from . import calibration as cal
from . import facts
from .allocate import sizes_to_total
from .people import id_numbers, names, surname_indices, unique_sequences
from .province import CountyPlan

REFERENCE_DATE = np.datetime64("2017-12-31")
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952}

CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "因婚",
    "缺土地",
    "缺水",
    "缺技术",
    "缺资金",
    "缺劳力",
    "交通条件落后",
    "自身发展动力不足",
]
# Causes drawn when no member circumstance explains the poverty (shares loosely after national 2014 figures).
OTHER_CAUSES = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11])
OTHER_CAUSES_P = np.array([0.05, 0.01, 0.07, 0.04, 0.24, 0.30, 0.09, 0.10, 0.10])
RELATIONS = np.array(["户主", "配偶", "子女", "父母", "孙子女"], dtype=object)
HEALTH = np.array(["健康", "长期慢性病", "患有大病", "残疾"], dtype=object)
LABOUR = np.array(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"], dtype=object)
EDUCATION = np.array(["学龄前儿童", "文盲或半文盲", "小学", "初中", "高中", "大专及以上"], dtype=object)
ATTRIBUTES = np.array(["一般贫困户", "低保贫困户", "特困供养贫困户"], dtype=object)
GRADES = np.array(["A", "B", "C", "D"], dtype=object)


def county_seed(seed: int, county: str, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng([seed, int(county), salt])


def generate_county(  # noqa: PLR0915 - one linear recipe reads best top to bottom
    plan: CountyPlan, village_weight: dict[str, float], seed: int
) -> tuple[pa.Table, pa.Table, pa.Table]:
    rng = county_seed(seed, plan.code)
    # Households in four groups whose people add up exactly: exited in 2015, 2016, 2017, still poor.
    groups = [(2015, plan.exits(2015)), (2016, plan.exits(2016)), (2017, plan.exits(2017)), (0, plan.remaining[2017])]
    sizes_list, exit_list = [], []
    for group_exit, people in groups:
        s = sizes_to_total(rng, people, cal.HOUSEHOLD_SIZE_P)
        sizes_list.append(s)
        exit_list.append(np.full(len(s), group_exit, dtype=np.int64))
    sizes = np.concatenate(sizes_list)
    exit_year = np.concatenate(exit_list)
    order = rng.permutation(len(sizes))
    sizes, exit_year = sizes[order], exit_year[order]
    n_hh = len(sizes)
    if n_hh and not plan.rural_villages:
        raise AssertionError(f"county {plan.code} has registered poor but no rural village")

    villages = np.array(plan.rural_villages, dtype=object)
    vw = np.array([village_weight[v] for v in plan.rural_villages]) if n_hh else np.ones(0)
    v_idx = rng.choice(len(villages), size=n_hh, p=vw / vw.sum()) if n_hh else np.zeros(0, dtype=np.int64)
    # Household number within its village, in generation order.
    by_v = np.argsort(v_idx, kind="stable")
    number = np.empty(n_hh, dtype=np.int64)
    starts = np.searchsorted(v_idx[by_v], np.arange(len(villages)))
    number[by_v] = np.arange(n_hh) - np.repeat(starts, np.bincount(v_idx, minlength=len(villages))) + 1
    village_code = villages[v_idx] if n_hh else np.array([], dtype=object)
    household_id = np.array([f"{v}{n:05d}" for v, n in zip(village_code, number, strict=True)], dtype=object)

    # Members: contiguous per household.
    n_m = int(sizes.sum())
    hh_of = np.repeat(np.arange(n_hh), sizes)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    pos = np.arange(n_m) - np.repeat(offsets, sizes)
    size_m = sizes[hh_of]
    rel = np.full(n_m, 2)  # child
    rel[pos == 0] = 0
    spouse = (pos == 1) & (rng.random(n_m) < 0.8)
    rel[spouse] = 1
    last = (pos == size_m - 1) & (size_m >= 4)
    roll = rng.random(n_m)
    rel[last & (roll < 0.15)] = 3
    rel[last & (roll >= 0.15) & (roll < 0.25)] = 4

    head_age = np.clip(rng.normal(49, 13, n_hh), 20, 88).astype(np.int64)
    ha = head_age[hh_of]
    age = ha.copy()
    age[rel == 1] = np.clip(ha[rel == 1] + rng.normal(-2, 3, int((rel == 1).sum())).astype(np.int64), 18, 92)
    kids = rel == 2
    # Children are born when the head was 19 or older: uniform over the head's years since then.
    age[kids] = (rng.random(int(kids.sum())) * np.maximum(ha[kids] - 19, 1)).astype(np.int64)
    age[rel == 3] = np.clip(ha[rel == 3] + rng.integers(22, 32, int((rel == 3).sum())), 40, 100)
    age[rel == 4] = np.clip(ha[rel == 4] - rng.integers(44, 58, int((rel == 4).sum())), 0, 30)
    # A one-person household of an old person is the typical 五保 (特困供养) case.
    head_male = rng.random(n_hh) < 0.86
    male = rng.random(n_m) < 0.5
    male[rel == 0] = head_male[hh_of[rel == 0]]
    male[rel == 1] = ~head_male[hh_of[rel == 1]]
    birth = REFERENCE_DATE - (age * 365.25 + rng.integers(0, 365, n_m)).astype("timedelta64[D]")
    seq = unique_sequences(rng, birth, male)
    # Children, grandchildren and the head's parent carry the head's surname; a spouse keeps their own.
    surname = surname_indices(rng, n_m)
    family = np.isin(rel, (2, 3, 4))
    surname[family] = surname[offsets[hh_of[family]]]
    pid = id_numbers(plan.code, birth, seq)

    health = rng.choice(4, size=n_m, p=[0.80, 0.12, 0.04, 0.04])
    old = age >= 60
    health[old & (rng.random(n_m) < 0.25)] = 1
    student = (
        ((age >= 6) & (age <= 15))
        | ((age >= 16) & (age <= 18) & (rng.random(n_m) < 0.55))
        | ((age >= 19) & (age <= 22) & (rng.random(n_m) < 0.15))
    )
    edu = rng.choice([1, 2, 3, 4, 5], size=n_m, p=[0.15, 0.40, 0.35, 0.07, 0.03])
    edu[(age >= 60) & (rng.random(n_m) < 0.5)] = 1
    edu[age < 6] = 0
    edu[(age >= 6) & (age <= 11)] = 2
    edu[(age >= 12) & (age <= 15)] = 3
    labour = np.full(n_m, 0)
    labour[rng.random(n_m) < 0.1] = 1
    labour[(health == 1) | (health == 2)] = 2
    labour[health == 3] = 3
    labour[(age < 16) | student] = 4
    labour[age > 65] = np.where(health[age > 65] == 0, 2, 4)
    able = labour <= 1
    migrant = np.where(able & (rng.random(n_m) < 0.5), rng.integers(1, 13, n_m), 0)
    medical = rng.random(n_m) < 0.995
    critical = medical & (rng.random(n_m) < 0.98)
    facts_rng = county_seed(seed, plan.code, salt=2)  # the facts' own stream: earlier draws stay as they were
    home_schooled = facts.home_schooling(facts_rng, age, health == 3)
    student &= ~home_schooled
    stage = facts.school_stage(age, student)

    # Household attributes and main cause follow from the members.
    def any_of(flag: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(flag.astype(np.int8), offsets) > 0 if n_hh else np.zeros(0, dtype=bool)

    sick, disabled, has_student = any_of((health == 1) | (health == 2)), any_of(health == 3), any_of(student)
    able_count = np.add.reduceat(able.astype(np.int64), offsets) if n_hh else np.zeros(0, dtype=np.int64)
    cause = OTHER_CAUSES[rng.choice(len(OTHER_CAUSES), size=n_hh, p=OTHER_CAUSES_P)]
    r = rng.random(n_hh)
    cause[has_student & (r < 0.35)] = 2
    cause[disabled & (r < 0.6)] = 1
    cause[sick & (r < 0.65)] = 0
    cause[(able_count == 0) & (cause > 2)] = 9
    attribute = rng.choice(2, size=n_hh, p=[0.76, 0.24])
    attribute[(sizes == 1) & (head_age >= 60) & (rng.random(n_hh) < 0.6)] = 2

    households = pa.table(
        {
            "household_id": pa.array(household_id, pa.string()),
            "county_code": pa.array(np.full(n_hh, plan.code + "000000", dtype=object), pa.string()),
            "village_code": pa.array(village_code, pa.string()),
            "number": pa.array(number, pa.int32()),
            "size": pa.array(sizes, pa.int16()),
            "attribute": pa.array(ATTRIBUTES[attribute], pa.string()),
            "main_cause": pa.array(np.array(CAUSES, dtype=object)[cause], pa.string()),
            "identified_year": pa.array(np.full(n_hh, 2014), pa.int16()),
            "exit_year": pa.array(np.where(exit_year > 0, exit_year, 0), pa.int16()).cast(pa.int16()),
            "head_id": pid.take(pa.array(offsets)) if n_hh else pa.array([], pa.string()),
        }
    )
    households = households.set_column(
        households.schema.get_field_index("exit_year"),
        "exit_year",
        pa.array([int(e) if e else None for e in exit_year], pa.int16()),
    )
    members = pa.table(
        {
            "person_id": pid,
            "household_id": pa.array(household_id[hh_of] if n_hh else np.array([], dtype=object), pa.string()),
            "name": names(rng, surname),
            "sex": pa.array(np.where(male, "男", "女").astype(object), pa.string()),
            "birth_date": pa.array(birth.astype("datetime64[D]")),
            "relation": pa.array(RELATIONS[rel], pa.string()),
            "education": pa.array(EDUCATION[edu], pa.string()),
            "student": pa.array(student),
            "school_stage": pa.array(stage, pa.string()),
            "home_schooled": pa.array(home_schooled),
            "health": pa.array(HEALTH[health], pa.string()),
            "labour": pa.array(LABOUR[labour], pa.string()),
            "migrant_months": pa.array(migrant, pa.int8()),
            "medical_insurance": pa.array(medical),
            "critical_illness_insurance": pa.array(critical),
        }
    )
    insured = np.minimum.reduceat((medical & critical).astype(np.int8), offsets) > 0 if n_hh else np.zeros(0, bool)
    out_of_school = ~student & ~home_schooled
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    edu_ok = {}
    for year in cal.YEARS:
        lo, hi = facts.SCHOOL_AGE
        in_band = (year - birth_year >= lo) & (year - birth_year <= hi)
        edu_ok[year] = ~any_of(in_band & out_of_school)
    short = np.array([_water_short(v) for v in village_code], dtype=bool)
    years = _household_years(rng, household_id, exit_year, attribute, able_count, sizes)
    years = _with_facts(facts_rng, years, edu_ok, insured, short)
    return households, members, years


def _water_short(village: str) -> bool:
    """Whether a village lies in a water-short area: a fixed share of villages, stable across runs and scales."""
    return int(hashlib.sha256(village.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < facts.WATER_SHORT_VILLAGE_SHARE


def _with_facts(
    rng: np.random.Generator, years: pa.Table, edu_ok: dict[int, np.ndarray], insured: np.ndarray, short: np.ndarray
) -> pa.Table:
    """The recorded judgements 义务教育/基本医疗 as the members' facts say, and the water facts behind 饮水安全."""
    education = np.concatenate([edu_ok[y] for y in cal.YEARS]) if len(insured) else np.zeros(0, bool)
    medical = np.tile(insured, len(cal.YEARS))
    short_rows = np.tile(short, len(cal.YEARS))
    water_ok = years["water_ok"].to_numpy(zero_copy_only=False)
    litres, quality, minutes, cut = facts.water_facts(rng, water_ok, short_rows)
    new = {
        "education_ok": pa.array(education, pa.bool_()),
        "medical_ok": pa.array(medical, pa.bool_()),
        "water_litres": pa.array(litres, pa.int16()),
        "water_quality_ok": pa.array(quality, pa.bool_()),
        "water_minutes": pa.array(minutes, pa.int16()),
        "water_cut_days": pa.array(cut, pa.int16()),
        "water_short_area": pa.array(short_rows, pa.bool_()),
    }
    for name, values in new.items():
        i = years.schema.get_field_index(name)
        years = years.set_column(i, name, values) if i >= 0 else years.append_column(name, values)
    return years


def _household_years(  # noqa: PLR0917 - private helper, arrays passed positionally
    rng: np.random.Generator,
    household_id: np.ndarray,
    exit_year: np.ndarray,
    attribute: np.ndarray,
    able_count: np.ndarray,
    sizes: np.ndarray,
) -> pa.Table:
    n = len(household_id)
    relocated_year = np.where(rng.random(n) < 0.08, rng.choice([2016, 2017], size=n), 0)
    base_grade = rng.choice(4, size=n, p=[0.25, 0.45, 0.2, 0.1])
    cols: dict[str, list[np.ndarray]] = {k: [] for k in (
        "household_id", "year", "poor", "income", "wage", "production", "property", "transfer",
        "food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_grade", "relocated", "water_ok",
    )}  # fmt: skip
    for year in cal.YEARS:
        line = POVERTY_LINE[year]
        poor = (exit_year == 0) | (exit_year > year)
        income = np.where(poor, line * rng.uniform(0.45, 0.97, n), line * rng.uniform(1.12, 2.6, n)).round(2)
        transfer_share = np.where(attribute > 0, 0.45, 0.12) * rng.uniform(0.6, 1.4, n)
        wage_share = np.where(able_count > 0, 0.55, 0.05) * rng.uniform(0.5, 1.2, n)
        prop_share = rng.uniform(0, 0.05, n)
        total = transfer_share + wage_share + prop_share + 0.3
        wage = (income * sizes * wage_share / total).round(2)
        transfer = (income * sizes * transfer_share / total).round(2)
        prop = (income * sizes * prop_share / total).round(2)
        production = (income * sizes - wage - transfer - prop).round(2)
        relocated = (relocated_year > 0) & (relocated_year <= year)
        # Exited households have safe housing (renovated or relocated); poor ones keep their grade.
        grade = np.where(poor, base_grade, np.minimum(base_grade, 1))
        cols["household_id"].append(household_id)
        cols["year"].append(np.full(n, year))
        cols["poor"].append(poor)
        cols["income"].append(income)
        cols["wage"].append(wage)
        cols["production"].append(production)
        cols["property"].append(prop)
        cols["transfer"].append(transfer)
        cols["food_ok"].append(~poor | (rng.random(n) < 0.9))
        cols["clothing_ok"].append(~poor | (rng.random(n) < 0.95))
        cols["education_ok"].append(np.ones(n, dtype=bool))
        cols["medical_ok"].append(np.ones(n, dtype=bool))
        cols["housing_grade"].append(GRADES[grade])
        cols["relocated"].append(relocated)
        cols["water_ok"].append(~poor | (rng.random(n) < 0.85))
    arrays = {k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()}
    return pa.table(
        {
            "household_id": pa.array(arrays["household_id"], pa.string()),
            "year": pa.array(arrays["year"], pa.int16()),
            "poor": pa.array(arrays["poor"], pa.bool_()),
            "income_per_capita": pa.array(arrays["income"], pa.float64()),
            "wage_income": pa.array(arrays["wage"], pa.float64()),
            "production_income": pa.array(arrays["production"], pa.float64()),
            "property_income": pa.array(arrays["property"], pa.float64()),
            "transfer_income": pa.array(arrays["transfer"], pa.float64()),
            "food_ok": pa.array(arrays["food_ok"], pa.bool_()),
            "clothing_ok": pa.array(arrays["clothing_ok"], pa.bool_()),
            "education_ok": pa.array(arrays["education_ok"], pa.bool_()),
            "medical_ok": pa.array(arrays["medical_ok"], pa.bool_()),
            "housing_grade": pa.array(arrays["housing_grade"], pa.string()),
            "relocated": pa.array(arrays["relocated"], pa.bool_()),
            "water_ok": pa.array(arrays["water_ok"], pa.bool_()),
        }
    )
