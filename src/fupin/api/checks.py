"""核查发现 for apps and other systems: the viewer's findings (by rule, status, area, year; page by page), one
finding, and moving it on in its workflow (分派、核实、办结 — the same service and level rules as the web)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from fupin.analytics.rules import BY_ID
from fupin.checks import selectors, services
from fupin.core.errors import NotFoundError
from fupin.core.paging import keyset_page
from fupin.registry.selectors import shown_id

from .common import area_query, next_link, viewer_of

router = Router(tags=["核查发现"])
LIMIT = 500


class FindingOut(Schema):
    id: int
    year: int
    rule: str
    rule_title: str
    category: str
    severity: str
    village_code: str
    household_no: str
    person_id: str
    explanation: str
    status: str
    status_reason: str
    present: bool


class TransitionIn(Schema):
    to: str
    reason: str = ""


def _finding(request: HttpRequest, f: Any) -> dict[str, Any]:
    rule = BY_ID.get(f.rule_id)
    return {
        "id": f.pk, "year": f.year, "rule": f.rule_id, "rule_title": rule.title if rule else f.rule_id,
        "category": f.category, "severity": f.severity, "village_code": f.village_id,
        "household_no": f.household_no,
        "person_id": shown_id(viewer_of(request), f.person_id) if f.person_id else "",
        "explanation": f.explanation, "status": f.status, "status_reason": f.status_reason, "present": f.present,
    }  # fmt: skip


@router.get(
    "/checks/findings",
    response=list[FindingOut],
    summary="管辖范围内的核查发现（按编号，游标翻页，下一页见 Link 响应头）",
)
def finding_list(
    request: HttpRequest,
    response: HttpResponse,
    *,
    area: str = area_query(),
    rule: str = Query("", max_length=48, description="规则编号，不填为全部"),
    status: str = Query("", max_length=16, description="处理状态（open 待处理 …），不填为全部"),
    year: int | None = Query(None, ge=2000, le=2100),
    after: int | None = Query(None, ge=0, le=2**62, description="上一页 Link 响应头给出的游标"),
    limit: int = Query(200, ge=1, le=LIMIT),
) -> Any:
    qs = selectors.finding_search(
        viewer=viewer_of(request), rule=rule, status=status, area_code=area, year=year, after=after
    )
    rows, cursor = keyset_page(qs, "pk", limit)
    next_link(request, response, cursor)
    return [_finding(request, f) for f in rows]


def _get(request: HttpRequest, finding_id: int) -> Any:
    found = selectors.finding_get(viewer=viewer_of(request), finding_id=finding_id)
    if found is None:
        raise NotFoundError("该核查发现不存在或不在您的管辖范围内")
    return found


@router.get("/checks/findings/{finding_id}", response=FindingOut, summary="核查发现详情")
def finding_detail(request: HttpRequest, finding_id: int) -> Any:
    return _finding(request, _get(request, finding_id))


@router.post("/checks/findings/{finding_id}/transition", response=FindingOut, summary="办理核查发现")
def finding_transition(request: HttpRequest, finding_id: int, body: TransitionIn) -> Any:
    finding = services.finding_transition(
        actor=viewer_of(request), finding=_get(request, finding_id), to=body.to[:16], reason=body.reason[:300]
    )
    return _finding(request, finding)
