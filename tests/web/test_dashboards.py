"""Dashboards: what they show comes from the precomputed indicators, stays in the viewer's area, and is exportable."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.areas.services import area_classification_set
from fupin.cadres.models import Posting
from fupin.checks.models import Finding, FindingStatus
from fupin.checks.services import check_run, finding_transition
from fupin.stats.dashboard import dashboard
from fupin.stats.models import IndicatorValue
from fupin.stats.services import indicators_refresh
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(tmp_path):
    """Two poor households in county A (one with a car → 错评 finding, both in C-grade houses → housing findings),
    one in county B; a first secretary in one of county A's two poor villages; checks and indicators run."""
    from fupin.external.services import external_load
    from tests.checks.test_check_runs_and_findings import write_vehicles

    village = first_village(COUNTY_A)
    other = Area.objects.filter(parent_id=Area.objects.get(code=village).parent_id, level=5).exclude(code=village)[0]
    h1 = make_household(village, number=1, size=2)
    make_household(village, number=2, size=3)
    make_household(first_village(COUNTY_B), number=1, size=4)
    owner = h1.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 31000)])
    )
    for code in (village, other.code):
        area_classification_set(actor=None, area_code=code, year=2017, kind="poor_village")
    from tests.cadres.test_cadres_and_dispatch import load

    cadre = load([("CA1", "党群")])[0]
    Posting.objects.create(cadre=cadre, village_id=village, role="first_secretary", round=2017, start=date(2017, 3, 1))
    check_run(actor=None, year=2017, area_code=PROVINCE)
    return village


def test_dashboard_reads_indicators_only_and_rolls_up_status_and_coverage(checked, django_assert_max_num_queries):
    admin = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    finding = Finding.objects.filter(rule_id="wrong_car").get()
    finding_transition(actor=admin, finding=finding, to=FindingStatus.ASSIGNED, reason="请村里入户核实")
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    prefecture = Area.objects.get(code=PREFECTURE_A)
    children = list(Area.objects.filter(parent=prefecture).order_by("code"))
    counties = list(Area.objects.filter(code__startswith="5205", level=3).order_by("code"))
    with django_assert_max_num_queries(3):  # the series, the children's values, the counties' values
        data = dashboard(viewer=admin, area=prefecture, year=2017, children=children, counties=counties)
    assert data["current"]["poor_people"] == 5
    assert data["trend"]["years"] == [2014, 2015, 2016, 2017]
    statuses = {s["status"]: s["n"] for s in data["by_status"]}
    assert statuses["assigned"] == 1
    assert sum(statuses.values()) == data["current"]["findings"]
    assert {r["rule"] for r in data["by_rule"]} >= {"wrong_car"}
    assert data["coverage"] == {"needed": 2, "covered": 1}
    weining = next(c for c in data["children"] if c["code"] == COUNTY_A)
    assert weining["poor_people"] == 5
    assert weining["fs_needed"] == 2
    assert len(data["counties"]) == 8  # 毕节市's counties on the map
    json.dumps(data)  # the page embeds it as JSON


def test_a_county_officer_sees_no_other_county_on_the_dashboard(checked):
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    officer = make_user("cty", Role.COUNTY_OFFICER, COUNTY_A)
    province = Area.objects.get(code=PROVINCE)
    data = dashboard(viewer=officer, area=province, year=2017, children=[], counties=list(Area.objects.filter(level=3)))
    assert data["current"] == {}  # the province's own totals are not the county officer's to read
    assert all(set(c) == {"code", "name"} for c in data["counties"] if c["code"] != COUNTY_A)


def test_approving_a_plan_updates_coverage_without_a_full_refresh(checked):
    from fupin.cadres.services import dispatch_plan, plan_approve
    from tests.cadres.test_cadres_and_dispatch import load

    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2018)
    load([("CA1", "经济"), ("CA1", "农业")])
    village = checked
    for code in Area.objects.filter(parent_id=Area.objects.get(code=village).parent_id, level=5).values_list(
        "code", flat=True
    )[:2]:
        area_classification_set(actor=None, area_code=code, year=2018, kind="poor_village")
    before = IndicatorValue.objects.filter(area_code=COUNTY_A, year=2018, key="fs_covered").first()
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=2018)
    with pytest.MonkeyPatch.context() as mp:  # the test's transaction never commits: run on_commit work now
        mp.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        plan_approve(actor=None, plan=plan, start=date(2018, 3, 1))
    after = IndicatorValue.objects.get(area_code=COUNTY_A, year=2018, key="fs_covered")
    assert (before.value if before else 0) < after.value == 2
    assert IndicatorValue.objects.get(area_code=PROVINCE, year=2018, key="fs_covered").value == 2


