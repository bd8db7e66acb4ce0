"""Every read of the village Party organizations, scoped by ``core.scoping`` first: a village's organization and
its history, an area's tallies by child area, the election's tallies, the year's 软弱涣散 list and the approvals
waiting for the viewer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.permissions import require_area
from fupin.policy.selectors import param

from .choices import PENDING_ADJUST, AdjustStatus, CaseStatus, Education, Gender, Post, Source
from .models import (
    Election,
    Guarantee,
    IdentifyRun,
    OrgYear,
    PartyOrg,
    Reserve,
    Review,
    Seat,
    SecretaryAdjustment,
    VillageCadre,
    Visit,
    WeakCase,
)

AGE_BANDS = ((0, 35, "35 岁及以下"), (36, 45, "36–45 岁"), (46, 55, "46–55 岁"), (56, 200, "56 岁及以上"))


def as_of(year: int) -> date:
    """The day an area's picture of ``year`` is taken: its last day, or today in the current year."""
    return min(date(year, 12, 31), timezone.localdate())


def _holding(day: date) -> Q:
    return Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))


def _in_pool(day: date) -> Q:
    return (
        Q(added__lte=day)
        & (Q(promoted__isnull=True) | Q(promoted__gt=day))
        & (Q(removed__isnull=True) | Q(removed__gt=day))
    )


@dataclass
class VillageOrg:
    code: str
    org: PartyOrg | None
    seats: list[Seat]
    history: list[Seat]
    one_shoulder: bool
    vacant_since: date | None  # the secretary's post is vacant since this day (None: filled, or never on record)
    vacant: bool
    reserves: list[Reserve]
    people: list[VillageCadre]
    elections: list[Election]
    reviews: list[Review]
    adjustments: list[SecretaryAdjustment]
    cases: list[WeakCase]
    visits: list[Visit]
    guarantees: list[Guarantee]
    years: list[OrgYear]
    vacancy_days_max: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def others(self) -> list[VillageCadre]:
        """People registered in the village holding no seat now and not in the pool (candidates, former members)."""
        busy = {s.person_id for s in self.seats} | {r.person_id for r in self.reserves}
        return [p for p in self.people if p.pk not in busy]

    @property
    def vacant_days(self) -> int | None:
        return (timezone.localdate() - self.vacant_since).days if self.vacant_since else None


def village_org(*, viewer: Actor | None, village: str) -> VillageOrg:
    """A village's organization as its page shows it: the two committees now (一肩挑 marked), their history, the
    secretary's vacancy, the reserve pool, elections, reviews, adjustments, rectification, visits and guarantees."""
    village = codes.normalize(village)
    require_area(viewer, village)
    today = timezone.localdate()
    seats = scoping.scoped(Seat, viewer).filter(village_id=village).select_related("person", "election")
    board = _board(seats, today)
    return VillageOrg(
        code=village,
        org=scoping.scoped(PartyOrg, viewer).filter(village_id=village).first(),
        seats=board.seats,
        history=list(seats.exclude(pk__in=[s.pk for s in board.seats]).order_by("-start", "committee")[:40]),
        one_shoulder=board.one_shoulder,
        vacant_since=board.vacant_since,
        vacant=board.vacant,
        reserves=list(
            scoping.scoped(Reserve, viewer).filter(village_id=village).filter(_in_pool(today)).select_related("person")
        ),
        people=village_people(viewer=viewer, village=village),
        elections=list(scoping.scoped(Election, viewer).filter(village_id=village).order_by("-round")[:5]),
        reviews=list(
            scoping.scoped(Review, viewer).filter(village_id=village).select_related("person").order_by("-year")[:5]
        ),
        adjustments=list(
            scoping.scoped(SecretaryAdjustment, viewer)
            .filter(village_id=village)
            .select_related("person", "replacement")[:10]
        ),
        cases=list(scoping.scoped(WeakCase, viewer).filter(village_id=village).order_by("-year")[:5]),
        visits=list(scoping.scoped(Visit, viewer).filter(village_id=village)[:10]),
        guarantees=list(scoping.scoped(Guarantee, viewer).filter(village_id=village).order_by("-year")[:5]),
        years=list(scoping.scoped(OrgYear, viewer).filter(village_id=village).order_by("-year")[:5]),
        vacancy_days_max=int(param("secretary_vacancy_days_max", today.year)),
    )


