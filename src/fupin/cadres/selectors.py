"""Which cadres a viewer may see: those of the helping units in the viewer's area, and those posted to a village in
it (a township officer or a first secretary must see who serves there, whichever unit sent them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fupin.areas.models import AreaClassification
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.permissions import allowed

from .choices import BenefitKind
from .models import Benefit, Cadre, DispatchPlan, PlanItem, Posting, PostingStatus
from .optimizer import PREFERRED


def cadres_visible(*, viewer: Actor | None) -> QuerySet[Cadre]:
    posted_here = scoping.scoped(Posting, viewer).values("cadre_id")
    return Cadre.objects.filter(scoping.scope_of(viewer).q("area_id") | Q(pk__in=posted_here))


def cadre_search(
    *, viewer: Actor | None, text: str = "", area_code: str = "", role: str = "", active: bool = False
) -> QuerySet[Cadre]:
    """By name; by area (posted to a village in it, or sent by a unit in it); by the role of a current posting."""
    qs = cadres_visible(viewer=viewer).select_related("unit")
    if text.strip():
        qs = qs.filter(name=text.strip())
    postings = Posting.objects.filter(status=PostingStatus.ACTIVE) if active or role else Posting.objects.all()
    if role:
        postings = postings.filter(role=role)
    if active or role:
        qs = qs.filter(pk__in=postings.values("cadre_id"))
    if area_code:
        try:
            lo, hi = codes.code_range(area_code)
        except codes.AreaCodeError:
            return qs.none()
        served = postings.filter(village_id__gte=lo, village_id__lte=hi).values("cadre_id")
        qs = qs.filter(Q(pk__in=served) | Q(area_id__gte=lo, area_id__lte=hi))
    return qs.order_by("id")


def cadre_get(*, viewer: Actor | None, cadre_id: int) -> Cadre:
    cadre = cadres_visible(viewer=viewer).select_related("unit").filter(pk=cadre_id).first()
    if cadre is None:
        raise NotFoundError("干部不存在或不在您的管辖范围内")
    return cadre


def posting_get(*, viewer: Actor | None, posting_id: int) -> Posting | None:
    """A posting to a village in the viewer's area (None otherwise)."""
    return scoping.scoped(Posting, viewer).select_related("cadre", "village").filter(pk=posting_id).first()


def cadre_promotions(*, viewer: Actor | None, cadre: Cadre) -> list[Any]:
    """The cadre's promotions (提拔重用), newest first (whoever may see the cadre sees them)."""
    del viewer
    return list(cadre.promotions.order_by("-on", "-pk"))


def cadre_postings(*, viewer: Actor | None, cadre: Cadre) -> list[Posting]:
    """The cadre's postings, newest first, with their benefits; all of them (the record of a cadre one may see)."""
    del viewer  # whoever may see the cadre sees the whole record of their postings
    return list(Posting.objects.filter(cadre=cadre).select_related("village").order_by("-start", "-id"))


def posting_benefits(*, postings: list[Posting]) -> dict[int, list[Benefit]]:
    out: dict[int, list[Benefit]] = {}
    for b in Benefit.objects.filter(posting__in=postings).order_by("year", "kind"):
        out.setdefault(b.posting_id, []).append(b)
    return out


def benefit_totals(*, viewer: Actor | None, area_code: str, year: int, limit: int = 50) -> list[dict[str, Any]]:
    """Benefits paid in ``year`` for postings in the area, per sending unit: the total and each kind, largest first."""
    from django.db.models import Sum

    lo, hi = codes.code_range(area_code)
    rows = (
        scoping.scoped(Benefit, viewer).filter(year=year, village_id__gte=lo, village_id__lte=hi)
        .values("posting__cadre__unit__name", "kind").annotate(total=Sum("amount"))
    )  # fmt: skip
    units: dict[str, dict[str, Any]] = {}
    for r in rows:
        unit = units.setdefault(r["posting__cadre__unit__name"], {"unit": r["posting__cadre__unit__name"],
                                                                   "total": 0, "kinds": {}})  # fmt: skip
        unit["total"] += r["total"] or 0
        unit["kinds"][r["kind"]] = r["total"] or 0
    for unit in units.values():
        unit["amounts"] = [unit["kinds"].get(k, 0) for k in BenefitKind.values]
    return sorted(units.values(), key=lambda u: -u["total"])[:limit]


