"""Helping units, first secretaries, resident cadres, county work teams and village work groups (2017).

Province-level counts are exact (the article's 8,542 / 43,000 / 85 / 8,782); each county's share comes from the
plan, and each county's people from its own random stream, like the registry.
"""

from __future__ import annotations

import re
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
    rows: list[tuple[str, str, str]] = []
    for i in range(cal.UNITS_PROVINCE):
        rows.append((f"P52{i:04d}", "省", "520000000000"))
    prefectures = sorted({c[:4] for c in plan.counties})
    for p in prefectures:
        for i in range(cal.UNITS_PER_PREFECTURE):
            rows.append((f"M{p}{i:04d}", "市", p + "00000000"))
    for c in sorted(plan.counties):
        for i in range(cal.UNITS_PER_COUNTY):
            rows.append((f"C{c}{i:03d}", "县", c + "000000"))
    kinds = UNIT_KINDS[rng.choice(3, size=len(rows), p=[0.6, 0.15, 0.25])]
    area_names = {a.code: a.name for a in plan.areas}
    names: list[str] = []
    taken: dict[str, dict[str, list[str]]] = {}  # area → kind → names left, in a random order per area
    for (_, level, area), kind in zip(rows, kinds, strict=True):
        left = taken.setdefault(area, {})
        if kind not in left:
            left[kind] = unit_names(level, str(kind), area_names.get(area, ""), rng)
        names.append(left[kind].pop(0))
    return pa.table(
        {
            "unit_id": [r[0] for r in rows],
            "name": names,
            "level": [r[1] for r in rows],
            "area_code": [r[2] for r in rows],
            "kind": pa.array(kinds, pa.string()),
        }
    )


