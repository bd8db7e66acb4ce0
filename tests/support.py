"""What tests share besides fixtures: the real units they use, users of every role, the test password."""

from __future__ import annotations

from typing import Any

from fupin.accounts.models import Role, User

PASSWORD = "Correct-Horse-52"

# Two counties in different prefectures, and units inside each, from the real tree.
COUNTY_A = "520526000000"  # 威宁彝族回族苗族自治县 (毕节市)
COUNTY_B = "522633000000"  # 从江县 (黔东南州)
PREFECTURE_A = "520500000000"
PROVINCE = "520000000000"


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