def cadre_search_after(
    *,
    viewer: Actor,
    text: str = "",
    area_code: str = "",
    role: str = "",
    active: bool = False,
    after: int | None = None,
) -> QuerySet[Cadre]:
    """``cadre_search`` continuing after the id ``after`` (keyset paging: no COUNT, no OFFSET)."""
    qs = cadre_search(viewer=viewer, text=text, area_code=area_code, role=role, active=active)
    return qs.filter(id__gt=after) if after is not None else qs


def current_postings(*, viewer: Actor, cadres: list[Cadre]) -> dict[int, Posting]:
    """The active posting of each of ``cadres`` (by cadre id), its village loaded; only for cadres the viewer may
    see (``cadres_visible``), whose whole record of postings they may see wherever the village is."""
    visible = cadres_visible(viewer=viewer).filter(pk__in=[c.pk for c in cadres]).values("pk")
    rows = Posting.objects.filter(cadre__in=visible, status=PostingStatus.ACTIVE).select_related("village")
    return {p.cadre_id: p for p in rows}


def dispatch_plannable(viewer: Actor) -> bool:
    """Whether the viewer may generate dispatch plans: one who may write on their own area (a superuser without
    an area plans for the province)."""
    if viewer.area_id:
        return allowed(viewer, "dispatch.plan", viewer.area_id)
    return bool(viewer.is_superuser)


def dispatch_plans_recent(*, viewer: Actor, limit: int = 30) -> list[DispatchPlan]:
    return list(scoping.scoped(DispatchPlan, viewer).order_by("-created_at")[:limit])


def dispatch_plan_get(*, viewer: Actor, plan_id: int) -> DispatchPlan | None:
    return scoping.scoped(DispatchPlan, viewer).filter(pk=plan_id).first()


def plan_editable(viewer: Actor, plan: DispatchPlan) -> bool:
    """A plan may be changed (items set, approved) while it is a draft, by one who may write on its area."""
    return plan.status == "draft" and allowed(viewer, "dispatch.approve", plan.area_code)


def plan_items(*, plan: DispatchPlan) -> list[PlanItem]:
    """A plan's items with their cadres and villages, by village and role (whoever sees the plan sees all of it)."""
    return list(plan.items.select_related("cadre", "cadre__unit", "village").order_by("village_id", "role", "id"))


def plan_item_get(*, viewer: Actor, plan: DispatchPlan, item_id: int) -> PlanItem | None:
    return scoping.scoped(PlanItem, viewer).filter(plan=plan, pk=item_id).first()


def cadre_by_person_id(*, viewer: Actor, person_id: str) -> Cadre | None:
    """The cadre with this ID number among those of the units in the viewer's area."""
    return scoping.scoped(Cadre, viewer).filter(person_id=person_id).first()


def cadre_find(*, viewer: Actor | None, text: str) -> QuerySet[Cadre]:
    """Cadres the viewer may see whose name starts with ``text`` (a surname finds all who bear it), by name, with
    their units: the site-wide search's cadres."""
    text = "".join(text.split())
    if not text:
        return Cadre.objects.none()
    return cadres_visible(viewer=viewer).filter(name__startswith=text).select_related("unit").order_by("name", "id")


def dispatch_default_round(*, viewer: Actor) -> int | None:
    """The round the dispatch form offers first: the latest year in which villages of the viewer's area need a first
    secretary (poor, deep-poverty, weak, … villages), else the latest year with any classification there; None when
    the area has no classification at all."""
    lo, hi = codes.code_range(viewer.area_id or "520000000000")
    rows = AreaClassification.objects.filter(area_id__gte=lo, area_id__lte=hi)
    year = rows.filter(kind__in=list(PREFERRED)).order_by("-year").values_list("year", flat=True).first()
    if year is None:
        year = rows.order_by("-year").values_list("year", flat=True).first()
    return year
