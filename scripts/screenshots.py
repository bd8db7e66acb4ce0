"""Write screenshots of the main pages to docs/screenshots/ (desktop and phone widths).

Sets up its own throw-away SQLite database with the demo data, serves it on a loopback port, and drives
Debian's Chromium through Playwright. Usage: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
FUPIN = str(Path(sys.executable).with_name("fupin"))
PORT = 8765
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]

PAGES = [
    ("admin", "province", "/"),
    ("admin", "county", "/areas/520526000000/"),
    ("admin", "township", "/areas/520526004000/"),
    ("inspector", "audit", "/audit/"),
    ("weining", "county-officer-home", "/"),
    ("daozhen", "households", "/households/?q=&status=poor"),
    ("daozhen", "household", "FIRST_HOUSEHOLD"),
    ("admin", "household-masked", "FIRST_HOUSEHOLD"),
    ("daozhen", "import", "/imports/"),
    ("daozhen", "findings", "/findings/"),
    ("daozhen", "county-indicators", "/areas/520325000000/?year=2017"),
    ("daozhen", "dispatch-plan", "/dispatch/1/"),
    ("admin", "prefecture-dashboard", "/areas/520300000000/?year=2017"),
    ("bijie", "prefecture-officer-home", "/"),
    ("daozhen", "cadres", "/cadres/?active=1"),
]


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([FUPIN, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "FUPIN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
        env.pop("FUPIN_DATABASE_URL", None)
        run("migrate", "-v0", env=env)
        run("demo", env=env)
        run("synth", "--scale", "province", "--seed", "2017", "--into-db", "--skip-registry", env=env)
        run("synth", "--scale", "tiny", "--seed", "2017", "--into-db", env=env)
        run("checks", "--year", "2017", "--area", "520325", env=env)
        run("indicators", "--refresh", "--area", "520000000000", "--year", "2017", env=env)
        run("dispatch", "plan", "--round", "2017", "--area", "520325", env=env)
        server = subprocess.Popen(  # noqa: S603
            [FUPIN, "runserver", f"127.0.0.1:{PORT}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(f"http://127.0.0.1:{PORT}/login/")
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for width, suffix in ((1280, ""), (390, "-phone")):
                    for user, name, path in PAGES:
                        page = browser.new_page(viewport={"width": width, "height": 900})
                        if name == "province" and suffix == "":
                            page.goto(f"http://127.0.0.1:{PORT}/login/")
                            page.screenshot(path=str(OUT / "login.png"))
                        page.goto(f"http://127.0.0.1:{PORT}/login/")
                        page.fill("#id_username", user)
                        page.fill("#id_password", "Fupin@2017demo")
                        page.click("button[type=submit]")
                        target = path
                        if path == "FIRST_HOUSEHOLD":
                            page.goto(f"http://127.0.0.1:{PORT}/households/?status=poor")
                            target = page.locator("table.list a").first.get_attribute("href") or "/"
                        page.goto(f"http://127.0.0.1:{PORT}{target}")
                        if page.locator("#chart-map").count():
                            page.wait_for_selector("#chart-map[data-ready='1']")
                        if page.locator("#dashboard-data").count():
                            page.wait_for_timeout(1500)  # the charts' entry animation
                        page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=suffix == "")
                        page.close()
                _procedure_flow(browser)
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"screenshots written to {OUT}")  # noqa: T201


def _procedure_flow(browser: object) -> None:
    """A county officer starts an exit procedure and records a vote without quorum: the form shows why."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"http://127.0.0.1:{PORT}/login/")
    page.fill("#id_username", "daozhen")
    page.fill("#id_password", "Fupin@2017demo")
    page.click("button[type=submit]")
    page.goto(f"http://127.0.0.1:{PORT}/households/?status=poor")
    target = page.locator("table.list a").first.get_attribute("href") or "/"
    page.goto(f"http://127.0.0.1:{PORT}{target}")
    page.select_option("#id_open-kind", "exit")
    page.fill("#id_open-on", "2018-10-08")
    page.click("form[action$='/procedures/'] button[type=submit]")
    form = page.locator("form[action$='/step/']")
    form.locator("input[name$='-on']").fill("2018-10-09")
    form.locator("input[name$='-signer']").fill("村民委员会 张主任")
    form.locator("input[name$='-votes_total']").fill("30")
    form.locator("input[name$='-votes_present']").fill("15")
    form.locator("input[name$='-votes_for']").fill("15")
    form.locator("button[type=submit]").click()
    page.locator(".field-error").first.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "household-procedure-error.png"), full_page=True)
    page.close()


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


if __name__ == "__main__":
    main()
