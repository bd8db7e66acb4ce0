"""The village Party organizations' pages: a township officer runs an election and proposes an adjustment on the
web, the county approves it with a replacement from the pool; the lists, the 软弱涣散 identification and a case's
acceptance; each page offers only the forms the viewer may use, and another county's villages are not found."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.partyorg.models import Election, Seat, SecretaryAdjustment, VillageCadre, WeakCase
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db
ORG = Department.ORGANIZATION


def _ok(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_election_adjustment_and_the_pages_through_the_web(client):
    village = first_village(COUNTY_A)
    town = make_user("w-town", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=ORG)
    county = make_user("w-county", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    poverty = make_user("w-poverty", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY)
    url = f"/party/village/{village}/"
    client.force_login(town)
    page = _ok(client.get(url))
    assert "登记人员" in page
    assert "启动换届" in page
    assert "没有在任的两委成员记录" in page
    for i, (name, reserve) in enumerate([("张书记", False), ("李委员", False), ("王后备", True)]):
        data = {"form": "person", "name": name, "gender": "男", "birth_year": 1975 + i, "education": "senior",
                "source": "local_capable", **({"reserve": "on"} if reserve else {})}  # fmt: skip
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:800]
    bad = {"form": "person", "name": "", "gender": "男", "birth_year": 1800, "education": "senior",
           "source": "local_capable"}  # fmt: skip
    assert "这个字段是必填项" in _ok(client.post(url, bad))  # the form's own check
    refused = _ok(client.post(url, {**bad, "name": "赵某"}))  # the service's: the form keeps the values
    assert "出生年份须在" in refused
    assert 'value="赵某"' in refused
    assert VillageCadre.objects.count() == 3
    assert "请先登记组织类型" in _ok(client.post(url, {"form": "election", "round": 11, "branch_seats": 3,
                                                       "villagers_seats": 3}))  # fmt: skip
    assert client.post(url, {"form": "org", "kind": "branch", "members": 28}).status_code == 302
    assert (
        client.post(url, {"form": "election", "round": 11, "branch_seats": 3, "villagers_seats": 3}).status_code == 302
    )
    election = Election.objects.get()
    eurl = f"/party/elections/{election.pk}/"
    today = timezone.localdate().isoformat()
    for step in ("推荐", "考察"):
        assert f"办理“{step}”" in _ok(client.get(eurl))
        assert client.post(eurl, {"on": today}).status_code == 302
    people = {p.name: p.pk for p in VillageCadre.objects.all()}
    page = _ok(client.post(eurl, {"on": today, "person_0": people["张书记"], "seat_0": "branch/secretary",
                                  "person_1": people["李委员"], "seat_1": "branch/secretary"}))  # fmt: skip
    assert "只能有一名书记" in page
    assert not Seat.objects.exists()
    page = _ok(client.post(eurl, {"on": today, "person_0": people["张书记"]}))
    assert "人员和职务须同时选择" in page
    response = client.post(eurl, {"on": today, "person_0": people["张书记"], "seat_0": "branch/secretary",
                                  "person_1": people["张书记"], "seat_1": "villagers/director",
                                  "person_2": people["李委员"], "seat_2": "branch/member"})  # fmt: skip
    assert response.status_code == 302
    page = _ok(client.get(url))
    assert "一肩挑" in page
    assert "张书记" in page
    assert "第11届新任" in page
    year = timezone.localdate().year
    assert client.post(url, {"form": "review", "year": year, "grade": "poor", "township_rank": 5,
                             "township_size": 5}).status_code == 302  # fmt: skip
    assert client.post(url, {"form": "propose", "year": year, "reason": "incompetent",
                             "evidence": "评议为差"}).status_code == 302  # fmt: skip
    item = SecretaryAdjustment.objects.get()
    assert "不胜任）：待乡镇党委审核" in _ok(client.get("/"))  # the township's to-do list
    page = _ok(client.get("/party/adjustments/"))
    assert "待乡镇党委审核" in page
    assert "提交" in page
    assert client.post("/party/adjustments/", {"id": item.pk, "decision": "approve", "note": "同意"}).status_code == 302
    page = _ok(client.get("/party/adjustments/"))
    assert "须由县" in page  # the township waits for the county now
    client.force_login(county)
    assert "不胜任）：待县委组织部审批" in _ok(client.get("/"))
    page = _ok(client.get(f"/party/adjustments/?area={COUNTY_A}"))
    assert "王后备" in page
    reserve = re.search(r'<option value="(\d+)">王后备', page).group(1)
    response = client.post("/party/adjustments/", {"id": item.pk, "decision": "approve", "note": "",
                                                   "replacement": reserve, "on": today})  # fmt: skip
    assert response.status_code == 302
    assert Seat.objects.get(post="secretary", end__isnull=True).person.name == "王后备"
    page = _ok(client.get(url))
    assert "王后备" in page
    assert "调整：不胜任" in page
    dash = _ok(client.get(f"/party/?area={COUNTY_A}"))
    assert "调整书记" in dash
    assert "村党组织书记结构" in dash
    assert "第11届" in dash
    assert "村党组织书记 王后备；" in _ok(client.get(f"/areas/{village}/"))
    # the county identifies; the village with the poor last-ranked review is not weak now (its secretary changed
    # but the review stays the year's): it is listed
    assert client.post(f"/party/weak/?area={COUNTY_A}&year={year}", {"form": "identify", "year": year,
                                                                      "area": COUNTY_A}).status_code == 302  # fmt: skip
    case = WeakCase.objects.get()
    page = _ok(client.get(f"/party/weak/?area={COUNTY_A}&year={year}"))
    assert "评议排名末位" in page
    page = _ok(client.get(f"/party/weak/{case.pk}/"))
    assert "登记进展" in page
    assert "制定整顿方案后才能验收" in page
    plan = {"form": "plan", "measures": "选优配强书记", "leader": "县委组织部王部长", "first_secretary_part": "",
            "deadline": f"{year + 1}-06-30"}  # fmt: skip
    assert client.post(f"/party/weak/{case.pk}/", plan).status_code == 302
    bad = _ok(client.post(f"/party/weak/{case.pk}/", {"form": "accept", "score": "69.95", "surveyed": 30,
                                                      "dissatisfied": 0, "on": today}))  # fmt: skip
    assert "验收得分最多 1 位小数" in bad
    response = client.post(f"/party/weak/{case.pk}/", {"form": "accept", "score": "69.9", "surveyed": 30,
                                                       "dissatisfied": 0, "on": today})  # fmt: skip
    assert response.status_code == 302
    assert "低于 70 分" in _ok(client.get(f"/party/weak/{case.pk}/"))
    case.refresh_from_db()
    assert case.status == "failed"
    # the poverty office sees the page without any form; another county's village is not found
    client.force_login(poverty)
    page = _ok(client.get(url))
    assert "登记人员" not in page
    assert "启动换届" not in page
    assert "离任" not in page
    assert client.post(url, {"form": "person", "name": "x"}).status_code == 403
    assert client.get(f"/party/village/{first_village(COUNTY_B)}/").status_code == 404
    assert client.get(f"/party/weak/{case.pk}/").status_code == 200
    assert "登记验收结果" not in _ok(client.get(f"/party/weak/{case.pk}/"))
