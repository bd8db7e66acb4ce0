"""Village Party organizations at the end of 2017: exactly 13,615 (the article), one per rural village.

The 2023 division tree has 13,686 rural villages; the 71 more than the 2017 count are taken as villages split or
newly set up after 2017 and get no 2017 organization. They are drawn at random (seeded) among villages that are
neither poor, deep-poverty nor weak in 2017 — those had organizations by definition (weak = 软弱涣散 Party
organization). Each organization: a branch (党支部), a general branch (党总支, ≥50 members) or a committee (党委,
≥100), its member count, its secretary's age, and whether it was rated weak and disorderly in 2017.

``party_tables`` adds the people and the yearly facts behind them, all drawn for the whole province from the seed
and then cut to the counties asked for, so that a county's rows are the same at every scale and the province's
tallies are exact:

- the 10th election of the 村“两委” (March–June 2017): every organization's secretary, 2–4 other branch seats, a
  villagers' committee director (the secretary too in ~30% of villages, 一肩挑) and 2–4 members; of the 13,615
  secretaries 5,857 newly chosen in the villages (627 returned migrant workers, 3,847 致富能手), 1,518 sent down
  by organs (likelier in deep-poverty and weak villages), the others re-elected (the article). A seat's ``end`` is
  the day its holder left (not covered by the seat): a post whose seat ended on 2 October is vacant for 90 days on
  31 December;
- a reserve pool (后备力量) of 1–3 people per village, and the 342 secretaries replaced in 2018 (排查研判) by
  someone of their village's pool 1–20 days later;
- per organization and year: members newly developed and villagers' satisfaction (2016–2018), the review of the
  secretary with its rank in the township (2017–2018), the secretary's pay and the office funds (2017–2018);
- the acceptance of the rectification of each 2017 weak village (2018).

A person's ``id_number`` is null here: it is drawn county by county with the registry's people, so that it is unique
among them (``synth/integrity.py``, which also gives the committees' members their hukou households).

In 2017 the villages weak by the criteria (secretary post vacant more than 90 days, nobody developed for two years,
satisfaction below 60%, last in the township's ranking and rated 差) are exactly the 1,200 of the 2017 weak list.
For 2018 hits and near misses of every rule are planted and listed in ``partyorg_answers``, which is complete:
every 2018 weak village, vacancy flag, guarantee below standard (2017 and 2018) and failed acceptance is in it
(one row per criterion hit, ``planted`` true; the planted near misses with ``planted`` false). Acceptance rows carry
the year of the weak list (2017), vacancy-flag rows the criterion ``vacancy``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import calibration as cal
from .allocate import largest_remainder
from .people import SURNAMES
from .province import ProvincePlan

PROTECTED = {"poor_village", "deep_poverty_village", "weak_village"}

SCHEMAS = {
    "village_cadres": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("name", pa.string()),
                                 ("gender", pa.string()), ("birth_year", pa.int16()), ("education", pa.string()),
                                 ("source", pa.string()), ("id_number", pa.string())]),
    "seats": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("committee", pa.string()),
                        ("post", pa.string()), ("start", pa.date32()), ("end", pa.date32()),
                        ("election_round", pa.int16()), ("new", pa.bool_())]),
    "reserves": pa.schema([("person_id", pa.string()), ("village_code", pa.string()), ("added", pa.date32()),
                           ("promoted", pa.date32())]),
    "adjustments": pa.schema([("village_code", pa.string()), ("year", pa.int16()), ("person_id", pa.string()),
                              ("reason", pa.string()), ("replacement_id", pa.string()), ("decided", pa.date32())]),
    "org_years": pa.schema([("village_code", pa.string()), ("year", pa.int16()), ("new_members", pa.int16()),
                            ("satisfaction", pa.float64())]),
    "reviews": pa.schema([("village_code", pa.string()), ("year", pa.int16()), ("person_id", pa.string()),
                          ("grade", pa.string()), ("township_rank", pa.int16()), ("township_size", pa.int16())]),
    "guarantees": pa.schema([("village_code", pa.string()), ("year", pa.int16()), ("secretary_pay", pa.float64()),
                             ("pay_paid", pa.bool_()), ("office_funds", pa.float64()), ("funds_paid", pa.bool_())]),
    "weak_cases": pa.schema([("village_code", pa.string()), ("year", pa.int16()), ("score", pa.float64()),
                             ("surveyed", pa.int16()), ("dissatisfied", pa.int16()), ("accepted", pa.date32())]),
    "partyorg_answers": pa.schema([("kind", pa.string()), ("village_code", pa.string()), ("year", pa.int16()),
                                   ("criterion", pa.string()), ("planted", pa.bool_())]),
}  # fmt: skip
TABLES = tuple(SCHEMAS)

ELECTION_ROUND = 10
YEARS = (2016, 2017, 2018)
REVIEW_YEARS = (2017, 2018)
# The rules (POLICY.md §9): post vacant more than 3 months, nobody developed for 2 years, satisfaction below 60%,
# last in the ranking and rated 差; the vacancy flag after 30 days; acceptance passes at a score of 70 and fails when
# more than half of the villagers surveyed are dissatisfied.
VACANCY_DAYS, FLAG_DAYS, SATISFACTION_MIN, ACCEPT_SCORE_MIN = 90, 30, 60.0, 70.0
CRITERIA = ("vacancy", "no_members", "satisfaction", "ranking")

# Planted in 2018 at province scale: (hits, near misses) per criterion; near misses hit no criterion at all.
PLANT_2018 = {"vacancy": (60, 30), "no_members": (60, 30), "satisfaction": (60, 30), "ranking": (60, 30)}
FLAG_ONLY, FLAG_NEAR = 20, 10  # vacant 31–89 days (flag, not weak) / exactly 30 days (neither)
UNRECOVERED_2018 = 150  # 2017 weak villages still weak in 2018 (the rest recover)
GUARANTEE_HITS = {"pay": 25, "funds": 25, "pay_unpaid": 15, "funds_unpaid": 15}  # per year
GUARANTEE_NEAR = {"pay": 15, "funds": 15}  # exactly at the standard, per year
ACCEPT_FAIL = {"score": 60, "dissatisfied": 60}  # drawn among the unrecovered
ACCEPT_NEAR = {"score": 15, "dissatisfied": 15}  # score exactly 70 / exactly half dissatisfied

# Newly chosen secretaries other than the article's migrant workers and 致富能手 (the article's remaining 1,383).
NEW_OTHER_SOURCES = {"graduate": 0.3, "veteran": 0.3, "doctor_teacher": 0.2, "other": 0.2}
REELECTED_SOURCES = {"local_capable": 0.45, "other": 0.27, "veteran": 0.1, "doctor_teacher": 0.07,
                     "migrant": 0.07, "graduate": 0.04}  # fmt: skip
DIRECTOR_SOURCES = {"local_capable": 0.4, "other": 0.3, "migrant": 0.12, "veteran": 0.08, "doctor_teacher": 0.05,
                    "graduate": 0.05}  # fmt: skip
MEMBER_SOURCES = {"other": 0.45, "local_capable": 0.25, "migrant": 0.1, "veteran": 0.07, "graduate": 0.07,
                  "doctor_teacher": 0.06}  # fmt: skip
RESERVE_SOURCES = {"local_capable": 0.3, "graduate": 0.25, "migrant": 0.2, "veteran": 0.15, "doctor_teacher": 0.1}
EDUCATION = ("primary", "junior", "senior", "college")
EDUCATION_BY_SOURCE = {
    "sent_down": (0.0, 0.0, 0.1, 0.9), "graduate": (0.0, 0.0, 0.0, 1.0), "doctor_teacher": (0.0, 0.05, 0.45, 0.5),
    "veteran": (0.0, 0.2, 0.55, 0.25), "local_capable": (0.05, 0.22, 0.38, 0.35), "migrant": (0.05, 0.35, 0.4, 0.2),
    "other": (0.1, 0.3, 0.38, 0.22),
}  # fmt: skip
# Women among the holders: ≈12% of secretaries, ≈28% of all 两委 seats (POLICY.md §9).
WOMEN = {"secretary": 0.12, "director": 0.15, "member": 0.33, "reserve": 0.35}
REASONS = {"incompetent": 0.4, "negligent": 0.35, "unqualified": 0.25}
GIVEN_MEN = list("明华国建文军平志伟德成永福海金贵富强勇清正光荣发忠先世林春")
GIVEN_WOMEN = list("芳英秀兰红梅玉珍丽春燕霞萍琴凤莲娟云华敏")
EPOCH = date(1970, 1, 1)


def _day(y: int, m: int, d: int) -> int:
    return (date(y, m, d) - EPOCH).days


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


def _org_draws(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Members and secretary's age of each organization (the province's, in village order)."""
    rng = np.random.default_rng([seed, 7_2018])
    members = np.clip(rng.lognormal(np.log(32), 0.45, n).round().astype(np.int64), 5, 260)
    ages = np.clip(rng.normal(47, 8, n).round().astype(np.int64), 24, 70)
    return members, ages


