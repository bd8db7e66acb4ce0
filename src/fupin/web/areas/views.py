"""The division tree: the start page, an area's dashboard and map, the export of the units below, search."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from fupin.areas import selectors as area_selectors
from fupin.areas.choices import Classification, Kind
from fupin.cadres import selectors as cadre_selectors
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.permissions import allowed
from fupin.partyorg import selectors as party_selectors
from fupin.registry import selectors as registry_selectors
from fupin.stats.dashboard import dashboard
from fupin.stats.selectors import county_exit_verdict, indicators_pending, indicators_stamp, village_exit_verdict
from fupin.web.common.exports import export_response
from fupin.web.common.paging import bounded_count
from fupin.web.common.params import text_param, viewer_of, year_param

from .todo import todo_for

STRUCTURE_SECONDS = 600
STAMP_SECONDS = 3  # a refresh shows on dashboards within this many seconds
TODO_SECONDS = 60  # the home page's to-do list is at most this old


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    code = getattr(viewer, "area_id", None)  # the user's own area: no lookup needed
    if not code:
        area = area_selectors.area_home(viewer=viewer)
        if area is None:
            return render(request, "core/error.html", {"message": "您的账号尚未绑定区划，请联系管理员。"}, status=403)
        code = area.code
    return area_detail(request, code, todo=True)


@login_required
def area_detail(request: HttpRequest, code: str, *, todo: bool = False) -> HttpResponse:
    """The dashboard of one area: precomputed indicators, charts, map, drill-down to the units below; on the home
    page (``todo``) first the user's to-do list (待办), which is per user and kept for at most ``TODO_SECONDS``.

    The body depends only on the area, the year and the indicator table (scopes are subtrees: whoever may open an
    area sees all of it), so it is rendered once per indicator refresh and kept; a view then costs the session,
    the scope check and one lookup of the latest refresh."""
    viewer = viewer_of(request)
    area, ancestors = area_selectors.area_and_ancestors(viewer=viewer, code=code)
    year = year_param(request)
    # the latest refresh that rewrote this area's indicators (its own, an ancestor's, or one below rolled up)
    stamp, refreshed_at = cast(
        tuple[int, Any],
        cache.get_or_set(f"indicators-stamp:{area.code}", lambda: indicators_stamp(area.code), STAMP_SECONDS),
    )
    key = f"dashboard:{area.code}:{year}:{stamp}"
    cached = cache.get(key)
    if cached is None:
        body, charts = _dashboard_body(request, viewer, area, year, refreshed_at)
        cache.set(key, (body, charts), STRUCTURE_SECONDS)
    else:
        body, charts = cached
    scope = scoping.scope_of(viewer)
    context = {
        "area": area,
        "year": year,
        "ancestors": [(a, scope.contains(a.code)) for a in ancestors],
        "body": body,
        "charts": charts,
        # per user, kept a minute: counting a province's findings by status on every view would cost ~0.8 s
        "todo": cache.get_or_set(f"todo:{viewer.pk}", lambda: todo_for(viewer), TODO_SECONDS) if todo else None,
        "pending": indicators_pending(area.code),  # a write's refresh still queued: the numbers may lag
        "may_check": allowed(viewer, "checks.run", area.code),
        "may_refresh": allowed(viewer, "stats.refresh", area.code),
        "party": party_selectors.village_brief(viewer=viewer, village=area.code)
        if area.level == codes.VILLAGE
        else None,
    }
    return render(request, "web/areas/area_detail.html", context)


def _dashboard_body(
    request: HttpRequest, viewer: Actor, area: Any, year: int, refreshed_at: Any
) -> tuple[SafeString, bool]:

    structure = _area_structure(viewer, area, year)
    data = dashboard(
        viewer=viewer, area=area, year=year, children=[row["area"] for row in structure["children"]],
        counties=structure["counties"],
    )  # fmt: skip
    for row, units in zip(data["children"], structure["children"], strict=True):
        row["townships"], row["villages"] = units.get("level4"), units.get("village")
    context = {
        "area": area,
        "year": year,
        "dashboard": data,
        "refreshed_at": refreshed_at,
        "child_level_name": codes.LEVEL_NAMES.get(area.level + 1, ""),
        "own_classes": [
            c.get_kind_display() for c in area_selectors.area_own_classifications(viewer=viewer, area=area, year=year)
        ],
        **structure,
    }
    context.update(_indicator_context(area, year, data))
    body = render_to_string("web/areas/_dashboard.html", context, request=request)
    return mark_safe(body), bool(data["years"] or data["children"])  # noqa: S308 - our own template's output


def _area_structure(viewer: Actor, area: Any, year: int) -> dict[str, Any]:
    """The units under an area and their classifications: they change only when areas or classifications are
    loaded, so a dashboard keeps them for ten minutes instead of counting 18,000 units on every view. Safe to
    share between viewers: whoever passed ``area_get`` may see every unit under the area (scopes are subtrees)."""
    key = f"area-structure:{area.code}:{year}"
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    children = area_selectors.area_children_stats(viewer=viewer, area=area)
    structure = {
        "level_counts": [
            (codes.LEVEL_NAMES[lvl], n)
            for lvl, n in sorted(area_selectors.area_level_counts(viewer=viewer, area=area).items())
        ],
        "village_kinds": _kind_counts(viewer, area),
        "children": children,
        "classes": [
            (Classification(kind).label, n)
            for kind, n in sorted(area_selectors.classification_counts(viewer=viewer, area=area, year=year).items())
        ],
        "counties": list(area_selectors.area_descendants(viewer=viewer, area=area, level=codes.COUNTY))
        if area.level < codes.COUNTY
        else [],
    }
    cache.set(key, structure, STRUCTURE_SECONDS)
    return structure


def _indicator_context(area: Any, year: int, data: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's tables (the charts' accessible twins) and the area's exit verdict."""
    current = data["current"]
    findings = [(r["title"], r["n"]) for r in data["by_rule"]]
    t = data["trend"]
    trend = list(zip(t["years"], t["poor_people"], t["incidence"], t["exit_people"], strict=True))
    exit_verdict = None
    if current and area.level <= codes.COUNTY:
        exit_verdict = county_exit_verdict(viewer=None, area_code=area.code, year=year, values=current)
    elif current and area.level == codes.VILLAGE:
        exit_verdict = village_exit_verdict(viewer=None, area_code=area.code, year=year, values=current)
    return {
        "ind": current,
        "trend": trend,
        "finding_counts": findings,
        "exit_verdict": exit_verdict,
        # a chart with nothing to draw says why instead (no zero bars, no blank map)
        "children_with_data": any(row.get("poor_people") for row in data["children"]),
        "counties_with_data": any(row.get("poor_people") or row.get("findings") for row in data["counties"]),
    }