@dataclass
class Board:
    """The village's two committees on a day: the seats held (secretary first), 一肩挑, the secretary's vacancy."""

    seats: list[Seat]
    one_shoulder: bool
    vacant: bool
    vacant_since: date | None  # the last secretary left that day (None: filled, or never on record)


def _board(seats: QuerySet[Seat], day: date) -> Board:
    current = sorted(seats.filter(_holding(day)), key=lambda s: (s.committee, _post_order(s.post), s.person.name))
    heads = {s.post: s.person_id for s in current if s.post in (Post.SECRETARY, Post.DIRECTOR)}
    secretary = heads.get(Post.SECRETARY)
    last_end = None
    if secretary is None:
        last_end = (
            seats.filter(post=Post.SECRETARY, end__isnull=False).order_by("-end").values_list("end", flat=True).first()
        )
    return Board(current, secretary is not None and secretary == heads.get(Post.DIRECTOR), secretary is None, last_end)


@dataclass
class VillageBrief:
    """What a village's dashboard page says of its organization (a few queries, not the whole record)."""

    org: PartyOrg | None
    heads: list[Seat]
    one_shoulder: bool
    vacant: bool
    case: WeakCase | None


def village_brief(*, viewer: Actor | None, village: str) -> VillageBrief:
    """The organization, its secretary and director today, 一肩挑, a vacancy and the latest 软弱涣散 case."""
    village = codes.normalize(village)
    require_area(viewer, village)
    seats = scoping.scoped(Seat, viewer).filter(village_id=village, post__in=[Post.SECRETARY, Post.DIRECTOR])
    board = _board(seats.select_related("person"), timezone.localdate())
    return VillageBrief(
        org=scoping.scoped(PartyOrg, viewer).filter(village_id=village).first(),
        heads=board.seats,
        one_shoulder=board.one_shoulder,
        vacant=board.vacant,
        case=scoping.scoped(WeakCase, viewer).filter(village_id=village).order_by("-year").first(),
    )


def village_people(*, viewer: Actor | None, village: str) -> list[VillageCadre]:
    """The people registered in the village, by name (the candidates an election's results choose from)."""
    return list(scoping.scoped(VillageCadre, viewer).filter(village_id=codes.normalize(village)).order_by("name")[:500])


def elected(*, viewer: Actor | None, election: Election) -> list[Seat]:
    """The seats an election filled, secretary and director first."""
    seats = scoping.scoped(Seat, viewer).filter(election=election).select_related("person")
    return sorted(seats, key=lambda s: (s.committee, _post_order(s.post), s.person.name))


def _post_order(post: str) -> int:
    return [Post.SECRETARY, Post.DIRECTOR, Post.DEPUTY, Post.MEMBER].index(Post(post))


def _by_child(qs: QuerySet[Any], width: int, **aggregates: Any) -> dict[str, dict[str, Any]]:
    rows = qs.annotate(child=Substr("village_id", 1, width)).values("child").annotate(**aggregates)
    return {codes.normalize(r["child"]): r for r in rows}


