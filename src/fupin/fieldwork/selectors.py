"""Every read of the field work, scoped by ``core.scoping`` first: a cadre's day, the township's approvals, the
tallies of an area, and the presence (days in the village) computed by ``analytics.fieldwork``."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from fupin.cadres.models import Posting
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.permissions import require_area
from fupin.policy.selectors import param

from .choices import PENDING_LEAVE, Grade, LeaveStatus, LogKind, RequestStatus
from .models import (
    Adjustment,
    Guidance,
    GuidanceDone,
    GuidanceItem,
    Inspection,
    LeaveRequest,
    LogTally,
    Rating,
    RatingScore,
    RedLine,
    ResidentRequest,
    Violation,
    WorkLog,
)
from .tables import period_tables


def logs_of_posting(*, viewer: Actor | None, posting: Posting, limit: int = 50) -> list[WorkLog]:
    qs = scoping.scoped(WorkLog, viewer).filter(posting=posting).select_related("household")
    return list(qs.order_by("-date", "-pk")[:limit])


def log_get(*, viewer: Actor | None, log_id: int) -> WorkLog:
    log = scoping.scoped(WorkLog, viewer).select_related("household", "posting").filter(pk=log_id).first()
    if log is None:
        raise NotFoundError("记录不存在或不在您的管辖范围内")
    return log


def household_choices(*, viewer: Actor | None, village: str) -> list[tuple[str, str]]:
    """The village's registered households as (number, "户主（编号后 4 位）"), by head's name: the visit form's list."""
    from fupin.registry.selectors import households_visible

    rows = households_visible(viewer=viewer).filter(village_id=village).order_by("head_name", "household_no")
    return [(no, f"{name or '（未填户主）'}（…{no[-4:]}）")
            for no, name in rows.values_list("household_no", "head_name")[:5000]]  # fmt: skip


def requests_of_village(*, viewer: Actor | None, village: str, open_only: bool = False) -> list[ResidentRequest]:
    qs = scoping.scoped(ResidentRequest, viewer).filter(village_id=village)
    if open_only:
        qs = qs.filter(status=RequestStatus.OPEN)
    return list(qs.order_by("status", "deadline", "pk")[:100])


def request_get(*, viewer: Actor | None, request_id: int) -> ResidentRequest:
    item = scoping.scoped(ResidentRequest, viewer).filter(pk=request_id).first()
    if item is None:
        raise NotFoundError("诉求不存在或不在您的管辖范围内")
    return item


def leaves_of_posting(*, viewer: Actor | None, posting: Posting) -> list[LeaveRequest]:
    return list(scoping.scoped(LeaveRequest, viewer).filter(posting=posting).order_by("-start", "-pk")[:50])


def leave_get(*, viewer: Actor | None, leave_id: int) -> LeaveRequest:
    leave = scoping.scoped(LeaveRequest, viewer).filter(pk=leave_id).select_related("posting__cadre", "village").first()
    if leave is None:
        raise NotFoundError("请假申请不存在或不在您的管辖范围内")
    return leave


def leaves_pending(*, viewer: Actor | None, limit: int = 200) -> QuerySet[LeaveRequest]:
    """Leave waiting for a decision in the viewer's area: the township sees its step, the county its own."""
    qs = scoping.scoped(LeaveRequest, viewer).filter(status__in=PENDING_LEAVE)
    level = getattr(viewer, "scope_level", None)
    if level == codes.TOWNSHIP:
        qs = qs.filter(status=LeaveStatus.PENDING_TOWNSHIP)
    elif level == codes.COUNTY:
        qs = qs.filter(status=LeaveStatus.PENDING_COUNTY)
    return qs.select_related("posting__cadre", "village").order_by("start", "pk")[:limit]


def leaves_decided(*, viewer: Actor | None, limit: int = 30) -> QuerySet[LeaveRequest]:
    qs = scoping.scoped(LeaveRequest, viewer).exclude(status__in=PENDING_LEAVE)
    return qs.select_related("posting__cadre", "village").order_by("-decided_at", "-pk")[:limit]


