import io

import pytest
from openpyxl import load_workbook

from fupin.accounts.models import Role
from tests.support import COUNTY_A, PROVINCE, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "area", "expect"),
    [
        (Role.PROVINCE_ADMIN, PROVINCE, "贵州省"),
        (Role.PREFECTURE_OFFICER, "520500000000", "毕节市"),
        (Role.COUNTY_OFFICER, COUNTY_A, "威宁彝族回族苗族自治县"),
        (Role.INSPECTOR, PROVINCE, "贵州省"),
    ],
)
def test_home_shows_own_area_with_children(client, role, area, expect):
    user = make_user("u", role, area)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert f"<h1>{expect}" in page
    assert "下辖" in page


def test_province_home_lists_nine_prefectures_with_counts(client, province_admin):
    client.force_login(province_admin)
    page = client.get("/").content.decode()
    assert "下辖市(州)（9）" in page
    for name in ("贵阳市", "毕节市", "黔东南苗族侗族自治州"):
        assert name in page


def test_drill_down_to_a_village(client, province_admin):
    client.force_login(province_admin)
    for code in ("520500000000", COUNTY_A, "520526004000", "520526004201"):
        assert client.get(f"/areas/{code}/").status_code == 200
    assert client.get("/areas/not-a-code/").status_code == 404


def test_xlsx_export_is_a_real_workbook_of_the_area(client, county_officer):
    client.force_login(county_officer)
    response = client.get(f"/areas/{COUNTY_A}/export.xlsx")
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0] == ("区划代码", "名称", "层级", "类型", "上级代码")
    assert len(rows) > 100
    assert all(str(r[0]).startswith("520526") for r in rows[1:])


def test_audit_list_is_for_audit_readers_only(client, inspector):
    client.force_login(inspector)
    assert client.get("/audit/").status_code == 200
    secretary = make_user("s", Role.FIRST_SECRETARY, "520526004201")
    client.force_login(secretary)
    assert client.get("/audit/").status_code == 403
    assert client.get("/api/audit").status_code == 403


def test_api_me_and_openapi(client, county_officer):
    client.force_login(county_officer)
    me = client.get("/api/me").json()
    assert me["role"] == "county_officer"
    assert me["area"]["code"] == COUNTY_A
    assert client.get("/api/openapi.json").status_code == 200


def test_admin_is_scoped_and_read_only(client, county_officer):
    client.force_login(county_officer)
    page = client.get("/admin/areas/area/?q=从江").content.decode()
    assert "从江县" not in page
    assert client.get(f"/admin/areas/area/{COUNTY_A}/change/").status_code == 200
    assert client.post(f"/admin/areas/area/{COUNTY_A}/delete/").status_code == 403