def area_summary(*, viewer: Actor | None, area_code: str, year: int) -> dict[str, Any]:
    """An area's organizations in ``year`` (as of its last day, or today), per direct child area and in total:
    organizations, members, secretaries in post, vacancies, 一肩挑, the reserve pool, the 软弱涣散 list and its
    rectification, adjustments; and the secretaries by source, age, education and gender."""
    area_code = codes.normalize(area_code)
    require_area(viewer, area_code)
    level = codes.level_of(area_code)
    lo, hi = codes.code_range(area_code)
    width = codes.LEVEL_DIGITS[min(level + 1, codes.VILLAGE)]
    day = as_of(year)
    inside = Q(village_id__gte=lo, village_id__lte=hi)
    orgs = scoping.scoped(PartyOrg, viewer).filter(inside)
    seats = scoping.scoped(Seat, viewer).filter(inside).filter(_holding(day))
    secretaries = seats.filter(post=Post.SECRETARY)
    directors = seats.filter(post=Post.DIRECTOR)
    both = secretaries.filter(person_id__in=directors.values("person_id"))
    pool = scoping.scoped(Reserve, viewer).filter(inside).filter(_in_pool(day))
    cases = scoping.scoped(WeakCase, viewer).filter(inside, year=year)
    adjusted = scoping.scoped(SecretaryAdjustment, viewer).filter(inside, year=year, status=AdjustStatus.APPROVED)
    parts = {
        "orgs": _by_child(orgs, width, n=Count("pk"), members=Sum("members")),
        "secretaries": _by_child(secretaries, width, n=Count("pk")),
        "one_shoulder": _by_child(both, width, n=Count("pk")),
        "pool": _by_child(pool, width, n=Count("pk")),
        "cases": _by_child(
            cases, width, n=Count("pk"),
            passed=Count("pk", filter=Q(status=CaseStatus.PASSED)),
            failed=Count("pk", filter=Q(status=CaseStatus.FAILED)),
        ),
        "adjusted": _by_child(adjusted, width, n=Count("pk")),
    }  # fmt: skip
    children = sorted(set().union(*(p.keys() for p in parts.values())))
    rows = []
    for child in children:
        n_orgs = parts["orgs"].get(child, {}).get("n", 0)
        n_sec = parts["secretaries"].get(child, {}).get("n", 0)
        rows.append({
            "code": child,
            "orgs": n_orgs,
            "members": parts["orgs"].get(child, {}).get("members") or 0,
            "secretaries": n_sec,
            "vacant": max(n_orgs - n_sec, 0),
            "one_shoulder": parts["one_shoulder"].get(child, {}).get("n", 0),
            "pool": parts["pool"].get(child, {}).get("n", 0),
            "weak": parts["cases"].get(child, {}).get("n", 0),
            "passed": parts["cases"].get(child, {}).get("passed", 0),
            "failed": parts["cases"].get(child, {}).get("failed", 0),
            "adjusted": parts["adjusted"].get(child, {}).get("n", 0),
        })  # fmt: skip
    total = {k: sum(r[k] for r in rows) for k in rows[0] if k != "code"} if rows else {}
    people = secretaries.values_list("person__source", "person__education", "person__gender", "person__birth_year")
    source, education, gender, ages = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for src, edu, sex, born in people.iterator(chunk_size=5000):
        source[src] += 1
        education[edu] += 1
        gender[sex] += 1
        age = day.year - born
        ages[next(label for a, b, label in AGE_BANDS if a <= age <= b)] += 1
    return {
        "as_of": day,
        "rows": rows,
        "total": total,
        "source": [(label, source[v]) for v, label in Source.choices],
        "education": [(label, education[v]) for v, label in Education.choices],
        "gender": [(label, gender[v]) for v, label in Gender.choices],
        "ages": [(label, ages[label]) for _, _, label in AGE_BANDS],
    }


def election_tallies(*, viewer: Actor | None, area_code: str, round: int) -> dict[str, Any]:
    """The secretaries chosen in an election round over the area, in the seed's terms: newly chosen (not sent down),
    sent down from organs, and among the newly chosen those from migrant workers and from local capable people."""
    area_code = codes.normalize(area_code)
    require_area(viewer, area_code)
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(Seat, viewer).filter(
        village_id__gte=lo, village_id__lte=hi, election__round=round, post=Post.SECRETARY
    )
    rows = qs.values("new", "person__source").annotate(n=Count("pk"))
    new: Counter[str] = Counter()
    total = re_elected = 0
    for r in rows:
        total += r["n"]
        if r["new"]:
            new[r["person__source"]] += r["n"]
        else:
            re_elected += r["n"]
    sent_down = new.pop(Source.SENT_DOWN, 0)
    return {
        "round": round,
        "secretaries": total,
        "newly_chosen": sum(new.values()),
        "sent_down": sent_down,
        "migrant": new[Source.MIGRANT],
        "local_capable": new[Source.LOCAL_CAPABLE],
        "re_elected": re_elected,
        "by_source": [(label, new[v]) for v, label in Source.choices if v != Source.SENT_DOWN],
    }


def election_rounds(*, viewer: Actor | None, area_code: str) -> list[int]:
    lo, hi = codes.code_range(area_code)
    qs = scoping.scoped(Election, viewer).filter(village_id__gte=lo, village_id__lte=hi)
    return list(qs.order_by("-round").values_list("round", flat=True).distinct())


def weak_list(*, viewer: Actor | None, area_code: str, year: int, status: str = "") -> QuerySet[WeakCase]:
    lo, hi = codes.code_range(codes.normalize(area_code))
    qs = scoping.scoped(WeakCase, viewer).filter(village_id__gte=lo, village_id__lte=hi, year=year)
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("village").order_by("village_id")


