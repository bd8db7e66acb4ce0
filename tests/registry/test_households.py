import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import ValidationError
from fupin.lib.idnumbers import mask
from fupin.registry.models import Household, Member
from tests.factories import make_household
from tests.support import COUNTY_A, first_village, make_user


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
