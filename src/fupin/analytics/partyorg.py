"""Village Party organizations' rules, as Ibis expressions identical on every engine.

Days are integers (days since 1970-01-01); a seat covers every day from ``start_day`` until the day before
``end_day`` (an open seat covers every day).

- ``vacancies``: organizations without a secretary on the as-of day, with the days since the last secretary left
  (null when none is on record) — flagged over ``secretary_vacancy_days_max`` (a warning), and a 软弱涣散
  criterion over ``weak_vacancy_days`` (《关于持续整顿软弱涣散村党组织的通知》及各省认定标准：村党组织书记缺职
  3 个月以上).
- ``weak``: the year's 软弱涣散 criteria per organization (同上: 书记长期缺职; 连续 2 年以上未发展党员; 群众满意度
  低于 60%; 年度评议排名末位且评价为“差”), one row per criterion hit with the value that hit.
- ``guarantee_short``: 基层保障 below the standard (the secretary's pay, the office funds) or not paid.
- ``acceptance``: a rectification's acceptance passes with a score at or above the pass mark unless more than the
  given share of the surveyed say 不满意 (同上：验收 70 分以上为合格；群众测评不满意超过半数的直接认定不合格).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from .fieldwork import epoch_day

ORGS = pa.schema([("village_code", pa.string())])
SEATS = pa.schema(
    [("village_code", pa.string()), ("committee", pa.string()), ("post", pa.string()), ("start_day", pa.int32()),
     ("end_day", pa.int32())]
)  # fmt: skip
ORG_YEARS = pa.schema(
    [("village_code", pa.string()), ("year", pa.int32()), ("new_members", pa.int32()), ("satisfaction", pa.float64())]
)
REVIEWS = pa.schema(
    [("village_code", pa.string()), ("year", pa.int32()), ("grade", pa.string()), ("township_rank", pa.int32()),
     ("township_size", pa.int32())]
)  # fmt: skip
GUARANTEES = pa.schema(
    [("village_code", pa.string()), ("year", pa.int32()), ("secretary_pay", pa.float64()), ("pay_paid", pa.bool_()),
     ("office_funds", pa.float64()), ("funds_paid", pa.bool_())]
)  # fmt: skip
CASES = pa.schema(
    [("village_code", pa.string()), ("year", pa.int32()), ("score", pa.float64()), ("surveyed", pa.int32()),
     ("dissatisfied", pa.int32())]
)  # fmt: skip

SECRETARY = "secretary"
POOR = "poor"
CRITERIA = ("vacancy", "no_members", "satisfaction", "ranking")
OUTPUT = ("village_code", "criterion", "value")


def _hits(t: ir.Table, criterion: str, value: ir.Value) -> ir.Table:
    return t.select(village_code=t.village_code, criterion=ibis.literal(criterion), value=value.cast("float64"))


def vacancies(orgs: ir.Table, seats: ir.Table, *, as_of: date) -> ir.Table:
    """Every organization without a secretary on ``as_of``: village_code, vacant_days (null: none on record)."""
    day = epoch_day(as_of)
    sec = seats.filter((seats.post == SECRETARY) & (seats.start_day <= day))
    holding = sec.filter(sec.end_day.isnull() | (sec.end_day > day)).select("village_code").distinct()
    left = sec.group_by("village_code").aggregate(last_end=sec.end_day.max())
    vacant = orgs.anti_join(holding, "village_code").left_join(left, "village_code")
    return vacant.select(vacant.village_code, vacant_days=(ibis.literal(day) - vacant.last_end).cast("int32"))


def vacancy_flags(orgs: ir.Table, seats: ir.Table, *, as_of: date, limit: int) -> ir.Table:
    """Secretary posts vacant for more than ``limit`` days on ``as_of`` (or with no secretary on record)."""
    v = vacancies(orgs, seats, as_of=as_of)
    return v.filter(v.vacant_days.isnull() | (v.vacant_days > limit))


def weak(
    orgs: ir.Table,
    seats: ir.Table,
    org_years: ir.Table,
    reviews: ir.Table,
    *,
    year: int,
    vacancy_days: int,
    no_member_years: int,
    satisfaction_min: float,
    as_of: date | None = None,
) -> ir.Table:
    """The year's criteria hit, one row per (village_code, criterion) with the value that hit: vacant days, the
    years without a new member, the satisfaction, the rank; vacancies counted on ``as_of`` (the year's last day by
    default) (中组部整顿软弱涣散村党组织的通知及各省认定标准：书记
    缺职 3 个月以上；连续 2 年以上未发展党员；群众满意度低于 60%；年度评议排名末位且评价为“差”)."""
    vac = vacancy_flags(orgs, seats, as_of=as_of or date(year, 12, 31), limit=vacancy_days)
    first = year - no_member_years + 1
    span = org_years.filter((org_years.year >= first) & (org_years.year <= year))
    span = span.semi_join(orgs, "village_code")
    members = span.group_by("village_code").aggregate(years=span.year.nunique(), developed=span.new_members.sum())
    members = members.filter((members.years == no_member_years) & (members.developed == 0))
    this = org_years.filter((org_years.year == year) & (org_years.satisfaction < satisfaction_min))
    this = this.semi_join(orgs, "village_code")
    r = reviews.filter(
        (reviews.year == year) & (reviews.grade == POOR) & (reviews.township_rank == reviews.township_size)
    ).semi_join(orgs, "village_code")
    return ibis.union(
        _hits(vac, "vacancy", vac.vacant_days),
        _hits(members, "no_members", members.years),
        _hits(this, "satisfaction", this.satisfaction),
        _hits(r, "ranking", r.township_rank),
    )


def guarantee_short(guarantees: ir.Table, *, year: int, pay_min: float, funds_min: float) -> ir.Table:
    """One row per (village_code, criterion) short of the year's standard: pay, funds, pay_unpaid, funds_unpaid
    (村干部基本报酬不低于当地农村居民人均可支配收入 2 倍；村级组织办公经费按本省标准足额拨付)."""
    g = guarantees.filter(guarantees.year == year)
    return ibis.union(
        _hits(g.filter(g.secretary_pay < pay_min), "pay", g.secretary_pay),
        _hits(g.filter(g.office_funds < funds_min), "funds", g.office_funds),
        _hits(g.filter(~g.pay_paid), "pay_unpaid", g.secretary_pay),
        _hits(g.filter(~g.funds_paid), "funds_unpaid", g.office_funds),
    )


def acceptance(cases: ir.Table, *, score_min: float, dissatisfied_max: float) -> ir.Table:
    """Each accepted case (score and survey given): passed, and the criteria it failed (score, dissatisfied)
    (整顿验收：70 分以上为合格；群众测评“不满意”超过半数的直接认定为不合格)."""
    c = cases.filter(cases.score.notnull() & cases.surveyed.notnull() & (cases.surveyed > 0))
    low = c.score < score_min
    # more than the share say 不满意: dissatisfied / surveyed > max, compared in integers' terms exactly
    unhappy = c.dissatisfied.cast("float64") > c.surveyed.cast("float64") * dissatisfied_max
    return c.select(c.village_code, c.year, low_score=low, too_dissatisfied=unhappy, passed=~(low | unhappy))
