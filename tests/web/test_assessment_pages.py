"""The assessment's pages as each role uses them: the prefecture's organization department makes a scheme, enters
the 观摩 scores, runs it and opens a 约谈 from the bottom result; the township sees its own result and case and
records its 整改; the prefecture closes it. Forms appear only for those who may use them; a refused post writes
nothing; every empty list says why."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area, AreaClassification
from fupin.assessment.models import Case, Result, Scheme
from tests.support import COUNTY_A, PREFECTURE_A, make_user

pytestmark = pytest.mark.django_db
ORG, POV = Department.ORGANIZATION, Department.POVERTY


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def towns():
    codes = list(Area.objects.filter(parent_id=COUNTY_A, level=4).order_by("code").values_list("code", flat=True)[:3])
    for code in codes:
        AreaClassification.objects.create(area_id=code, year=2017, kind="extremely_poor_township")
    return codes


def test_a_prefecture_assesses_its_townships_and_the_last_one_rectifies(client, towns):
    pref = make_user("bj-zzb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=ORG)
    client.force_login(pref)
    page = _text(client.get("/assessment/?year=2017"))
    assert "本地区 2017 年还没有考核方案（在下方制定）" in page
    response = client.post("/assessment/?year=2017", {
        "title": "2017 年极贫乡镇考核", "year": "2017", "assessed": "extremely_poor_townships", "bottom": "1",
        "consequence": "interview", "standard": "on",
    })  # fmt: skip
    scheme = Scheme.objects.get()
    assert response.url == f"/assessment/schemes/{scheme.pk}/"
    page = _text(client.get(response.url))
    assert "权重合计 100 分" in page
    assert "录入：现场观摩评分" in page
    assert "尚未运行考核" in page
    observe = scheme.indicators.get(source="entered").order
    bad = client.post(response.url, {"form": "values", "order": observe, f"v_{towns[0]}": "120"}, follow=True)
    assert "现场观摩评分须在 0–100 之间" in _text(bad)
    client.post(response.url, {"form": "values", "order": observe, f"v_{towns[0]}": "90", f"v_{towns[1]}": "60",
                               f"v_{towns[2]}": "80"})  # fmt: skip
    ran = _text(client.post(response.url, {"form": "run"}, follow=True))
    assert "已完成考核：3 个单位参加排名，末位 1 个" in ran
    assert "缺少数据（按 0 分计）" in ran  # no figures for these townships in the test database
    assert "末位：约谈党政主要负责人" in ran
    last = Result.objects.get(scheme=scheme, bottom=True)
    assert last.area_id == towns[1]

    page = _text(client.get(f"/assessment/results/{last.pk}/"))
    assert "各项得分" in page
    assert "无数据" in page
    assert "约谈、问责立案" in page
    today = timezone.localdate().isoformat()
    opened = client.post(f"/assessment/results/{last.pk}/", {
        "kind": "interview", "subject": "某乡党委书记、乡长", "reason": "考核末位", "opened_on": today,
    })  # fmt: skip
    case = Case.objects.get()
    assert opened.url == f"/assessment/cases/{case.pk}/"
    assert case.evidence[0]["ref"] == str(last.pk)
    page = _text(client.get(opened.url))
    assert "等待被约谈、问责单位制定整改措施" in page
    assert "同意销号" not in page

    town = make_user("t-fpz", Role.TOWNSHIP_OFFICER, towns[1], department=POV)
    client.force_login(town)
    assert client.get(f"/assessment/schemes/{scheme.pk}/").status_code == 404  # the scheme is the prefecture's
    page = _text(client.get("/assessment/?year=2017"))
    assert "本单位考核结果" in page
    assert "末位" in page
    assert "制定考核方案" not in page
    page = _text(client.get(f"/assessment/results/{last.pk}/"))
    assert "约谈、问责立案" not in page
    assert client.post(f"/assessment/results/{last.pk}/", {"kind": "interview"}).status_code == 403
    assert client.post(f"/assessment/cases/{case.pk}/", {"form": "close", "text": "x", "on": today}).status_code == 403
    client.post(
        f"/assessment/cases/{case.pk}/", {"form": "plan", "measures": "逐户复核", "deadline": today, "on": today}
    )
    page = _text(client.get(f"/assessment/cases/{case.pk}/"))
    assert "登记整改进展" in page
    client.post(f"/assessment/cases/{case.pk}/", {"form": "progress", "text": "已复核 120 户", "on": today})
    other = make_user("t2-fpz", Role.TOWNSHIP_OFFICER, towns[0], department=POV)
    client.force_login(other)
    assert client.get(f"/assessment/cases/{case.pk}/").status_code == 404
    assert "没有未办结的约谈问责" in _text(client.get("/assessment/cases/"))

    client.force_login(pref)
    assert "已复核 120 户" in _text(client.get("/assessment/cases/"))
    done = _text(client.post(f"/assessment/cases/{case.pk}/", {"form": "close", "text": "整改到位", "on": today},
                             follow=True))  # fmt: skip
    assert "已销号" in done
    assert Case.objects.get().status == "closed"


def test_the_units_page_grades_for_the_organization_department_only(client):
    county = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    client.force_login(county)
    page = _text(client.get("/assessment/units/?year=2017"))
    assert "尚未评定帮扶单位等次（点上方按钮评定" in page
    done = _text(client.post("/assessment/units/run/", {"year": "2017"}, follow=True))
    assert "已评定 0 个帮扶单位：无派驻干部" in done
    poverty = make_user("wn-fpb", Role.COUNTY_OFFICER, COUNTY_A, department=POV)
    client.force_login(poverty)
    page = _text(client.get("/assessment/units/?year=2017"))
    assert "评定 2017 年等次" not in page
    assert "由党委组织部评定" in page
    refused = _text(client.post("/assessment/units/run/", {"year": "2017"}, follow=True))
    assert "须由" in refused


def test_the_leaders_page_appoints_holds_a_poor_countys_change_and_the_province_approves(client):
    AreaClassification.objects.create(area_id=COUNTY_A, year=2017, kind="poor_county")
    town = Area.objects.filter(parent_id=COUNTY_A, level=4).order_by("code").first()
    pref = make_user("bj-zzb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=ORG)
    client.force_login(pref)
    url = f"/assessment/leaders/?area={COUNTY_A}&year=2017"
    assert "还没有登记威宁彝族回族苗族自治县及下一级的党政领导（在下方登记）" in _text(client.get(url))
    post = {"form": "appoint", "area_code": COUNTY_A, "area": COUNTY_A, "name": "张书记", "post": "party_secretary",
            "title": "县委书记", "on": "2016-03-01"}  # fmt: skip
    client.post(url, post)
    held = _text(client.post(url, {**post, "name": "李书记", "on": "2017-06-01", "reason": "交流任职"}, follow=True))
    assert "尚未摘帽：调整党委书记须报省委组织部审批：已报送审批，批准后生效" in held
    assert "等待省委组织部审批" in held
    leader = _leader_pk()
    done = _text(client.post(url, {"form": "contact", "area_code": COUNTY_A, "leader": leader, "area": town.name,
                                   "kind": "contact", "start": "2017-01-01"}, follow=True))  # fmt: skip
    assert "已确定联系点" in done
    assert "0 次" in done
    admin = make_user("padmin", Role.PROVINCE_ADMIN, "520000000000")
    client.force_login(admin)
    page = _text(client.get(url))
    assert "审批意见（不予批准时必填）" in page
    change = re.search(r'name="change" value="(\d+)"', page).group(1)
    approved = _text(client.post(url, {"form": "decide", "area_code": COUNTY_A, "change": change,
                                       "decision": "approve", "note": ""}, follow=True))  # fmt: skip
    assert "已审批" in approved
    assert "李书记" in approved.split("领导班子 ")[1]


def _leader_pk() -> str:
    from fupin.assessment.models import Leader

    return str(Leader.objects.get(name="张书记").pk)


def test_a_county_records_its_townships_secretaries_debriefings(client):
    town = Area.objects.filter(parent_id=COUNTY_A, level=4).order_by("code").first()
    county = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    client.force_login(county)
    url = f"/assessment/leaders/?area={COUNTY_A}&year=2017"
    assert "2017 年还没有登记下一级党委书记的述职评议（在下方登记）" in _text(client.get(url))
    bad = _text(client.post(url, {"form": "debrief", "area_code": COUNTY_A, "area": town.code, "name": "陈",
                                  "held_on": "2018-01-10", "good": "0", "fairly_good": "0", "average": "0",
                                  "poor": "0"}))  # fmt: skip
    assert "请填写评议票数" in bad
    done = _text(client.post(url, {"form": "debrief", "area_code": COUNTY_A, "area": town.code, "name": "陈",
                                   "held_on": "2018-01-10", "good": "40", "fairly_good": "8", "average": "2",
                                   "poor": "0"}, follow=True))  # fmt: skip
    assert "已登记述职评议" in done
    assert "40 / 8 / 2 / 0" in done
    assert "好</b>" in done
    township = make_user("t-zz", Role.TOWNSHIP_OFFICER, town.code, department=ORG)
    client.force_login(township)
    assert client.get(f"/assessment/leaders/?area={COUNTY_A}&year=2017").status_code == 404  # not its area
