"""Demo users' names are names: no notes for developers ("（有合成建档立卡数据）") — also in databases seeded before."""

from __future__ import annotations

import re

import pytest

from fupin.accounts.models import Role, User
from fupin.seed.services import demo_accounts, demo_load
from tests.support import make_user

pytestmark = pytest.mark.django_db


def test_demo_account_names_carry_no_notes():
    for account in demo_accounts():
        assert not re.search(r"[（(]|数据|合成", account.display_name), account


def test_demo_load_removes_a_note_left_in_a_name_by_an_older_demo():
    make_user("daozhen", Role.COUNTY_OFFICER, "520325000000", display_name="道真县扶贫办（有合成建档立卡数据）")
    make_user("weining", Role.COUNTY_OFFICER, "520526000000", display_name="王县长")  # renamed by its users: kept
    demo_load(actor=None)
    assert User.objects.get(username="daozhen").display_name == "道真县扶贫办"
    assert User.objects.get(username="weining").display_name == "王县长"
