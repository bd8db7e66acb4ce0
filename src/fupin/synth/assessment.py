"""The assessment (压实责任) of the synthetic province in 2017: its leaders, their contact points, the secretaries'
述职评议, the 现场观摩 scores of the year's schemes and the 约谈 of the areas at the bottom.

The seed article: 20 provincial leaders led 20 teams, each in charge of one of the 20 extremely poor townships
(20名省领导挂帅带领20支队伍，定点包干20个极贫乡镇). Around that, ``assessment_tables`` draws for the whole province
from the seed, then cuts to the counties asked for, so that a county's rows are the same at every scale:

- ``leaders``: the province's 20 leaders in post (省委书记, 省长 and 18 others), each prefecture's secretary, head
  and 3 members, each county's secretary, head and 4 members, each township's secretary and head. About 35% of the
  counties changed their Party secretary between 2014 and 2017, and about 35% their government head: the
  predecessor's ``end`` (the day they left) is the successor's ``start``. The counties that left the poor list in
  2017 changed their head on 1 January 2017, the first day they were no longer poor;
- ``leader_approvals``: the province's approval of every head change in a county in a year it was a poor county,
  except 6 planted changes (2015–2017, six counties) made without one (不脱贫不调整、不摘帽不调整);
- ``contact_points`` and ``contact_visits``: each provincial leader in charge of one extremely poor township (a
  bijection), a prefecture head in contact with each extremely poor township of the prefecture, a county leader in
  contact with each deep-poverty village but about 2% of them (a gap in the coverage), 2–12 visits per point in
  2017 (6–12 for a provincial leader's township);
- ``debriefings``: the 2017 述职评议 of every county's and township's Party secretary in post at the end of 2017;
- ``assessment_scores``: the 现场观摩 score of every area of the 2017 schemes: the province assesses the 88
  counties, each prefecture its townships, each county its deep-poverty villages. In a scheme of 3 or more areas
  one area is planted below the veto line (``VETO_LINE``, 一票否决: it ranks last); in a scheme of 4 or more one
  other area is planted exactly at the line (not vetoed);
- ``accountability_cases``: the 约谈 of each vetoed area by the scheme's assessing area, opened in early 2018.

``assessment_answers`` is complete: every head change without the approval it needed (kind ``stability``, ref = the
post) and every scheme's vetoed area (kind ``bottom``, ref = ``assessing_code/assessed``) with ``planted`` true, the
planted near misses with ``planted`` false. It is computed from the tables by an independent check and compared
with what was planted.

Rows are cut to areas inside the requested counties, except the province's rows (always kept) and a prefecture's
rows (kept when one of its counties is requested).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .allocate import largest_remainder
from .people import names, surname_indices
from .province import ProvincePlan

SCHEMAS: dict[str, pa.Schema] = {
    "leaders": pa.schema([("ref", pa.string()), ("area_code", pa.string()), ("name", pa.string()),
                          ("post", pa.string()), ("title", pa.string()), ("start", pa.date32()),
                          ("end", pa.date32()), ("end_reason", pa.string())]),
    "leader_approvals": pa.schema([("area_code", pa.string()), ("post", pa.string()), ("day", pa.date32())]),
    "contact_points": pa.schema([("leader_ref", pa.string()), ("area_code", pa.string()), ("kind", pa.string()),
                                 ("start", pa.date32())]),
    "contact_visits": pa.schema([("leader_ref", pa.string()), ("area_code", pa.string()), ("date", pa.date32()),
                                 ("note", pa.string())]),
    "debriefings": pa.schema([("area_code", pa.string()), ("year", pa.int16()), ("name", pa.string()),
                              ("held_on", pa.date32()), ("good", pa.int32()), ("fairly_good", pa.int32()),
                              ("average", pa.int32()), ("poor", pa.int32()), ("comments", pa.string())]),
    "assessment_scores": pa.schema([("assessing_code", pa.string()), ("assessed", pa.string()),
                                    ("area_code", pa.string()), ("year", pa.int16()), ("observation", pa.float64())]),
    "accountability_cases": pa.schema([("area_code", pa.string()), ("authority_code", pa.string()),
                                       ("kind", pa.string()), ("subject", pa.string()), ("reason", pa.string()),
                                       ("opened_on", pa.date32()), ("status", pa.string()), ("measures", pa.string()),
                                       ("deadline", pa.date32()), ("closed_on", pa.date32())]),
    "assessment_answers": pa.schema([("kind", pa.string()), ("area_code", pa.string()), ("ref", pa.string()),
                                     ("year", pa.int16()), ("planted", pa.bool_())]),
}  # fmt: skip
TABLES = tuple(SCHEMAS)

YEAR = 2017
VETO_LINE = 60.0  # a 现场观摩 score below this is vetoed (一票否决) in the synthetic schemes
SALT = 9_2017
EPOCH = date(1970, 1, 1)
PROVINCE, PREFECTURE, COUNTY, TOWNSHIP, VILLAGE = 1, 2, 3, 4, 5
SECRETARY, HEAD, MEMBER = "party_secretary", "government_head", "member"
HEADS = (SECRETARY, HEAD)
POST_ORDER = {SECRETARY: 0, HEAD: 1, MEMBER: 2}

PROVINCE_LEADERS = 20  # the article: 20名省领导挂帅…定点包干20个极贫乡镇
PREFECTURE_MEMBERS, COUNTY_MEMBERS = 3, 4
CHANGE_SHARE = 0.35  # counties that changed a head post between 2014 and 2017, per post
STABILITY_PLANTED, STABILITY_NEAR = 6, 6  # unapproved changes; near misses of each kind
CONTACT_GAP = 0.02  # deep-poverty villages without a county leader in contact
CASE_STATUS = {"closed": 0.6, "rectifying": 0.3, "open": 0.1}
# 述职评议: mean shares of 好/较好/一般/差; a few secretaries are judged poorly.
VOTE_SHARES = (0.63, 0.28, 0.073, 0.017)
WEAK_VOTE_SHARES = (0.3, 0.35, 0.22, 0.13)
WEAK_SHARE, VOTE_CONCENTRATION = 0.03, 30.0
COMMENT_SHARE = 0.18  # besides the secretaries judged poorly, who all get a finding

PROVINCE_TITLES = (
    "省委书记", "省长", "省委副书记", "省委常委、常务副省长", "省委常委、组织部部长", "省委常委、宣传部部长",
    "省委常委、统战部部长", "省委常委、政法委书记", "省委常委、省纪委书记", "省委常委、秘书长", "省委常委、副省长",
    "副省长", "副省长", "副省长", "副省长", "副省长", "省人大常委会副主任", "省人大常委会副主任", "省政协副主席",
    "省政协副主席",
)  # fmt: skip
END_REASONS = ("调任其他职务", "提拔任用", "交流任职", "到龄退出领导岗位")
VISIT_NOTES = (
    "调研产业发展，协调解决项目资金", "走访贫困户，督促危房改造", "检查易地扶贫搬迁安置点建设进度",
    "召开脱贫攻坚推进会，研究解决突出问题", "督促落实教育、医疗扶贫政策", "调研农村饮水安全和通组路建设",
    "走访驻村工作队，了解帮扶措施落实情况", "协调解决合作社农产品销售难题",
)  # fmt: skip
FINDINGS = (
    "产业扶贫项目推进较慢，带贫益贫机制不够健全", "深入基层调研不够，联系服务群众有差距",
    "抓基层党组织建设不够紧，个别村党组织软弱涣散", "脱贫攻坚责任传导层层递减", "扶贫资金项目监管不够到位",
    "易地扶贫搬迁后续扶持措施不够具体",
)  # fmt: skip
MEASURES = (
    "制定整改方案，明确责任人和时限，逐项整改销号", "召开专题民主生活会，查摆问题，建立整改台账",
    "充实脱贫攻坚工作力量，每月调度整改进展", "对照观摩发现的问题，逐村逐户补齐短板",
)  # fmt: skip
ASSESSED_LABELS = {"counties": "全部县(市、区)", "townships": "全部乡(镇)", "deep_poverty_villages": "深度贫困村"}

IntArray = npt.NDArray[np.int64]


def _day(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - EPOCH).days


def _date(day: int) -> date:
    return EPOCH + timedelta(days=day)


def _year(day: int) -> int:
    return _date(day).year


def _dates(days: Sequence[int | None]) -> pa.Array:
    return pa.array(days, pa.int32()).cast(pa.date32())


def _level(code: str) -> int:
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return PREFECTURE
    if code[6:] == "0" * 6:
        return COUNTY
    return TOWNSHIP if code[9:] == "000" else VILLAGE


def _titles(level: int, kind: str) -> tuple[str, ...]:
    """Titles of the secretary, the head and the members (cycled) of an area's leadership."""
    if level == PREFECTURE:
        x = "州" if kind == "autonomous_prefecture" else "市"
        return (f"{x}委书记", f"{x}长", f"{x}委副书记", f"{x}委常委、常务副{x}长", f"副{x}长")
    if level == COUNTY:
        if kind == "special_district":
            return ("特区党委书记", "特区区长", "特区党委副书记", "特区党委常委、常务副区长",
                    "特区党委常委、组织部部长", "副区长")  # fmt: skip
        x = {"district": "区", "county_city": "市"}.get(kind, "县")
        return (f"{x}委书记", f"{x}长", f"{x}委副书记", f"{x}委常委、常务副{x}长", f"{x}委常委、组织部部长", f"副{x}长")
    return {
        "town": ("镇党委书记", "镇长"),
        "township": ("乡党委书记", "乡长"),
        "ethnic_township": ("乡党委书记", "乡长"),
        "subdistrict": ("街道党工委书记", "街道办事处主任"),
    }.get(kind, ("乡镇党委书记", "乡镇长"))


