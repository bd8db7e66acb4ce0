"""防止返贫动态监测 in the synthetic province: the departments' alerts (部门筛查预警), the monitoring cases with their
sources (three channels) and follow-up visits, and the planted answers of the monitoring rules
(``analytics/monitoring.py``) with decoys just outside each — in ``monitoring_answers.parquet``, apart from
``answers.parquet`` so that the checks' answers and scoring are untouched.

Drawn per county from its own random stream (salt 9 of the county seed) after everything else, reading the final
registry tables, so every earlier file stays byte-identical and a county comes out the same at every scale.

The answers are computed from the written rows by the rules' definitions (numpy, independently of the Ibis
expressions), after planting the boundaries and decoys:

- ``overdue`` (case): identification not decided within ``monitoring_decision_days`` (15) of ``opened_on`` — decided
  after it, or still identifying more than 15 days before the reference day (31 December). Planted at the limit:
  decided after exactly 15 days (not overdue) and 16 (overdue); still open since 15 and 16 days before the day.
- ``elimination_ready`` (case): a monitored case meeting every criterion of ``elimination_reasons`` on 31 December
  with ``monitoring_stable_months`` (6) and the year's ``monitoring_income_line``, against the year's facts as the
  registry records them (``household_facts``). Planted boundaries (ready) and decoys (one criterion failing each).
- ``unmatched`` (alert): an alert naming nobody in ``members`` (a surveyed non-registered person, or a fresh number).
- ``merged`` (household): sources from two or three channels, all in one case.

Rates and counts: docs/synthetic-data.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.policy.defaults import default_value

from .integrity import fresh_ids
from .people import check_digits
from .planted import Planted

# the departments' alert kinds (code as ``analytics.monitoring.ALERT_KINDS``): label, department, number prefix
DEPARTMENTS = {
    "medical": ("大额医疗费用", "医保局", "YB"),
    "dropout": ("辍学", "教育局", "JY"),
    "assistance": ("申请救助", "民政局", "MZ"),
    "disaster": ("自然灾害", "应急管理局", "YJ"),
    "disability": ("新增残疾", "残联", "CL"),
    "accident": ("意外事故", "公安交管", "JG"),
}
KINDS = tuple(DEPARTMENTS)
# the fewest days from a report to the county's decision the procedure allows: a notice of 5 days from the day of
# the report (verification, consent, comparison and the vote that day), the township's review the day after it
MIN_DAYS = int(default_value("monitoring_notice_days", 2017))
KIND_P = (0.34, 0.08, 0.2, 0.16, 0.1, 0.12)  # alerts that open no case, and the unmatched ones
EXTRA_KINDS = (0, 2, 4, 5)  # a second department's alert joining a case: medical, assistance, disability, accident
RISKS = ("illness", "disability", "schooling", "disaster", "accident", "income", "employment", "industry", "other")
RISK_P = (0.32, 0.08, 0.07, 0.12, 0.07, 0.12, 0.11, 0.07, 0.04)
# the risk each alert kind signals (as ``monitoring.choices.RISK_OF_ALERT``) and the kind a risk's alert is
RISK_OF_KIND = np.array([RISKS.index(r) for r in ("illness", "schooling", "income", "disaster", "disability",
                                                  "accident")])  # fmt: skip
KIND_OF_RISK = np.full(len(RISKS), -1)
KIND_OF_RISK[RISK_OF_KIND] = np.arange(len(KINDS))
SUDDEN = np.array([RISKS.index(r) for r in ("illness", "disaster", "accident")])  # a still-poor household's risks
SUDDEN_P = (0.5, 0.3, 0.2)
CHANNELS = ("self_report", "visit", "department")
SELF, VISIT, DEPT = range(3)
FIRST_CHANNEL_P = (0.2, 0.35, 0.45)  # the channel that opens a case
STATUSES = ("identifying", "monitored", "eliminated", "not_included")
IDENTIFYING, MONITORED, ELIMINATED, NOT_INCLUDED = range(4)
UNSTABLE, SUDDEN_GROUP = "脱贫不稳定户", "突发严重困难户"  # no 边缘易致贫户: every case's household is registered

# Cases: monitored at the year end, a share of the households registered (poor or exited) by the county's kind;
# the other statuses as shares of the monitored.
MONITORED_RATE = {"deep": 0.06, "poor": 0.05, "exited": 0.04, "other": 0.04}
IDENTIFYING_SHARE, ELIMINATED_SHARE, NOT_INCLUDED_SHARE = 0.12, 0.15, 0.1
POOR_SHARE = 0.2  # of the cases: households still registered poor (突发严重困难户); the rest exited
LOW_INCOME_WEIGHT = 3.0  # exited households below 1.2 × the monitoring line are likelier to be reported
LATE_SHARE = 0.08  # of decided cases: decided after the time limit (16–45 days)
OPEN_LATE_SHARE = 0.25  # of identifying cases: still open past the limit (16–60 days)
REPEAT_SHARE = 0.1  # of not-included cases: the household reported again later (a second case, another channel)
MERGED_SHARE = 0.2  # of the other cases: sources from two or three channels
THREE_CHANNELS_SHARE = 0.35  # of the merged
SAME_CHANNEL_SHARE = 0.05  # of the other cases: two sources of one channel (not merged)
BACKGROUND_RATIO = 1.0  # alerts naming registered people that open no case, per department source
UNMATCHED_SHARE = 0.1  # of all alerts: naming nobody in the registry
GOOD_SHARE = 0.55  # of monitored cases: income recovering above the line, guarantees held
STOPPED_SHARE = 0.05  # of monitored cases: visits stopped before the stable period
FOLLOW_UP_EVERY = 30  # days between follow-up visits (a jitter of 0–4 days)
BOUNDARY_SHARE = 0.004  # of cases, for each overdue boundary (at least one each)
DECOY_SHARE = 0.005  # of monitored cases, for each elimination boundary and decoy (at least one each)

SCHEMAS = {
    "risk_alerts": pa.schema(
        [("alert_id", pa.int64()), ("alert_no", pa.string()), ("department", pa.string()), ("kind", pa.string()),
         ("person_id", pa.string()), ("occurred_on", pa.date32()), ("amount", pa.float64()), ("detail", pa.string())]
    ),
    "monitoring_cases": pa.schema(
        [("case_id", pa.int64()), ("household_id", pa.string()), ("village_code", pa.string()),
         ("status", pa.string()), ("group", pa.string()), ("risk", pa.string()), ("opened_on", pa.date32()),
         ("decided_on", pa.date32()), ("eliminated_on", pa.date32())]
    ),
    "monitoring_sources": pa.schema(
        [("case_id", pa.int64()), ("channel", pa.string()), ("ref", pa.string()), ("on", pa.date32()),
         ("risk", pa.string())]
    ),
    "monitoring_follow_ups": pa.schema(
        [("case_id", pa.int64()), ("on", pa.date32()), ("income", pa.float64()), ("rigid_spending", pa.float64()),
         ("guarantees_ok", pa.bool_())]
    ),
    "monitoring_answers": pa.schema(
        [("subject", pa.string()), ("subject_id", pa.string()), ("code", pa.string()), ("detail", pa.string())]
    ),
}  # fmt: skip
TABLES = tuple(SCHEMAS)
DISASTERS = ("房屋因洪涝受损", "农作物因冰雹绝收", "房屋因山体滑坡受损", "因旱灾粮食减产", "房屋因火灾受损")
ACCIDENTS = ("交通事故受伤住院", "务工意外受伤", "交通事故致劳动力伤残")
ASSISTANCE = ("申请临时救助", "申请低保", "申请医疗救助")
DISABILITY = ("视力", "听力", "肢体", "智力", "精神")


@dataclass(frozen=True)
class Rules:
    """The reference day, the stable period's first day, the time limit and the income line of ``year``."""

    year: int
    end: int  # days since 1970-01-01
    since: int
    limit: int
    line: float

    @classmethod
    def of(cls, year: int) -> Rules:
        end = date(year, 12, 31)
        return cls(
            year=year,
            end=_day(end),
            since=_day(months_before(end, int(default_value("monitoring_stable_months", year)))),
            limit=int(default_value("monitoring_decision_days", year)),
            line=float(default_value("monitoring_income_line", year)),
        )


