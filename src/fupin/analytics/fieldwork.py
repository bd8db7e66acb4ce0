"""Derived facts of the cadres' field work, as Ibis expressions identical on every engine.

Days are integers (days since 1970-01-01, ``epoch_day``) so that the overlap of a posting or a leave with a month
is integer arithmetic every engine does the same way.

- ``presence``: per posting and period, the days posted, the days away on leave (meetings and work trips for the
  village count as time in the village), the days in the village, the days with a work-log entry, the standard
  pro rata and whether the posting falls short (《关于加强贫困村驻村工作队选派管理工作的指导意见》, 2017: 驻村
  工作队员原则上吃住在村，建立考勤管理和请销假制度; the monthly standard is the parameter
  ``village_days_month_min``).
- ``leave_over_limit``: per posting and year, the days of leave (not counting work for the village) and whether
  they exceed ``leave_days_year_max`` — the ground for proposing a recall (同上：对不胜任、不在岗的及时召回调整).

Check-ins are not an input: nothing here counts time online or ranks people (2024 rules against formalism).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

EPOCH = date(1970, 1, 1)

POSTINGS = pa.schema([("posting_id", pa.int64()), ("start_day", pa.int32()), ("end_day", pa.int32())])
LEAVES = pa.schema(
    [("posting_id", pa.int64()), ("start_day", pa.int32()), ("end_day", pa.int32()), ("in_village", pa.bool_())]
)
LOGS = pa.schema([("posting_id", pa.int64()), ("day", pa.int32())])


def epoch_day(d: date) -> int:
    return (d - EPOCH).days


def _overlap(start: ir.IntegerValue, end: ir.IntegerValue, first: int, last: int) -> ir.IntegerValue:
    """Days of [start, end] inside [first, last] (0 when apart); an open end runs to ``last``."""
    lo = ibis.greatest(start, ibis.literal(first))
    hi = ibis.least(end.fill_null(last), ibis.literal(last))
    return ibis.greatest(hi - lo + 1, ibis.literal(0))


def presence(
    postings: ir.Table,
    leaves: ir.Table,
    logs: ir.Table,
    *,
    first: date,
    last: date,
    standard: int,
    period_days: int | None = None,
) -> ir.Table:
    """One row per posting that overlaps [first, last] (a month, or the current month up to today): posted_days,
    leave_days, village_days, logged_days, required_days (``standard`` for ``period_days`` days — the whole month —
    pro rata to the days posted, rounded up) and short."""
    f, l_ = epoch_day(first), epoch_day(last)
    period = period_days or (l_ - f + 1)
    p = postings.mutate(posted_days=_overlap(postings.start_day, postings.end_day, f, l_))
    p = p.filter(p.posted_days > 0)
    away = leaves.filter(~leaves.in_village)
    away = away.group_by("posting_id").aggregate(leave_days=_overlap(away.start_day, away.end_day, f, l_).sum())
    inside = logs.filter((logs.day >= f) & (logs.day <= l_))
    logged = inside.group_by("posting_id").aggregate(logged_days=inside.day.nunique())
    t = p.left_join(away, "posting_id").left_join(logged, "posting_id")
    leave_days = ibis.least(t.leave_days.fill_null(0), t.posted_days)
    required = (t.posted_days * standard + (period - 1)) // period
    out = t.select(
        posting_id=t.posting_id,
        posted_days=t.posted_days,
        leave_days=leave_days,
        village_days=t.posted_days - leave_days,
        logged_days=t.logged_days.fill_null(0),
        required_days=required,
    )
    return out.mutate(short=out.village_days < out.required_days)


def leave_over_limit(leaves: ir.Table, *, year: int, limit: int) -> ir.Table:
    """Per posting with leave in ``year``: leave_days (the part of each leave inside the year, work for the village
    not counted) and over (more than ``limit``)."""
    f, l_ = epoch_day(date(year, 1, 1)), epoch_day(date(year, 12, 31))
    away = leaves.filter(~leaves.in_village)
    days = away.group_by("posting_id").aggregate(leave_days=_overlap(away.start_day, away.end_day, f, l_).sum())
    days = days.filter(days.leave_days > 0)
    return days.mutate(over=days.leave_days > limit)


SCORES = pa.schema(
    [("posting_id", pa.int64()), ("period", pa.string()), ("rater", pa.string()), ("score", pa.float64())]
)
INSPECTIONS = pa.schema([("posting_id", pa.int64()), ("day", pa.int32()), ("present", pa.bool_())])
VIOLATIONS = pa.schema(
    [("posting_id", pa.int64()), ("day", pa.int32()), ("cap_rank", pa.int32()), ("recall", pa.bool_())]
)
# A weighted mean of scores exactly at a grade line is at the line, whatever the floating-point sum gives.
EPSILON = 1e-6


def ratings(
    postings: ir.Table,
    scores: ir.Table,
    inspections: ir.Table,
    leaves: ir.Table,
    violations: ir.Table,
    *,
    year: int,
    weights: dict[str, float],
    quarters_weight: float,
    grade_min: tuple[float, float, float],
    absence_caps: tuple[int, int, int],
) -> ir.Table:
    """A posted cadre's rating of ``year`` (one row per posting with a score), as ranks 4 = 优秀 … 1 = 不称职.

    - score: each period's score is the raters' weighted mean (``weights``; raters without a score drop out of the
      denominator); the year's is ``quarters_weight`` × the quarters' mean + the rest × the year-end score (either
      alone when the other is missing). 《关于加强贫困村驻村工作队选派管理工作的指导意见》(2017): 年度考核由县级
      党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见.
    - earned: 优秀 from ``grade_min[0]``, 称职 from ``grade_min[1]``, 基本称职 from ``grade_min[2]``, else 不称职.
    - absences: spot checks that found the cadre away on a day no approved leave covers (days counted once);
      ``absence_caps`` (1, 2, 3): that many or more cap the year at 称职, 基本称职, 不称职.
    - violation_cap: the lowest cap of the red lines crossed in the year.
    - rank: the least of earned and the caps."""
    f, l_ = epoch_day(date(year, 1, 1)), epoch_day(date(year, 12, 31))
    weight = ibis.cases(*((scores.rater == r, ibis.literal(float(w))) for r, w in weights.items()), else_=0.0)
    s = scores.mutate(w=weight)
    s = s.filter(s.w > 0)
    per = s.group_by(["posting_id", "period"]).aggregate(ws=(s.score * s.w).sum(), wt=s.w.sum())
    per = per.mutate(ps=per.ws / per.wt)
    quarters = per.filter(per.period != "year")
    q = quarters.group_by("posting_id").aggregate(q=quarters.ps.mean())
    year_end = per.filter(per.period == "year")
    y = year_end.group_by("posting_id").aggregate(y=year_end.ps.max())

    away = inspections.filter(~inspections.present & (inspections.day >= f) & (inspections.day <= l_))
    unexcused = away.anti_join(
        leaves,
        [away.posting_id == leaves.posting_id, away.day >= leaves.start_day, away.day <= leaves.end_day],
    )
    absences = unexcused.group_by("posting_id").aggregate(absences=unexcused.day.nunique())
    crossed = violations.filter((violations.day >= f) & (violations.day <= l_) & violations.cap_rank.notnull())
    capped = crossed.group_by("posting_id").aggregate(violation_cap=crossed.cap_rank.min())

    base = postings.select("posting_id").distinct()
    t = base.left_join(q, "posting_id").left_join(y, "posting_id")
    t = t.left_join(absences, "posting_id").left_join(capped, "posting_id")
    wq = float(quarters_weight)
    score = ibis.cases(
        (t.q.notnull() & t.y.notnull(), t.q * wq + t.y * (1 - wq)),
        (t.y.notnull(), t.y),
        else_=t.q,
    )
    t = t.select(
        posting_id=t.posting_id,
        score=score,
        absences=t.absences.fill_null(0),
        violation_cap=t.violation_cap.fill_null(4),
    )
    t = t.filter(t.score.notnull())
    s = t.score + EPSILON
    earned = ibis.cases((s >= grade_min[0], 4), (s >= grade_min[1], 3), (s >= grade_min[2], 2), else_=1)
    n1, n2, n3 = absence_caps
    absence_cap = ibis.cases((t.absences >= n3, 1), (t.absences >= n2, 2), (t.absences >= n1, 3), else_=4)
    t = t.mutate(earned=earned, absence_cap=absence_cap)
    return t.mutate(rank=ibis.least(t.earned, t.absence_cap, t.violation_cap))


def adjustments_due(rated: ir.Table, leave: ir.Table, violations: ir.Table, *, year: int) -> ir.Table:
    """Postings due for adjustment (召回调整) in ``year``, one row per posting and reason: ``rating`` (the year's
    rating is 不称职), ``leave`` (more leave than allowed: ``leave_over_limit``'s over), ``red_line`` (a red line
    whose consequence is recall). 《关于加强贫困村驻村工作队选派管理工作的指导意见》(2017): 对考核不称职、
    不在岗、违反纪律的及时召回调整. ``rated`` is the output of ``ratings``."""
    f, l_ = epoch_day(date(year, 1, 1)), epoch_day(date(year, 12, 31))
    low = rated.filter(rated["rank"] == 1).select("posting_id", reason=ibis.literal("rating"))
    over = leave.filter(leave.over).select("posting_id", reason=ibis.literal("leave"))
    crossed = violations.filter(violations.recall & (violations.day >= f) & (violations.day <= l_))
    recall = crossed.select("posting_id", reason=ibis.literal("red_line")).distinct()
    return ibis.union(low, over, recall)
