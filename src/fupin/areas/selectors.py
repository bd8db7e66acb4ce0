from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.db.models import Count, QuerySet

from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError

from .models import Area, AreaClassification


def areas_visible(*, viewer: Actor | None) -> QuerySet[Area]:
    return scoping.scoped(Area, viewer)


def area_get(*, viewer: Actor | None, code: str) -> Area:
    try:
        code = codes.normalize(code)
    except codes.AreaCodeError:
        raise NotFoundError("区划不存在") from None
    area = areas_visible(viewer=viewer).filter(code=code).select_related("parent").first()
    if area is None:
        raise NotFoundError("区划不存在或不在您的管辖范围内")
    return area


def area_home(*, viewer: Actor | None) -> Area | None:
    """The area a user starts from: their own, or the province for a superuser."""
    if viewer is not None and viewer.area_id:
        return Area.objects.filter(code=viewer.area_id).first()
    if getattr(viewer, "is_superuser", False):
        return Area.objects.filter(level=codes.PROVINCE).order_by("code").first()
    return None


def area_children(*, viewer: Actor | None, area: Area) -> QuerySet[Area]:
    return areas_visible(viewer=viewer).filter(parent=area).order_by("code")


def area_descendants(*, viewer: Actor | None, area: Area, level: int | None = None) -> QuerySet[Area]:
    """All units below ``area`` (optionally of one level): one indexed range scan on the code."""
    lo, hi = area.code_range
    qs = areas_visible(viewer=viewer).filter(code__gt=lo, code__lte=hi)
    if level is not None:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def area_ancestors(*, area: Area) -> list[Area]:
    """Strict ancestors, top first, in one query. Names of ancestors are not secret (breadcrumbs)."""
    wanted = codes.ancestor_codes(area.code, area.level)
    return list(Area.objects.filter(code__in=wanted).order_by("code"))


def area_level_counts(*, viewer: Actor | None, area: Area) -> dict[int, int]:
    """Number of units of each level below ``area`` (villages and communities counted together)."""
    rows = area_descendants(viewer=viewer, area=area).values("level").annotate(n=Count("code")).order_by()
    return {row["level"]: row["n"] for row in rows}


def area_kind_counts(*, viewer: Actor | None, area: Area, level: int) -> dict[str, int]:
    rows = area_descendants(viewer=viewer, area=area, level=level).values("kind").annotate(n=Count("code"))
    return {row["kind"]: row["n"] for row in rows.order_by()}


def area_search(*, viewer: Actor | None, text: str, limit: int = 50) -> QuerySet[Area]:
    text = text.strip()
    qs = areas_visible(viewer=viewer)
    if text.isdigit():
        return qs.filter(code__startswith=text)[:limit]
    return qs.filter(name__contains=text).order_by("level", "code")[:limit]


def classifications(
    *, viewer: Actor | None, year: int | None = None, kind: str | None = None, area: Area | None = None
) -> QuerySet[AreaClassification]:
    qs = scoping.scoped(AreaClassification, viewer).select_related("area")
    if year is not None:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if area is not None:
        lo, hi = area.code_range
        qs = qs.filter(area_id__gte=lo, area_id__lte=hi)
    return qs.order_by("area_id", "kind")


def classification_counts(*, viewer: Actor | None, area: Area, year: int) -> dict[str, int]:
    """Classified units strictly below ``area`` (the area's own classifications are shown as its tags)."""
    rows = (
        classifications(viewer=viewer, year=year, area=area)
        .exclude(area=area)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["kind"]: row["n"] for row in rows}


def area_children_stats(*, viewer: Actor | None, area: Area) -> list[dict[str, Any]]:
    """Each child of ``area`` with the number of units of each level below it — two queries in all."""
    from django.db.models.functions import Substr

    children = list(area_children(viewer=viewer, area=area))
    if not children:
        return []
    digits = codes.LEVEL_DIGITS[area.level + 1]
    rows = (
        area_descendants(viewer=viewer, area=area)
        .filter(level__gt=area.level + 1)
        .annotate(child=Substr("code", 1, digits))
        .values("child", "level", "kind")
        .annotate(n=Count("code"))
        .order_by()
    )
    stats: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = stats.setdefault(row["child"], {})
        bucket[f"level{row['level']}"] = bucket.get(f"level{row['level']}", 0) + row["n"]
        if row["level"] == codes.VILLAGE:
            bucket[row["kind"]] = bucket.get(row["kind"], 0) + row["n"]
    return [{"area": c, **stats.get(c.prefix, {})} for c in children]