def months_before(d: date, months: int) -> date:
    """The same day ``months`` months earlier, or that month's last day (31 December − 6 months = 30 June)."""
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    first_next = date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    return min(date(y, m + 1, 1) + timedelta(days=d.day - 1), first_next - timedelta(days=1))


def _day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def household_facts(households: pa.Table, years: pa.Table, year: int) -> dict[str, np.ndarray]:
    """The year's facts the elimination criteria read, per household (``households``' order): size, income per
    head (NaN when the year has no record), and 两不愁三保障 as recorded (吃、穿、义务教育、基本医疗、饮水安全 ✓ and the
    house graded A/B or relocated; True when no record)."""
    n = households.num_rows
    y = years.filter(pc.equal(years["year"], year))
    at = pc.index_in(y["household_id"], households["household_id"]).to_numpy(zero_copy_only=False)
    income = np.full(n, np.nan)
    income[at] = y["income_per_capita"].to_numpy(zero_copy_only=False)
    flags = [y[c].to_numpy(zero_copy_only=False) for c in ("food_ok", "clothing_ok", "education_ok", "medical_ok",
                                                           "water_ok")]  # fmt: skip
    safe = np.isin(y["housing_grade"].to_numpy(zero_copy_only=False), ["A", "B"]) | y["relocated"].to_numpy(
        zero_copy_only=False
    )
    ok = np.ones(n, dtype=bool)
    ok[at] = np.logical_and.reduce([*flags, safe]) if len(at) else ok[at]
    return {"size": households["size"].to_numpy().astype(np.int64), "income": income, "ok": ok}


def monitoring_tables(
    rng: np.random.Generator,
    county: str,
    *,
    kind: str,
    year: int,
    households: pa.Table,
    members: pa.Table,
    years: pa.Table,
    planted: Planted,
    survey: pa.Table,
    others: Iterable[pa.Array | pa.ChunkedArray],
) -> dict[str, pa.Table]:
    """The county's monitoring tables (``SCHEMAS``). ``kind``: the county's (deep / poor / exited / other);
    ``survey``: the surveyed non-registered people (person_id, birth_date); ``others``: every other person's number
    of the county (survey, posted cadres, committee members), which a fresh number avoids."""
    rules = Rules.of(year)
    reg = _Registry(households, members, planted, year)
    facts = household_facts(households, years, year)
    cases = _cases(rng, reg, facts, rules, MONITORED_RATE.get(kind, MONITORED_RATE["other"]))
    if cases is None:
        return {name: schema.empty_table() for name, schema in SCHEMAS.items()}
    sources = _sources(rng, reg, cases, rules)
    follow = _follow_ups(rng, cases, facts, rules)
    alerts = _alerts(rng, county, reg, cases, sources, rules, survey, others)
    return _tables(rng, county, reg, cases, sources, follow, alerts, facts, rules)


