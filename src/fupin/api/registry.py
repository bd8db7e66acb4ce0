"""建档立卡 for apps: the households of the viewer's area (a cadre's device: their village only), page by page, and
one household with its members (ID numbers shown in full only to the roles that may see them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from fupin.core.paging import keyset_page
from fupin.registry import selectors

from .common import area_query, next_link, viewer_of

router = Router(tags=["建档立卡"])
LIMIT = 500


class HouseholdOut(Schema):
    household_no: str
    village_code: str
    head_name: str
    size: int
    group_name: str
    status: str
    attribute: str
    main_cause: str
    identified_year: int
    exit_year: int | None
    monitoring_group: str


class MemberOut(Schema):
    name: str
    id_number: str
    sex: str
    birth_date: date
    relation: str
    student: bool
    health: str
    disability: str


class HouseholdDetailOut(HouseholdOut):
    phone: str
    members: list[MemberOut]


def _household(h: Any) -> dict[str, Any]:
    return {
        "household_no": h.household_no, "village_code": h.village_id, "head_name": h.head_name, "size": h.size,
        "group_name": h.group_name, "status": h.status, "attribute": h.attribute, "main_cause": h.main_cause,
        "identified_year": h.identified_year, "exit_year": h.exit_year, "monitoring_group": h.monitoring_group,
    }  # fmt: skip


@router.get(
    "/registry/households",
    response=list[HouseholdOut],
    summary="管辖范围内的农户（按户编号，游标翻页，下一页见 Link 响应头）",
)
def household_list(
    request: HttpRequest,
    response: HttpResponse,
    *,
    area: str = area_query(),
    status: str = Query("", max_length=16, description="状态（poor 未脱贫、exited 已脱贫 …），不填为全部"),
    after: str = Query("", max_length=40, description="上一页 Link 响应头给出的游标"),
    limit: int = Query(200, ge=1, le=LIMIT),
) -> Any:
    qs = selectors.household_listing(viewer=viewer_of(request), area_code=area, status=status, after=after)
    rows, cursor = keyset_page(qs, selectors.household_cursor, limit)
    next_link(request, response, cursor)
    return [_household(h) for h in rows]


@router.get("/registry/households/{household_no}", response=HouseholdDetailOut, summary="农户详情（含家庭成员）")
def household_detail(request: HttpRequest, household_no: str) -> Any:
    viewer = viewer_of(request)
    household = selectors.household_get(viewer=viewer, household_no=household_no[:24])
    members = [
        {"name": m.name, "id_number": selectors.shown_id(viewer, m.id_number), "sex": m.sex,
         "birth_date": m.birth_date, "relation": m.relation, "student": m.student, "health": m.health,
         "disability": m.disability}
        for m in selectors.household_members(viewer=viewer, household=household)
    ]  # fmt: skip
    return {**_household(household), "phone": household.phone, "members": members}
