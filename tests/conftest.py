"""Shared fixtures. The real division tree (19,572 units) is loaded once per test session into the test DB."""

from __future__ import annotations

from typing import Any

import pytest

from fupin.accounts.models import Role, User

PASSWORD = "Correct-Horse-52"

# Two counties in different prefectures, and units inside each, from the real tree.
COUNTY_A = "520526000000"  # 威宁彝族回族苗族自治县 (毕节市)
COUNTY_B = "522633000000"  # 从江县 (黔东南州)
PREFECTURE_A = "520500000000"
PROVINCE = "520000000000"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from fupin.areas.services import areas_load

    with django_db_blocker.unblock():
        areas_load(actor=None)


def first_village(county: str) -> str:
    from fupin.areas.models import Area
    from fupin.core import codes

    lo, hi = codes.code_range(county)
    village = Area.objects.filter(code__gte=lo, code__lte=hi, kind="village").order_by("code").first()
    assert village is not None
    return village.code


def make_user(username: str, role: str, area: str, **extra: Any) -> User:
    from fupin.accounts.services import user_create

    return user_create(actor=None, username=username, password=PASSWORD, role=role, area_code=area, **extra)


def users_in_county(county: str, tag: str) -> dict[str, User]:
    """One user of every role whose scope includes ``county`` but not the other test county."""
    village = first_village(county)
    township = village[:9] + "000"
    return {
        "prefecture_officer": make_user(f"pref-{tag}", Role.PREFECTURE_OFFICER, county[:4] + "00000000"),
        "county_officer": make_user(f"county-{tag}", Role.COUNTY_OFFICER, county),
        "township_officer": make_user(f"town-{tag}", Role.TOWNSHIP_OFFICER, township),
        "first_secretary": make_user(f"sec-{tag}", Role.FIRST_SECRETARY, village),
        "inspector": make_user(f"insp-{tag}", Role.INSPECTOR, county),
    }


@pytest.fixture
def province_admin(db: Any) -> User:
    return make_user("padmin", Role.PROVINCE_ADMIN, PROVINCE)


@pytest.fixture
def county_officer(db: Any) -> User:
    return make_user("county-a", Role.COUNTY_OFFICER, COUNTY_A)


@pytest.fixture
def inspector(db: Any) -> User:
    return make_user("insp", Role.INSPECTOR, PROVINCE)