class _Registry:
    """The county's households and the members an alert may name (valid number, alive), grouped by household."""

    def __init__(self, households: pa.Table, members: pa.Table, planted: Planted, year: int) -> None:
        self.hid = households["household_id"].to_numpy(zero_copy_only=False)
        self.village = households["village_code"].to_numpy(zero_copy_only=False)
        n = len(self.hid)
        exit_year = np.array([e or 0 for e in households["exit_year"].to_pylist()], dtype=np.int64)
        self.registered = households["identified_year"].to_numpy().astype(np.int64) <= year
        self.exited = self.registered & (exit_year > 0) & (exit_year <= year)
        self.pid = members["person_id"].to_numpy(zero_copy_only=False)
        m_hh = pc.index_in(members["household_id"], households["household_id"]).to_numpy(zero_copy_only=False)
        body = np.frombuffer("".join(self.pid).encode(), dtype=np.uint8).reshape(-1, 18)
        ok = check_digits(body[:, :17] - 48) == body[:, 17]  # a planted wrong check digit: departments know better
        dead = pa.array(sorted({str(d["person_id"]) for d in planted.deaths}), pa.string())
        ok &= ~pc.is_in(members["person_id"], value_set=dead).to_numpy(zero_copy_only=False)
        born = members["birth_date"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
        age = year - born
        head = members["relation"].to_numpy(zero_copy_only=False) == "户主"
        self.any = _Groups(np.flatnonzero(ok), m_hh, n)
        self.child = _Groups(np.flatnonzero(ok & (age >= 7) & (age <= 16)), m_hh, n)
        self.head = np.full(n, -1)
        heads = np.flatnonzero(ok & head)
        self.head[m_hh[heads]] = heads
        self.alive = self.any.count > 0

    def person(self, rng: np.random.Generator, h: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """A member of each household ``h`` an alert of ``kinds`` names: a school-age child for 辍学, the head for
        救助 and 灾害 (another member when the head may not be named), anybody otherwise."""
        out = self.any.pick(rng, h)
        dropout = kinds == KINDS.index("dropout")
        out[dropout] = self.child.pick(rng, h[dropout])
        by_head = np.isin(kinds, [KINDS.index("assistance"), KINDS.index("disaster")]) & (self.head[h] >= 0)
        out[by_head] = self.head[h[by_head]]
        return out


class _Groups:
    """Member indices grouped by household: a random one of a household in one vectorised draw."""

    def __init__(self, idx: np.ndarray, m_hh: np.ndarray, n: int) -> None:
        self.idx = idx[np.argsort(m_hh[idx], kind="stable")]
        self.count = np.bincount(m_hh[idx], minlength=n)
        self.start = np.cumsum(self.count) - self.count

    def pick(self, rng: np.random.Generator, h: np.ndarray) -> np.ndarray:
        return self.idx[self.start[h] + (rng.random(len(h)) * self.count[h]).astype(np.int64)]


@dataclass
class _Cases:
    h: np.ndarray  # household index
    status: np.ndarray
    risk: np.ndarray
    channel: np.ndarray  # of the first source
    opened: np.ndarray
    decided: np.ndarray  # -1: not decided
    eliminated: np.ndarray  # -1: not eliminated
    single: np.ndarray  # one source only (a household reported twice: its two cases)
    good: np.ndarray  # follow-ups recovering above the line
    strict: np.ndarray  # designated for an elimination boundary: every visit's guarantees held, visits never stop

    def __len__(self) -> int:
        return len(self.h)


def _risks(rng: np.random.Generator, reg: _Registry, h: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """The main risk of cases opened by ``channel``: a department's opens with the risk its alert signals; a
    still-poor household's is sudden (illness, disaster, accident); 因学 only where a school-age child lives."""
    dept_p = np.array(RISK_P)[RISK_OF_KIND]
    risk = np.where(
        channel == DEPT,
        RISK_OF_KIND[rng.choice(len(KINDS), len(h), p=dept_p / dept_p.sum())],
        rng.choice(len(RISKS), len(h), p=RISK_P),
    )
    poor = ~reg.exited[h]
    risk[poor] = SUDDEN[rng.choice(len(SUDDEN), int(poor.sum()), p=SUDDEN_P)]
    risk[(risk == RISKS.index("schooling")) & (reg.child.count[h] == 0)] = RISKS.index("income")
    return risk


def _cases(  # noqa: PLR0915 - one recipe, read top to bottom
    rng: np.random.Generator, reg: _Registry, facts: dict[str, np.ndarray], rules: Rules, rate: float
) -> _Cases | None:
    start, end, limit = rules.end - 364, rules.end, rules.limit
    n_mon = round(int(reg.registered.sum()) * rate)
    counts = [round(n_mon * IDENTIFYING_SHARE), n_mon, round(n_mon * ELIMINATED_SHARE),
              round(n_mon * NOT_INCLUDED_SHARE)]  # fmt: skip
    eligible = reg.registered & reg.alive
    poor_pool = np.flatnonzero(eligible & ~reg.exited)
    exited_pool = np.flatnonzero(eligible & reg.exited)
    n = min(sum(counts), len(poor_pool) + len(exited_pool))
    if n == 0:
        return None
    n_poor = min(round(n * POOR_SHARE), len(poor_pool))
    n_exited = min(n - n_poor, len(exited_pool))
    n_poor = min(n - n_exited, len(poor_pool))
    w = np.where(facts["income"][exited_pool] < 1.2 * rules.line, LOW_INCOME_WEIGHT, 1.0)
    h = np.concatenate([rng.choice(poor_pool, n_poor, replace=False),
                        rng.choice(exited_pool, n_exited, replace=False, p=w / w.sum())])  # fmt: skip
    h = h[rng.permutation(n)]
    status = np.repeat(np.arange(4), counts)[:n]
    if len(status) < n:
        status = np.concatenate([status, np.full(n - len(status), MONITORED)])

    # decision days: within the limit but a few; boundaries at 15 and 16 days on closed cases
    days = np.where(
        rng.random(n) < LATE_SHARE, rng.integers(limit + 1, limit + 31, n), rng.integers(MIN_DAYS, limit + 1, n)
    )
    closed = rng.permutation(np.flatnonzero((status == ELIMINATED) | (status == NOT_INCLUDED)))
    k = max(1, round(n * BOUNDARY_SHARE))
    days[closed[:k]] = limit
    days[closed[k : 2 * k]] = limit + 1
    opened = np.zeros(n, dtype=np.int64)
    decided = np.full(n, -1, dtype=np.int64)
    eliminated = np.full(n, -1, dtype=np.int64)
    u = rng.random(n)
    ident = status == IDENTIFYING
    late = rng.random(n) < OPEN_LATE_SHARE
    opened[ident] = np.where(late, end - rng.integers(limit + 1, 61, n), end - rng.integers(0, limit + 1, n))[ident]
    open_cases = rng.permutation(np.flatnonzero(ident))
    opened[open_cases[:k]] = end - limit
    opened[open_cases[k : 2 * k]] = end - limit - 1
    elim = status == ELIMINATED
    opened[elim] = start + (u * 105).astype(np.int64)[elim]
    rest = (status == MONITORED) | (status == NOT_INCLUDED)
    opened[rest] = (start + u * (end - days - start)).astype(np.int64)[rest]
    decided[~ident] = (opened + days)[~ident]
    eliminated[elim] = np.minimum(decided + 183 + rng.integers(0, 61, n), end)[elim]

    channel = rng.choice(3, n, p=FIRST_CHANNEL_P)
    risk = _risks(rng, reg, h, channel)
    good = rng.random(n) < GOOD_SHARE
    good[status == ELIMINATED] = True
    strict = np.zeros(n, dtype=bool)
    single = np.zeros(n, dtype=bool)

    # elimination boundaries on the decision day (ready on the stable period's first day, not ready a day later),
    # and the year's income just below and at the line: households whose recorded guarantees hold
    mon = status == MONITORED
    ok = facts["ok"][h]
    income = facts["income"][h]
    m = max(1, round(int(mon.sum()) * DECOY_SHARE))
    above = rng.permutation(np.flatnonzero(mon & ok & (income >= rules.line) & (days <= limit)))
    for i, day in zip(above[: 2 * m], [rules.since] * m + [rules.since + 1] * m, strict=False):
        decided[i], opened[i] = day, day - days[i]
    taken = set(above[: 2 * m].tolist())
    early = mon & ok & (decided <= rules.since) & ~np.isin(np.arange(n), list(taken))
    below = np.flatnonzero(early & (income < rules.line))
    at_line = np.flatnonzero(early & (income >= rules.line))
    chosen = [*below[np.argsort(-income[below], kind="stable")][:m], *at_line[np.argsort(income[at_line])][:m]]
    strict[[*taken, *chosen]] = True
    good |= strict

    # a household reported again after its case was not included: a second case by another channel
    again = np.flatnonzero((status == NOT_INCLUDED) & (decided <= end - 20))
    again = rng.permutation(again)[: round(len(again) * REPEAT_SHARE)]
    r = len(again)
    if r:
        opened2 = decided[again] + 1 + (rng.random(r) * (end - decided[again])).astype(np.int64)
        days2 = rng.integers(MIN_DAYS, limit + 1, r)
        decided2 = np.where(opened2 + days2 <= end, opened2 + days2, -1)
        channel2 = (channel[again] + rng.integers(1, 3, r)) % 3
        single[again] = True
        h = np.concatenate([h, h[again]])
        status = np.concatenate([status, np.where(decided2 >= 0, MONITORED, IDENTIFYING)])
        risk = np.concatenate([risk, _risks(rng, reg, h[-r:], channel2)])
        channel = np.concatenate([channel, channel2])
        opened = np.concatenate([opened, opened2])
        decided = np.concatenate([decided, decided2])
        eliminated = np.concatenate([eliminated, np.full(r, -1)])
        single = np.concatenate([single, np.ones(r, dtype=bool)])
        good = np.concatenate([good, rng.random(r) < GOOD_SHARE])
        strict = np.concatenate([strict, np.zeros(r, dtype=bool)])
    return _Cases(h, status, risk, channel, opened, decided, eliminated, single, good, strict)


@dataclass
class _Sources:
    case: np.ndarray
    channel: np.ndarray
    on: np.ndarray
    risk: np.ndarray
    kind: np.ndarray  # the alert's kind (department sources), else -1
    person: np.ndarray  # the member the alert names (department sources), else -1


def _sources(rng: np.random.Generator, reg: _Registry, cases: _Cases, rules: Rules) -> _Sources:
    """The first source of every case (opening it), and the later ones merged into it while it is open."""
    n = len(cases)
    idx = np.arange(n)
    free = rng.permutation(np.flatnonzero(~cases.single))
    n_merged = round(len(free) * MERGED_SHARE)
    merged, same = free[:n_merged], free[n_merged : n_merged + round(len(free) * SAME_CHANNEL_SHARE)]
    three = merged[rng.random(len(merged)) < THREE_CHANNELS_SHARE]
    # the other channels in a random order: the second source's, the third's
    other = (cases.channel[:, None] + np.where((rng.random(n) < 0.5)[:, None], [1, 2], [2, 1])) % 3
    extra_case = np.concatenate([merged, three, same])
    extra_channel = np.concatenate([other[merged, 0], other[three, 1], cases.channel[same]])
    case = np.concatenate([idx, extra_case])
    channel = np.concatenate([cases.channel, extra_channel])
    close = np.where(cases.status == NOT_INCLUDED, cases.decided, rules.end)
    close = np.where(cases.status == ELIMINATED, cases.eliminated, close)
    lo = cases.opened[extra_case]
    on = np.concatenate([cases.opened, lo + (rng.random(len(extra_case)) * (close[extra_case] - lo + 1)).astype(int)])
    risk = cases.risk[case].copy()
    kind = np.where(channel == DEPT, KIND_OF_RISK[risk], -1)
    later = np.arange(len(case)) >= n
    h = cases.h[case]
    # a later department's alert: the case's risk's kind if it has one (a 辍学 only where a child lives), else
    # another department's
    redraw = later & (channel == DEPT) & ((kind < 0) | ((cases.channel[case] == DEPT) & np.isin(case, same)))
    redraw |= later & (kind == KINDS.index("dropout")) & (reg.child.count[h] == 0)
    kind[redraw] = np.array(EXTRA_KINDS)[rng.integers(0, len(EXTRA_KINDS), int(redraw.sum()))]
    risk[channel == DEPT] = RISK_OF_KIND[kind[channel == DEPT]]
    person = np.full(len(case), -1)
    dept = channel == DEPT
    person[dept] = reg.person(rng, h[dept], kind[dept])
    order = np.lexsort((on, case))
    return _Sources(case[order], channel[order], on[order], risk[order], kind[order], person[order])


@dataclass
class _FollowUps:
    case: np.ndarray  # sorted by case, then day (one visit a day at most)
    day: np.ndarray
    income: np.ndarray
    rigid: np.ndarray
    ok: np.ndarray


def _follow_ups(rng: np.random.Generator, cases: _Cases, facts: dict[str, np.ndarray], rules: Rules) -> _FollowUps:
    """Monthly visits from shortly after the decision to the year end (or the elimination), then the boundaries and
    decoys of the elimination criteria planted on cases that were ready."""
    n = len(cases)
    size = facts["size"][cases.h]
    mon = cases.status == MONITORED
    first = cases.decided + rng.integers(7, 31, n)
    last = np.where(cases.status == ELIMINATED, cases.eliminated, rules.end)
    stopped = mon & ~cases.strict & (rng.random(n) < STOPPED_SHARE)
    last[stopped] = rules.since - 1 - rng.integers(0, 61, int(stopped.sum()))
    visited = (mon | (cases.status == ELIMINATED)) & (last >= first)
    count = np.where(visited, (last - first) // FOLLOW_UP_EVERY + 1, 0)
    case = np.repeat(np.arange(n), count)
    j = np.arange(len(case)) - np.repeat(np.cumsum(count) - count, count)
    day = first[case] + FOLLOW_UP_EVERY * j + rng.integers(0, 5, len(case))
    keep = day <= last[case]
    case, day = case[keep], day[keep]
    base = rules.line * np.where(cases.good, rng.uniform(1.08, 1.8, n), rng.uniform(0.75, 1.25, n))
    income = (base[case] * rng.uniform(0.94, 1.06, len(case))).round(2)
    ok = rng.random(len(case)) < np.where(cases.good, 0.99, 0.85)[case]
    ok[cases.strict[case]] = True
    share = np.where(cases.good[case], rng.uniform(0, 0.5, len(case)), rng.uniform(0.1, 1.4, len(case)))
    rigid = (share * income * size[case]).round(2)

    fu = _FollowUps(case, day, income, rigid, ok)
    ready = elimination_ready(cases.status, cases.decided, fu, facts["income"][cases.h], facts["ok"][cases.h], size,
                              rules)  # fmt: skip
    lo = np.searchsorted(case, np.arange(n), "left")
    hi = np.searchsorted(case, np.arange(n), "right")
    in_window = day >= rules.since
    n_window = np.bincount(case[in_window], minlength=n)
    n_before = np.bincount(case[~in_window], minlength=n)
    candidates = list(rng.permutation(np.flatnonzero(ready & ~cases.strict)))
    m = max(1, round(int(mon.sum()) * DECOY_SHARE))
    drop = np.zeros(len(case), dtype=bool)

    def take(need: np.ndarray) -> list[int]:
        got = [i for i in candidates if need[i]][:m]
        for i in got:
            candidates.remove(i)
        return got

    def first_in_window(i: int) -> int:
        return int(lo[i] + n_before[i])

    # ready: a visit in the period exactly at the line; a visit below it the day before the period
    for i in take(n_window >= 2):
        income[first_in_window(i)] = rules.line
    for i in take((n_before >= 1) & (n_window >= 1)):
        row = first_in_window(i) - 1
        day[row], income[row] = rules.since - 1, rules.line - 0.01
    # ready: the latest visit's rigid spending exactly the household's year income
    for i in take(n_window >= 1):
        rigid[hi[i] - 1] = round(income[hi[i] - 1] * size[i], 2)  # money to the cent, as stored
    # not ready, one criterion just outside each: a visit in the period a cent below the line; no visit in the
    # period (the last the day before it); the latest visit's guarantees not held; its rigid spending a yuan over
    for i in take(n_window >= 2):
        income[first_in_window(i)] = rules.line - 0.01
    for i in take(n_before >= 1):
        drop[first_in_window(i) : hi[i]] = True
        day[first_in_window(i) - 1] = rules.since - 1
    for i in take(n_window >= 1):
        ok[hi[i] - 1] = False
    for i in take(n_window >= 1):
        rigid[hi[i] - 1] = round(income[hi[i] - 1] * size[i] + 1.0, 2)
    keep = ~drop
    return _FollowUps(case[keep], day[keep], income[keep], rigid[keep], ok[keep])


def elimination_ready(  # noqa: PLR0917 - the criteria's inputs, positional
    status: np.ndarray,
    decided: np.ndarray,
    fu: _FollowUps,
    income_year: np.ndarray,
    facts_ok: np.ndarray,
    size: np.ndarray,
    rules: Rules,
) -> np.ndarray:
    """Per case: monitored and meeting every criterion of ``analytics.monitoring.elimination_reasons`` — decided on or
    before the period's first day; visited in the period, every visit at or above the line; the year's income at or
    above the line (none recorded: no objection); guarantees held in the year's record and at the latest visit; the
    latest visit's rigid spending not above its income × the household's size."""
    n = len(status)
    window = fu.day >= rules.since
    visits = np.bincount(fu.case[window], minlength=n)
    low = np.bincount(fu.case[window & (fu.income < rules.line)], minlength=n)
    latest = np.flatnonzero(np.r_[fu.case[1:] != fu.case[:-1], True]) if len(fu.case) else np.zeros(0, np.int64)
    last_ok = np.zeros(n, dtype=bool)
    last_rigid = np.zeros(n)
    last_income = np.zeros(n)
    last_ok[fu.case[latest]] = fu.ok[latest]
    last_rigid[fu.case[latest]] = fu.rigid[latest]
    last_income[fu.case[latest]] = fu.income[latest]
    return (
        (status == MONITORED)
        & (decided >= 0)
        & (decided <= rules.since)
        & (visits > 0)
        & (low == 0)
        & ~(income_year < rules.line)  # NaN (no record) is no objection
        & facts_ok
        & last_ok
        & ~(np.round(last_rigid * 100) > np.round(last_income * size * 100))  # in cents, as the rule compares
    )


def overdue(status: np.ndarray, opened: np.ndarray, decided: np.ndarray, rules: Rules) -> np.ndarray:
    """Per case: decided after the limit, or still identifying past it on the reference day."""
    open_late = (status == IDENTIFYING) & (decided < 0) & (rules.end - opened > rules.limit)
    return open_late | ((decided >= 0) & (decided - opened > rules.limit))


@dataclass
class _Alerts:
    kind: np.ndarray
    person: np.ndarray  # ID numbers
    day: np.ndarray
    amount: np.ndarray  # NaN: none
    source: np.ndarray  # the department source the alert is, else -1
    unmatched: np.ndarray


def _alerts(  # noqa: PLR0917 - the county's people, positional
    rng: np.random.Generator,
    county: str,
    reg: _Registry,
    cases: _Cases,
    sources: _Sources,
    rules: Rules,
    survey: pa.Table,
    others: Iterable[pa.Array | pa.ChunkedArray],
) -> _Alerts:
    """Every department source's alert (a few days before the case heard of it), alerts naming registered people
    that opened no case, and alerts naming people outside the registry."""
    start = rules.end - 364
    dept = np.flatnonzero(sources.channel == DEPT)
    d_day = np.maximum(sources.on[dept] - rng.integers(0, 6, len(dept)), start)
    # registered people of households without a case
    quiet = np.flatnonzero(reg.registered & reg.alive & ~np.isin(np.arange(len(reg.hid)), cases.h))
    n_bg = round(len(dept) * BACKGROUND_RATIO) if len(quiet) else 0
    b_h = quiet[rng.integers(0, len(quiet), n_bg)] if n_bg else np.zeros(0, np.int64)
    b_kind = rng.choice(len(KINDS), n_bg, p=KIND_P)
    b_kind[(b_kind == KINDS.index("dropout")) & (reg.child.count[b_h] == 0)] = KINDS.index("medical")
    b_person = reg.person(rng, b_h, b_kind)
    b_day = start + rng.integers(0, 365, n_bg)
    matched = len(dept) + n_bg
    # outside the registry: surveyed non-registered adults (a 边缘 household the township should visit), fresh numbers
    n_un = round(matched * UNMATCHED_SHARE / (1 - UNMATCHED_SHARE))
    s_ids = survey["person_id"].to_numpy(zero_copy_only=False) if survey.num_rows else np.zeros(0, dtype=object)
    if survey.num_rows:
        s_age = rules.year - survey["birth_date"].to_numpy().astype("datetime64[Y]").astype(int)
        s_ids = s_ids[s_age >= 18]
    s_pick = rng.choice(s_ids, min(n_un // 2, len(s_ids)), replace=False) if len(s_ids) else s_ids
    grown = np.array([k for k in range(len(KINDS)) if KINDS[k] != "dropout"])
    s_kind = grown[rng.integers(0, len(grown), len(s_pick))]
    n_fresh = n_un - len(s_pick)
    f_kind = rng.choice(len(KINDS), n_fresh, p=KIND_P)
    born = np.where(f_kind == KINDS.index("dropout"), rules.year - rng.integers(7, 17, n_fresh),
                    rng.integers(1940, 2000, n_fresh))  # fmt: skip
    taken = {p[:17] for p in reg.pid}
    for ids in others:
        taken |= {p[:17] for p in ids.to_pylist() if p}
    fresh = fresh_ids(rng, county, born, rng.random(n_fresh) < 0.5, taken) if n_fresh else []
    u_kind = np.concatenate([s_kind, f_kind]).astype(np.int64)
    u_day = start + rng.integers(0, 365, n_un)

    kind = np.concatenate([sources.kind[dept], b_kind, u_kind]).astype(np.int64)
    person = np.concatenate([reg.pid[sources.person[dept]], reg.pid[b_person],
                             np.array([*s_pick, *fresh], dtype=object)])  # fmt: skip
    day = np.concatenate([d_day, b_day, u_day])
    medical = kind == KINDS.index("medical")
    amount = np.where(medical, np.maximum((np.exp(rng.normal(9.6, 0.7, len(kind))) / 100).round() * 100, 3000), np.nan)
    source = np.concatenate([dept, np.full(n_bg + n_un, -1)])
    unmatched = np.arange(len(kind)) >= matched
    return _Alerts(kind, person, day, amount, source, unmatched)


def _dates(days: np.ndarray) -> pa.Array:
    valid = days >= 0
    return pa.array(np.where(valid, days, 0).astype("datetime64[D]"), pa.date32(), mask=~valid)


def _detail(rng: np.random.Generator, kind: int, amount: float) -> str:
    code = KINDS[kind]
    if code == "medical":
        return f"住院自付 {amount:,.0f} 元"
    if code == "dropout":
        return f"义务教育阶段学生连续 {int(rng.integers(10, 60))} 天未到校"
    if code == "assistance":
        return str(ASSISTANCE[int(rng.integers(0, len(ASSISTANCE)))])
    if code == "disaster":
        return str(DISASTERS[int(rng.integers(0, len(DISASTERS)))])
    if code == "disability":
        category, grade = DISABILITY[int(rng.integers(0, len(DISABILITY)))], "一二三四"[int(rng.integers(0, 4))]
        return f"新办残疾人证（{category}{grade}级）"
    return str(ACCIDENTS[int(rng.integers(0, len(ACCIDENTS)))])


def _tables(  # noqa: PLR0915, PLR0917 - the five tables and the answers, read top to bottom
    rng: np.random.Generator,
    county: str,
    reg: _Registry,
    cases: _Cases,
    sources: _Sources,
    fu: _FollowUps,
    alerts: _Alerts,
    facts: dict[str, np.ndarray],
    rules: Rules,
) -> dict[str, pa.Table]:
    """Numbers in date order (case_id, alert_id, each department's alert numbers, the channels' references), the
    five tables, the answers computed from them."""
    year = rules.year
    base = int(county) * 1_000_000
    n = len(cases)
    c_rank = np.empty(n, dtype=np.int64)
    c_rank[np.lexsort((rng.random(n), cases.opened))] = np.arange(n)
    case_id = base + c_rank + 1
    a_order = np.lexsort((rng.random(len(alerts.kind)), alerts.day))
    a_rank = np.empty(len(a_order), dtype=np.int64)
    a_rank[a_order] = np.arange(len(a_order))
    alert_id = base + a_rank + 1
    alert_no = np.empty(len(a_order), dtype=object)
    serial = dict.fromkeys(range(len(KINDS)), 0)
    for a in a_order:
        serial[int(alerts.kind[a])] += 1
        alert_no[a] = f"{DEPARTMENTS[KINDS[alerts.kind[a]]][2]}{county}{year}{serial[int(alerts.kind[a])]:06d}"
    department = np.array([DEPARTMENTS[k][1] for k in KINDS], dtype=object)[alerts.kind]
    label = np.array([DEPARTMENTS[k][0] for k in KINDS], dtype=object)[alerts.kind]
    detail = [_detail(rng, int(k), float(a)) for k, a in zip(alerts.kind, alerts.amount, strict=True)]
    risk_alerts = pa.table(
        {"alert_id": alert_id[a_order], "alert_no": alert_no[a_order], "department": department[a_order],
         "kind": label[a_order], "person_id": alerts.person[a_order], "occurred_on": _dates(alerts.day[a_order]),
         "amount": pa.array(alerts.amount[a_order], pa.float64(), mask=np.isnan(alerts.amount[a_order])),
         "detail": np.array(detail, dtype=object)[a_order]},
        schema=SCHEMAS["risk_alerts"],
    )  # fmt: skip

    ref = np.empty(len(sources.case), dtype=object)
    of_source = np.full(len(sources.case), -1)
    of_source[alerts.source[alerts.source >= 0]] = np.flatnonzero(alerts.source >= 0)
    s_order = np.lexsort((case_id[sources.case], sources.on))
    counters = {SELF: 0, VISIT: 0}
    for s in s_order:
        ch = int(sources.channel[s])
        if ch == DEPT:
            a = of_source[s]
            ref[s] = f"{department[a]}:{alert_no[a]}"
        else:
            counters[ch] += 1
            ref[s] = f"{'SB' if ch == SELF else 'FW'}{county}{year}{counters[ch]:06d}"
    s_sort = np.lexsort((sources.on, case_id[sources.case]))
    monitoring_sources = pa.table(
        {"case_id": case_id[sources.case][s_sort], "channel": np.array(CHANNELS, dtype=object)[sources.channel][s_sort],
         "ref": ref[s_sort], "on": _dates(sources.on[s_sort]),
         "risk": np.array(RISKS, dtype=object)[sources.risk][s_sort]},
        schema=SCHEMAS["monitoring_sources"],
    )  # fmt: skip

    group = np.where(reg.exited[cases.h], UNSTABLE, SUDDEN_GROUP).astype(object)
    shock = np.isin(cases.risk, [RISKS.index("disaster"), RISKS.index("accident")])
    group[shock] = SUDDEN_GROUP
    c_sort = np.argsort(case_id)
    monitoring_cases = pa.table(
        {"case_id": case_id[c_sort], "household_id": reg.hid[cases.h][c_sort],
         "village_code": reg.village[cases.h][c_sort], "status": np.array(STATUSES, dtype=object)[cases.status][c_sort],
         "group": group[c_sort], "risk": np.array(RISKS, dtype=object)[cases.risk][c_sort],
         "opened_on": _dates(cases.opened[c_sort]), "decided_on": _dates(cases.decided[c_sort]),
         "eliminated_on": _dates(cases.eliminated[c_sort])},
        schema=SCHEMAS["monitoring_cases"],
    )  # fmt: skip
    f_sort = np.lexsort((fu.day, case_id[fu.case]))
    monitoring_follow_ups = pa.table(
        {"case_id": case_id[fu.case][f_sort], "on": _dates(fu.day[f_sort]), "income": fu.income[f_sort],
         "rigid_spending": fu.rigid[f_sort], "guarantees_ok": fu.ok[f_sort]},
        schema=SCHEMAS["monitoring_follow_ups"],
    )  # fmt: skip

    answers: list[dict[str, Any]] = []
    late = overdue(cases.status, cases.opened, cases.decided, rules)
    for i in np.flatnonzero(late)[np.argsort(case_id[late])]:
        if cases.decided[i] >= 0:
            text = f"发现后 {cases.decided[i] - cases.opened[i]} 天才确定（时限 {rules.limit} 天）"
        else:
            text = f"识别中，已 {rules.end - cases.opened[i]} 天（时限 {rules.limit} 天）"
        answers.append({"subject": "case", "subject_id": str(case_id[i]), "code": "overdue", "detail": text})
    size = facts["size"][cases.h]
    ready = elimination_ready(cases.status, cases.decided, fu, facts["income"][cases.h], facts["ok"][cases.h], size,
                              rules)  # fmt: skip
    for i in np.flatnonzero(ready)[np.argsort(case_id[ready])]:
        answers.append({"subject": "case", "subject_id": str(case_id[i]), "code": "elimination_ready",
                        "detail": "收入稳定在监测线以上、两不愁三保障稳定实现，可以启动风险消除"})  # fmt: skip
    for a in a_order[alerts.unmatched[a_order]]:
        answers.append({"subject": "alert", "subject_id": str(alert_id[a]), "code": "unmatched",
                        "detail": f"{department[a]}预警对象不在建档立卡系统中"})  # fmt: skip
    channels = np.bincount(np.unique(sources.case * 3 + sources.channel) // 3, minlength=n)
    merged = sorted({(str(reg.hid[cases.h[i]]), int(channels[i])) for i in np.flatnonzero(channels >= 2)})
    for household, k in merged:
        answers.append({"subject": "household", "subject_id": household, "code": "merged",
                        "detail": f"{k} 个渠道的线索归入同一监测对象"})  # fmt: skip
    return {
        "risk_alerts": risk_alerts,
        "monitoring_cases": monitoring_cases,
        "monitoring_sources": monitoring_sources,
        "monitoring_follow_ups": monitoring_follow_ups,
        "monitoring_answers": pa.Table.from_pylist(answers, SCHEMAS["monitoring_answers"]),
    }