def adjustments_open(*, viewer: Actor | None) -> list[Adjustment]:
    qs = scoping.scoped(Adjustment, viewer).filter(status="proposed").select_related("posting__cadre", "village")
    return list(qs.order_by("created_at")[:200])


def adjustment_get(*, viewer: Actor | None, adjustment_id: int) -> Adjustment:
    item = scoping.scoped(Adjustment, viewer).filter(pk=adjustment_id).select_related("posting__cadre").first()
    if item is None:
        raise NotFoundError("调整建议不存在或不在您的管辖范围内")
    return item


def _posting_rows(tables: dict[str, pa.Table], posting_id: int) -> dict[str, pa.Table]:
    return {name: t.filter(pc.equal(t.column("posting_id"), posting_id)) for name, t in tables.items()}


def year_leave(*, posting_id: int, year: int) -> int:
    """Days of approved leave of a posting in ``year`` (work for the village not counted): the rule's figure."""
    from fupin.analytics import engines
    from fupin.analytics import fieldwork as rules

    village = Posting.objects.values_list("village_id", flat=True).get(pk=posting_id)
    tables = _posting_rows(period_tables(village, date(year, 1, 1), date(year, 12, 31)), posting_id)
    with engines.load({"leaves": tables["leaves"]}, "duckdb") as t:
        rows = rules.leave_over_limit(t["leaves"], year=year, limit=0).to_pyarrow().to_pylist()
    return int(rows[0]["leave_days"]) if rows else 0


@dataclass(frozen=True)
class Presence:
    year: int
    month: int
    posted_days: int
    leave_days: int
    village_days: int
    logged_days: int
    required_days: int
    short: bool

    @property
    def label(self) -> str:
        return f"{self.year} 年 {self.month} 月"


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _presence(tables: dict[str, pa.Table], year: int, month: int) -> pa.Table:
    """The rule over one month's tables; the current month counts up to today against the whole month's standard
    pro rata (on the 10th, a full-time cadre needs 7 of the 20 days)."""
    from fupin.analytics import engines
    from fupin.analytics import fieldwork as rules

    first, last = _month(year, month)
    with engines.load(tables, "duckdb") as t:
        expr = rules.presence(
            t["postings"], t["leaves"], t["logs"], first=first, last=min(last, timezone.localdate()),
            standard=int(param("village_days_month_min", year)), period_days=last.day,
        )  # fmt: skip
        return expr.to_pyarrow()


def presence_of(posting: Posting, year: int, month: int) -> Presence | None:
    """Days in the village of one posting in one month, from its leave and logs (``analytics.fieldwork.presence``)."""
    tables = _posting_rows(period_tables(posting.village_id, *_month(year, month)), posting.pk)
    rows = _presence(tables, year, month).to_pylist()
    if not rows:
        return None
    r = rows[0]
    return Presence(
        year=year, month=month, posted_days=int(r["posted_days"]), leave_days=int(r["leave_days"]),
        village_days=int(r["village_days"]), logged_days=int(r["logged_days"]),
        required_days=int(r["required_days"]), short=bool(r["short"]),
    )  # fmt: skip


def presence_short(*, viewer: Actor | None, area_code: str, year: int, month: int) -> tuple[int, list[dict[str, Any]]]:
    """The area's postings in the month and those below the days-in-village standard (with cadre and village)."""
    require_area(viewer, area_code)
    table = _presence(period_tables(area_code, *_month(year, month)), year, month)
    short = table.filter(table.column("short")).to_pylist()
    postings = {
        p.pk: p
        for p in scoping.scoped(Posting, viewer)
        .filter(pk__in=[r["posting_id"] for r in short])
        .select_related("cadre", "village")
    }
    rows = [{**r, "posting": postings[r["posting_id"]]} for r in short if r["posting_id"] in postings]
    return table.num_rows, sorted(rows, key=lambda r: (r["posting"].village_id, r["posting"].role))