# Unit names by level and kind; "{a}" is the area's usual short name (贵州省, 毕节市, 黔东南州, 威宁县), "{s}" the
# province's (贵州). Party and government organs, public institutions (事业单位), and central or state-owned
# enterprises with their branch in the area.
_ORGANS = (
    "{a}委办公室", "{a}政府办公室", "{a}委组织部", "{a}委宣传部", "{a}委统战部", "{a}纪委监委", "{a}委政法委",
    "{a}发展和改革局", "{a}教育局", "{a}科学技术局", "{a}工业和信息化局", "{a}民族宗教事务局", "{a}公安局",
    "{a}民政局", "{a}司法局", "{a}财政局", "{a}人力资源和社会保障局", "{a}自然资源局", "{a}生态环境局",
    "{a}住房和城乡建设局", "{a}交通运输局", "{a}水务局", "{a}农业农村局", "{a}商务局", "{a}文化广电旅游局",
    "{a}卫生健康局", "{a}退役军人事务局", "{a}应急管理局", "{a}审计局", "{a}市场监督管理局", "{a}统计局",
    "{a}林业局", "{a}医疗保障局", "{a}扶贫开发办公室", "{a}生态移民局", "{a}能源局", "{a}总工会", "共青团{a}委",
    "{a}妇女联合会", "{a}供销合作社", "{a}人民检察院", "{a}档案局",
)  # fmt: skip
UNIT_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("省", "党政机关"): (
        "{a}委办公厅", "{a}人民政府办公厅", "{a}委组织部", "{a}委宣传部", "{a}委统战部", "{a}纪委监委",
        "{a}委政法委", "{a}发展和改革委员会", "{a}教育厅", "{a}科学技术厅", "{a}工业和信息化厅",
        "{a}民族宗教事务委员会", "{a}公安厅", "{a}民政厅", "{a}司法厅", "{a}财政厅", "{a}人力资源和社会保障厅",
        "{a}自然资源厅", "{a}生态环境厅", "{a}住房和城乡建设厅", "{a}交通运输厅", "{a}水利厅", "{a}农业农村厅",
        "{a}商务厅", "{a}文化和旅游厅", "{a}卫生健康委员会", "{a}退役军人事务厅", "{a}应急管理厅", "{a}审计厅",
        "{a}市场监督管理局", "{a}统计局", "{a}林业局", "{a}医疗保障局", "{a}扶贫开发办公室", "{a}生态移民局",
        "{a}能源局", "{a}体育局", "{a}大数据发展管理局", "{a}机关事务管理局", "{a}高级人民法院", "{a}人民检察院",
        "{a}总工会", "共青团{a}委", "{a}妇女联合会", "{a}供销合作社联合社", "{a}地方金融监督管理局",
    ),
    ("省", "事业单位"): (
        "{s}大学", "{s}医科大学", "{s}师范大学", "{s}民族大学", "{s}财经大学", "{a}人民医院", "{s}医科大学附属医院",
        "{a}农业科学院", "{a}社会科学院", "{a}科学院", "{a}疾病预防控制中心", "{a}广播电视台", "{s}日报报业集团",
        "{a}气象局", "{a}地质矿产勘查开发局", "{a}林业科学研究院", "{a}畜牧兽医研究所", "{s}农业职业学院",
        "{s}交通职业技术学院", "{a}档案馆", "{a}图书馆", "{a}农业技术推广总站", "{a}水利水电勘测设计研究院",
    ),
    ("省", "国有企业"): (
        "中国移动{s}分公司", "中国联通{s}省分公司", "中国电信{s}分公司", "{s}电网有限责任公司", "{s}银行",
        "{a}农村信用社联合社", "中国农业银行{a}分行", "中国工商银行{a}分行", "中国建设银行{a}分行", "中国银行{a}分行",
        "国家开发银行{a}分行", "中国农业发展银行{a}分行", "{s}盘江煤电集团", "{s}高速公路集团", "{s}乌江能源集团",
        "{a}水利投资集团", "{s}磷化集团", "中国烟草总公司{a}公司", "中国邮政集团{a}分公司", "中国石化{s}石油分公司",
        "中国人寿{a}分公司", "{s}茅台酒厂集团", "{s}产业投资集团",
    ),
    ("市", "党政机关"): (*_ORGANS, "{a}中级人民法院"),
    ("县", "党政机关"): (*_ORGANS, "{a}人民法院"),
    ("市", "事业单位"): (
        "{a}第一人民医院", "{a}中医院", "{a}妇幼保健院", "{a}疾病预防控制中心", "{a}第一中学", "{a}职业技术学院",
        "{a}农业科学研究所", "{a}广播电视台", "{a}日报社", "{a}气象局", "{a}林业科学研究所", "{a}畜牧兽医研究所",
        "{a}就业局", "{a}社会保险事业局", "{a}图书馆", "{a}不动产登记中心", "{a}公共资源交易中心",
        "{a}政务服务中心", "{a}农业技术推广站", "{a}水利工程管理局",
    ),
    ("县", "事业单位"): (
        "{a}人民医院", "{a}中医院", "{a}妇幼保健院", "{a}疾病预防控制中心", "{a}第一中学", "{a}民族中学",
        "{a}职业教育中心", "{a}农业技术推广中心", "{a}畜牧兽医发展中心", "{a}林业技术推广站", "{a}水利工程管理站",
        "{a}融媒体中心", "{a}气象局", "{a}就业局", "{a}社会保险事业局", "{a}图书馆", "{a}文化馆",
        "{a}农村经济经营管理站", "{a}不动产登记中心", "{a}公共资源交易中心", "{a}政务服务中心",
    ),
    ("市", "国有企业"): (
        "中国移动{a}分公司", "中国联通{a}分公司", "中国电信{a}分公司", "{s}电网{a}供电局", "{s}银行{a}分行",
        "中国农业银行{a}分行", "中国工商银行{a}分行", "中国建设银行{a}分行", "中国银行{a}分行", "中国邮政{a}分公司",
        "{s}省烟草公司{a}公司", "{a}城市建设投资集团", "{a}农业投资开发集团", "{a}交通建设集团",
        "{a}水务投资有限公司", "{a}工业投资集团", "中国人寿{a}分公司",
    ),
    ("县", "国有企业"): (
        "中国移动{a}分公司", "中国联通{a}分公司", "中国电信{a}分公司", "{s}电网{a}供电局", "{s}银行{a}支行",
        "中国农业银行{a}支行", "中国工商银行{a}支行", "中国建设银行{a}支行", "中国银行{a}支行",
        "{a}农村信用合作联社", "中国邮政{a}分公司", "{s}省烟草公司{a}分公司", "{a}城市建设投资有限公司",
        "{a}水务投资有限公司", "{a}农业投资开发有限公司", "中国石化{a}分公司", "中国人寿{a}支公司",
        "中国人民财产保险{a}支公司",
    ),
}  # fmt: skip
_ETHNIC = re.compile(r"^(.+?)(?:(?:苗|侗|布依|彝|回|仡佬|土家|水|瑶|壮|满|白|蒙古)族)+自治(州|县)$")
_ORDINALS = "二三四五六七八九十"


def short_name(name: str, level: str) -> str:
    """The name a unit of the area bears: 黔东南苗族侗族自治州 → 黔东南州, 威宁彝族回族苗族自治县 → 威宁县."""
    match = _ETHNIC.match(name)
    if match:
        return match.group(1) + match.group(2)
    if name:
        return name
    return {"省": "贵州省", "市": "某市", "县": "某县"}.get(level, "")


def unit_names(level: str, kind: str, area_name: str, rng: np.random.Generator) -> list[str]:
    """Every name a unit of this level and kind may bear in the area, in a random order, unique; when the list runs
    out the same names come again as 第二…, 第三… branches."""
    templates = UNIT_NAMES.get((level, kind), UNIT_NAMES[(level, "党政机关")])
    a = short_name(area_name, level)
    base = [t.format(a=a, s="贵州") for t in templates]
    base = [base[i] for i in rng.permutation(len(base))]
    out = list(base)
    for ordinal in _ORDINALS:
        out += [f"{n}第{ordinal}分部" for n in base]
    return out


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


