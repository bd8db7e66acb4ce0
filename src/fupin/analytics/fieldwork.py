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