def party_orgs(plan: ProvincePlan, seed: int, counties: list[str]) -> pa.Table:
    """The organizations of the given counties (6-digit codes), deterministic per seed whatever the scale."""
    villages = plan_party_villages(plan, seed)
    weak = {code for code, year, kind in plan.classifications if year == 2017 and kind == "weak_village"}
    members, ages = _org_draws(len(villages), seed)
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


def party_tables(plan: ProvincePlan, seed: int, counties: list[str]) -> dict[str, pa.Table]:
    """The people, seats and yearly facts of the organizations of the given counties (see the module's docstring):
    drawn for the whole province, then cut, so deterministic per seed whatever the scale."""
    tables = _Province(plan, seed).tables()
    wanted = pa.array(sorted(set(counties)), pa.string())
    return {name: t.filter(pc.is_in(pc.utf8_slice_codeunits(t["village_code"], 0, 6), wanted))
            for name, t in tables.items()}  # fmt: skip


def _choice(rng: np.random.Generator, probs: dict[str, float], n: int) -> np.ndarray:
    keys = np.array(list(probs), dtype=object)
    p = np.array(list(probs.values()))
    return keys[rng.choice(len(keys), size=n, p=p / p.sum())]


def _dates(days: Sequence[int | None] | np.ndarray) -> pa.Array:
    return pa.array(days, pa.int32()).cast(pa.date32())


