"""Responsibility lists and quarterly guidance: the county publishes to its cadres, each cadre marks items done
with a work-log entry of theirs, the county sees progress by village; cadres elsewhere never see the list."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.fieldwork import selectors
from fupin.fieldwork.models import Guidance
from fupin.fieldwork.services import ItemInput, LogInput, guidance_done, guidance_publish, worklog_add
from tests.factories import make_posting
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def test_publish_mark_done_with_a_log_and_progress_by_village(client):
    village = first_village(COUNTY_A)
    secretary = make_user("fs-g", Role.FIRST_SECRETARY, village)
    posting = make_posting(village, account=secretary)
    county = make_user("cz-g", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    year = timezone.localdate().year
    items = [ItemInput("走访全部贫困户", date(year, 6, 30)), ItemInput("召开一次群众会")]
    with pytest.raises(ValidationError, match="须写明季度"):
        guidance_publish(actor=county, area_code=COUNTY_A, kind="quarterly", title="要点", year=year, quarter=None,
                         items=items)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        guidance_publish(actor=make_user("fp-g", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY),
                         area_code=COUNTY_A, kind="responsibilities", title="清单", year=year, quarter=None,
                         items=items)  # fmt: skip
    guidance = guidance_publish(actor=county, area_code=COUNTY_A, kind="quarterly", title=f"{year} 年第二季度要点",
                                year=year, quarter=2, items=items)  # fmt: skip
    received = selectors.guidance_for(viewer=secretary, posting=posting, year=year)
    assert [(g.title, [i.title for i, done in rows if done is None]) for g, rows in received] == [
        (f"{year} 年第二季度要点", ["走访全部贫困户", "召开一次群众会"])
    ]
    log = worklog_add(actor=secretary, data=LogInput(kind="meeting", date=timezone.localdate(), content="群众会"))
    first = guidance.items.get(order=2)
    guidance_done(actor=secretary, item=first, log=log)
    with pytest.raises(ValidationError, match="已标记完成"):
        guidance_done(actor=secretary, item=first, log=log)
    progress = selectors.guidance_progress(viewer=county, guidance=guidance, area_code=COUNTY_A)
    assert [(r["village"].code, r["postings"], r["done"], r["share"]) for r in progress] == [(village, 1, 1, 50)]
    # a cadre of another county neither sees the list nor can mark it
    village_b = first_village(COUNTY_B)
    other = make_user("fs-gb", Role.FIRST_SECRETARY, village_b)
    posting_b = make_posting(village_b, account=other)
    assert selectors.guidance_for(viewer=other, posting=posting_b, year=year) == []
    log_b = worklog_add(actor=other, data=LogInput(kind="meeting", date=timezone.localdate(), content="会"))
    with pytest.raises(NotFoundError):
        guidance_done(actor=other, item=first, log=log_b)
    # the web: the county publishes from lines "事项｜时限", the cadre marks done from the phone
    client.force_login(county)
    response = client.post("/field/guidance/", {"kind": "responsibilities", "title": "驻村工作责任清单", "year": year,
                                                "items": "建强村党组织\n发展产业｜2099-01-01"})  # fmt: skip
    assert response.status_code == 400
    assert "不在" in response.content.decode()
    response = client.post("/field/guidance/", {"kind": "responsibilities", "title": "驻村工作责任清单", "year": year,
                                                "items": f"建强村党组织\n发展产业｜{year}-12-31"})  # fmt: skip
    assert response.status_code == 302
    assert Guidance.objects.count() == 2
    assert "100%" not in client.get(response["Location"]).content.decode()
    client.force_login(secretary)
    home = client.get("/field/").content.decode()
    assert "驻村工作责任清单" in home
    item = Guidance.objects.get(title="驻村工作责任清单").items.get(order=1)
    assert client.post(f"/field/guidance/items/{item.pk}/done/", {"log": str(log.pk)}).status_code == 302
    assert "✓ 建强村党组织" in client.get("/field/").content.decode()
