"""Other departments' records behind 两不愁三保障 — 教育 学籍, 医保 参保, 住建 危房鉴定, 民政 低保/特困, 残联 残疾人证 —
derived from the registry tables of one county, with planted disagreements for the 部门比对 rules and decoys just
outside each rule (a dropout aged 16, a 低保 entry ended before the year end, an appraisal dated 1 January 2018…).

Drawn from their own random stream (salt 4 of the county seed) after every earlier planting, so nothing earlier
changes. Departments know people by their correct ID numbers: a member whose registry ID number carries a wrong
check digit (a planted data-quality fault) appears here under the right one, so the comparisons that look for an
absent record find nothing under the registry's number — answers too. Rates are in docs/synthetic-data.md.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from .people import check_digits
from .planted import Planted

YEAR = 2017
SCHOOL_AGE = (6, 15)  # the default compulsory-school band (policy parameters school_age_min/max)
# Share of households still poor at the end of 2017 that carry each planted disagreement; decoys as many again.
RATES = {
    "dept_dropout": 0.002,
    "dept_uninsured": 0.003,
    "dept_housing_grade": 0.002,
    "dept_dibao": 0.002,
    "dept_disability": 0.002,
}
INSURED_LAPSE_EXITED = 0.005  # insured members of exited households missing from 医保 (outside every rule)
APPRAISED_SAFE_SHARE = 0.2  # of households graded A/B with an appraisal of their own
CERTIFIED_SHARE = 0.9  # of members recorded 残疾 who hold a certificate
CATEGORIES = np.array(["视力", "听力", "言语", "肢体", "智力", "精神", "多重"], dtype=object)
CATEGORY_P = [0.12, 0.14, 0.03, 0.45, 0.1, 0.09, 0.07]
DISABILITY_GRADES = np.array(["一级", "二级", "三级", "四级"], dtype=object)
STAGES = ("学前教育", "小学", "初中", "高中", "中职", "高等教育")
STATUSES = ("在读", "休学", "辍学", "毕业")

SCHEMAS = {
    "school_enrolment": pa.schema(
        [("person_id", pa.string()), ("school", pa.string()), ("stage", pa.string()), ("year", pa.int16()),
         ("status", pa.string())]
    ),
    "medical_insured": pa.schema(
        [("person_id", pa.string()), ("year", pa.int16()), ("basic", pa.bool_()), ("critical", pa.bool_())]
    ),
    "housing_appraisal": pa.schema(
        [("owner_id", pa.string()), ("village_code", pa.string()), ("grade", pa.string()),
         ("appraised_on", pa.date32()), ("renovated", pa.bool_())]
    ),
    "assistance": pa.schema(
        [("person_id", pa.string()), ("kind", pa.string()), ("since", pa.date32()), ("ended", pa.date32())]
    ),
    "disability": pa.schema([("person_id", pa.string()), ("category", pa.string()), ("grade", pa.string())]),
}  # fmt: skip
TABLES = tuple(SCHEMAS)


class _Rows:
    """Column arrays in bulk plus single rows, turned into one table of a fixed schema."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self.parts: list[pa.Table] = []
        self.rows: list[dict[str, object]] = []

    def bulk(self, **columns: object) -> None:
        self.parts.append(
            pa.table({f.name: pa.array(columns[f.name], f.type) for f in self.schema}, schema=self.schema)
        )

    def add(self, **row: object) -> None:
        self.rows.append(row)

    def table(self) -> pa.Table:
        return pa.concat_tables([*self.parts, pa.Table.from_pylist(self.rows, self.schema)])


def _days(rng: np.random.Generator, start: str, end: str, n: int) -> np.ndarray:
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    return lo + rng.integers(0, (hi - lo).astype(np.int64) + 1, n).astype("timedelta64[D]")


def _day(rng: np.random.Generator, start: str, end: str) -> date:
    day: date = _days(rng, start, end, 1)[0].astype(date)
    return day


