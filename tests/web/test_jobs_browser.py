"""In a real browser, with the worker running beside the server: a finding closed on the web shows on the dashboard
within one job cycle; a large export shows its progress and downloads."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from tests.web.test_browser import _login, browser, serve  # noqa: F401 - the browser fixture is shared

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    with serve(worker=True) as url:
        yield url


def _open_findings(page, live: str) -> int:  # type: ignore[no-untyped-def]
    page.goto(f"{live}/areas/520325000000/?year=2017")
    text = page.locator("section.cards").first.inner_text()
    return int(re.search(r"未办结 ([\d,]+)", text).group(1).replace(",", ""))  # type: ignore[union-attr]


def test_a_finding_closed_on_the_web_reaches_the_dashboard_within_one_job_cycle(browser, live):  # noqa: F811
    page = _login(browser, live, "daozhen")
    page.set_viewport_size({"width": 1366, "height": 900})
    before = _open_findings(page, live)
    page.goto(f"{live}/findings/?status=open")
    pk = page.locator("input[name=ids]").first.get_attribute("value")
    for to in ("assigned", "verified", "dismissed"):  # 分派 → 核实 → 核实后不属实: no longer open
        page.goto(f"{live}/findings/{pk}/")
        page.select_option(f"select[name='f{pk}-to']", to)
        page.fill(f"[name='f{pk}-reason']", "入户核实：家中车辆已于 2016 年转让")
        with page.expect_navigation():
            page.click("form.stack button[type=submit]")
    deadline = time.monotonic() + 60
    after = before
    while time.monotonic() < deadline and after == before:
        time.sleep(1)
        after = _open_findings(page, live)
    assert after == before - 1
    page.close()


def test_a_large_export_shows_progress_and_downloads(browser, live):  # noqa: F811
    page = _login(browser, live, "daozhen")
    page.goto(f"{live}/jobs/")
    page.locator("form.inline-form", has_text="导出贫困户家庭成员").locator("button").click()
    page.wait_for_url(re.compile(r"/jobs/\d+/$"))
    assert page.locator("#job-bar").count() == 1  # the progress bar, polled while the job runs
    try:
        page.wait_for_selector("text=下载结果文件", timeout=300_000)  # behind the refreshes the test above queued
    except Exception:
        raise AssertionError(page.locator("main, body").first.inner_text()) from None
    assert "已完成" in page.locator("#job-status").inner_text()
    with page.expect_download() as download:
        page.click("text=下载结果文件")
    name = download.value.suggested_filename
    assert name.startswith("贫困户家庭成员-道真")
    assert name.endswith(".xlsx")
    page.close()
