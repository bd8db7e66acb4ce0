"""On a phone (390×844) every main page fits the screen's width and the menu folds behind its button."""

from __future__ import annotations

import re

import pytest

from tests.web.test_browser import _login, browser, server  # noqa: F401 - fixtures shared with the browser tests

pytestmark = pytest.mark.browser

WIDTH = 390
PAGES = ["/", "/households/", "/findings/", "/cadres/", "/dispatch/", "/policy/", "/audit/", "/imports/"]


def _fits(page, url: str) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{url} scrolls sideways on a phone: {width} px wide"
    header = page.locator("header.top").bounding_box()
    assert header is not None
    assert header["height"] <= 110, f"{url}: the header takes {header['height']} px"
    assert not page.locator("#site-nav").is_visible(), f"{url}: the menu is not folded"
    assert page.locator(".menu-toggle").is_visible()


def test_every_main_page_fits_a_phone_with_the_menu_folded(browser, server):  # noqa: F811
    page = _login(browser, server, "daozhen")
    assert page.viewport_size == {"width": WIDTH, "height": 844}
    for url in PAGES:
        page.goto(f"{server}{url}")
        _fits(page, url)
    page.goto(f"{server}/households/")
    household = page.locator("main table a[href^='/households/']").first.get_attribute("href")
    page.goto(f"{server}/findings/")
    finding = page.locator("input[name=ids]").first.get_attribute("value")
    assert household
    assert finding
    assert re.fullmatch(r"\d+", finding)
    for url in (household, f"/findings/{finding}/"):
        page.goto(f"{server}{url}")
        _fits(page, url)
    page.close()


def test_the_menu_button_opens_and_closes_the_menu(browser, server):  # noqa: F811
    page = _login(browser, server, "daozhen")
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    page.click(".menu-toggle")
    assert nav.is_visible()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    with page.expect_navigation():
        nav.locator("text=核查发现").click()
    assert "/findings/" in page.url
    assert not page.locator("#site-nav").is_visible()
    page.close()


def test_desktop_shows_the_menu_without_a_button(browser, server):  # noqa: F811
    page = _login(browser, server, "daozhen")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server}/")
    assert page.locator("#site-nav").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    page.close()