@dataclass
class _Leader:
    area: str
    post: str
    title: str
    start: int
    end: int | None = None
    end_reason: str = ""
    ref: str = ""
    name: str = ""


def assessment_tables(plan: ProvincePlan, seed: int, counties: list[str]) -> dict[str, pa.Table]:
    """The assessment's tables for the given counties (6-digit codes), with the province's rows and the rows of the
    prefectures of those counties: drawn for the whole province, then cut, so deterministic per seed whatever the
    scale (see the module's docstring)."""
    tables = _Province(plan, seed).tables()
    return {name: cut(t, counties) for name, t in tables.items()}


def cut(table: pa.Table, counties: list[str]) -> pa.Table:
    """The rows whose ``area_code`` is inside one of ``counties``, the province itself, or a prefecture of one."""
    code = table["area_code"]
    wanted = pa.array(sorted(set(counties)), pa.string())
    prefectures = pa.array(sorted({c[:4] for c in counties}), pa.string())
    inside = pc.is_in(pc.utf8_slice_codeunits(code, 0, 6), wanted)
    province = pc.equal(pc.utf8_slice_codeunits(code, 2, 12), "0" * 10)
    prefecture = pc.and_(pc.equal(pc.utf8_slice_codeunits(code, 4, 12), "0" * 8),
                         pc.is_in(pc.utf8_slice_codeunits(code, 0, 4), prefectures))  # fmt: skip
    return table.filter(pc.or_(inside, pc.or_(province, prefecture)))