AREA_CACHE_SECONDS = 600  # the division tree changes only with ``areas load``


def area_and_ancestors(*, viewer: Actor, code: str) -> tuple[Area, list[Area]]:
    """The area (refused exactly as ``area_get`` refuses it) and its ancestors, top first. The division tree changes
    only with ``areas load``, so both are kept per process (Django's cache) and the viewer's scope is checked on
    every call."""
    from django.core.cache import cache

    try:
        code = codes.normalize(code)
    except codes.AreaCodeError:
        raise NotFoundError("区划不存在") from None
    key = f"area:{code}"
    found = cast("tuple[Area | None, list[Area]] | None", cache.get(key))
    if found is None:
        area = Area.objects.filter(code=code).select_related("parent").first()
        found = (area, area_ancestors(area=area) if area else [])
        cache.set(key, found, AREA_CACHE_SECONDS)
    area, ancestors = found
    if area is None or not scoping.scope_of(viewer).contains(area.code):
        raise NotFoundError("区划不存在或不在您的管辖范围内")
    return area, ancestors


def area_own_classifications(*, viewer: Actor, area: Area, year: int) -> list[AreaClassification]:
    """The classifications of ``area`` itself in ``year`` (its tags on the dashboard), not of the units below."""
    return list(classifications(viewer=viewer, year=year).filter(area=area))


def area_descendant_rows(*, viewer: Actor, area: Area) -> Iterator[tuple[str, str, int, str, str | None]]:
    """(code, name, level, kind, parent code) of every unit below ``area``, streamed in code order (exports)."""
    rows = area_descendants(viewer=viewer, area=area).values_list("code", "name", "level", "kind", "parent_id")
    return cast("Iterator[tuple[str, str, int, str, str | None]]", rows.iterator(chunk_size=5000))


def areas_by_name(*, viewer: Actor | None, name: str, anywhere: bool = False) -> QuerySet[Area]:
    """Units in the viewer's area whose name starts with ``name`` (``anywhere``: holds it), by level, then code.
    Villages are registered as "新华村村民委员会": "新华村" finds them."""
    name = name.strip()
    if not name:
        return areas_visible(viewer=viewer).none()
    lookup = "name__contains" if anywhere else "name__startswith"
    return areas_visible(viewer=viewer).filter(**{lookup: name}).order_by("level", "code")


def area_resolve(*, viewer: Actor | None, name: str, limit: int = 20) -> tuple[Area | None, list[Area]]:
    """The one unit in the viewer's area a typed name means, or (None, the candidates — up to ``limit`` + 1, so a
    caller can tell there are more; none when nothing matches). Names that start with it first; failing those,
    names that hold it. Each candidate carries ``path``: the names of its ancestors below the province."""
    for anywhere in (False, True):
        found = list(areas_by_name(viewer=viewer, name=name, anywhere=anywhere)[: limit + 1])
        if found:
            break
    return (found[0] if len(found) == 1 else None), with_paths(found)


def with_paths(areas: list[Area]) -> list[Area]:
    """``areas``, each given ``path``: the names of its ancestors below the province ("毕节市 威宁… 草海镇"), all in
    one query — what tells apart the many villages called 新华村. Names of ancestors are not secret."""
    wanted = {c for a in areas for c in codes.ancestor_codes(a.code, a.level)[1:]}
    names = dict(Area.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}
    for a in areas:
        a.path = " ".join(names.get(c, "") for c in codes.ancestor_codes(a.code, a.level)[1:])  # type: ignore[attr-defined]
    return areas


def area_names(area_codes: list[str]) -> dict[str, str]:
    """{code: name} of these areas (names are public: the division tree is published by the statistics bureau)."""
    return dict(Area.objects.filter(code__in=[c for c in area_codes if c]).values_list("code", "name"))