def amount_text(wan: Decimal | float) -> str:
    """万元 as people write it: 1.62 亿元, 8,350.20 万元."""
    value = float(wan)
    return f"{value / 10000:,.2f} 亿元" if value >= 10000 else f"{value:,.2f} 万元"


@dataclass(frozen=True)
class Tally:
    kind: str
    label: str
    count: int
    amount: Decimal

    @property
    def amount_text(self) -> str:
        return amount_text(self.amount)


def tallies(*, viewer: Actor | None, area_code: str, year: int, month: int | None = None) -> list[Tally]:
    """The seed's tallies (visits, good deeds, difficulties, disputes, projects and funds, meetings) of an area
    and year (or month), summed from the villages' monthly rows over the area's code range."""
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(LogTally, viewer).filter(year=year, village_id__gte=lo, village_id__lte=hi)
    if month is not None:
        qs = qs.filter(month=month)
    sums = {r["kind"]: r for r in qs.values("kind").annotate(n=Sum("count"), a=Sum("amount"))}
    return [
        Tally(kind, str(label), int(sums.get(kind, {}).get("n") or 0), Decimal(sums.get(kind, {}).get("a") or 0))
        for kind, label in LogKind.choices
    ]


def tallies_by_child(*, viewer: Actor | None, area_code: str, year: int) -> list[dict[str, Any]]:
    """Per direct child area (township of a county, village of a township …): entries by kind (in ``LogKind``'s
    order) and the funds brought in, for the table."""
    area_code = codes.normalize(area_code)
    level = codes.level_of(area_code)
    if level >= codes.VILLAGE:
        return []
    lo, hi = codes.code_range(area_code)
    width = codes.LEVEL_DIGITS[level + 1]
    qs = scoping.scoped(LogTally, viewer).filter(year=year, village_id__gte=lo, village_id__lte=hi)
    out: dict[str, dict[str, Any]] = {}
    for village, kind, count, amount in qs.values_list("village_id", "kind", "count", "amount"):
        child = codes.normalize(village[:width])
        row = out.setdefault(child, {"code": child, "counts": dict.fromkeys(LogKind.values, 0), "amount": 0.0})
        row["counts"][kind] += count
        row["amount"] += float(amount)
    return [
        {"code": code, "counts": [out[code]["counts"][k] for k in LogKind.values],
         "amount": amount_text(out[code]["amount"])}
        for code in sorted(out)
    ]  # fmt: skip


def pending_counts(*, viewer: Actor | None, area_code: str) -> dict[str, int]:
    lo, hi = codes.code_range(area_code)
    leaves = scoping.scoped(LeaveRequest, viewer).filter(village_id__gte=lo, village_id__lte=hi)
    requests = scoping.scoped(ResidentRequest, viewer).filter(village_id__gte=lo, village_id__lte=hi)
    overdue = requests.filter(status=RequestStatus.OPEN, deadline__lt=timezone.localdate())
    return {
        "leaves": leaves.filter(status__in=PENDING_LEAVE).count(),
        "requests": requests.filter(status=RequestStatus.OPEN).count(),
        "overdue": overdue.count(),
        "adjustments": scoping.scoped(Adjustment, viewer)
        .filter(village_id__gte=lo, village_id__lte=hi, status="proposed")
        .count(),
    }


