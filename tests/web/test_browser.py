"""A real Chromium, driven by Playwright, against a real server process with the demo data."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FUPIN = str(Path(sys.executable).with_name("fupin"))
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Fupin@2017demo"


# The tiny county is 道真; the demo's village accounts sit in 威宁, where nobody is posted: post one cadre of a
# 威宁 unit to the secretary's village (through the loading service, as the province's roster arrives) and link
# the account, as `make demo` does for the synthetic postings.
POST_THE_SECRETARY = """
from datetime import date
import numpy as np
from fupin.accounts.models import User
from fupin.cadres.services import cadres_load
from fupin.seed.services import demo_cadres_link
from fupin.synth.people import id_numbers
village = User.objects.get(username="secretary").area_id
pid = id_numbers("520526", np.array(["1984-05-01"], dtype="datetime64[D]"), np.array([11])).to_pylist()[0]
unit = {"unit_id": "WN-T1", "name": "威宁县农业农村局", "level": "县", "kind": "机关", "area_code": "520526000000"}
cadre = {"person_id": pid, "name": "王建国", "sex": "男", "birth_date": date(1984, 5, 1), "unit_id": "WN-T1",
         "rank": "科员", "cadre_type": "农业", "specialty": "", "years_of_work": 10, "staff_status": "在编",
         "rating_2016": "称职", "rating_2017": "称职", "role_2017": "first_secretary", "village_code": village}
cadres_load(actor=None, units=[unit], cadres=[cadre], source="browser test")
demo_cadres_link(actor=None)
from fupin.registry.services import registry_bulk_load
head = id_numbers("520526", np.array(["1961-02-03"], dtype="datetime64[D]"), np.array([13])).to_pylist()[0]
no = village + "09001"  # clear of the numbers the import tests use
year = {"household_id": no, "year": 2017, "poor": True, "income_per_capita": 2800.0, "wage_income": 1000,
        "production_income": 1800, "property_income": 0, "transfer_income": 0, "food_ok": True, "clothing_ok": True,
        "education_ok": True, "medical_ok": True, "housing_grade": "B", "relocated": False, "water_ok": True}
registry_bulk_load(actor=None, area_code=village, source="browser test", years=[year], households=[
    {"household_id": no, "village_code": village, "attribute": "一般贫困户", "main_cause": "因病",
     "identified_year": 2014, "exit_year": None, "size": 1}], members=[
    {"person_id": head, "household_id": no, "name": "李明亮", "sex": "男", "birth_date": date(1961, 2, 3),
     "relation": "户主", "education": "小学", "student": False, "health": "长期慢性病", "labour": "普通劳动力",
     "migrant_months": 0, "medical_insurance": True, "critical_illness_insurance": True}])
# a department alert arrives (医保): 李明亮's large hospital bill, eight months ago
from datetime import timedelta
from django.utils import timezone
from fupin.external.models import RiskAlert
RiskAlert.objects.create(alert_no="YB-BT-1", department="医保局", kind="大额医疗费用", person_id=head, amount=32000,
                         occurred_on=timezone.localdate() - timedelta(days=250), detail="住院自付 32,000 元")
"""

# 毕节's assessment of its extremely poor townships: three townships of 威宁, the demo township's among them.
EXTREMELY_POOR_TOWNSHIPS = """
from fupin.accounts.models import User
from fupin.areas.models import Area
from fupin.areas.services import area_classification_set
town = User.objects.get(username="township").area_id
others = Area.objects.filter(parent_id="520526000000", level=4, code__gt=town).order_by("code")[:2]
for code in [town, *(a.code for a in others)]:
    area_classification_set(actor=None, area_code=code, year=2017, kind="extremely_poor_township")
"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as url:
        yield url