class _Province:
    """The province's tables, built step by step from separate random streams (salt per step)."""

    def __init__(self, plan: ProvincePlan, seed: int) -> None:
        self.seed = seed
        self.villages = plan_party_villages(plan, seed)
        self.n = len(self.villages)
        kinds: dict[str, set[str]] = defaultdict(set)
        for code, year, kind in plan.classifications:
            if year == 2017:
                kinds[kind].add(code)
        self.weak = np.array([v in kinds["weak_village"] for v in self.villages])
        self.deep = np.array([v in kinds["deep_poverty_village"] for v in self.villages])
        self.poor = np.array([v in kinds["poor_village"] for v in self.villages])
        self.members, self.ages = _org_draws(self.n, seed)
        self.township = [v[:9] for v in self.villages]

    def rng(self, step: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 7_2019, step])

    def tables(self) -> dict[str, pa.Table]:
        self._secretaries()
        self._roster()
        self._adjust()
        self._roles_2018()
        self._vacancies()
        out = {
            "village_cadres": self._people(),
            "seats": self._seats_table(),
            "reserves": self._reserves_table(),
            "adjustments": self._adjustments_table(),
            "org_years": self._org_years(),
            "reviews": self._reviews(),
            "guarantees": self._guarantees(),
            "weak_cases": self._weak_cases(),
        }
        out["partyorg_answers"] = self._answers(out)
        return out

    # --- the 10th election -----------------------------------------------------------------------------------
    def _secretaries(self) -> None:
        """Who the 13,615 secretaries elected in 2017 are: the article's tallies exactly."""
        rng = self.rng(1)
        n = self.n
        w = (1.0 + 2.0 * self.deep + 2.0 * self.weak + 0.5 * self.poor).astype(np.float64)
        sent = rng.choice(n, size=cal.SECRETARIES_SENT_DOWN_2017, replace=False, p=w / w.sum())
        rest = np.setdiff1d(np.arange(n), sent)
        new = rng.choice(rest, size=cal.SECRETARIES_NEW_2017, replace=False)
        reelected = np.setdiff1d(rest, new)
        source = np.empty(n, dtype=object)
        source[sent] = "sent_down"
        others = cal.SECRETARIES_NEW_2017 - cal.SECRETARIES_MIGRANT_2017 - cal.SECRETARIES_CAPABLE_2017
        split = largest_remainder(others, np.array(list(NEW_OTHER_SOURCES.values())))
        labels = np.array(
            ["migrant"] * cal.SECRETARIES_MIGRANT_2017
            + ["local_capable"] * cal.SECRETARIES_CAPABLE_2017
            + [s for s, k in zip(NEW_OTHER_SOURCES, split.tolist(), strict=True) for _ in range(k)],
            dtype=object,
        )
        rng.shuffle(labels)
        source[new] = labels
        source[reelected] = _choice(rng, REELECTED_SOURCES, len(reelected))
        self.sec_source = source
        self.sec_new = np.zeros(n, dtype=bool)
        self.sec_new[sent] = True
        self.sec_new[new] = True
        # Branch elections March–May, the villagers' committee 5–30 days later, by the end of June.
        self.d_branch = _day(2017, 3, 1) + rng.integers(0, 92, n)
        self.d_villagers = np.minimum(self.d_branch + rng.integers(5, 31, n), _day(2017, 6, 30))

    def _roster(self) -> None:  # noqa: PLR0915 - one linear recipe, village by village
        """Persons and seats of every village: the two committees, then the reserve pool."""
        rng = self.rng(2)
        n = self.n
        yjt = rng.random(n) < 0.3
        n_branch = rng.integers(2, 5, n)
        n_villagers = rng.integers(2, 5, n)
        n_reserve = rng.choice([1, 2, 3], size=n, p=[0.3, 0.4, 0.3])
        deputy_b = rng.random(n) < 0.6
        deputy_v = rng.random(n) < 0.6
        cross = rng.random(n) < 0.25  # a branch member also on the villagers' committee (交叉任职)
        p_village: list[int] = []
        p_serial: list[int] = []
        p_role: list[str] = []
        s_person: list[int] = []
        s_committee: list[str] = []
        s_post: list[str] = []
        s_start: list[int] = []
        s_kind: list[str] = []  # secretary / director_yjt / other: how the 'new' flag is drawn
        self.sec_person = np.zeros(n, dtype=np.int64)
        self.sec_seat = np.zeros(n, dtype=np.int64)
        self.reserve_people: list[list[int]] = []

        def person(i: int, role: str) -> int:
            p_village.append(i)
            p_serial.append(0)  # numbered below, once the village is complete
            p_role.append(role)
            return len(p_village) - 1

        def seat(p: int, committee: str, post: str, start: int, kind: str) -> None:
            s_person.append(p)
            s_committee.append(committee)
            s_post.append(post)
            s_start.append(start)
            s_kind.append(kind)

        for i in range(n):
            first = len(p_village)
            db, dv = int(self.d_branch[i]), int(self.d_villagers[i])
            sec = person(i, "secretary")
            self.sec_person[i] = sec
            self.sec_seat[i] = len(s_person)
            seat(sec, "branch", "secretary", db, "secretary")
            branch = []
            for k in range(int(n_branch[i])):
                p = person(i, "member")
                branch.append(p)
                seat(p, "branch", "deputy" if k == 0 and deputy_b[i] else "member", db, "other")
            if yjt[i]:
                seat(sec, "villagers", "director", dv, "director_yjt")
            else:
                seat(person(i, "director"), "villagers", "director", dv, "other")
            for k in range(int(n_villagers[i])):
                p = branch[-1] if k == 0 and cross[i] else person(i, "member")
                seat(p, "villagers", "deputy" if k == 0 and deputy_v[i] else "member", dv, "other")
            self.reserve_people.append([person(i, "reserve") for _ in range(int(n_reserve[i]))])
            for k in range(first, len(p_village)):
                p_serial[k] = k - first + 1
        self.p_village = np.array(p_village, dtype=np.int64)
        self.p_serial = np.array(p_serial, dtype=np.int64)
        self.p_role = np.array(p_role, dtype=object)
        self.s_person = s_person
        self.s_committee = s_committee
        self.s_post = s_post
        self.s_start = s_start
        self.s_end: list[int | None] = [None] * len(s_person)
        self.s_round: list[int | None] = [ELECTION_ROUND] * len(s_person)
        kind = np.array(s_kind, dtype=object)
        new = rng.random(len(kind)) < 0.45
        village = self.p_village[np.array(s_person, dtype=np.int64)]
        new[kind == "secretary"] = self.sec_new[village[kind == "secretary"]]
        yjt_seat = kind == "director_yjt"
        new[yjt_seat] = self.sec_new[village[yjt_seat]] | (rng.random(int(yjt_seat.sum())) < 0.3)
        self.s_new = new.tolist()
        self.r_added = (_day(2017, 7, 1) + rng.integers(0, 184, len(p_village))).tolist()  # by person, reserves only
        self.r_promoted: dict[int, int] = {}

    # --- 2018 ---------------------------------------------------------------------------------------------------
    def _adjust(self) -> None:
        """The 342 secretaries replaced in 2018 by someone of their village's pool (weak villages likelier)."""
        rng = self.rng(3)
        w = np.where(self.weak, 3.0, 1.0)
        chosen = np.sort(rng.choice(self.n, size=cal.SECRETARIES_ADJUSTED_2018, replace=False, p=w / w.sum()))
        ends = rng.integers(_day(2018, 3, 1), _day(2018, 10, 31) + 1, len(chosen))
        gaps = rng.integers(1, 21, len(chosen))
        reasons = _choice(rng, REASONS, len(chosen))
        picks = rng.random(len(chosen))
        self.adjusted: list[tuple[int, int, int, str]] = []  # village, replacement person, decided day, reason
        self.holder_2018 = self.sec_person.copy()
        for i, end, gap, reason, pick in zip(chosen.tolist(), ends.tolist(), gaps.tolist(), reasons, picks,
                                             strict=True):  # fmt: skip
            pool = self.reserve_people[i]
            replacement = pool[int(pick * len(pool))]
            self.s_end[self.sec_seat[i]] = end
            self._replacement_seat(replacement, end + gap)
            self.r_promoted[replacement] = end + gap
            self.adjusted.append((i, replacement, end, str(reason)))
            self.holder_2018[i] = replacement

    def _replacement_seat(self, p: int, start: int) -> None:
        """A secretary's seat taken between elections (no election round), newly."""
        self.s_person.append(p)
        self.s_committee.append("branch")
        self.s_post.append("secretary")
        self.s_start.append(start)
        self.s_end.append(None)
        self.s_round.append(None)
        self.s_new.append(True)

    def _roles_2018(self) -> None:
        """Which villages carry which planted hit or near miss in 2018 (disjoint; near misses hit nothing)."""
        rng = self.rng(4)
        n = self.n
        weak_idx = np.flatnonzero(self.weak)
        # 2017: each weak village hits at least one criterion; ranking at most once per township (one is last).
        self.crit_2017 = self._weak_criteria(rng, weak_idx, claimed=set())
        # 2018: most recover; the unrecovered keep hitting something.
        self.unrecovered = np.sort(rng.choice(weak_idx, size=UNRECOVERED_2018, replace=False))
        self.crit_2018 = self._weak_criteria(rng, self.unrecovered, claimed=set())
        adjusted = {a[0] for a in self.adjusted}
        pool = [int(i) for i in rng.permutation(n) if not self.weak[i] and int(i) not in adjusted]
        take = iter(pool)
        self.role: dict[int, tuple[str, str]] = {}  # village → (role, criterion)
        for criterion in ("vacancy", "no_members", "satisfaction"):
            hits, near = PLANT_2018[criterion]
            for role, k in (("hit", hits), ("near", near)):
                for _ in range(k):
                    self.role[next(take)] = (role, criterion)
        for role, k in (("flag_only", FLAG_ONLY), ("flag_near", FLAG_NEAR)):
            for _ in range(k):
                self.role[next(take)] = (role, "vacancy_flag")
        vacant = {i for i, (_, c) in self.role.items() if c in ("vacancy", "vacancy_flag")}
        reviewed_in: dict[str, int] = defaultdict(int)
        for i in range(n):
            if i not in vacant:
                reviewed_in[self.township[i]] += 1
        claimed = {self.township[i] for i, c in self.crit_2018.items() if "ranking" in c}
        hits, near = PLANT_2018["ranking"]
        wanted = [("hit", "last_poor")] * hits + [("near", "last_average")] * (near - near // 3)
        wanted += [("near", "poor_second_last")] * (near // 3)
        self.designated_2018: dict[int, str] = {i: "last_poor" for i, c in self.crit_2018.items() if "ranking" in c}
        for i in take:
            if not wanted:
                break
            role, how = wanted[0]
            t = self.township[i]
            if t in claimed or (how == "poor_second_last" and reviewed_in[t] < 2):
                continue
            wanted.pop(0)
            claimed.add(t)
            self.role[i] = (role, "ranking")
            self.designated_2018[i] = how
        if wanted:
            raise AssertionError("not enough townships to plant the 2018 ranking cases")
        self.designated_2017 = {i: "last_poor" for i, c in self.crit_2017.items() if "ranking" in c}

    def _weak_criteria(self, rng: np.random.Generator, idx: np.ndarray, claimed: set[str]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        draws = rng.random((len(idx), 4))
        for i, d in zip(idx.tolist(), draws, strict=True):
            crit = set()
            if d[0] < 0.4:
                crit.add("no_members")
            if d[1] < 0.5:
                crit.add("satisfaction")
            if d[2] < 0.35 and self.township[i] not in claimed:
                crit.add("ranking")
                claimed.add(self.township[i])
            if not crit:
                crit.add("no_members" if d[3] < 0.5 else "satisfaction")
            out[i] = crit
        return out

    def _vacancies(self) -> None:
        """Secretary seats that end in 2018 with nobody after them: more than 90 days, exactly 90, 31–89, 30."""
        rng = self.rng(5)
        self.vacant_2018: set[int] = set()
        for i, (role, criterion) in sorted(self.role.items()):
            if criterion == "vacancy" and role == "hit":
                # a sixth exactly at the boundary (1 October: 91 days), the others from March
                end = (
                    _day(2018, 10, 1)
                    if rng.random() < 1 / 6
                    else int(rng.integers(_day(2018, 3, 1), _day(2018, 10, 1)))
                )
            elif criterion == "vacancy":
                end = _day(2018, 10, 2)
            elif role == "flag_only":
                end = int(rng.integers(_day(2018, 10, 3), _day(2018, 11, 30) + 1))
            elif role == "flag_near":
                end = _day(2018, 12, 1)
            else:
                continue
            self.s_end[self.sec_seat[i]] = end
            self.vacant_2018.add(i)

    # --- tables -------------------------------------------------------------------------------------------------
    def _people(self) -> pa.Table:
        rng = self.rng(6)
        n = len(self.p_village)
        role = self.p_role
        source = np.empty(n, dtype=object)
        sec = role == "secretary"
        source[sec] = self.sec_source[self.p_village[sec]]
        for r, probs in (("director", DIRECTOR_SOURCES), ("member", MEMBER_SOURCES), ("reserve", RESERVE_SOURCES)):
            mask = role == r
            source[mask] = _choice(rng, probs, int(mask.sum()))
        women = rng.random(n) < np.array([WOMEN[r] for r in role])
        age = np.clip(rng.normal(46, 9, n), 22, 68)
        age = np.where(role == "reserve", np.clip(rng.normal(34, 7, n), 20, 55), age)
        age = np.where(source == "veteran", np.clip(rng.normal(40, 7, n), 24, 60), age)
        age = np.where(source == "graduate", rng.uniform(22, 35, n), age)
        birth = 2017 - age.round().astype(np.int64)
        birth[sec] = 2017 - self.ages[self.p_village[sec]]
        u = rng.random(n)
        education = np.empty(n, dtype=object)
        for s, p in EDUCATION_BY_SOURCE.items():
            mask = source == s
            education[mask] = np.array(EDUCATION, dtype=object)[np.searchsorted(np.cumsum(p), u[mask], side="right")
                                                                .clip(0, 3)]  # fmt: skip
        surname = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
        men, wom = np.array(GIVEN_MEN, dtype=object), np.array(GIVEN_WOMEN, dtype=object)
        g1 = np.where(women, wom[rng.integers(0, len(wom), n)], men[rng.integers(0, len(men), n)])
        g2 = np.where(women, wom[rng.integers(0, len(wom), n)], men[rng.integers(0, len(men), n)])
        g2[rng.random(n) < 0.3] = ""
        names = [a + b + c for a, b, c in zip(surname, g1, g2, strict=True)]
        return pa.table(
            {
                "person_id": self._ids(np.arange(n)),
                "village_code": [self.villages[i] for i in self.p_village],
                "name": names,
                "gender": np.where(women, "女", "男").tolist(),
                "birth_year": pa.array(birth, pa.int16()),
                "education": education.tolist(),
                "source": source.tolist(),
                "id_number": pa.nulls(n, pa.string()),  # drawn with each county's people (synth/integrity.py)
            },
            schema=SCHEMAS["village_cadres"],
        )

    def _ids(self, persons: np.ndarray | list[int]) -> list[str]:
        return [f"K{self.villages[self.p_village[p]]}{self.p_serial[p]:02d}" for p in persons]

    def _seats_table(self) -> pa.Table:
        village = [self.villages[i] for i in self.p_village[np.array(self.s_person, dtype=np.int64)]]
        t = pa.table(
            {
                "person_id": self._ids(self.s_person),
                "village_code": village,
                "committee": self.s_committee,
                "post": self.s_post,
                "start": _dates(self.s_start),
                "end": _dates(self.s_end),
                "election_round": pa.array(self.s_round, pa.int16()),
                "new": pa.array(self.s_new, pa.bool_()),
            },
            schema=SCHEMAS["seats"],
        )
        return t.take(pc.sort_indices(t, [("village_code", "ascending")]))  # the 2018 replacements in their village

    def _reserves_table(self) -> pa.Table:
        people = [p for pool in self.reserve_people for p in pool]
        return pa.table(
            {
                "person_id": self._ids(people),
                "village_code": [self.villages[self.p_village[p]] for p in people],
                "added": _dates([self.r_added[p] for p in people]),
                "promoted": _dates([self.r_promoted.get(p) for p in people]),
            },
            schema=SCHEMAS["reserves"],
        )

    def _adjustments_table(self) -> pa.Table:
        rows = self.adjusted
        return pa.table(
            {
                "village_code": [self.villages[i] for i, *_ in rows],
                "year": pa.array([2018] * len(rows), pa.int16()),
                "person_id": self._ids([int(self.sec_person[i]) for i, *_ in rows]),
                "reason": [r for *_, r in rows],
                "replacement_id": self._ids([p for _, p, _, _ in rows]),
                "decided": _dates([d for _, _, d, _ in rows]),
            },
            schema=SCHEMAS["adjustments"],
        )

    def _org_years(self) -> pa.Table:
        rng = self.rng(7)
        n = self.n
        nm = rng.poisson(0.5 + self.members / 25, (3, n)).T  # columns 2016, 2017, 2018
        weak_nm = [i for i, c in self.crit_2017.items() if "no_members" in c]
        nm[weak_nm, 0] = 0
        nm[weak_nm, 1] = 0
        fix = ~self.weak & (nm[:, 0] == 0) & (nm[:, 1] == 0)
        nm[fix, 1] = 1
        hit_2018 = [i for i, c in self.crit_2018.items() if "no_members" in c]
        hit_2018 += [i for i, r in self.role.items() if r == ("hit", "no_members")]
        for i in hit_2018:
            nm[i, 1] = nm[i, 2] = 0
            if not self.weak[i]:
                nm[i, 0] = max(nm[i, 0], 1)
        near = sorted(i for i, r in self.role.items() if r == ("near", "no_members"))
        for k, i in enumerate(near):
            if k % 2:  # nobody in 2017, one in 2018
                nm[i, 0], nm[i, 1], nm[i, 2] = max(nm[i, 0], 1), 0, 1
            else:  # some in 2017, nobody in 2018
                nm[i, 1], nm[i, 2] = max(nm[i, 1], 1), 0
        rest = np.ones(n, dtype=bool)
        rest[hit_2018 + near] = False
        nm[rest & (nm[:, 1] == 0) & (nm[:, 2] == 0), 2] = 1
        sat = np.clip(rng.normal(85, 6, (n, 3)), 61, 99.5)
        sat[self.weak, 0] = np.clip(rng.normal(72, 6, int(self.weak.sum())), 60.5, 95)
        sat[self.weak, 1] = np.clip(rng.normal(72, 6, int(self.weak.sum())), 60.5, 95)
        sat[self.weak, 2] = np.clip(rng.normal(80, 6, int(self.weak.sum())), 62, 98)
        for crit, col in ((self.crit_2017, 1), (self.crit_2018, 2)):
            for i, c in crit.items():
                if "satisfaction" in c:
                    sat[i, col] = 59.9 if rng.random() < 0.15 else rng.uniform(40, 59.8)
        for i, r in self.role.items():
            if r == ("hit", "satisfaction"):
                sat[i, 2] = 59.9 if rng.random() < 0.25 else rng.uniform(40, 59.8)
            elif r == ("near", "satisfaction"):
                sat[i, 2] = 60.0
        sat = np.round(sat, 1)
        return pa.table(
            {
                "village_code": [v for v in self.villages for _ in YEARS],
                "year": pa.array(list(YEARS) * n, pa.int16()),
                "new_members": pa.array(nm.reshape(-1), pa.int16()),
                "satisfaction": pa.array(sat.reshape(-1), pa.float64()),
            },
            schema=SCHEMAS["org_years"],
        )

    def _reviews(self) -> pa.Table:
        rng = self.rng(8)
        rows: list[tuple[str, int, str, str, int, int]] = []
        for year in REVIEW_YEARS:
            designated = self.designated_2017 if year == 2017 else self.designated_2018
            holder = self.sec_person if year == 2017 else self.holder_2018
            score = rng.normal(80, 8, self.n) - 6.0 * self.weak
            gs = score + rng.normal(0, 3, self.n)
            grade = np.select([gs >= 88, gs >= 78, gs >= 66], ["good", "fair", "average"], "poor").astype(object)
            by_town: dict[str, list[int]] = defaultdict(list)
            for i in range(self.n):
                if year == 2017 or i not in self.vacant_2018:
                    by_town[self.township[i]].append(i)
            for town in sorted(by_town):
                idx = by_town[town]
                special = [i for i in idx if i in designated]
                rest = sorted((i for i in idx if i not in designated), key=lambda i: (-score[i], i))
                order = rest
                if special:
                    (s,) = special
                    how = designated[s]
                    grade[s] = "average" if how == "last_average" else "poor"
                    order = [*rest, s] if how != "poor_second_last" else [*rest[:-1], s, *rest[-1:]]
                last = order[-1]
                if designated.get(last) != "last_poor" and grade[last] == "poor":
                    grade[last] = "average"
                for rank, i in enumerate(order, start=1):
                    rows.append((self.villages[i], year, self._ids([int(holder[i])])[0], str(grade[i]), rank,
                                 len(order)))  # fmt: skip
        rows.sort(key=lambda r: (r[0], r[1]))
        return pa.Table.from_pylist(
            [dict(zip(SCHEMAS["reviews"].names, r, strict=True)) for r in rows], SCHEMAS["reviews"]
        )

    def _guarantees(self) -> pa.Table:  # noqa: PLR0912 - one branch per planted reason
        rng = self.rng(9)
        n = self.n
        cols: dict[str, list[Any]] = {name: [] for name in SCHEMAS["guarantees"].names}
        per_year = {}
        self.guarantee_near: dict[int, list[int]] = {}
        for year in REVIEW_YEARS:
            pay = np.round(np.clip(rng.normal(22_000 * (1.06 if year == 2018 else 1.0), 2_500, n), 18_500, 40_000))
            funds = np.round(np.clip(rng.normal(3.5, 0.8, n), 2.2, 8.0), 2)
            pay_paid = np.ones(n, dtype=bool)
            funds_paid = np.ones(n, dtype=bool)
            planted = rng.permutation(n)[: sum(GUARANTEE_HITS.values()) + sum(GUARANTEE_NEAR.values())].tolist()
            take = iter(planted)
            for crit, k in GUARANTEE_HITS.items():
                for j in range(k):
                    i = next(take)
                    if crit == "pay":
                        pay[i] = 17_737.99 if j % 3 == 0 else float(np.round(rng.uniform(12_000, 17_700)))
                    elif crit == "funds":
                        funds[i] = 1.99 if j % 3 == 0 else float(np.round(rng.uniform(0.8, 1.9), 2))
                    elif crit == "pay_unpaid":
                        pay_paid[i] = False
                    else:
                        funds_paid[i] = False
            for crit, k in GUARANTEE_NEAR.items():
                for _ in range(k):
                    i = next(take)
                    if crit == "pay":
                        pay[i] = cal.SECRETARY_PAY_MIN
                    else:
                        funds[i] = cal.OFFICE_FUNDS_MIN_WAN
            per_year[year] = (pay, funds, pay_paid, funds_paid)
            self.guarantee_near[year] = planted[sum(GUARANTEE_HITS.values()) :]
        for i, v in enumerate(self.villages):
            for year in REVIEW_YEARS:
                pay, funds, pay_paid, funds_paid = per_year[year]
                cols["village_code"].append(v)
                cols["year"].append(year)
                cols["secretary_pay"].append(float(pay[i]))
                cols["pay_paid"].append(bool(pay_paid[i]))
                cols["office_funds"].append(float(funds[i]))
                cols["funds_paid"].append(bool(funds_paid[i]))
        return pa.table(cols, schema=SCHEMAS["guarantees"])

    def _weak_cases(self) -> pa.Table:
        rng = self.rng(10)
        idx = np.flatnonzero(self.weak)
        k = len(idx)
        score = np.round(np.clip(rng.normal(84, 6, k), 71, 99), 1)
        surveyed = rng.integers(20, 61, k)
        dissatisfied = np.minimum(rng.binomial(surveyed, 0.15), (surveyed - 1) // 2)
        accepted = _day(2018, 6, 1) + rng.integers(0, 183, k)
        pos = {int(i): j for j, i in enumerate(idx)}
        fails = rng.permutation(self.unrecovered)[: sum(ACCEPT_FAIL.values())].tolist()
        recovered = [int(i) for i in idx if i not in set(self.unrecovered.tolist())]
        near = rng.permutation(recovered)[: sum(ACCEPT_NEAR.values())].tolist()
        for j, i in enumerate(fails):
            p = pos[i]
            if j < ACCEPT_FAIL["score"]:
                score[p] = 69.9 if j % 3 == 0 else np.round(rng.uniform(50, 69.8), 1)
            else:
                dissatisfied[p] = min(surveyed[p], surveyed[p] // 2 + 1 + int(rng.integers(0, 6)))
        for j, i in enumerate(near):
            p = pos[i]
            if j < ACCEPT_NEAR["score"]:
                score[p] = ACCEPT_SCORE_MIN
            else:
                surveyed[p] -= surveyed[p] % 2
                dissatisfied[p] = surveyed[p] // 2
        self.accept_near = {"score": near[: ACCEPT_NEAR["score"]], "dissatisfied": near[ACCEPT_NEAR["score"] :]}
        return pa.table(
            {
                "village_code": [self.villages[i] for i in idx],
                "year": pa.array([2017] * k, pa.int16()),
                "score": pa.array(score, pa.float64()),
                "surveyed": pa.array(surveyed, pa.int16()),
                "dissatisfied": pa.array(dissatisfied, pa.int16()),
                "accepted": _dates(accepted),
            },
            schema=SCHEMAS["weak_cases"],
        )

    # --- the answers: the rules applied to the tables, checked against what was planted ----------------------------
    def _answers(self, t: dict[str, pa.Table]) -> pa.Table:  # noqa: PLR0912 - one check per planted kind
        rows: list[tuple[str, str, int, str, bool]] = []
        weak_set = {self.villages[i] for i in np.flatnonzero(self.weak)}
        hits_2017 = evaluate(t, 2017)
        flagged_2017 = {v for c in CRITERIA for v in hits_2017[c]}
        if flagged_2017 != weak_set or hits_2017["vacancy_flag"]:
            raise AssertionError("the 2017 criteria do not single out exactly the 2017 weak villages")
        hits = evaluate(t, 2018)
        for c in CRITERIA:
            rows += [("weak", v, 2018, c, True) for v in hits[c]]
        weak_2018 = {v for c in CRITERIA for v in hits[c]}
        for i, (role, c) in self.role.items():
            v = self.villages[i]
            if role == "near":
                if v in weak_2018:
                    raise AssertionError(f"a planted near miss hits a criterion: {v}")
                rows.append(("weak", v, 2018, c, False))
            elif role == "hit" and v not in hits[c]:
                raise AssertionError(f"a planted hit is missed: {v} {c}")
            if role == "flag_near":
                if v in hits["vacancy_flag"]:
                    raise AssertionError(f"a planted vacancy-flag near miss is flagged: {v}")
                rows.append(("vacancy_flag", v, 2018, "vacancy", False))
        rows += [("vacancy_flag", v, 2018, "vacancy", True) for v in hits["vacancy_flag"]]
        for year in REVIEW_YEARS:
            g = evaluate_guarantees(t["guarantees"], year)
            flagged = {v for vs in g.values() for v in vs}
            for c, vs in g.items():
                rows += [("guarantee", v, year, c, True) for v in vs]
            for k, i in enumerate(self.guarantee_near[year]):
                v = self.villages[i]
                if v in flagged:
                    raise AssertionError(f"a planted guarantee near miss is flagged: {v}")
                rows.append(("guarantee", v, year, "pay" if k < GUARANTEE_NEAR["pay"] else "funds", False))
        a = evaluate_acceptance(t["weak_cases"])
        failed = {v for vs in a.values() for v in vs}
        for c, vs in a.items():
            rows += [("accept_fail", v, 2017, c, True) for v in vs]
        for c, idx in self.accept_near.items():
            for i in idx:
                if self.villages[i] in failed:
                    raise AssertionError("a planted acceptance near miss fails")
                rows.append(("accept_fail", self.villages[i], 2017, c, False))
        rows.sort(key=lambda r: (r[0], r[2], r[1], r[3], r[4]))
        return pa.Table.from_pylist(
            [dict(zip(SCHEMAS["partyorg_answers"].names, r, strict=True)) for r in rows], SCHEMAS["partyorg_answers"]
        )


def evaluate(t: dict[str, pa.Table], year: int) -> dict[str, set[str]]:  # noqa: PLR0912 - the four criteria
    """The 软弱涣散 criteria and the vacancy flag for ``year`` at its last day: criterion → villages."""
    asof = date(year, 12, 31)
    villages = t["org_years"]["village_code"].unique().to_pylist()
    covered: set[str] = set()
    last_end: dict[str, date] = {}
    for s in t["seats"].filter(pc.equal(t["seats"]["post"], "secretary")).to_pylist():
        if s["start"] > asof:
            continue
        if s["end"] is None or s["end"] > asof:  # a seat's end is the day its holder left
            covered.add(s["village_code"])
        elif s["end"] > last_end.get(s["village_code"], date.min):
            last_end[s["village_code"]] = s["end"]
    out: dict[str, set[str]] = {c: set() for c in (*CRITERIA, "vacancy_flag")}
    for v in villages:
        if v not in covered and v in last_end:
            days = (asof - last_end[v]).days
            if days > VACANCY_DAYS:
                out["vacancy"].add(v)
            if days > FLAG_DAYS:
                out["vacancy_flag"].add(v)
    facts = {(r["village_code"], r["year"]): r for r in t["org_years"].to_pylist()}
    for v in villages:
        now, before = facts.get((v, year)), facts.get((v, year - 1))
        if now and before and now["new_members"] == 0 and before["new_members"] == 0:
            out["no_members"].add(v)
        if now and now["satisfaction"] < SATISFACTION_MIN:
            out["satisfaction"].add(v)
    for r in t["reviews"].filter(pc.equal(t["reviews"]["year"], year)).to_pylist():
        if r["township_rank"] == r["township_size"] and r["grade"] == "poor":
            out["ranking"].add(r["village_code"])
    return out


def evaluate_guarantees(guarantees: pa.Table, year: int) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"pay": set(), "funds": set(), "pay_unpaid": set(), "funds_unpaid": set()}
    for r in guarantees.filter(pc.equal(guarantees["year"], year)).to_pylist():
        if r["secretary_pay"] < cal.SECRETARY_PAY_MIN:
            out["pay"].add(r["village_code"])
        if r["office_funds"] < cal.OFFICE_FUNDS_MIN_WAN:
            out["funds"].add(r["village_code"])
        if not r["pay_paid"]:
            out["pay_unpaid"].add(r["village_code"])
        if not r["funds_paid"]:
            out["funds_unpaid"].add(r["village_code"])
    return out


def evaluate_acceptance(cases: pa.Table) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"score": set(), "dissatisfied": set()}
    for r in cases.to_pylist():
        if r["score"] < ACCEPT_SCORE_MIN:
            out["score"].add(r["village_code"])
        if r["dissatisfied"] * 2 > r["surveyed"]:
            out["dissatisfied"].add(r["village_code"])
    return out
