"""防返贫监测 for apps: the viewer's cases (by risk), one case with its sources, measures and visits, a report of a
risk (农户申报、干部走访) and a follow-up visit — the same services as the web, scoped and permission-checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from fupin.core.errors import NotFoundError
from fupin.monitoring import selectors, services
from fupin.registry import selectors as registry_selectors

from .common import area_query, next_link, viewer_of

router = Router(tags=["防返贫监测"])
LIMIT = 500


class FactorOut(Schema):
    code: str
    points: int
    text: str


class CaseOut(Schema):
    id: int
    household_no: str
    head_name: str
    village_code: str
    status: str
    group: str
    risk: str
    opened_on: date
    deadline: date
    decided_on: date | None
    eliminated_on: date | None
    score: int | None
    village_rank: int | None
    township_rank: int | None
    elimination_ready: bool


class SourceOut(Schema):
    channel: str
    reported_on: date
    risk: str
    department: str
    detail: str


class MeasureOut(Schema):
    kind: str
    content: str
    responsible: str
    started_on: date
    ended_on: date | None


class FollowUpOut(Schema):
    visited_on: date
    visitor: str
    income_per_capita: Decimal
    rigid_spending: Decimal
    guarantees_ok: bool
    note: str


class CaseDetailOut(CaseOut):
    factors: list[FactorOut]
    elimination_gaps: str
    follow_up_due: date | None
    sources: list[SourceOut]
    measures: list[MeasureOut]
    follow_ups: list[FollowUpOut]


class ReportIn(Schema):
    household_no: str
    channel: str  # self_report | visit
    risk: str
    on: date
    detail: str


class FollowUpIn(Schema):
    visited_on: date
    visitor: str
    income_per_capita: str
    rigid_spending: str = "0"
    guarantees_ok: bool
    note: str = ""


def _case(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "household_no": c.household.household_no,
        "head_name": c.household.head_name,
        "village_code": c.village_id,
        "status": c.status,
        "group": c.group,
        "risk": c.risk,
        "opened_on": c.opened_on,
        "deadline": c.deadline,
        "decided_on": c.decided_on,
        "eliminated_on": c.eliminated_on,
        "score": c.score,
        "village_rank": c.village_rank,
        "township_rank": c.township_rank,
        "elimination_ready": c.elimination_ready,
    }


def _get(request: HttpRequest, case_id: int) -> Any:
    found = selectors.case_get(viewer=viewer_of(request), case_id=case_id)
    if found is None:
        raise NotFoundError("该监测对象不存在或不在您的管辖范围内")
    return found


@router.get(
    "/monitoring/cases",
    response=list[CaseOut],
    summary="监测对象（管辖范围内，按风险评分或发现日期；按游标翻页，下一页见 Link 响应头）",
)
def case_list(
    request: HttpRequest,
    response: HttpResponse,
    *,
    area: str = area_query(),
    status: str = "open",
    group: str = "",
    order: Literal["risk", "opened"] = "risk",
    after: str = Query("", max_length=40, description="上一页 Link 响应头给出的游标"),
    limit: int = Query(100, ge=1, le=LIMIT),
) -> Any:
    rows, cursor = selectors.cases_page(
        viewer=viewer_of(request), area_code=area, status=status, group=group, order=order, after=after, limit=limit
    )
    next_link(request, response, cursor)
    return [_case(c) for c in rows]


@router.get("/monitoring/cases/{case_id}", response=CaseDetailOut, summary="监测对象详情")
def case_detail(request: HttpRequest, case_id: int) -> Any:
    viewer = viewer_of(request)
    c = _get(request, case_id)
    return {
        **_case(c),
        "factors": c.factors,
        "elimination_gaps": c.elimination_gaps,
        "follow_up_due": selectors.follow_up_due(c),
        "sources": selectors.sources(viewer=viewer, case=c),
        "measures": selectors.measures(viewer=viewer, case=c),
        "follow_ups": selectors.follow_ups(viewer=viewer, case=c),
    }


@router.post(
    "/monitoring/reports", response={201: CaseOut}, summary="登记监测线索（农户申报、干部走访），合并到该户的监测对象"
)
def report(request: HttpRequest, data: ReportIn) -> Any:
    viewer = viewer_of(request)
    household = registry_selectors.household_get(viewer=viewer, household_no=data.household_no)
    intake = services.case_intake(
        actor=viewer, household=household, channel=data.channel, on=data.on, risk=data.risk, detail=data.detail
    )
    return Status(201, _case(intake.case))


@router.post("/monitoring/cases/{case_id}/follow-ups", response={201: FollowUpOut}, summary="登记回访")
def follow_up(request: HttpRequest, case_id: int, data: FollowUpIn) -> Any:
    visit = services.follow_up_add(actor=viewer_of(request), case=_get(request, case_id), **data.dict())
    return Status(201, visit)