def correct_ids(pid: np.ndarray) -> np.ndarray:
    """The ID numbers with their right check characters (the departments' copy of a mistyped registry number)."""
    if not len(pid):
        return pid
    raw = np.array(pid, dtype="S18").view(np.uint8).reshape(len(pid), 18)
    body = raw[:, :17].astype(np.int64) - 48
    fixed = raw.copy()
    fixed[:, 17] = check_digits(body)
    return fixed.view("S18").ravel().astype(str).astype(object)


def department_tables(  # noqa: PLR0912, PLR0915 - one recipe per department, read top to bottom
    rng: np.random.Generator,
    households: pa.Table,
    members: pa.Table,
    years: pa.Table,
    planted: Planted,
) -> dict[str, pa.Table]:
    """The five department tables of one county (keyed as the kinds of ``fupin external load``), answers added
    to ``planted``."""
    out = {name: _Rows(schema) for name, schema in SCHEMAS.items()}
    hid = households["household_id"].to_numpy(zero_copy_only=False)
    n_hh = len(hid)
    if not n_hh:
        return {name: rows.table() for name, rows in out.items()}
    sizes = households["size"].to_numpy().astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    hh_of = np.repeat(np.arange(n_hh), sizes)
    village = households["village_code"].to_numpy(zero_copy_only=False)
    attribute = households["attribute"].to_numpy(zero_copy_only=False)
    poor_h = np.array([e is None for e in households["exit_year"].to_pylist()], dtype=bool)
    pid = members["person_id"].to_numpy(zero_copy_only=False)
    dept_id = correct_ids(pid)
    valid = dept_id == pid
    birth_year = members["birth_date"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    age = YEAR - birth_year
    student = members["student"].to_numpy(zero_copy_only=False).astype(bool)
    home = members["home_schooled"].to_numpy(zero_copy_only=False).astype(bool)
    stage = members["school_stage"].to_numpy(zero_copy_only=False)
    health = members["health"].to_numpy(zero_copy_only=False)
    medical = members["medical_insurance"].to_numpy(zero_copy_only=False).astype(bool)
    critical = members["critical_illness_insurance"].to_numpy(zero_copy_only=False).astype(bool)
    y2017 = 3 * n_hh  # years are written year-major, 2014..2017
    grade_2014 = years["housing_grade"].to_numpy(zero_copy_only=False)[:n_hh]
    grade_2017 = years["housing_grade"].to_numpy(zero_copy_only=False)[y2017 : y2017 + n_hh]
    relocated_2017 = years["relocated"].to_numpy(zero_copy_only=False)[y2017 : y2017 + n_hh].astype(bool)
    poor_m = poor_h[hh_of]
    all_valid_h = np.minimum.reduceat(valid.astype(np.int8), offsets) > 0

    n_poor = int(poor_h.sum())
    count = {k: round(n_poor * r) for k, r in RATES.items()}
    busy = np.zeros(n_hh, dtype=bool)  # households already carrying a planted record of this module

    def pick_members(mask: np.ndarray, n: int) -> list[int]:
        """Up to ``n`` members meeting ``mask``, at most one per household, in households not used yet."""
        chosen: list[int] = []
        for m in rng.permutation(np.flatnonzero(mask & ~busy[hh_of])):
            if len(chosen) == n:
                break
            if not busy[hh_of[m]]:
                busy[hh_of[m]] = True
                chosen.append(int(m))
        return chosen

    def pick_households(mask: np.ndarray, n: int) -> list[int]:
        chosen = [int(h) for h in rng.permutation(np.flatnonzero(mask & ~busy))[:n]]
        busy[chosen] = True
        return chosen

    # ---- 教育 学籍: every student, in school in the 2017 school year
    enrol = student.copy()
    status = np.full(len(pid), "在读", dtype=object)
    stages = np.where(stage == "", np.where(age <= 11, "小学", "初中"), stage)
    kid = student & ~home & (age >= SCHOOL_AGE[0]) & (age <= SCHOOL_AGE[1]) & valid
    drop = pick_members(kid & poor_m & (age == SCHOOL_AGE[1]), 1) + pick_members(kid & poor_m & (age == 6), 1)
    drop += pick_members(kid & poor_m, count["dept_dropout"] - len(drop))
    for k, m in enumerate(drop):
        out["school_enrolment"].add(person_id=dept_id[m], school=_school(village[hh_of[m]], "小学"), stage="小学",
                                    year=YEAR - 1, status="在读")  # fmt: skip
        if k % 2:
            enrol[m] = False
            planted.answer("dept_dropout", hid[hh_of[m]], pid[m], f"{age[m]} 岁在校生，无 {YEAR} 学年学籍")
        else:
            status[m] = "辍学"
            planted.answer("dept_dropout", hid[hh_of[m]], pid[m], f"{age[m]} 岁在校生，{YEAR} 学年学籍为辍学")
    mistyped = student & ~home & (age >= SCHOOL_AGE[0]) & (age <= SCHOOL_AGE[1]) & poor_m & ~valid
    for m in np.flatnonzero(mistyped).tolist():
        planted.answer("dept_dropout", hid[hh_of[m]], pid[m], "登记身份证号有误，按此号码无学籍")
    n_decoys = max(count["dept_dropout"] // 2, 1)
    for m in pick_members(student & poor_m & (age == SCHOOL_AGE[1] + 1) & valid, n_decoys):
        status[m] = "辍学"  # one year past the compulsory band
    for m in pick_members(kid & poor_m, n_decoys):
        status[m] = "休学"  # suspended, still enrolled
    for m in pick_members(kid & poor_m, n_decoys):  # dropped out last year, back in school this year
        out["school_enrolment"].add(person_id=dept_id[m], school=_school(village[hh_of[m]], stages[m]),
                                    stage=stages[m], year=YEAR - 1, status="辍学")  # fmt: skip
    for m in pick_members(kid & ~poor_m, n_decoys):
        status[m] = "辍学"  # a household that has left the register
    e = np.flatnonzero(enrol)
    out["school_enrolment"].bulk(
        person_id=dept_id[e],
        school=[_school(village[hh_of[m]], stages[m]) for m in e],
        stage=stages[e],
        year=np.full(len(e), YEAR),
        status=status[e],
    )

    # ---- 医保 参保: everyone the registry records as insured, for 2017
    insured = medical.copy()
    has_critical = critical.copy()
    both = medical & critical & valid
    lapsed = (rng.random(len(pid)) < INSURED_LAPSE_EXITED) & ~poor_m & medical
    insured[lapsed] = False  # outside the rule: the household has left the register
    for k, m in enumerate(pick_members(both & poor_m, count["dept_uninsured"])):
        h = hid[hh_of[m]]
        if k % 3 == 0:
            insured[m] = False
            planted.answer("dept_uninsured", h, pid[m], f"医保无 {YEAR} 年度参保记录")
        elif k % 3 == 1:
            insured[m] = False
            out["medical_insured"].add(person_id=dept_id[m], year=YEAR - 1, basic=True, critical=True)
            planted.answer("dept_uninsured", h, pid[m], f"医保参保记录止于 {YEAR - 1} 年")
        else:
            has_critical[m] = False
            planted.answer("dept_uninsured", h, pid[m], "医保记录未参加大病保险")
    for m in np.flatnonzero(medical & critical & poor_m & ~valid).tolist():
        planted.answer("dept_uninsured", hid[hh_of[m]], pid[m], "登记身份证号有误，按此号码无参保记录")
    for m in pick_members(both & poor_m, max(count["dept_uninsured"] // 2, 1)):
        out["medical_insured"].add(person_id=dept_id[m], year=YEAR - 1, basic=True, critical=False)  # last year
    e = np.flatnonzero(insured)
    out["medical_insured"].bulk(
        person_id=dept_id[e], year=np.full(len(e), YEAR), basic=np.ones(len(e), bool), critical=has_critical[e]
    )

    # ---- 住建 危房鉴定: C/D houses at the start (renovated once the household left), a sample of A/B houses
    head = dept_id[offsets]
    unsafe = np.isin(grade_2014, ["C", "D"])
    safe_2017 = np.isin(grade_2017, ["A", "B"])
    comparable = poor_h & safe_2017 & ~relocated_2017 & valid[offsets]
    wrong = pick_households(comparable, count["dept_housing_grade"])
    for k, h in enumerate(wrong):
        on = date(YEAR, 12, 31) if k == 0 else _day(rng, "2016-01-01", f"{YEAR}-12-31")
        g = "CD"[k % 2]
        if k % 3 == 1:  # an earlier appraisal found it safe
            earlier = _day(rng, "2014-03-01", "2015-12-31")
            out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade=grade_2017[h],
                                         appraised_on=earlier, renovated=False)  # fmt: skip
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade=g, appraised_on=on,
                                     renovated=False)  # fmt: skip
        planted.answer("dept_housing_grade", hid[h], None, f"登记 {grade_2017[h]} 级，住建鉴定 {on} 为 {g} 级危房")
    n_decoys = max(count["dept_housing_grade"] // 2, 1)
    for k, h in enumerate(pick_households(comparable, n_decoys)):  # appraised after the year end
        on = date(YEAR + 1, 1, 1) if k == 0 else _day(rng, f"{YEAR + 1}-01-01", f"{YEAR + 1}-06-30")
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade="D", appraised_on=on,
                                     renovated=False)  # fmt: skip
    for h in pick_households(comparable, n_decoys):  # found unsafe, since renovated
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade="C",
                                     appraised_on=_day(rng, "2014-03-01", "2016-12-31"), renovated=True)  # fmt: skip
    for h in pick_households(comparable, n_decoys):  # unsafe in 2015, safe at a later appraisal
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade="D",
                                     appraised_on=_day(rng, "2015-01-01", "2015-12-31"), renovated=False)  # fmt: skip
        later = _day(rng, "2016-06-01", f"{YEAR}-12-31")
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade=grade_2017[h],
                                     appraised_on=later, renovated=False)  # fmt: skip
    for h in pick_households(poor_h & safe_2017 & relocated_2017, n_decoys):  # the old house, left behind
        out["housing_appraisal"].add(owner_id=head[h], village_code=village[h], grade="D",
                                     appraised_on=_day(rng, "2014-03-01", "2016-12-31"), renovated=False)  # fmt: skip
    sample = ~busy & ~unsafe & (rng.random(n_hh) < APPRAISED_SAFE_SHARE)
    e = np.flatnonzero(unsafe | sample)
    out["housing_appraisal"].bulk(
        owner_id=head[e],
        village_code=village[e],
        grade=grade_2014[e],
        appraised_on=_days(rng, "2014-03-01", "2015-12-31", len(e)),
        renovated=unsafe[e] & safe_2017[e],  # C/D houses of households now graded A/B have been renovated
    )

    # ---- 民政 低保 / 特困供养: every member of 低保 and 特困供养 households
    dibao_h, tekun_h = attribute == "低保贫困户", attribute == "特困供养贫困户"
    listed = (dibao_h | tekun_h)[hh_of]
    ended: list[date | None] = [None] * len(pid)
    d_ok = dibao_h & poor_h & all_valid_h
    n = count["dept_dibao"]
    for k, h in enumerate(pick_households(d_ok, n - n // 3)):
        idx = range(offsets[h], offsets[h] + sizes[h])
        if k % 2:  # no entry at all
            listed[list(idx)] = False
            planted.answer("dept_dibao", hid[h], None, "登记为低保贫困户，民政无该户低保记录")
        else:  # entries ended before the year end
            stop = date(YEAR, 12, 30) if k == 0 else _day(rng, "2016-01-01", f"{YEAR}-12-30")
            for m in idx:
                ended[m] = stop
            planted.answer("dept_dibao", hid[h], None, f"登记为低保贫困户，民政低保已于 {stop} 停止")
    for m in pick_members(poor_m & ~tekun_h[hh_of] & valid, n // 3):
        out["assistance"].add(person_id=dept_id[m], kind="特困供养", since=_day(rng, "2015-01-01", f"{YEAR}-06-30"),
                              ended=None)  # fmt: skip
        planted.answer("dept_dibao", hid[hh_of[m]], None, f"户属性为{attribute[hh_of[m]]}，成员在民政特困供养名单中")
    any_valid_h = np.maximum.reduceat(valid.astype(np.int8), offsets) > 0
    for h in np.flatnonzero(dibao_h & poor_h & ~any_valid_h):
        planted.answer("dept_dibao", hid[h], None, "登记身份证号有误，按此号码无低保记录")
    n_decoys = max(n // 2, 1)
    for k, h in enumerate(pick_households(d_ok, n_decoys)):  # ends on or after the year end: still in force
        stop = date(YEAR, 12, 31) if k == 0 else _day(rng, f"{YEAR + 1}-01-01", f"{YEAR + 1}-06-30")
        for m in range(offsets[h], offsets[h] + sizes[h]):
            ended[m] = stop
    general = poor_m & (attribute == "一般贫困户")[hh_of] & valid
    for k, m in enumerate(pick_members(general, n_decoys)):  # 特困 ended before the year end, or starting after it
        since = _day(rng, "2015-01-01", "2016-12-31") if k % 2 == 0 else date(YEAR + 1, 1, 1)
        out["assistance"].add(
            person_id=dept_id[m], kind="特困供养", since=since, ended=date(YEAR, 12, 30) if k % 2 == 0 else None
        )
    exited = ~poor_m & listed
    for m in np.flatnonzero(exited & (rng.random(len(pid)) < 0.5)).tolist():
        ended[m] = _day(rng, "2016-01-01", f"{YEAR}-12-30")  # assistance ends after leaving poverty (outside)
    e = np.flatnonzero(listed)
    out["assistance"].bulk(
        person_id=dept_id[e],
        kind=np.where(tekun_h[hh_of[e]], "特困供养", "低保"),
        since=_days(rng, "2012-01-01", "2017-06-30", len(e)),
        ended=[ended[m] for m in e],
    )

    # ---- 残联 残疾人证: most members recorded 残疾
    certified = (health == "残疾") & (rng.random(len(pid)) < CERTIFIED_SHARE)
    for m in pick_members(poor_m & (health != "残疾") & valid, count["dept_disability"]):
        certified[m] = True
        planted.answer("dept_disability", hid[hh_of[m]], pid[m], f"持残疾人证，健康状况登记为{health[m]}")
    for m in pick_members(~poor_m & (health != "残疾"), max(count["dept_disability"] // 2, 1)):
        certified[m] = True  # a household that has left the register
    e = np.flatnonzero(certified)
    out["disability"].bulk(
        person_id=dept_id[e],
        category=rng.choice(CATEGORIES, size=len(e), p=CATEGORY_P),
        grade=rng.choice(DISABILITY_GRADES, size=len(e), p=[0.1, 0.2, 0.35, 0.35]),
    )
    return {name: rows.table() for name, rows in out.items()}


def _school(village: str, stage: str) -> str:
    if stage in {"小学", "学前教育"}:
        return f"{village[:9]}中心小学"
    if stage == "初中":
        return f"{village[:9]}中学"
    if stage == "高中":
        return f"{village[:6]}第一中学"
    if stage == "中职":
        return f"{village[:6]}中等职业学校"
    return "省内高等院校"
