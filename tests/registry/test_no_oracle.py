"""No oracle, no leak: a refusal never names what lies outside the user's area; ID numbers are masked everywhere a
role may not see them; the admin's object shortcut does not exist; error workbooks are masked above the uploader."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from fupin.accounts.models import Role
from fupin.checks.models import CheckRun, Finding
from fupin.lib.idnumbers import mask
from fupin.registry.imports import import_households
from fupin.registry.models import Household, ImportBatch
from tests.registry.test_import_export import rows_for, write_xlsx
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


def test_a_person_registered_in_another_county_is_not_located_for_the_importer(tmp_path):
    there, here = first_village(COUNTY_B), first_village(COUNTY_A)
    rows = rows_for(there, households=1, size=2)
    import_households(actor=None, path=write_xlsx(tmp_path / "there.xlsx", rows))
    moved = {**rows[1], "户编号": f"{here}00001", "村代码": here, "与户主关系": "户主"}
    officer = make_user("cty-a", Role.COUNTY_OFFICER, COUNTY_A)
    report = import_households(actor=officer, path=write_xlsx(tmp_path / "here.xlsx", [moved]))
    reason = report.errors[0].reason
    assert reason == "该身份证号已在其他地区登记，一人只能属于一户：请由上一级扶贫部门核实后处理"
    assert there not in reason
    assert not Household.objects.filter(village_id=here).exists()


def test_the_admin_shortcut_redirect_does_not_exist(client):
    client.force_login(make_user("padm", Role.PROVINCE_ADMIN, PROVINCE))
    assert client.get("/admin/r/1/1/").status_code == 404


def test_the_admin_shows_a_findings_id_number_masked(client):
    village = first_village(COUNTY_A)
    pid = rows_for(village, households=1, size=1)[0]["身份证号"]
    run = CheckRun.objects.create(year=2017, area_code=COUNTY_A, engine="duckdb")
    finding = Finding.objects.create(rule_id="wrong_car", year=2017, household_no=f"{village}00001", person_id=pid,
                                     village_id=village, category="错评", severity="high", explanation="x",
                                     first_run=run, last_run=run)  # fmt: skip
    client.force_login(make_user("cty", Role.COUNTY_OFFICER, COUNTY_A))
    page = client.get(f"/admin/checks/finding/{finding.pk}/change/").content.decode()
    assert mask(str(pid)) in page
    assert str(pid) not in page


def _error_file(client, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    village = first_village(COUNTY_A)
    rows = rows_for(village, households=1, size=2)
    rows[1]["与户主关系"] = "外星人"  # refused: one error row holding an ID number
    officer = make_user("cty-up", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    with open(write_xlsx(tmp_path / "up.xlsx", rows), "rb") as fh:
        client.post("/imports/", {"file": fh, "partial": "on"})
    batch = ImportBatch.objects.latest("pk")
    return batch, str(rows[1]["身份证号"])


def _cells(response) -> list[str]:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_error_workbooks_are_masked_above_the_uploader_and_expire(client, tmp_path, settings):
    batch, pid = _error_file(client, tmp_path, settings)
    own = client.get(f"/imports/{batch.pk}/errors.xlsx")
    assert own.status_code == 200
    assert pid in _cells(own)
    client.force_login(make_user("pref", Role.PREFECTURE_OFFICER, PREFECTURE_A))
    above = _cells(client.get(f"/imports/{batch.pk}/errors.xlsx"))
    assert pid not in " ".join(above)
    assert mask(pid) in above
    ImportBatch.objects.filter(pk=batch.pk).update(at=batch.at - timedelta(days=31))
    with override_settings(IMPORT_ERRORS_KEEP_DAYS=30):
        assert client.get(f"/imports/{batch.pk}/errors.xlsx").status_code == 404
