import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import ValidationError
from fupin.lib.idnumbers import IdNumberError, mask, parse, upgrade_15
from fupin.registry.models import Household, Member

from .conftest import COUNTY_A, first_village, make_user
from .registry_factory import make_household, person_ids


def test_a_valid_id_number_gives_birth_date_and_sex():
    pid = person_ids("520526", 1)[0]
    parsed = parse(pid)
    assert parsed.number == pid
    assert parsed.birth_date.isoformat() == "1970-01-01"
    assert parsed.sex == "男"


def test_wrong_checksum_is_refused_naming_the_right_digit():
    pid = person_ids("520526", 1)[0]
    wrong = pid[:17] + ("0" if pid[17] != "0" else "1")
    with pytest.raises(IdNumberError, match=f"校验码错误，末位应为 {pid[17]}"):
        parse(wrong)


@pytest.mark.parametrize("bad", ["52052619700101123", "5205261970010112345", "", "52052619700230123X"])
def test_wrong_length_empty_or_impossible_date_is_refused(bad):
    with pytest.raises(IdNumberError):
        parse(bad)


def test_fifteen_digit_numbers_are_upgraded():
    old = "520526700101123"
    new = upgrade_15(old)
    assert new.startswith("52052619700101123")
    assert parse(old).number == new


def test_lowercase_x_is_accepted_as_upper():
    from stdnum.cn import ric

    bodies = (f"52052619800101{k:03d}" for k in range(1000))
    body = next(b for b in bodies if ric.calc_check_digit(b + "0") == "X")
    assert parse(body + "x").number == body + "X"


def test_mask_keeps_first_six_and_last_four():
    assert mask("520526197001011234") == "520526********1234"


@pytest.mark.django_db
def test_bulk_load_is_all_or_nothing_and_audited():
    village = first_village(COUNTY_A)
    household = make_household(village)
    assert household.size == 2
    assert household.head_name == "张明华"
    assert Member.objects.filter(household=household).count() == 2
    entry = AuditEntry.objects.get(action="registry.bulk_load")
    assert entry.changes["members"] == [0, 2]
    with pytest.raises(ValidationError, match="已有建档立卡数据"):
        make_household(village)
    assert Household.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "area", "full"),
    [
        (Role.COUNTY_OFFICER, COUNTY_A, True),
        (Role.PROVINCE_ADMIN, "520000000000", False),
        (Role.INSPECTOR, COUNTY_A, False),
    ],
)
def test_household_page_masks_id_numbers_unless_the_role_may_see_them(client, role, area, full):
    household = make_household(first_village(COUNTY_A))
    member = household.members.first()
    client.force_login(make_user("u", role, area))
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "张明华户" in page
    assert (member.id_number in page) == full
    assert (mask(member.id_number) in page) == (not full)


@pytest.mark.django_db
def test_search_by_name_id_and_number(client):
    household = make_household(first_village(COUNTY_A), head="王国强")
    client.force_login(make_user("c", Role.COUNTY_OFFICER, COUNTY_A))
    member = household.members.last()
    for q in ("王国强", member.name, member.id_number, household.household_no[:14]):
        assert f"/households/{household.household_no}/" in client.get("/households/", {"q": q}).content.decode(), q
    assert (
        f"/households/{household.household_no}/" not in client.get("/households/", {"q": "不存在的人"}).content.decode()
    )


@pytest.mark.django_db
def test_keyset_pages_walk_every_household_once():
    from fupin.areas.models import Area
    from fupin.web.common.paging import keyset_page

    villages = Area.objects.filter(code__startswith="520526", kind="village").order_by("code")[:3]
    for n, village in enumerate(villages, start=1):
        make_household(village.code, number=n)
    nos, after = [], ""
    qs = Household.objects.order_by("household_no")
    while True:
        page, after = keyset_page(qs.filter(household_no__gt=after) if after else qs, "household_no", size=1)
        nos += [h.household_no for h in page]
        if after is None:
            break
    assert nos == list(qs.values_list("household_no", flat=True))
