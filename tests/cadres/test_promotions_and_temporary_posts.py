"""Promotions (提拔重用) and temporary posts above the village (挂职): recorded by the organization department,
refused with reasons, rated like every posting, never taken for a village by the dispatch plan."""

from __future__ import annotations

from datetime import date

import pytest

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.cadres.models import Posting, Promotion
from fupin.cadres.services import promotion_record, temporary_post
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.fieldwork.models import Rating
from fupin.fieldwork.services import rating_scores_set, ratings_compute
from tests.factories import make_posting
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db


def test_a_province_cadre_serves_as_deputy_county_head_and_is_rated(client):
    county = make_user("cz-t", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    cadre = make_posting(first_village(COUNTY_A), start=date(2016, 3, 1)).cadre
    Posting.objects.filter(cadre=cadre).update(status="ended", end=date(2017, 2, 28))
    with pytest.raises(ValidationError, match="挂职副县长应挂职到县"):
        temporary_post(actor=None, cadre=cadre, area_code=first_village(COUNTY_A)[:9], role="deputy_county_head",
                       start=date(2018, 3, 1))  # fmt: skip
    posting = temporary_post(actor=None, cadre=cadre, area_code=COUNTY_A, role="deputy_county_head",
                             start=date(2018, 3, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="正在其他地方驻村或挂职"):
        temporary_post(actor=None, cadre=cadre, area_code=COUNTY_A, role="deputy_county_secretary",
                       start=date(2018, 3, 1))  # fmt: skip
    rating_scores_set(actor=county, posting=posting, year=2018, period="year", scores={"sending_unit": 92})
    ratings_compute(actor=county, area_code=COUNTY_A, year=2018)
    assert Rating.objects.get(posting=posting).grade == "优秀"


def test_promotions_are_recorded_by_the_organization_department_only(client):
    cadre = make_posting(first_village(COUNTY_A)).cadre
    county = make_user("cz-p", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    poverty = make_user("fp-p", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY)
    with pytest.raises(PermissionDeniedError):
        promotion_record(actor=poverty, cadre=cadre, on=date(2018, 5, 1), post="提拔为副科级领导干部")
    with pytest.raises(ValidationError, match="2013 年到今天"):
        promotion_record(actor=county, cadre=cadre, on=date(2012, 5, 1), post="提拔为副科级领导干部")
    client.force_login(county)
    page = client.get(f"/cadres/{cadre.pk}/").content.decode()
    assert 'value="promotion"' in page
    response = client.post(f"/cadres/{cadre.pk}/", {"form": "promotion", "on": "2018-05-01", "post": "提拔为乡长"})
    assert response.status_code == 302
    assert Promotion.objects.get().post == "提拔为乡长"
    assert "2018-05-01 提拔为乡长" in client.get(f"/cadres/{cadre.pk}/").content.decode()
    client.force_login(poverty)
    assert 'value="promotion"' not in client.get(f"/cadres/{cadre.pk}/").content.decode()
