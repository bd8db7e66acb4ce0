"""A campaign and the five-step method: a prefecture launches it, sets a training for every county, each county
reports its own (with attendance); progress per step and per county; the cases opened during it count under
追责问责; the pages offer each user only what they may do."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.assessment import campaigns, selectors, services
from fupin.assessment.models import CampaignTask
from fupin.core.errors import NotFoundError, ValidationError
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, make_user

pytestmark = pytest.mark.django_db


def test_a_prefectures_campaign_with_a_training_for_every_county(client):
    today = timezone.localdate()
    start = today - timedelta(days=30)
    pref = make_user("bj-fpb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=Department.POVERTY)
    county = make_user("wn-fpb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        campaigns.campaign_launch(actor=pref, area_code=PREFECTURE_A, name="春季攻势", start=today, end=start,
                                  goals="x")  # fmt: skip
    c = campaigns.campaign_launch(actor=pref, area_code=PREFECTURE_A, name="春季攻势", start=start,
                                  end=today + timedelta(days=60), goals="完成危房改造和组组通")  # fmt: skip
    with pytest.raises(NotFoundError):  # the prefecture's campaign is not the county's to set
        campaigns.task_add(actor=county, campaign_id=c.pk, step="training", title="x", due=today)
    with pytest.raises(ValidationError, match="完成时限须在行动期间"):
        campaigns.task_add(actor=pref, campaign_id=c.pk, step="training", title="培训", due=today + timedelta(days=90))
    counties = Area.objects.filter(parent_id=PREFECTURE_A, level=3).count()
    assert campaigns.task_add(actor=pref, campaign_id=c.pk, step="training", title="驻村干部轮训", due=today,
                              level=3) == counties  # fmt: skip
    campaigns.task_add(actor=pref, campaign_id=c.pk, step="policy", title="印发行动方案", due=today)
    mine = CampaignTask.objects.get(campaign=c, area_id=COUNTY_A)
    with pytest.raises(ValidationError, match="参训人数"):
        campaigns.task_done(actor=county, task_id=mine.pk, done_on=today, note="培训 2 天")
    other = make_user("cj-fpb", Role.COUNTY_OFFICER, COUNTY_B, department=Department.POVERTY)
    with pytest.raises(NotFoundError):  # another prefecture's county
        campaigns.task_done(actor=other, task_id=mine.pk, done_on=today, note="x", attendance=1)
    campaigns.task_done(actor=county, task_id=mine.pk, done_on=today, note="培训 2 天", attendance=126)
    org = make_user("bj-zzb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=Department.ORGANIZATION)
    services.case_open(actor=org, area_code=COUNTY_A, kind="interview", subject="县长", reason="行动中发现问题",
                       opened_on=today)  # fmt: skip

    p = selectors.campaign_progress(viewer=org, campaign=c)
    steps = {s["step"]: s for s in p["steps"]}
    assert (steps["training"]["set"], steps["training"]["done"], steps["training"]["attendance"]) == (counties, 1, 126)
    assert steps["policy"]["set"] == 1
    assert p["cases"] == 1
    weining = next(ch for ch in p["children"] if ch["code"] == COUNTY_A)
    assert (weining["set"], weining["done"], weining["share"]) == (1, 1, 100)
    # the county sees the prefecture's campaign and its own part
    assert [x.pk for x in selectors.campaigns_for(viewer=county)] == [c.pk]
    assert [t.area_id for t in selectors.campaign_progress(viewer=county, campaign=c)["mine"]] == [COUNTY_A]

    client.force_login(county)
    page = re.sub(r"\s+", " ", client.get(f"/assessment/campaigns/{c.pk}/").content.decode())
    assert "布置任务" not in page
    assert "培训 2 天，参训 126 人" in page
    client.force_login(pref)
    page = client.get(f"/assessment/campaigns/?year={today.year}").content.decode()
    assert "春季攻势" in page
    task = {"form": "task", "step": "supervision", "title": "暗访督查", "due": today.isoformat(), "level": "4"}
    done = client.post(f"/assessment/campaigns/{c.pk}/", task, follow=True)
    assert "已布置任务" in done.content.decode()
    assert (
        CampaignTask.objects.filter(campaign=c, step="supervision").count()
        == Area.objects.filter(code__startswith=PREFECTURE_A[:4], level=4).count()
    )