class _Province:
    """The province's tables, built step by step from separate random streams (one per step)."""

    def __init__(self, plan: ProvincePlan, seed: int) -> None:
        self.seed = seed
        self.name = {a.code: a.name for a in plan.areas}
        self.kind = {a.code: a.kind for a in plan.areas}
        by_level: dict[int, list[str]] = defaultdict(list)
        for a in plan.areas:
            by_level[a.level].append(a.code)
        (self.province,) = by_level[PROVINCE]
        self.prefectures = sorted(by_level[PREFECTURE])
        self.counties = sorted(by_level[COUNTY])
        self.townships = sorted(by_level[TOWNSHIP])
        classes: dict[tuple[int, str], set[str]] = defaultdict(set)
        for code, year, kind in plan.classifications:
            classes[year, kind].add(code)
        self.poor = {(c, y) for (y, k), cs in classes.items() if k == "poor_county" for c in cs}
        self.extreme = sorted(classes[YEAR, "extremely_poor_township"])
        self.deep_villages = sorted(classes[YEAR, "deep_poverty_village"])
        exited = {c for c in self.counties if (c, YEAR - 1) in self.poor and (c, YEAR) not in self.poor}
        self.exited = sorted(exited)

    def rng(self, step: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, SALT, step])

    def tables(self) -> dict[str, pa.Table]:
        self._leaders()
        out = {
            "leaders": self._leaders_table(),
            "leader_approvals": self._approvals(),
            **self._contacts(),
            "debriefings": self._debriefings(),
            "assessment_scores": self._scores(),
        }
        out["accountability_cases"] = self._cases()
        out["assessment_answers"] = self._answers(out)
        return out

    # --- leaders ---------------------------------------------------------------------------------------------------
    def _leaders(self) -> None:
        rng = self.rng(1)
        lo, hi = _day(2011, 1, 1), _day(2016, 12, 31) + 1
        leaders: list[_Leader] = []

        def team(area: str, titles: Sequence[str], members: int) -> None:
            posts = [SECRETARY, HEAD] + [MEMBER] * members
            starts = rng.integers(lo, hi, len(posts)).tolist()
            member_titles = titles[2:]
            for k, (post, start) in enumerate(zip(posts, starts, strict=True)):
                title = titles[k] if k < 2 else member_titles[(k - 2) % len(member_titles)]
                leaders.append(_Leader(area, post, title, int(start)))

        team(self.province, PROVINCE_TITLES, PROVINCE_LEADERS - 2)
        for p in self.prefectures:
            team(p, _titles(PREFECTURE, self.kind[p]), PREFECTURE_MEMBERS)
        for c in self.counties:
            team(c, _titles(COUNTY, self.kind[c]), COUNTY_MEMBERS)
        for t in self.townships:
            team(t, _titles(TOWNSHIP, self.kind[t]), 0)

        # The counties' head changes 2014–2017: the holder in post became the successor; the predecessor is added.
        first, last = _day(2014, 1, 1), _day(2017, 12, 31)
        k = round(CHANGE_SHARE * len(self.counties))
        in_post = {(x.area, x.post): x for x in leaders if x.post in HEADS}
        self.changes: list[tuple[str, str, int]] = []  # (county, post, day)
        for post in HEADS:
            forced = self.exited if post == HEAD else []
            pool = [c for c in self.counties if c not in forced]
            chosen = [*forced, *rng.choice(np.array(pool, dtype=object), k - len(forced), replace=False).tolist()]
            days = rng.integers(first, last + 1, len(chosen)).tolist()
            tenure = rng.integers(540, 2_190, len(chosen)).tolist()
            reasons = rng.integers(0, len(END_REASONS), len(chosen)).tolist()
            for j, county in enumerate(chosen):
                day = _day(YEAR, 1, 1) if county in forced else int(days[j])  # the first day no longer poor
                successor = in_post[county, post]
                successor.start = day
                leaders.append(_Leader(county, post, successor.title, day - int(tenure[j]), day,
                                       END_REASONS[int(reasons[j])]))  # fmt: skip
                self.changes.append((county, post, day))
        self.changes.sort()

        leaders.sort(key=lambda x: (x.area, POST_ORDER[x.post], x.start))
        drawn = names(rng, surname_indices(rng, len(leaders))).to_pylist()
        seq: dict[str, int] = defaultdict(int)
        for x, name in zip(leaders, drawn, strict=True):
            seq[x.area] += 1
            x.name = str(name)
            x.ref = f"L{x.area[:9] if _level(x.area) == TOWNSHIP else x.area[:6]}-{seq[x.area]:02d}"
        self.leaders = leaders

    def _leaders_table(self) -> pa.Table:
        xs = self.leaders
        return pa.table(
            {
                "ref": [x.ref for x in xs],
                "area_code": [x.area for x in xs],
                "name": [x.name for x in xs],
                "post": [x.post for x in xs],
                "title": [x.title for x in xs],
                "start": _dates([x.start for x in xs]),
                "end": _dates([x.end for x in xs]),
                "end_reason": [x.end_reason for x in xs],
            },
            schema=SCHEMAS["leaders"],
        )

    def _approvals(self) -> pa.Table:
        """Every head change in a poor county-year approved, but the planted violations."""
        rng = self.rng(2)
        needed = [ch for ch in self.changes if (ch[0], _year(ch[2])) in self.poor]
        candidates = [needed[i] for i in rng.permutation(len(needed)) if _year(needed[i][2]) >= YEAR - 2]
        violations: list[tuple[str, str, int]] = []
        for ch in candidates:
            if len(violations) < STABILITY_PLANTED and ch[0] not in {v[0] for v in violations}:
                violations.append(ch)
        if len(violations) < STABILITY_PLANTED:
            raise AssertionError("too few head changes in poor counties to plant the violations")
        self.violations = sorted(violations)
        approved = [ch for ch in needed if ch not in set(violations)]
        free = [ch for ch in self.changes if (ch[0], _year(ch[2])) not in self.poor]
        forced = [ch for ch in free if ch[0] in self.exited]
        rest = [ch for ch in free if ch not in set(forced)]
        near_free = [*forced, *(rest[i] for i in rng.permutation(len(rest)))][:STABILITY_NEAR]
        near_approved = [approved[i] for i in rng.permutation(len(approved))[:STABILITY_NEAR]]
        self.stability_near = sorted(near_free + near_approved)
        return pa.table(
            {
                "area_code": [c for c, _, _ in approved],
                "post": [p for _, p, _ in approved],
                "day": _dates([d for _, _, d in approved]),
            },
            schema=SCHEMAS["leader_approvals"],
        )

    # --- contact points and visits ---------------------------------------------------------------------------------
    def _contacts(self) -> dict[str, pa.Table]:
        rng = self.rng(3)
        first, last = _day(2016, 1, 1), _day(2017, 3, 31)
        serving: dict[str, list[_Leader]] = defaultdict(list)
        for x in self.leaders:
            if x.end is None and x.start <= last:
                serving[x.area].append(x)
        heads = {(x.area, x.post): x for xs in serving.values() for x in xs if x.post in HEADS}
        points: list[tuple[_Leader, str, str]] = []
        provincial = serving[self.province]
        if len(provincial) != len(self.extreme):
            raise AssertionError("one provincial leader per extremely poor township")
        for x, i in zip(provincial, rng.permutation(len(self.extreme)).tolist(), strict=True):
            points.append((x, self.extreme[i], "charge"))
        pick = rng.integers(0, 2, len(self.extreme)).tolist()
        for t, j in zip(self.extreme, pick, strict=True):
            points.append((heads[t[:4] + "0" * 8, HEADS[j]], t, "contact"))
        gap = set(
            rng.choice(len(self.deep_villages), round(CONTACT_GAP * len(self.deep_villages)), replace=False).tolist()
        )
        draws = rng.random(len(self.deep_villages)).tolist()
        for i, v in enumerate(self.deep_villages):
            team = serving[v[:6] + "0" * 6]
            if i not in gap:
                points.append((team[int(draws[i] * len(team))], v, "contact"))
        starts = [int(rng.integers(max(first, x.start), last + 1)) for x, _, _ in points]
        points_table = pa.table(
            {
                "leader_ref": [x.ref for x, _, _ in points],
                "area_code": [a for _, a, _ in points],
                "kind": [k for _, _, k in points],
                "start": _dates(starts),
            },
            schema=SCHEMAS["contact_points"],
        )
        rng = self.rng(4)
        visits: list[tuple[str, str, int, str]] = []
        end = _day(YEAR, 12, 31)
        for (x, area, kind), start in zip(points, starts, strict=True):
            n = int(rng.integers(6, 13) if kind == "charge" else rng.integers(2, 13))
            lo = max(start, _day(YEAR, 1, 1))
            days = np.sort(lo + rng.choice(end - lo + 1, n, replace=False))
            notes = rng.integers(0, len(VISIT_NOTES), n)
            visits += [(x.ref, area, int(d), VISIT_NOTES[int(k)]) for d, k in zip(days, notes, strict=True)]
        visits_table = pa.table(
            {
                "leader_ref": [r for r, _, _, _ in visits],
                "area_code": [a for _, a, _, _ in visits],
                "date": _dates([d for _, _, d, _ in visits]),
                "note": [n for _, _, _, n in visits],
            },
            schema=SCHEMAS["contact_visits"],
        )
        return {"contact_points": points_table, "contact_visits": visits_table}

    # --- 述职评议 ---------------------------------------------------------------------------------------------------
    def _debriefings(self) -> pa.Table:
        rng = self.rng(5)
        secretary = {x.area: x for x in self.leaders if x.post == SECRETARY and x.end is None}
        areas = [*self.counties, *self.townships]
        n = len(areas)
        voters = rng.integers(25, 81, n)
        weak = rng.random(n) < WEAK_SHARE
        mean = np.where(weak[:, None], np.array(WEAK_VOTE_SHARES), np.array(VOTE_SHARES))
        shares = rng.gamma(mean * VOTE_CONCENTRATION)
        shares /= shares.sum(axis=1, keepdims=True)
        votes: IntArray = rng.multinomial(voters, shares)
        held = rng.integers(_day(YEAR + 1, 1, 5), _day(YEAR + 1, 2, 28) + 1, n)
        commented = weak | (rng.random(n) < COMMENT_SHARE)
        finding = rng.integers(0, len(FINDINGS), n)
        return pa.table(
            {
                "area_code": areas,
                "year": pa.array([YEAR] * n, pa.int16()),
                "name": [secretary[a].name for a in areas],
                "held_on": _dates(held.tolist()),
                "good": pa.array(votes[:, 0], pa.int32()),
                "fairly_good": pa.array(votes[:, 1], pa.int32()),
                "average": pa.array(votes[:, 2], pa.int32()),
                "poor": pa.array(votes[:, 3], pa.int32()),
                "comments": [FINDINGS[int(f)] if c else "" for c, f in zip(commented, finding, strict=True)],
            },
            schema=SCHEMAS["debriefings"],
        )

    # --- the schemes' 现场观摩 scores and the 约谈 of the bottom ------------------------------------------------------
    def schemes(self) -> list[tuple[str, str, list[str]]]:
        """(assessing area, assessed set, assessed areas) of the year's synthetic schemes."""
        out = [(self.province, "counties", self.counties)]
        out += [(p, "townships", [t for t in self.townships if t[:4] == p[:4]]) for p in self.prefectures]
        villages: dict[str, list[str]] = defaultdict(list)
        for v in self.deep_villages:
            villages[v[:6] + "0" * 6].append(v)
        out += [(c, "deep_poverty_villages", villages[c]) for c in self.counties if villages[c]]
        return out

    def _scores(self) -> pa.Table:
        rng = self.rng(6)
        cols: dict[str, list[object]] = {name: [] for name in SCHEMAS["assessment_scores"].names}
        self.vetoed: list[tuple[str, str, str, float]] = []  # (assessing, assessed, area, score)
        self.at_line: list[tuple[str, str, str]] = []
        for assessing, assessed, areas in self.schemes():
            n = len(areas)
            scores = np.round(np.clip(rng.normal(82, 7, n), 60.5, 99.0), 1)
            order = rng.permutation(n)
            if n >= 3:
                v = int(order[0])
                scores[v] = 59.9 if rng.random() < 0.2 else round(float(rng.uniform(40.0, 59.9)), 1)
                self.vetoed.append((assessing, assessed, areas[v], float(scores[v])))
            if n >= 4:
                m = int(order[1])
                scores[m] = VETO_LINE
                self.at_line.append((assessing, assessed, areas[m]))
            cols["assessing_code"] += [assessing] * n
            cols["assessed"] += [assessed] * n
            cols["area_code"] += areas
            cols["year"] += [YEAR] * n
            cols["observation"] += scores.tolist()
        return pa.table(cols, schema=SCHEMAS["assessment_scores"])

    def _cases(self) -> pa.Table:
        rng = self.rng(7)
        n = len(self.vetoed)
        split = largest_remainder(n, np.array(list(CASE_STATUS.values()))) if n else np.zeros(len(CASE_STATUS))
        status = np.array([s for s, k in zip(CASE_STATUS, split.tolist(), strict=True) for _ in range(int(k))])
        rng.shuffle(status)
        opened = rng.integers(_day(YEAR + 1, 1, 15), _day(YEAR + 1, 3, 31) + 1, n).tolist()
        span = rng.integers(90, 181, n).tolist()
        closing = rng.random(n).tolist()
        measure = rng.integers(0, len(MEASURES), n).tolist()
        cols: dict[str, list[object]] = {name: [] for name in SCHEMAS["accountability_cases"].names}
        for j, (assessing, assessed, area, score) in enumerate(self.vetoed):
            s = str(status[j])
            deadline = None if s == "open" else _date(opened[j] + span[j])
            closed = _date(opened[j] + 40 + int(closing[j] * (span[j] - 39))) if s == "closed" else None
            who = "村“两委”主要负责人" if assessed == "deep_poverty_villages" else "党政主要负责人"
            row = {
                "area_code": area, "authority_code": assessing, "kind": "interview",
                "subject": f"{self.name[area]}{who}",
                "reason": f"{YEAR}年{ASSESSED_LABELS[assessed]}脱贫攻坚考核现场观摩评分{score:.1f}分，"
                          f"低于{VETO_LINE:.0f}分一票否决，排名末位",
                "opened_on": _date(opened[j]), "status": s, "measures": "" if s == "open" else MEASURES[measure[j]],
                "deadline": deadline, "closed_on": closed,
            }  # fmt: skip
            for name, value in row.items():
                cols[name].append(value)
        return pa.table(cols, schema=SCHEMAS["accountability_cases"])

    # --- the answers: the rules applied to the tables, checked against what was planted ----------------------------
    def _answers(self, t: dict[str, pa.Table]) -> pa.Table:
        rows: list[tuple[str, str, str, int, bool]] = []
        found = stability_violations(t["leaders"], t["leader_approvals"], self.poor)
        planted = {(c, p, _year(d)) for c, p, d in self.violations}
        if found != planted:
            raise AssertionError(f"the unapproved head changes found are not the planted ones: {found ^ planted}")
        rows += [("stability", c, p, y, True) for c, p, y in found]
        for c, p, d in self.stability_near:
            if (c, p, _year(d)) in found:
                raise AssertionError(f"a planted stability near miss is a violation: {c} {p}")
            rows.append(("stability", c, p, _year(d), False))
        vetoed, at_line = bottom_areas(t["assessment_scores"])
        if vetoed != {(a, s, x) for a, s, x, _ in self.vetoed} or at_line != set(self.at_line):
            raise AssertionError("the vetoed areas found are not the planted ones")
        per_scheme = Counter((a, s) for a, s, _ in vetoed)
        if any(k != 1 for k in per_scheme.values()):
            raise AssertionError("more than one vetoed area in a scheme")
        rows += [("bottom", x, f"{a}/{s}", YEAR, True) for a, s, x in vetoed]
        rows += [("bottom", x, f"{a}/{s}", YEAR, False) for a, s, x in at_line]
        rows.sort(key=lambda r: (r[0], r[3], r[1], r[2], r[4]))
        return pa.Table.from_pylist(
            [dict(zip(SCHEMAS["assessment_answers"].names, r, strict=True)) for r in rows],
            SCHEMAS["assessment_answers"],
        )


def stability_violations(
    leaders: pa.Table, approvals: pa.Table, poor: set[tuple[str, int]]
) -> set[tuple[str, str, int]]:
    """(county, post, year) of the county heads who left in a year their county was poor without an approval."""
    approved = {(r["area_code"], r["post"], r["day"]) for r in approvals.to_pylist()}
    out = set()
    for r in leaders.to_pylist():
        end = r["end"]
        if r["post"] not in HEADS or end is None or _level(r["area_code"]) != COUNTY:
            continue
        if (r["area_code"], end.year) in poor and (r["area_code"], r["post"], end) not in approved:
            out.add((r["area_code"], r["post"], end.year))
    return out


def bottom_areas(scores: pa.Table) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """(assessing area, assessed set, area) of the scores below the veto line, and of those exactly at it."""
    below, at = set(), set()
    for r in scores.to_pylist():
        key = (r["assessing_code"], r["assessed"], r["area_code"])
        if r["observation"] < VETO_LINE:
            below.add(key)
        elif r["observation"] == VETO_LINE:
            at.add(key)
    return below, at
