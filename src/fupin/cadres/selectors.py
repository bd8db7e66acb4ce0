"""Which cadres a viewer may see: those of the helping units in the viewer's area, and those posted to a village in
it (a township officer or a first secretary must see who serves there, whichever unit sent them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fupin.core import codes, scoping
from fupin.core.errors import NotFoundError

from .models import Benefit, Cadre, Posting, PostingStatus


def cadres_visible(*, viewer: Any) -> QuerySet[Cadre]:
    posted_here = scoping.scoped(Posting, viewer).values("cadre_id")
    return Cadre.objects.filter(scoping.scope_of(viewer).q("area_id") | Q(pk__in=posted_here))


def cadre_search(
    *, viewer: Any, text: str = "", area_code: str = "", role: str = "", active: bool = False
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


def cadre_get(*, viewer: Any, cadre_id: int) -> Cadre:
    cadre = cadres_visible(viewer=viewer).select_related("unit").filter(pk=cadre_id).first()
    if cadre is None:
        raise NotFoundError("干部不存在或不在您的管辖范围内")
    return cadre


def cadre_postings(*, viewer: Any, cadre: Cadre) -> list[Posting]:
    """The cadre's postings, newest first, with their benefits; all of them (the record of a cadre one may see)."""
    del viewer  # whoever may see the cadre sees the whole record of their postings
    return list(Posting.objects.filter(cadre=cadre).select_related("village").order_by("-start", "-id"))


def posting_benefits(*, postings: list[Posting]) -> dict[int, list[Benefit]]:
    out: dict[int, list[Benefit]] = {}
    for b in Benefit.objects.filter(posting__in=postings).order_by("year", "kind"):
        out.setdefault(b.posting_id, []).append(b)
    return out
