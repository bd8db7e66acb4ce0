"""核查发现 in the API (issue 22): a township's findings page by page with their rule's title, another county's
missing, and a finding moved on through the service (its level rule and its refusal in Chinese)."""

from __future__ import annotations

import pytest

from fupin.accounts import tokens
from fupin.accounts.models import Role
from fupin.checks.models import CheckRun, Finding
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _finding(village: str, n: int) -> Finding:
    run = CheckRun.objects.first() or CheckRun.objects.create(area_code=village[:6] + "0" * 6, year=2017, engine="x")
    return Finding.objects.create(rule_id="wrong_car", year=2017, household_no=f"{village}{n:05d}", village_id=village,
                                  category="错评", severity="high", explanation="有车", first_run=run,
                                  last_run=run)  # fmt: skip


def test_a_township_lists_moves_on_and_is_refused_in_chinese(client):
    village = first_village(COUNTY_A)
    ours = [_finding(village, n).pk for n in range(1, 4)]
    theirs = _finding(first_village(COUNTY_B), 9)
    township = make_user("chk-town", Role.TOWNSHIP_OFFICER, village[:9] + "000")
    _, secret = tokens.token_create(actor=township, name="对接", days=30, scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    seen, url = [], "/api/checks/findings?limit=2"
    while url:
        response = client.get(url, **auth)
        assert response.status_code == 200
        seen += [f["id"] for f in response.json()]
        link = response.get("Link", "")
        url = link[1 : link.index(">")] if link else ""
    assert seen == ours
    assert client.get(f"/api/checks/findings/{theirs.pk}", **auth).status_code == 404
    moved = client.post(f"/api/checks/findings/{ours[0]}/transition", {"to": "assigned"},
                        content_type="application/json", **auth)  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "assigned"
    refused = client.post(f"/api/checks/findings/{ours[1]}/transition", {"to": "rectified"},
                          content_type="application/json", **auth)  # fmt: skip
    assert refused.status_code == 400
    assert "不能改为" in refused.json()["detail"]
    assert Finding.objects.get(pk=ours[1]).status == "open"
