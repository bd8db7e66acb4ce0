"""The division tree: an area, the units below it, its classifications (all within the viewer's area)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fupin.areas import selectors as area_selectors

from .common import viewer_of

router = Router(tags=["区划"])


class AreaOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_id: str | None


class AreaDetailOut(AreaOut):
    ancestors: list[AreaOut]
    level_counts: dict[int, int]


class ClassificationOut(Schema):
    area_id: str
    year: int
    kind: str
    note: str


@router.get("/areas/{code}", response=AreaDetailOut, summary="区划详情（仅限管辖范围）")
def area_detail(request: HttpRequest, code: str) -> Any:
    viewer = viewer_of(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "kind": area.kind,
        "parent_id": area.parent_id,
        "ancestors": area_selectors.area_ancestors(area=area),
        "level_counts": area_selectors.area_level_counts(viewer=viewer, area=area),
    }


@router.get("/areas/{code}/children", response=list[AreaOut], summary="下级区划")
def area_children(request: HttpRequest, code: str) -> Any:
    viewer = viewer_of(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    return list(area_selectors.area_children(viewer=viewer, area=area))


@router.get("/areas/{code}/classifications", response=list[ClassificationOut], summary="区划分类（按年度）")
def area_classifications(request: HttpRequest, code: str, year: int | None = None) -> Any:
    viewer = viewer_of(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    return list(area_selectors.classifications(viewer=viewer, year=year, area=area)[:5000])
