"""The policy page and `fupin policy show` write values as people do and cite real documents."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from fupin.accounts.models import Role
from fupin.policy.defaults import ASSUMPTION, SPECS, default_value, defaults_text, format_value
from tests.support import make_user

pytestmark = pytest.mark.django_db

DEVELOPER_TEXT = re.compile(r"\.md\b|\[K\]|\[S\]|POLICY|DESIGN|0\.666|\d\.0 元|\d 比例")


def test_values_are_formatted_as_people_write_them():
    assert format_value("vote_quorum", 2 / 3) == "66.67%"
    assert format_value("vote_pass", 0.5) == "50%"
    assert format_value("poverty_line", 2952.0) == "2,952 元/人·年"
    assert format_value("exit_line", 3335.5) == "3,335.5 元/人·年"
    assert format_value("identification_notice_days", 7) == "7 天"


def test_no_source_names_a_repository_file_or_a_marker():
    for spec in SPECS.values():
        assert not re.search(r"\.md|\[K\]|\[S\]|POLICY|DESIGN|§", spec.source), spec.key
    assert sum(ASSUMPTION in spec.source for spec in SPECS.values()) >= 5
    assert "厅字〔2016〕16号" in SPECS["exit_line"].source
    assert "中发〔2015〕34号" in SPECS["poverty_line"].source


def test_exit_line_text_matches_its_values_year_by_year():
    spec = SPECS["exit_line"]
    assert "默认取国家线" not in spec.source
    text = defaults_text("exit_line")
    for year in range(2014, 2021):
        assert format_value("exit_line", default_value("exit_line", year)).split()[0] in text
    # what the source states in words agrees with the values
    for year in (2014, 2015, 2016):
        assert default_value("exit_line", year) == default_value("poverty_line", year)
    assert default_value("exit_line", 2017) == default_value("exit_line", 2018) == 3335
    assert "3,335 元" in spec.source


def test_policy_page_has_no_developer_text(client):
    client.force_login(make_user("padm-lab", Role.PROVINCE_ADMIN, "520000000000"))
    page = client.get("/policy/", {"year": 2017}).content.decode()
    shown = re.sub(r"<(input|textarea|option)[^>]*>", "", page)  # the edit forms' raw values are inputs
    assert "村民代表评议到会比例下限：66.67%" in shown
    assert "国家扶贫标准(现价)：2,952 元/人·年" in shown
    assert "省定脱贫退出收入线：3,335 元/人·年" in shown
    assert "2017–2018 年 3,335 元/人·年" in shown
    assert ASSUMPTION in shown
    assert not DEVELOPER_TEXT.search(re.sub(r"<[^>]+>", "", shown)), DEVELOPER_TEXT.search(shown)


def test_policy_show_command_uses_the_same_formatting(capsys):
    call_command("policy", "show", "--year", "2017")
    out = capsys.readouterr().out
    assert "村民代表评议到会比例下限：66.67%（默认值）" in out
    assert "国家扶贫标准(现价)：2,952 元/人·年（默认值）" in out
    assert not re.search(r"\.md\b|\[K\]|\[S\]|0\.666|2952\.0", out)