def posting_record(*, viewer: Actor | None, posting: Posting, year: int) -> dict[str, Any]:
    """A posted cadre's record for the year: logs by kind, leave, spot checks, red lines, scores and rating."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    logs = scoping.scoped(WorkLog, viewer).filter(posting=posting, date__gte=first, date__lte=last)
    by_kind = dict(logs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    return {
        "logs": [(label, by_kind.get(kind, 0)) for kind, label in LogKind.choices],
        "recent": list(logs.select_related("household").order_by("-date", "-pk")[:10]),
        "leaves": list(scoping.scoped(LeaveRequest, viewer).filter(posting=posting, start__lte=last, end__gte=first)
                       .order_by("-start")),
        "inspections": list(scoping.scoped(Inspection, viewer).filter(posting=posting, date__gte=first,
                                                                       date__lte=last).order_by("-date")),
        "violations": list(scoping.scoped(Violation, viewer).filter(posting=posting).select_related("red_line")
                           .order_by("-date")),
        "scores": list(scoping.scoped(RatingScore, viewer).filter(posting=posting, year=year)
                       .order_by("period", "rater")),
        "rating": scoping.scoped(Rating, viewer).filter(posting=posting, year=year).first(),
        "adjustments": list(scoping.scoped(Adjustment, viewer).filter(posting=posting).order_by("-created_at")),
    }  # fmt: skip


def red_lines(*, active_only: bool = True) -> list[RedLine]:
    """The province's list (the same for everyone: not area data)."""
    qs = RedLine.objects.all()
    return list(qs.filter(active=True) if active_only else qs)


def red_line_get(*, red_line_id: int) -> RedLine:
    item = RedLine.objects.filter(pk=red_line_id, active=True).first()
    if item is None:
        raise NotFoundError("负面清单事项不存在或已停用")
    return item


RATING_FILTERS = {
    "attention": "需关注（受限制等次、基本称职、不称职）",
    "capped": "受限制等次",
    **{grade: grade for grade in Grade.values},
    "all": "全部",
}


def ratings_of_area(
    *, viewer: Actor | None, area_code: str, year: int, show: str = "attention", limit: int = 200
) -> tuple[int, list[Rating]]:
    """The area's ratings of the year that ``show`` selects (``RATING_FILTERS``), worst first: how many, and the
    first ``limit``."""
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(Rating, viewer).filter(year=year, village_id__gte=lo, village_id__lte=hi)
    if show == "attention":
        qs = qs.filter(Q(grade__in=[Grade.BASIC, Grade.INCOMPETENT]) | ~Q(reasons=""))
    elif show == "capped":
        qs = qs.exclude(reasons="")
    elif show in Grade.values:
        qs = qs.filter(grade=show)
    order = ["score", "village_id", "pk"]
    return qs.count(), list(qs.select_related("posting__cadre", "village").order_by(*order)[:limit])


def rating_counts(*, viewer: Actor | None, area_code: str, year: int) -> dict[str, int]:
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(Rating, viewer).filter(year=year, village_id__gte=lo, village_id__lte=hi)
    return dict(qs.values_list("grade").annotate(n=Count("pk")).values_list("grade", "n"))


def referrals(*, viewer: Actor | None, limit: int = 200) -> list[Violation]:
    """Violations of red lines whose consequence is a referral to discipline inspection."""
    qs = scoping.scoped(Violation, viewer).filter(red_line__severity="referral")
    return list(qs.select_related("posting__cadre", "village", "red_line").order_by("-date")[:limit])


def violation_get(*, viewer: Actor | None, violation_id: int) -> Violation:
    item = scoping.scoped(Violation, viewer).filter(pk=violation_id).select_related("red_line").first()
    if item is None:
        raise NotFoundError("记录不存在或不在您的管辖范围内")
    return item


def violations_of_posting(*, viewer: Actor | None, posting: Posting) -> list[Violation]:
    return list(scoping.scoped(Violation, viewer).filter(posting=posting).select_related("red_line").order_by("-date"))


def _latest(model: type[LogTally] | type[Rating], viewer: Actor | None, area_code: str, default: int) -> int:
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(model, viewer).filter(village_id__gte=lo, village_id__lte=hi)
    year = qs.order_by("-year").values_list("year", flat=True).first()
    return int(year) if year else default


def latest_year(*, viewer: Actor | None, area_code: str, default: int) -> int:
    """The latest year with field work recorded in the area (the pages open on it), else ``default``."""
    return _latest(LogTally, viewer, area_code, default)


