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
                        page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=suffix == "")
                        page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(10)
    print(f"screenshots written to {OUT}")  # noqa: T201


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