@contextmanager
def serve(*, worker: bool = False) -> Iterator[str]:
    """The demo's tiny county on a fresh SQLite file behind `fupin runserver` (and `fupin worker` beside it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        env.pop("FUPIN_DATABASE_URL", None)
        steps = (
            ["migrate", "-v0"], ["demo"], ["synth", "--scale", "tiny", "--seed", "2017", "--into-db"],
            ["checks", "--year", "2017", "--area", "520325"],
            ["indicators", "--refresh", "--area", "520000000000", "--year", "2017"],
            ["shell", "-c", POST_THE_SECRETARY], ["shell", "-c", EXTREMELY_POOR_TOWNSHIPS],
        )  # fmt: skip
        for args in steps:
            subprocess.run([FUPIN, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        proc = subprocess.Popen(  # noqa: S603
            [FUPIN, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        worker_cmd = [FUPIN, "worker", "--interval", "0.2"]
        jobs = (
            subprocess.Popen(worker_cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
            if worker
            else None
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/login/", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        try:
            yield url
        finally:
            for p in (proc, jobs):
                if p is not None:
                    p.terminate()
                    p.wait(30)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is installed by `make test` (browser-deps)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-background-networking"]
        )
        yield b
        b.close()


def _login(browser, server, username, password=PASSWORD):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{server}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("admin", "贵州省"),
        ("inspector", "贵州省"),
        ("bijie", "毕节市"),
        ("weining", "威宁彝族回族苗族自治县"),
        ("township", "陕桥街道"),
        ("secretary", "村"),
    ],
)
def test_each_role_logs_in_to_its_own_area(browser, server, username, heading):
    page = _login(browser, server, username)
    assert heading in page.locator("h1").inner_text()
    page.close()


def test_drill_down_from_province_to_village_by_clicking(browser, server):
    page = _login(browser, server, "admin")
    page.click("text=毕节市")
    page.click("text=威宁彝族回族苗族自治县")
    page.click("text=陕桥街道")
    page.click("text=阳关村村民委员会")
    assert "阳关村村民委员会" in page.locator("h1").inner_text()
    assert "陕桥街道" in page.locator(".crumbs").inner_text()
    page.close()


def test_out_of_scope_url_is_refused(browser, server):
    page = _login(browser, server, "weining")
    response = page.goto(f"{server}/areas/522633000000/")  # 从江县, another prefecture
    assert response is not None
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    page.close()


def test_bad_password_change_shows_message_next_to_field(browser, server):
    page = _login(browser, server, "township")
    page.goto(f"{server}/password/")
    page.fill("#id_old_password", "wrong-old-password")
    page.fill("#id_new_password1", "Another-Pass-77")
    page.fill("#id_new_password2", "Another-Pass-77")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator(".field-error").first.inner_text() == "原密码不正确"
    page.close()


def test_wrong_password_shows_chinese_error(browser, server):
    page = _login(browser, server, "bijie", "not-the-password")
    assert "用户名" in page.locator(".error").inner_text()
    page.close()


def test_import_a_workbook_enter_the_year_an_exit_bound_by_the_verdict_then_a_bad_vote(browser, server, tmp_path):
    """A county officer uploads a real xlsx and opens a household: its exit is refused without the year's record;
    the officer enters the year on the web, sees the verdict and its vetoes, is refused again with every veto named,
    approves the exit with a written reason, and records a vote without quorum."""
    from tests.registry.test_import_export import rows_for, write_xlsx

    page = _login(browser, server, "weining")
    page.goto(f"{server}/areas/520526004000/")
    page.click("text=阳关村村民委员会")
    village = page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    path = write_xlsx(tmp_path / "阳关村.xlsx", rows_for(village, households=2, size=2))
    page.goto(f"{server}/imports/")
    page.set_input_files("#id_file", str(path))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "总行数 4，导入 4，拒绝 0" in page.locator(".result").inner_text()
    page.goto(f"{server}/households/?q={village}00001")
    page.click(f"text={village}00001")
    household_url = page.url

    def start_exit(override: str = "") -> None:
        page.goto(household_url)
        page.select_option("#id_open-kind", "exit")
        page.fill("#id_open-on", "2018-10-08")
        if override:
            page.fill("#id_open-override_reason", override)
        with page.expect_navigation():
            page.click("form[action$='/procedures/'] button[type=submit]")

    start_exit()
    assert "缺少该年度收入与两不愁三保障记录" in page.locator(".field-error").first.inner_text()
    page.goto(household_url)
    page.fill("input[name=year]", "2018")
    with page.expect_navigation():
        page.click("form[action$='/years/'] button[type=submit]")
    assert "2018 年度记录" in page.locator("h1").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the year's form fits a phone"
    page.fill("#id_wage_income", "4000")
    page.fill("#id_transfer_income", "1200")
    page.select_option("#id_housing_grade", "B")
    page.fill("#id_water_litres", "28")
    for box in page.locator("input[type=checkbox][name$='insurance']").all():
        box.check()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    verdict = page.locator("#verdict").inner_text()
    assert "2018 年退出评估：不符合退出标准" in verdict
    assert "人均纯收入 2,600.00 元未超过退出标准 3,335 元" in verdict
    assert "饮水不安全：人均日供水 28 升，低于 35 升" in verdict
    start_exit()
    refusal = page.locator(".field-error").first.inner_text()
    assert "该户 2018 年不符合退出标准：人均纯收入 2,600.00 元未超过退出标准 3,335 元；饮水不安全" in refusal
    start_exit(override="务工收入年底到账，集中供水工程已通水，县扶贫办复核")
    assert "县级批准带否决项办理（weining）：务工收入年底到账" in page.locator(".procedure").first.inner_text()
    form = page.locator("form[action$='/step/']")
    form.locator("input[name$='-on']").fill("2018-10-09")
    form.locator("input[name$='-signer']").fill("村民委员会")
    form.locator("input[name$='-votes_total']").fill("30")
    form.locator("input[name$='-votes_present']").fill("15")
    form.locator("input[name$='-votes_for']").fill("15")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    error = page.locator(".field-error").first.inner_text()
    assert "实到代表 15 人，不足应到 30 人的 67%（至少 20 人），评议无效" in error
    page.close()


ROLES = [  # (user, own area's heading) — every role the demo creates
    ("admin", "贵州省"), ("inspector", "贵州省"), ("bijie", "毕节市"), ("weining", "威宁彝族回族苗族自治县"),
    ("daozhen", "道真仡佬族苗族自治县"), ("township", "陕桥街道"), ("secretary", "村"),
]  # fmt: skip


@pytest.mark.parametrize(("username", "heading"), ROLES)
def test_each_role_dashboard_drill_down_bad_form_and_refusal(browser, server, username, heading):
    """The issue's walk for every role: own dashboard, click down to a village, a bad form value answered next to
    the field, and an out-of-scope URL refused."""
    page = _login(browser, server, username)
    assert heading in page.locator("h1").inner_text()
    for _ in range(5):  # province → prefecture → county → township → village, by clicking the first unit below
        link = page.locator("#children tbody a").first
        if not link.count():
            break
        with page.expect_navigation():
            link.click()
    assert page.locator("h1 small").inner_text().startswith("村")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    page.goto(f"{server}/password/")
    page.fill("#id_old_password", "Fupin@2017demo")
    page.fill("#id_new_password1", "123")
    page.fill("#id_new_password2", "123")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "密码" in page.locator(".field-error").first.inner_text()
    outside = "110000000000" if heading == "贵州省" else "522633000000"  # 北京 / 从江县
    response = page.goto(f"{server}/areas/{outside}/")
    assert response is not None
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    page.close()


def test_dashboard_charts_and_a_click_on_the_map_drills_down(browser, server):
    """Charts are drawn from the page's data; clicking 道真县 on the 遵义市 choropleth opens its dashboard."""
    import json

    from shapely.geometry import shape

    from fupin.areas.maps import county_geojson

    geo = json.loads(county_geojson("520300000000"))
    daozhen = next(f for f in geo["features"] if f["properties"]["code"] == "520325000000")
    point = shape(daozhen["geometry"]).representative_point()
    page = _login(browser, server, "admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server}/areas/520300000000/?year=2017")
    page.wait_for_selector("#chart-map[data-ready='1']")
    for chart in ("#chart-map", "#chart-trend", "#chart-children", "#chart-rules", "#chart-status"):
        assert page.locator(f"{chart} canvas").count() >= 1, chart
    x, y = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('chart-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])",
        [point.x, point.y],
    )
    box = page.locator("#chart-map").bounding_box()
    assert box is not None
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.url.endswith("/areas/520325000000/?year=2017")
    assert "道真" in page.locator("h1").inner_text()
    data = page.evaluate("JSON.parse(document.getElementById('dashboard-data').textContent)")
    assert data["area"]["code"] == "520325000000"
    assert data["current"]["poor_people"] > 0
    assert f"{data['current']['poor_people']:.0f}" in page.locator(".cards .num").first.inner_text().replace(",", "")
    page.close()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot into $FUPIN_SCREENSHOTS (when set) for a person to look at."""
    folder = os.environ.get("FUPIN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_township_records_an_election_and_an_adjustment_the_county_approves(browser, server):
    """建强组织 on a phone: the township's organization officer registers the village's organization and people,
    takes the election through its steps, records the results (一肩挑), reviews the secretary and proposes an
    adjustment, agrees to it; the county's organization department approves it with a replacement from the pool;
    the village page and the county dashboard show it."""
    today = datetime.date.today().isoformat()  # noqa: DTZ011 - the server's local date is the machine's
    page = _login(browser, server, "township-zzb")
    page.goto(f"{server}/areas/520526004000/")
    page.click("text=阳关村村民委员会")
    page.click("text=村党组织和两委班子 ›")
    assert "没有在任的两委成员记录" in page.locator("main").inner_text()
    village_url = page.url

    def submit(form_name: str, values: dict[str, str], selects: dict[str, str] | None = None) -> None:
        form = page.locator(f"form:has(input[name=form][value={form_name}])")
        summary = page.locator(f"details:has(input[name=form][value={form_name}]) > summary")
        if summary.count() and not form.is_visible():
            summary.click()
        for name, value in values.items():
            form.locator(f"[name={name}]").fill(value)
        for name, value in (selects or {}).items():
            form.locator(f"[name={name}]").select_option(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()

    submit("org", {"members": "36"}, {"kind": "branch"})
    people = [("张德明", "local_capable", False), ("李秀英", "doctor_teacher", False), ("王小军", "veteran", True)]
    for i, (name, source, reserve) in enumerate(people):
        form = page.locator("form:has(input[name=form][value=person])")
        if not form.is_visible():
            page.locator("details:has(input[name=form][value=person]) > summary").click()
        if not reserve:
            form.locator("[name=reserve]").uncheck()
        submit("person", {"name": name, "birth_year": str(1972 + i)}, {"source": source, "education": "senior"})
    assert "王小军" in page.locator("main").inner_text()
    submit("election", {"round": "11", "branch_seats": "3", "villagers_seats": "3"})
    page.click("text=第11届")
    for step in ("推荐", "考察"):
        page.fill("input[name=on]", today)
        assert f"办理“{step}”" in page.locator("main h2").last.inner_text()
        with page.expect_navigation():
            page.click("main form button[type=submit]")
    page.fill("input[name=on]", today)
    options = {
        o.inner_text().split("（")[0]: o.get_attribute("value") for o in page.locator("#id_person_0 option").all()
    }
    # two secretaries: refused, nothing written, the rows stay filled
    page.select_option("#id_person_0", options["张德明"])
    page.select_option("#id_seat_0", "branch/secretary")
    page.select_option("#id_person_1", options["李秀英"])
    page.select_option("#id_seat_1", "branch/secretary")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "村党组织委员会只能有一名书记" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the results form fits a phone"
    _shot(page, "party-election-phone")
    page.select_option("#id_seat_1", "branch/member")
    page.select_option("#id_person_2", options["张德明"])
    page.select_option("#id_seat_2", "villagers/director")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已登记选举结果" in page.locator(".messages").inner_text()
    page.goto(village_url)
    board = page.locator("main").inner_text()
    assert "一肩挑" in board
    assert "第11届新任" in board
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the village page fits a phone"
    _shot(page, "party-village-phone")
    submit("review", {"township_rank": "12", "township_size": "12", "findings": "群众反映办事拖拉"},
           {"grade": "poor"})  # fmt: skip
    submit("propose", {"evidence": "年度评议为差，排名末位"}, {"reason": "negligent"})
    page.goto(f"{server}/party/adjustments/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the approvals fit a phone"
    _shot(page, "party-adjustments-phone")
    page.select_option("select[name=decision]", "approve")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "待县委组织部审批" in page.locator("main").inner_text()
    page.close()

    county = _login(browser, server, "weining-zzb")
    county.set_viewport_size({"width": 1280, "height": 900})
    county.goto(f"{server}/party/adjustments/?area=520526000000")
    county.select_option("select[name=decision]", "approve")
    county.select_option("select[name=replacement]", label="王小军（复员退伍军人）")
    county.fill("input[name=on]", today)
    with county.expect_navigation():
        county.click("main form button[type=submit]")
    assert "由 王小军 接任" in county.locator("main").inner_text()
    county.goto(village_url)
    board = county.locator("main").inner_text()
    assert "调整：不尽职" in board
    assert "王小军" in board.split("村“两委”班子")[1].split("后备力量")[0]
    county.goto(f"{server}/party/?area=520526000000")
    cards = county.locator(".cards").inner_text()
    assert "调整书记" in cards
    _shot(county, "party-county-desktop")
    assert "陕桥街道" in county.locator("main table").first.inner_text()
    county.close()


def test_a_prefecture_assesses_its_extremely_poor_townships_and_interviews_the_last_which_rectifies(browser, server):
    """下考两级 and 约谈: 毕节's organization department makes the year's scheme of its extremely poor townships,
    enters the 观摩 scores, runs it and opens a 约谈 for the bottom one; the township records its 整改 on a phone from
    its list of cases; the prefecture closes the case (销号). (The to-do lists are cached for a minute, and other
    tests of this module sign in as the same users: ``cases_waiting`` is tested on its own.)"""
    today = datetime.date.today().isoformat()  # noqa: DTZ011 - the server's local date is the machine's
    pref = _login(browser, server, "bijie-zzb")
    pref.set_viewport_size({"width": 1366, "height": 900})
    pref.goto(f"{server}/assessment/?year=2017")
    assert "本地区 2017 年还没有考核方案（在下方制定）" in pref.locator("main").inner_text()
    pref.click("text=制定考核方案")
    pref.fill("#id_title", "2017 年极贫乡镇脱贫攻坚考核")
    pref.select_option("#id_assessed", "extremely_poor_townships")
    with pref.expect_navigation():
        pref.click("main form button:has-text('制定')")
    assert "权重合计 100 分" in pref.locator("main").inner_text()
    inputs = pref.locator("input[name^=v_]")
    assert inputs.count() == 3
    names = [pref.locator(f"input[name^=v_] >> nth={k}").get_attribute("aria-label") for k in range(3)]
    scores = ["60", "85", "90"]  # the first township (the demo township's: the others' codes follow) comes last
    for k, value in enumerate(scores):
        inputs.nth(k).fill(value)
    with pref.expect_navigation():
        pref.click("button:has-text('保存录入')")
    assert "已保存 3 个单位的录入评分" in pref.locator("main").inner_text()
    with pref.expect_navigation():
        pref.click("button:has-text('运行考核')")
    main = pref.locator("main").inner_text()
    assert "已完成考核：3 个单位参加排名，末位 1 个" in main
    last_name = names[0].removesuffix("现场观摩评分")
    rows = pref.locator("main table").last.inner_text()
    assert rows.strip().splitlines()[-1].startswith("3")
    assert last_name in rows.strip().splitlines()[-1]
    assert "末位：约谈党政主要负责人" in rows
    _shot(pref, "assessment-ranking-desktop")
    with pref.expect_navigation():
        pref.locator("main table").last.get_by_role("link", name=last_name).click()
    assert "各项得分" in pref.locator("main").inner_text()
    assert pref.locator("#id_reason").input_value().endswith("排名末位：约谈党政主要负责人")
    with pref.expect_navigation():
        pref.click("main form button:has-text('立案')")
    assert "等待被约谈、问责单位制定整改措施" in pref.locator("main").inner_text()
    case_url = pref.url
    pref.close()

    page = _login(browser, server, "township")
    page.goto(f"{server}/assessment/cases/")  # (the home page's to-do list may be up to a minute old)
    assert "待制定整改措施" in page.locator("main table").last.inner_text()
    with page.expect_navigation():
        page.locator("main table").last.locator("a").first.click()
    assert page.url == case_url
    page.fill("#id_measures", "逐户复核错退、漏评；每周调度")
    page.fill("#id_deadline", today)
    page.fill("#id_on", today)
    with page.expect_navigation():
        page.click("button:has-text('保存整改措施')")
    page.fill("#id_text", "已复核 126 户，补录 3 户")
    page.fill("#id_on", today)
    with page.expect_navigation():
        page.click("button:has-text('登记进展')")
    main = page.locator("main").inner_text()
    assert "已复核 126 户" in main
    assert "整改中" in main
    assert "同意销号" not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the case fits a phone"
    _shot(page, "assessment-case-phone")
    page.close()

    pref = _login(browser, server, "bijie-zzb")
    pref.goto(f"{server}/assessment/cases/")  # (its home's to-do list may be up to a minute old)
    assert "已复核 126 户" in pref.locator("main table").last.inner_text()
    with pref.expect_navigation():
        pref.locator("main table").last.locator("a").first.click()
    pref.fill("#id_text", "整改到位，同意销号")
    pref.fill("#id_on", today)
    with pref.expect_navigation():
        pref.click("button:has-text('同意销号')")
    main = pref.locator("main").inner_text()
    assert "已销号" in main
    assert [li.split("：")[0].split(" ")[1] for li in pref.locator(".timeline li").all_inner_texts()] == [
        "立案", "制定整改措施", "登记整改进展", "销号",
    ]  # fmt: skip
    pref.close()


def test_an_alert_is_identified_helped_and_its_risk_eliminated_months_later(browser, server):
    """A 医保 alert arrives; the county's run opens a case; the township verifies and reviews, the county compares
    and decides (each step dated as it happened, eight months ago, within the 15 days); the township records a
    measure and, months later, a follow-up visit; the risk is eliminated by its own procedure; the counts follow."""
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()

    def ago(days: int) -> str:
        return (today - timedelta(days=days)).isoformat()

    def count(page, label: str) -> int:  # type: ignore[no-untyped-def]
        return int(page.locator(".card", has_text=label).first.locator(".num").inner_text().replace(",", ""))

    county = _login(browser, server, "weining")
    county.goto(f"{server}/monitoring/?area=520526000000")
    monitored_before, eliminated_before = count(county, "监测帮扶中"), count(county, "风险已消除")
    with county.expect_navigation():
        county.click("text=运行监测比对和风险评分")
    assert "新纳入监测识别 1 户" in county.locator(".messages").inner_text()
    with county.expect_navigation():
        county.click("text=李明亮")
    assert "识别中" in county.locator("h1").inner_text()
    assert "已超过认定时限" in county.locator("main").inner_text()  # nobody acted for eight months … until now
    assert "刚性支出" in county.locator("main").inner_text()  # the bill above the household's income, with its points
    case_url = county.url
    with county.expect_navigation():
        county.click("text=在户档案中办理")
    household_url = county.url.split("#")[0]
    township = _login(browser, server, "township")
    secretary = _login(browser, server, "secretary")

    def step(page, on: str = "", signer: str = "经办人", **fields: str) -> None:  # type: ignore[no-untyped-def]
        page.goto(household_url)
        form = page.locator(".procedure form[action$='/step/']").first
        if on:
            form.locator("input[name$='-on']").fill(on)
        form.locator("input[name$='-signer']").fill(signer)
        for name, value in fields.items():
            form.locator(f"input[name$='-{name}']").fill(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        errors = page.locator(".field-error, .errorlist")
        assert errors.count() == 0, errors.first.inner_text()

    step(township, ago(248), "乡镇核实组")
    step(secretary, ago(248), "李明亮")
    step(county, ago(247), "县乡村振兴局")
    step(township, ago(246), "村民委员会", votes_total="11", votes_present="10", votes_for="9")
    step(township, signer="村民委员会", notice_start=ago(245), notice_end=ago(241))
    step(township, ago(240), "乡镇人民政府")
    step(county, ago(239), "县人民政府")
    step(county, ago(239), "县乡村振兴局")
    county.goto(case_url)
    assert "监测帮扶中" in county.locator("h1").inner_text()
    assert "县级确定为监测对象" in county.locator("main").inner_text()

    township.goto(case_url)
    township.click("summary:has-text('登记帮扶措施')")
    township.select_option("#id_kind", "health")
    township.fill("#id_content", "大病专项救治，医疗救助二次报销")
    township.fill("#id_responsible", "张卫东")
    township.fill("#id_started_on", ago(238))
    with township.expect_navigation():
        township.click("form:has(input[value=measure]) button[type=submit]")
    assert "已登记帮扶措施" in township.locator(".messages").inner_text()
    township.click("summary:has-text('登记回访')")
    township.fill("#id_visited_on", ago(40))
    township.fill("#id_visitor", "张卫东")
    township.fill("#id_income_per_capita", "七千")
    with township.expect_navigation():
        township.click("form:has(input[value=follow_up]) button[type=submit]")
    assert "人均纯收入须为数字" in township.locator("main").inner_text()
    township.fill("#id_income_per_capita", "7200")
    township.fill("#id_rigid_spending", "3000")
    with township.expect_navigation():
        township.click("form:has(input[value=follow_up]) button[type=submit]")
    assert "已登记回访" in township.locator(".messages").inner_text()
    assert township.evaluate("document.documentElement.scrollWidth") <= 390, "the case fits a phone"

    county.goto(case_url)
    assert "符合风险消除条件" in county.locator("main").inner_text()
    county.fill("#id_on", ago(30))
    with county.expect_navigation():
        county.click("form:has(input[value=eliminate]) button[type=submit]")
    assert "已启动风险消除程序" in county.locator(".messages").inner_text()
    step(township, ago(30), "乡镇核实组")
    step(township, ago(29), "村民委员会", votes_total="11", votes_present="11", votes_for="10")
    step(township, signer="村民委员会", notice_start=ago(28), notice_end=ago(24))
    step(township, ago(23), "乡镇人民政府")
    step(county, ago(22), "县人民政府")
    county.goto(case_url)
    assert "风险已消除" in county.locator("h1").inner_text()
    county.goto(f"{server}/monitoring/?area=520526000000")
    assert count(county, "风险已消除") == eliminated_before + 1
    assert count(county, "监测帮扶中") == monitored_before
    for page in (county, township, secretary):
        page.close()