def _kind_counts(viewer: Actor, area: Any) -> dict[str, int]:
    if area.level >= codes.VILLAGE:
        return {}
    counts = area_selectors.area_kind_counts(viewer=viewer, area=area, level=codes.VILLAGE)
    order = [Kind.VILLAGE, Kind.COMMUNITY, Kind.OTHER]
    return {Kind(k).label: counts[k] for k in order if counts.get(k)}


@login_required
def area_map(request: HttpRequest, code: str) -> HttpResponse:
    """County outlines under a province or prefecture (GeoJSON) for the choropleth; cached by the browser."""
    from fupin.areas.maps import county_geojson

    area = area_selectors.area_get(viewer=viewer_of(request), code=code)
    if area.level >= codes.COUNTY:
        raise Http404("县级以下不提供地图")
    response = HttpResponse(county_geojson(area.code), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    return response


EXPORT_HEADERS = ["区划代码", "名称", "层级", "类型", "上级代码"]


@login_required
def area_export(request: HttpRequest, code: str, fmt: str) -> HttpResponseBase:
    viewer = viewer_of(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    level_names, kind_names = codes.LEVEL_NAMES, dict(Kind.choices)
    rows = (
        (c, n, level_names[lvl], kind_names.get(k, k), p)
        for c, n, lvl, k, p in area_selectors.area_descendant_rows(viewer=viewer, area=area)
    )
    name = f"{area.name}_下辖区划"
    return export_response(fmt, name, EXPORT_HEADERS, rows)


SEARCH_SHOWN = 20  # rows of each kind on the search page
SEARCH_SHOWN_ONE_KIND = 200  # "更多" of a kind without a list page of its own
SEARCH_COUNTED_UP_TO = 1000
SEARCH_KINDS = {"area": "地区", "household": "贫困户", "person": "人员", "cadre": "干部"}


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The header's box: areas (any part of the name, or a code prefix), households, people and cadres within the
    viewer's area, grouped by kind, each with its count and its first rows; ``kind`` shows one kind alone."""
    viewer = viewer_of(request)
    text = text_param(request, "q")
    kind = request.GET.get("kind", "")
    kind = kind if kind in SEARCH_KINDS else ""
    query = registry_selectors.parse_query(viewer, text)
    groups: list[dict[str, Any]] = []
    if text:
        shown = SEARCH_SHOWN_ONE_KIND if kind else SEARCH_SHOWN
        sources: dict[str, Any] = {
            "area": area_selectors.area_search(viewer=viewer, text=text, limit=SEARCH_COUNTED_UP_TO + 1),
            "household": registry_selectors.household_search(viewer=viewer, text=text),
            "person": registry_selectors.people_search(viewer=viewer, text=text),
            "cadre": cadre_selectors.cadre_find(viewer=viewer, text=text),
        }
        households = f"{reverse('household-list')}?q={quote(text)}"
        more = {"household": households, "person": households}
        for key, rows_of in sources.items():
            if kind and key != kind:
                continue
            rows, n, exact = _first_rows(rows_of, shown, sliced=key == "area")
            if not rows:
                continue
            if key == "area":
                area_selectors.with_paths(rows)  # which county and township: many villages share a name
            elif key == "person":
                for m in rows:
                    m.shown_id = registry_selectors.shown_id(viewer, m.id_number)
            link = more.get(key) or f"{reverse('search')}?q={quote(text)}&kind={key}"
            groups.append({
                "kind": key, "title": SEARCH_KINDS[key], "rows": rows, "n": n, "exact": exact,
                "more": link if (n > len(rows) or not exact) and (key in more or not kind) else "",
            })  # fmt: skip
    context = {"q": text, "kind": kind, "kind_title": SEARCH_KINDS.get(kind, ""), "groups": groups,
               "note": query.note}  # fmt: skip
    return render(request, "web/areas/search.html", context)


def _first_rows(rows_of: Any, shown: int, *, sliced: bool) -> tuple[list[Any], int, bool]:
    """The first ``shown`` rows of a kind, how many there are (counted up to 1,000) and whether that is exact.
    ``sliced``: a selector's list already cut to 1,001 rows (areas: small rows, one query)."""
    if sliced:
        found = list(rows_of)
        return found[:shown], min(len(found), SEARCH_COUNTED_UP_TO), len(found) <= SEARCH_COUNTED_UP_TO
    rows = list(rows_of[: shown + 1])
    n, exact = (len(rows), True) if len(rows) <= shown else bounded_count(rows_of, SEARCH_COUNTED_UP_TO)
    return rows[:shown], n, exact
