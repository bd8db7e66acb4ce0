"""The header's search box finds areas, households, people and cadres within the viewer's area, grouped and counted;
the household list takes a village's name, counts its rows and pages back as well as forward."""

from __future__ import annotations

import re

import pytest

from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.lib.idnumbers import mask
from fupin.registry.models import Household
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_box_says_what_it_searches(client, county_officer):
    client.force_login(county_officer)
    assert 'placeholder="搜索地区、户、人、干部"' in _page(client, "/households/")


def test_a_surname_finds_households_and_people_grouped_and_counted(client):
    household = make_household(first_village(COUNTY_A), head="王国强")
    make_household(first_village(COUNTY_B), head="王二", number=2)  # another county: never shown
    head = household.members.get(name="王国强")
    client.force_login(make_user("pref", Role.PREFECTURE_OFFICER, COUNTY_A[:4] + "00000000"))
    page = _page(client, "/search/", q="王")
    assert 'id="household"' in page
    assert 'id="person"' in page
    assert f"/households/{household.household_no}/" in page
    assert "王二" not in page
    assert mask(head.id_number) in page
    assert head.id_number not in page
    assert page.count("共 1 条") == 2


def test_an_area_by_any_part_of_its_name_and_a_cadre_by_surname(client, county_officer):
    from tests.cadres.test_cadres_and_dispatch import load

    (cadre,) = load([("CA1", "党群")], name="欧阳修")
    township = Area.objects.get(code=first_village(COUNTY_A)[:9] + "000")
    client.force_login(county_officer)
    page = _page(client, "/search/", q=township.name[1:])
    assert f"/areas/{township.code}/" in page
    assert "毕节市 威宁彝族回族苗族自治县" in page  # where it lies
    page = _page(client, "/search/", q="欧阳")
    assert f"/cadres/{cadre.pk}/" in page
    assert 'id="cadre"' in page


def test_an_empty_result_says_why_and_what_to_try(client, county_officer):
    client.force_login(county_officer)
    page = _page(client, "/search/", q="不存在的名字")
    assert "暂无结果：" in page
    assert "可以试试" in page


def test_a_full_id_is_refused_alike_whether_or_not_it_is_registered(client):
    household = make_household(first_village(COUNTY_A))
    pid = household.members.first().id_number
    unknown = pid[:-4] + ("0000" if pid[-4:] != "0000" else "1111")
    client.force_login(make_user("insp", Role.INSPECTOR, COUNTY_A))
    found = _page(client, "/search/", q=pid).replace(pid, "X")
    missing = _page(client, "/search/", q=unknown).replace(unknown, "X")
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", found) == token.sub("", missing)
    assert "不能按完整号码查询" in found
    listing = _page(client, "/households/", q=pid)
    assert f"/households/{household.household_no}/" not in listing
    assert "不能按完整号码查询" in listing


def test_more_links_lead_to_the_filtered_lists(client, county_officer, monkeypatch):
    from fupin.web.areas import views

    monkeypatch.setattr(views, "SEARCH_SHOWN", 1)
    village = first_village(COUNTY_A)
    for n in (1, 2):
        make_household(village, number=n, head=f"王{n}")
    client.force_login(county_officer)
    page = _page(client, "/search/", q="王")
    assert "超过" not in page
    assert "共 2 条，显示前 1 条" in page
    assert 'href="/households/?q=%E7%8E%8B"' in page


def test_the_household_list_takes_a_village_name_and_shows_the_village(client, county_officer):
    village = Area.objects.get(code=first_village(COUNTY_A))
    household = make_household(village.code)
    client.force_login(county_officer)
    page = _page(client, "/households/", area=village.name)
    assert f"/households/{household.household_no}/" in page
    assert "<th>村</th>" in page
    assert f"<td>{village.name}</td>" in page
    assert "共 1 户" in page


def test_an_ambiguous_or_unknown_area_name_is_said_with_the_choices(client):
    client.force_login(make_user("padm", Role.PROVINCE_ADMIN, PROVINCE))
    page = _page(client, "/households/", area="新华村")
    assert "对应" in page
    assert "请选择" in page
    choices = re.findall(r'href="\?q=&area=(\d{12})', page)
    assert len(choices) > 2
    assert all(Area.objects.get(code=c).name.startswith("新华村") for c in choices)
    client.force_login(make_user("cty", Role.COUNTY_OFFICER, COUNTY_A))
    assert "没有名称含“从江县”" in _page(client, "/households/", area="从江县")
    assert client.get("/households/export.csv", {"area": "从江县"}).status_code == 400


def test_the_household_list_pages_back(client, county_officer):
    village = first_village(COUNTY_A)
    Household.objects.bulk_create(
        Household(household_no=f"{village}{k:05d}", village_id=village, attribute="一般贫困户", main_cause="缺资金",
                  identified_year=2015, head_name=f"户主{k}")
        for k in range(1, 56)
    )  # fmt: skip
    client.force_login(county_officer)
    first = _page(client, "/households/")
    assert "共 55 户" in first
    assert "上一页" not in first
    second = _page(client, "/households/" + re.search(r'href="(\?[^"]*after=[^"]+)"', first)[1].replace("&amp;", "&"))
    assert "户主51" in second
    assert "上一页" in second
    assert "下一页" not in second
    back = _page(client, "/households/" + re.search(r'href="(\?[^"]*before=[^"]+)"', second)[1].replace("&amp;", "&"))
    assert re.findall(r"户主\d+", back) == re.findall(r"户主\d+", first)
    assert "上一页" not in back
    assert "下一页" in back
