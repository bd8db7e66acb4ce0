"""On a 390 px phone, a first secretary logs a visit to a household, a resolved dispute and a leave request; the
township's Party committee approves the leave; the county sees the tallies move on its dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.web.test_browser import _login, browser, server  # noqa: F401 - fixtures shared with the browser tests

pytestmark = pytest.mark.browser
WIDTH = 390


def _count(page, label: str) -> int:  # type: ignore[no-untyped-def]
    card = page.locator(".card", has_text=label).first
    return int(card.locator(".num").inner_text())


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


def test_a_secretary_works_on_a_phone_the_township_approves_the_county_sees_it(browser, server, tmp_path):  # noqa: F811
    county = _login(browser, server, "weining-zzb")
    county.goto(f"{server}/field/overview/")
    visits_before, disputes_before = _count(county, "走访农户"), _count(county, "化解矛盾纠纷")

    page = _login(browser, server, "secretary")
    page.goto(f"{server}/field/")
    _fits(page)
    assert "王建国" in page.locator("h1").inner_text()
    page.click("text=走访农户")
    _fits(page)
    option = page.locator("#id_household option", has_text="李明亮").get_attribute("value")
    page.select_option("#id_household", option)
    page.fill("#id_purpose", "了解慢性病用药")
    page.fill("#id_content", "户主高血压，已办慢病卡，药费报销正常")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "已记录：走访农户" in page.locator(".messages").inner_text()
    page.click("text=化解纠纷")
    page.fill("#id_content", "调解两户宅基地边界纠纷，双方签字")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "已记录：化解矛盾纠纷" in page.locator(".messages").inner_text()
    page.click("text=请假")
    start = timezone.localdate() + timedelta(days=7)
    page.select_option("#id_kind", "personal")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", (start + timedelta(days=1)).isoformat())
    page.fill("#id_reason", "家中老人住院")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "请假申请已提交（2 天）" in page.locator(".messages").inner_text()
    assert "待乡镇党委审批" in page.locator("main").inner_text()
    page.screenshot(path=str(tmp_path / "secretary.png"), full_page=True)
    _fits(page)

    township = _login(browser, server, "township-zzb")
    township.goto(f"{server}/field/leaves/")
    township.click("text=王建国")
    with township.expect_navigation():
        township.click("button[name=approve]")
    assert "王建国 的请假：已批准" in township.locator(".messages").inner_text()

    page.goto(f"{server}/field/")
    assert "已批准" in page.locator("main").inner_text()
    county.goto(f"{server}/field/overview/")
    assert _count(county, "走访农户") == visits_before + 1
    assert _count(county, "化解矛盾纠纷") == disputes_before + 1
    for p in (page, township, county):
        p.close()