def test_area_page_embeds_the_data_and_the_map_is_scoped(client, checked):
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    admin = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    client.force_login(admin)
    page = client.get(f"/areas/{PREFECTURE_A}/?year=2017").content.decode()
    assert 'id="dashboard-data"' in page
    assert "fupin/vendor/echarts.min.js" in page
    assert 'id="chart-map"' in page
    geo = client.get(f"/areas/{PROVINCE}/map.geojson").json()
    assert len(geo["features"]) == 88
    assert {f["properties"]["code"][:2] for f in geo["features"]} == {"52"}
    assert client.get(f"/areas/{COUNTY_A}/map.geojson").status_code == 404  # no map below a prefecture
    client.force_login(make_user("bj", Role.PREFECTURE_OFFICER, PREFECTURE_A))
    assert len(client.get(f"/areas/{PREFECTURE_A}/map.geojson").json()["features"]) == 8
    assert client.get("/areas/522600000000/map.geojson").status_code == 404  # 黔东南: not theirs
    assert 'id="chart-map"' not in client.get(f"/areas/{COUNTY_A}/").content.decode()


def test_findings_list_filters_by_year_and_exports_the_same_rows(client, checked):
    admin = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    client.force_login(admin)
    page = client.get("/findings/?rule=wrong_car&year=2017").content.decode()
    assert page.count("的车辆（") == 1  # one finding row (its explanation), not the rule drop-down
    assert "没有符合条件" in client.get("/findings/?rule=wrong_car&year=2016").content.decode()
    response = client.get("/findings/export.xlsx?rule=wrong_car&year=2017")
    sheet = load_workbook(io.BytesIO(_body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "年度", "规则")
    assert len(rows) == 2
    assert rows[1][1] == 2017
    assert "*" in rows[1][6]
    assert len(rows[1][6]) == 18
    officer = make_user("cty-b", Role.COUNTY_OFFICER, COUNTY_B)
    client.force_login(officer)
    response = client.get("/findings/export.csv?rule=wrong_car")
    assert _body(response).decode("utf-8-sig").strip().count("\n") == 0  # header only


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_the_area_structure_is_cached_between_views(client, checked, django_assert_max_num_queries):
    admin = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    client.force_login(admin)
    client.get(f"/areas/{PROVINCE}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/areas/{PROVINCE}/").status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    # session, user, area, own series, children's and counties' values, own classifications, 4 exit thresholds
    assert len(ctx.captured_queries) <= 11
    assert "registry_" not in tables
    assert "checks_finding" not in tables
    assert "GROUP BY" not in tables  # the unit counts come from the cache


def test_household_list_sorts_by_size_and_pages_by_key_without_losing_a_row(client):
    village = first_village(COUNTY_A)
    from fupin.registry.models import Household

    Household.objects.bulk_create(  # the list reads households only: no members needed
        Household(household_no=f"{village}{k:05d}", village_id=village, attribute="一般贫困户", main_cause="缺资金",
                  identified_year=2014 + k % 3, size=1 + k % 7, head_name=f"户主{k}")
        for k in range(1, 61)
    )  # fmt: skip
    client.force_login(make_user("cty", Role.COUNTY_OFFICER, COUNTY_A))
    seen, url = [], f"/households/?area={COUNTY_A}&sort=-size"
    import re

    while url:
        page = client.get(url).content.decode()
        rows = re.findall(r'<td class="n">(\d+)</td>', page)
        seen += [int(n) for n in rows]
        more = re.search(r'href="(\?[^"]*after=[^"]+)"', page)
        url = f"/households/{more.group(1).replace('&amp;', '&')}" if more else ""
    assert len(seen) == 60
    assert seen == sorted(seen, reverse=True)


def test_cadre_pages_show_units_cadres_and_those_posted_here_and_export_them(client):
    from tests.cadres.test_cadres_and_dispatch import load

    village = first_village(COUNTY_A)
    county_cadre, prefecture_cadre, idle = load([("CA1", "党群"), ("PA1", "经济"), ("PA1", "农业")])
    Posting.objects.create(cadre=prefecture_cadre, village_id=village, role="first_secretary", round=2017,
                           start=date(2017, 3, 1))  # fmt: skip
    township = Area.objects.get(code=village).parent_id
    client.force_login(make_user("twn", Role.TOWNSHIP_OFFICER, township))
    page = client.get("/cadres/").content.decode()
    assert prefecture_cadre.name in page  # serves in their township, though sent by the prefecture
    assert "第一书记" in page
    assert client.get(f"/cadres/{idle.pk}/").status_code == 404  # the prefecture's other cadre: not theirs
    detail = client.get(f"/cadres/{prefecture_cadre.pk}/").content.decode()
    assert "派驻经历（1）" in detail
    assert "符合条件" in detail
    assert prefecture_cadre.person_id in detail  # township officers work with full ID numbers …
    client.force_login(make_user("pref", Role.PREFECTURE_OFFICER, PREFECTURE_A))
    masked = client.get(f"/cadres/{prefecture_cadre.pk}/").content.decode()
    assert prefecture_cadre.person_id not in masked  # … not above
    client.force_login(make_user("cty", Role.COUNTY_OFFICER, COUNTY_A))
    response = client.get("/cadres/export.xlsx?active=1")
    rows = list(load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "姓名")
    assert [r[1] for r in rows[1:]] == [prefecture_cadre.name]  # active ones only: the one posted in county A
    names = client.get(f"/cadres/?area={COUNTY_A}").content.decode()
    assert county_cadre.name in names
    assert prefecture_cadre.name in names
    client.force_login(make_user("cty-b", Role.COUNTY_OFFICER, COUNTY_B))
    assert client.get(f"/cadres/{county_cadre.pk}/").status_code == 404