TEMPORARY_POSTS = 65  # the article: 65 province-level cadres as deputy county Party secretaries or county heads


def temporary_posts(plan: ProvincePlan, cadre_plan: CadrePlan, county: str, seed: int) -> pa.Table:
    """The county's temporary posts (挂职) of 2017, as cadres rows: a province unit's cadre as deputy county Party
    secretary or deputy county head of each poor county still on the list (65: the 66 designated less 赤水), and a
    prefecture unit's cadre as deputy head of each extremely poor township of the county."""
    rng = np.random.default_rng([seed, int(county), 6])
    poor = sorted({c[:6] for c, y, k in plan.classifications if k == "poor_county" and y == 2017})[:TEMPORARY_POSTS]
    towns = sorted(c for c, y, k in plan.classifications if k == "extremely_poor_township" and c[:6] == county)
    posts: list[tuple[str, str, str]] = []
    if county in poor:
        role = "deputy_county_secretary" if poor.index(county) % 2 == 0 else "deputy_county_head"
        posts.append((role, county.ljust(12, "0"), f"P52{int(rng.integers(0, cal.UNITS_PROVINCE)):04d}"))
    posts += [("deputy_township_head", t, f"M{county[:4]}{int(rng.integers(0, cal.UNITS_PER_PREFECTURE)):04d}")
              for t in towns]  # fmt: skip
    n = len(posts)
    # They live where their unit is: an ID of 贵阳 (南明区), born on a day no other county's temporary cadre was (the
    # county's rank × 7 + k days after 1975-01-01), so their numbers are unique across the province by construction.
    rank = sorted(plan.counties).index(county)
    birth = np.datetime64("1975-01-01") + (rank * 7 + np.arange(n)).astype("timedelta64[D]")
    age = 2017 - birth.astype("datetime64[Y]").astype(int) - 1970
    male = rng.random(n) < 0.75
    sequence = 440 * 2 + np.arange(n) * 2 + male.astype(np.int64)
    pid = id_numbers("520102", birth, sequence) if n else pa.array([], pa.string())
    del cadre_plan
    return pa.table(
        {
            "cadre_id": pa.array([f"T{county}{i:03d}" for i in range(n)], pa.string()),
            "person_id": pid,
            "name": names(rng, surname_indices(rng, n)),
            "sex": pa.array(np.where(male, "男", "女").astype(object), pa.string()),
            "birth_date": pa.array(birth.astype("datetime64[D]")),
            "unit_id": pa.array([p[2] for p in posts], pa.string()),
            "rank": pa.array(RANKS[rng.integers(3, 5, n)], pa.string()),
            "cadre_type": pa.array(TYPES[rng.integers(0, 5, n)], pa.string()),
            "specialty": pa.array(SPECIALTIES[rng.integers(0, len(SPECIALTIES), n)], pa.string()),
            "years_of_work": pa.array(np.maximum(age - 23, 5), pa.int16()),
            "staff_status": pa.array(np.full(n, "在编", dtype=object), pa.string()),
            "rating_2016": pa.array(np.full(n, "称职", dtype=object), pa.string()),
            "rating_2017": pa.array(np.full(n, "称职", dtype=object), pa.string()),
            "role_2017": pa.array([p[0] for p in posts], pa.string()),
            "village_code": pa.array([p[1] for p in posts], pa.string()),
            "county_team": pa.array(np.zeros(n, dtype=bool), pa.bool_()),
        }
    )


PROMOTED_POSTS = np.array(
    ["提拔为副科级领导干部", "提拔为正科级领导干部", "提拔为副处级领导干部", "重用为乡镇党委书记"], dtype=object
)


def promotions(cadres: pa.Table, n: int, rng: np.random.Generator) -> pa.Table:
    """``n`` of the county's cadres promoted (提拔重用) at some date of 2013–2018 (the article: 4,200+ since 2013)."""
    people = cadres.column("person_id").to_pylist()
    chosen = rng.choice(len(people), size=min(n, len(people)), replace=False) if people and n else np.array([], int)
    first, last = np.datetime64("2013-03-01"), np.datetime64("2018-12-31")
    days = rng.integers(0, int((last - first).astype(int)) + 1, len(chosen))
    return pa.table({
        "person_id": pa.array([people[i] for i in chosen], pa.string()),
        "on": pa.array((first + days.astype("timedelta64[D]")).astype("datetime64[D]"), pa.date32()),
        "post": pa.array(PROMOTED_POSTS[rng.integers(0, len(PROMOTED_POSTS), len(chosen))], pa.string()),
    })  # fmt: skip
