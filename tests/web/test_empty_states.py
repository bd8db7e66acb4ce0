"""No demo account meets a blank page: the demo loads data into every demo account's area, a home page with data
shows non-zero indicators, and one without says why it is empty and what to do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache

from fupin.accounts.models import User
from fupin.seed.services import demo_accounts, demo_load
from fupin.stats.services import indicators_refresh
from fupin.synth import calibration as cal
from fupin.synth.province import plan_province
from tests.factories import make_household

pytestmark = pytest.mark.django_db

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
NEWCOMERS = ("bijie", "weining", "township", "secretary")


def _demo_target() -> str:
    text = MAKEFILE.read_text(encoding="utf-8")
    return re.search(r"^demo:.*?(?=^\S|\Z)", text, re.S | re.M)[0]  # type: ignore[index]


def _loaded_counties() -> set[str]:
    """The counties whose households ``make demo`` loads, and whose checks it runs."""
    target = _demo_target()
    scales = re.findall(r"synth --scale (\S+) [^\n]*--into-db(?! --skip-registry)", target)
    counties = {c for s in scales for c in (cal.SCALES[s].counties or ())}
    checked = set(re.findall(r"checks --year 2017 --area (\d{6})", target))
    assert counties <= checked, "make demo runs the checks of every county it loads"
    return counties


def test_make_demo_loads_data_where_every_demo_account_works():
    demo_load(actor=None)
    counties = _loaded_counties()
    assert "520526" in counties, "威宁 (毕节市) is loaded for the 毕节/威宁/township/village accounts"
    plan = plan_province(2017)
    villages = {v for c in counties for v in plan.counties[c].rural_villages}
    for account in demo_accounts():
        code = account.area_code
        if len(code.rstrip("0")) <= 6 or code.endswith("000"):  # province, prefecture, county, township
            assert any(c.startswith(code.rstrip("0")) or code.startswith(c) for c in counties), account.username
        else:  # a village: one the synthetic province gives households
            assert code in villages, f"{account.username} sits in {code}, a village without synthetic households"


def _home(client, username: str) -> str:  # type: ignore[no-untyped-def]
    cache.clear()
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_demo_accounts_without_data_are_told_why_and_what_to_do(client):
    demo_load(actor=None)
    for account in demo_accounts():
        html = _home(client, account.username)
        assert "暂无数据：" in html, account.username
        assert "数据导入" in html, account.username


def test_demo_accounts_home_pages_show_non_zero_indicators_once_their_area_has_data(client):
    demo_load(actor=None)
    village = next(a.area_code for a in demo_accounts() if a.username == "secretary")
    for n in range(1, 4):
        make_household(village, number=n, size=2)
    indicators_refresh(actor=None, area_code="520000000000", last_year=2017)
    for username in NEWCOMERS:
        html = _home(client, username)
        cards = re.search(r'<section class="cards" aria-label="2017年指标">(.*?)</section>', html, re.S)
        assert cards, username
        first = re.search(r'<div class="num">([\d,]+)</div>', cards[1])
        assert first, username
        assert int(first[1].replace(",", "")) > 0, f"{username} sees zero poor people"
        assert "暂无数据：各县" not in html