def latest_rating_year(*, viewer: Actor | None, area_code: str, default: int) -> int:
    """The latest year with ratings in the area (the ratings page opens on it), else ``default``."""
    return _latest(Rating, viewer, area_code, default)


def guidance_for(
    *, viewer: Actor | None, posting: Posting, year: int
) -> list[tuple[Guidance, list[tuple[GuidanceItem, GuidanceDone | None]]]]:
    """The lists published to the posting's village (by it or any area above it) in ``year``, each item with the
    cadre's completion."""
    require_area(viewer, posting.village_id)
    ancestors = [posting.village_id, *codes.ancestor_codes(posting.village_id)]
    lists = list(Guidance.objects.filter(area_code__in=ancestors, year=year).prefetch_related("items"))
    done = {d.item_id: d for d in scoping.scoped(GuidanceDone, viewer).filter(posting=posting)}
    return [(g, [(i, done.get(i.pk)) for i in g.items.all()]) for g in lists]


def guidance_item_get(*, viewer: Actor | None, posting: Posting, item_id: int) -> GuidanceItem:
    item = GuidanceItem.objects.select_related("guidance").filter(pk=item_id).first()
    if item is None or not codes.contains(item.guidance.area_code, posting.village_id):
        raise NotFoundError("事项不存在或不是发给您所在村的")
    require_area(viewer, posting.village_id)
    return item


def guidance_published(*, viewer: Actor | None, area_code: str, limit: int = 50) -> list[Guidance]:
    """Lists published by the area or above it (what its cadres received)."""
    require_area(viewer, area_code)
    ancestors = [codes.normalize(area_code), *codes.ancestor_codes(area_code)]
    return list(Guidance.objects.filter(area_code__in=ancestors).prefetch_related("items")[:limit])


def guidance_progress(*, viewer: Actor | None, guidance: Guidance, area_code: str) -> list[dict[str, Any]]:
    """Per village of the area with cadres posted: how many of the list's items each posting has done."""
    lo, hi = codes.code_range(area_code)
    items = guidance.items.count()
    postings = scoping.scoped(Posting, viewer).filter(status="active", village_id__gte=lo, village_id__lte=hi)
    if not codes.contains(guidance.area_code, codes.normalize(area_code)):
        postings = postings.filter(village_id__gte=codes.code_range(guidance.area_code)[0],
                                   village_id__lte=codes.code_range(guidance.area_code)[1])  # fmt: skip
    done = dict(
        scoping.scoped(GuidanceDone, viewer).filter(item__guidance=guidance, village_id__gte=lo, village_id__lte=hi)
        .values_list("posting_id").annotate(n=Count("pk")).values_list("posting_id", "n")
    )  # fmt: skip
    by_village: dict[str, dict[str, Any]] = {}
    for p in postings.select_related("village", "cadre"):
        row = by_village.setdefault(p.village_id, {"village": p.village, "postings": 0, "done": 0, "complete": 0})
        row["postings"] += 1
        row["done"] += done.get(p.pk, 0)
        row["complete"] += done.get(p.pk, 0) >= items > 0
    for row in by_village.values():
        row["share"] = round(100 * row["done"] / (row["postings"] * items)) if items and row["postings"] else 0
    return sorted(by_village.values(), key=lambda r: (r["share"], r["village"].code))


def village_team(*, viewer: Actor | None, village: str) -> dict[str, Any]:
    """The village's 两委一队三个人 as far as fupin holds it: the work team (first secretary and resident cadres in
    post, with this month's days in the village), and the helpers (帮扶责任人) of its registered households."""
    from fupin.registry.selectors import households_visible

    postings = list(
        scoping.scoped(Posting, viewer).filter(village_id=village, status="active").select_related("cadre__unit")
        .order_by("role", "start")
    )  # fmt: skip
    households = households_visible(viewer=viewer).filter(village_id=village)
    return {
        "postings": postings,
        "households": households.count(),
        "helped": households.exclude(helper=None).count(),
        "helpers": households.exclude(helper=None).values("helper_id").distinct().count(),
    }