def case_get(*, viewer: Actor | None, case_id: int) -> WeakCase:
    item = scoping.scoped(WeakCase, viewer).filter(pk=case_id).select_related("village").first()
    if item is None:
        raise NotFoundError("整顿台账不存在或不在您的管辖范围内")
    return item


STAGE_OF_LEVEL = {codes.TOWNSHIP: AdjustStatus.PENDING_TOWNSHIP, codes.COUNTY: AdjustStatus.PENDING_COUNTY}


def adjustments_pending(
    *, viewer: Actor | None, area_code: str | None = None, own_stage: bool = False
) -> QuerySet[SecretaryAdjustment]:
    """Adjustments waiting for a decision, oldest first; ``own_stage``: only those at the stage the viewer's level
    decides (a township's, then a county's; a superuser's: all)."""
    qs = scoping.scoped(SecretaryAdjustment, viewer).filter(status__in=PENDING_ADJUST)
    if own_stage and viewer is not None and not viewer.is_superuser:
        stage = STAGE_OF_LEVEL.get(viewer.scope_level or 0)
        qs = qs.filter(status=stage) if stage else qs.none()
    if area_code:
        lo, hi = codes.code_range(codes.normalize(area_code))
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    return qs.select_related("person", "village").order_by("created_at")


def adjustments_decided(
    *, viewer: Actor | None, area_code: str, year: int, limit: int = 50
) -> list[SecretaryAdjustment]:
    lo, hi = codes.code_range(codes.normalize(area_code))
    qs = scoping.scoped(SecretaryAdjustment, viewer).filter(village_id__gte=lo, village_id__lte=hi, year=year)
    qs = qs.exclude(status__in=PENDING_ADJUST).select_related("person", "replacement", "village")
    return list(qs.order_by("-decided_on", "-pk")[:limit])


def adjustment_get(*, viewer: Actor | None, adjustment_id: int) -> SecretaryAdjustment:
    item = scoping.scoped(SecretaryAdjustment, viewer).filter(pk=adjustment_id).select_related("person").first()
    if item is None:
        raise NotFoundError("调整建议不存在或不在您的管辖范围内")
    return item


def election_get(*, viewer: Actor | None, election_id: int) -> Election:
    item = scoping.scoped(Election, viewer).filter(pk=election_id).first()
    if item is None:
        raise NotFoundError("换届记录不存在或不在您的管辖范围内")
    return item


def seat_get(*, viewer: Actor | None, seat_id: int) -> Seat:
    item = scoping.scoped(Seat, viewer).filter(pk=seat_id).select_related("person").first()
    if item is None:
        raise NotFoundError("任职记录不存在或不在您的管辖范围内")
    return item


def person_get(*, viewer: Actor | None, person_id: int) -> VillageCadre:
    item = scoping.scoped(VillageCadre, viewer).filter(pk=person_id).first()
    if item is None:
        raise NotFoundError("人员不存在或不在您的管辖范围内")
    return item


def reserve_get(*, viewer: Actor | None, reserve_id: int) -> Reserve:
    item = scoping.scoped(Reserve, viewer).filter(pk=reserve_id).select_related("person").first()
    if item is None:
        raise NotFoundError("后备人选不存在或不在您的管辖范围内")
    return item


def vacancies(*, viewer: Actor | None, area_code: str, limit: int = 200) -> list[dict[str, Any]]:
    """Villages of the area whose secretary's post is vacant today, the longest first, flagged over
    ``secretary_vacancy_days_max`` (the organizations with no secretary on record first)."""
    lo, hi = codes.code_range(codes.normalize(area_code))
    today = timezone.localdate()
    inside = Q(village_id__gte=lo, village_id__lte=hi)
    held = scoping.scoped(Seat, viewer).filter(inside, post=Post.SECRETARY).filter(_holding(today))
    orgs = scoping.scoped(PartyOrg, viewer).filter(inside).exclude(village_id__in=held.values("village_id"))
    last = dict(
        scoping.scoped(Seat, viewer).filter(inside, post=Post.SECRETARY, village_id__in=orgs.values("village_id"))
        .values("village_id").annotate(last=Max("end")).values_list("village_id", "last")
    )  # fmt: skip
    cap = int(param("secretary_vacancy_days_max", today.year))
    out = []
    for code, name in orgs.values_list("village_id", "village__name"):
        since = last.get(code)
        days = (today - since).days if since else None
        out.append({"code": code, "name": name, "since": since, "days": days, "flagged": days is None or days > cap})
    out.sort(key=lambda r: (r["days"] is not None, -int(r["days"] or 0)))
    return out[:limit]


