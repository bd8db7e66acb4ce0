"""REST API (OpenAPI at /api/docs). Session authentication with CSRF for the browser; every read is scoped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from fupin.areas import selectors as area_selectors
from fupin.audit.selectors import audit_entries
from fupin.core.errors import ApplicationError, PermissionDeniedError

api = NinjaAPI(title="扶贫管理平台 API", version="1", auth=django_auth, urls_namespace="api")


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.http_status)


class AreaOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent_id: str | None


class AreaDetailOut(AreaOut):
    ancestors: list[AreaOut]
    level_counts: dict[int, int]


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    area: AreaOut | None


class ClassificationOut(Schema):
    area_id: str
    year: int
    kind: str
    note: str


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_username: str
    action: str
    entity_type: str
    entity_id: str
    area_code: str
    changes: dict[str, Any]
    hash: str


def _viewer(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@api.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> Any:
    user = _viewer(request)
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "area": user.area,
    }


@api.get("/areas/{code}", response=AreaDetailOut, summary="区划详情（仅限管辖范围）")
def area_detail(request: HttpRequest, code: str) -> Any:
    viewer = _viewer(request)
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


@api.get("/areas/{code}/children", response=list[AreaOut], summary="下级区划")
def area_children(request: HttpRequest, code: str) -> Any:
    viewer = _viewer(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    return list(area_selectors.area_children(viewer=viewer, area=area))


@api.get("/areas/{code}/classifications", response=list[ClassificationOut], summary="区划分类（按年度）")
def area_classifications(request: HttpRequest, code: str, year: int | None = None) -> Any:
    viewer = _viewer(request)
    area = area_selectors.area_get(viewer=viewer, code=code)
    return list(area_selectors.classifications(viewer=viewer, year=year, area=area)[:5000])


@api.get("/audit", response=list[AuditOut], summary="审计记录（按序号倒序，before 翻页）")
def audit(request: HttpRequest, before: int | None = None, entity_type: str = "", entity_id: str = "") -> Any:
    viewer = _viewer(request)
    if not viewer.can_read_audit:
        raise PermissionDeniedError("您的角色不能查看审计记录")
    qs = audit_entries(viewer=viewer, entity_type=entity_type, entity_id=entity_id)
    if before is not None:
        qs = qs.filter(seq__lt=before)
    return list(qs[:200])