def reserves_available(*, viewer: Actor | None, village: str) -> list[Reserve]:
    return reserves_of(viewer=viewer, villages=[village]).get(codes.normalize(village), [])


def reserves_of(*, viewer: Actor | None, villages: list[str]) -> dict[str, list[Reserve]]:
    """The reserve pools of several villages today, in one query, each by name."""
    today = timezone.localdate()
    qs = scoping.scoped(Reserve, viewer).filter(village_id__in=[codes.normalize(v) for v in villages])
    out: dict[str, list[Reserve]] = {}
    for r in qs.filter(_in_pool(today)).select_related("person").order_by("person__name"):
        out.setdefault(r.village_id, []).append(r)
    return out


def identify_run(*, viewer: Actor | None, area_code: str, year: int) -> dict[str, Any] | None:
    """The latest identification of ``year`` covering the area: over the area itself (with its counts), or over an
    area holding it — a province's or prefecture's run, of which a county sees only that and when it happened (an
    ancestor's totals are outside its scope)."""
    code = codes.normalize(area_code)
    require_area(viewer, code)
    own = scoping.scoped(IdentifyRun, viewer).filter(year=year, area_code=code).first()
    above = IdentifyRun.objects.filter(year=year, area_code__in=codes.ancestor_codes(code)).first()
    run = max((r for r in (own, above) if r is not None), key=lambda r: r.at, default=None)
    if run is None:
        return None
    mine = run is own
    return {"at": run.at, "own": mine, "organizations": run.organizations if mine else None,
            "weak": run.weak if mine else None}  # fmt: skip


def guarantees_short(*, viewer: Actor | None, area_code: str, year: int) -> list[dict[str, Any]]:
    """The area's villages short of the year's basic guarantees (``analytics.partyorg.guarantee_short``)."""
    from fupin.analytics import engines
    from fupin.analytics import partyorg as rules

    from .tables import guarantee_table

    area_code = codes.normalize(area_code)
    require_area(viewer, area_code)
    table = guarantee_table(area_code, year)
    with engines.load({"g": table}, "duckdb") as t:
        hits = rules.guarantee_short(t["g"], year=year, pay_min=float(param("secretary_pay_min", year)),
                                     funds_min=float(param("village_office_funds_min", year))).to_pyarrow()  # fmt: skip
    labels = {
        "pay": "书记报酬低于标准",
        "funds": "办公经费低于标准",
        "pay_unpaid": "报酬未发放",
        "funds_unpaid": "经费未拨付",
    }
    out: dict[str, list[str]] = {}
    for code, criterion in zip(hits["village_code"].to_pylist(), hits["criterion"].to_pylist(), strict=True):
        out.setdefault(code, []).append(labels[criterion])
    return [{"code": c, "reasons": out[c]} for c in sorted(out)]


def visit_coverage(*, viewer: Actor | None, area_code: str, year: int) -> dict[str, int]:
    """遍访 in ``year``: how many of the area's deep-poverty villages and extremely poor townships (the latest lists
    up to that year) an organization department leader visited."""
    from fupin.areas.models import AreaClassification, Classification

    lo, hi = codes.code_range(codes.normalize(area_code))
    lists = scoping.scoped(AreaClassification, viewer).filter(area_id__gte=lo, area_id__lte=hi, year__lte=year)
    out: dict[str, int] = {}
    visited = set(
        scoping.scoped(Visit, viewer).filter(village_id__gte=lo, village_id__lte=hi, date__year=year)
        .values_list("village_id", flat=True).distinct()
    )  # fmt: skip
    targets_of = (
        ("villages", Classification.DEEP_POVERTY_VILLAGE, codes.CODE_LENGTH),
        ("townships", Classification.EXTREMELY_POOR_TOWNSHIP, codes.LEVEL_DIGITS[codes.TOWNSHIP]),
    )
    for key, kind, width in targets_of:
        latest = lists.filter(kind=kind).aggregate(y=Max("year"))["y"]
        targets = set(lists.filter(kind=kind, year=latest).values_list("area_id", flat=True)) if latest else set()
        reached = {codes.normalize(v[:width]) for v in visited}
        out[key], out[f"{key}_visited"] = len(targets), len(targets & reached)
    return out
