"""Import messages a user can act on: the web names its checkbox, a broken file is explained in Chinese, the error
workbook downloads under a sensible name, and the template's example row imports for whoever downloaded it."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from fupin.accounts.models import Role
from fupin.lib import tabular as tb
from fupin.lib.idnumbers import parse
from fupin.lib.safefiles import RefusedFile, check_file
from fupin.registry.imports import households_template, import_households, template_village
from fupin.registry.importspec import HOUSEHOLDS, PARTIAL_HINT_CLI, PARTIAL_HINT_WEB, ImportReport, summary_lines
from fupin.registry.models import ImportBatch
from fupin.registry.yearspec import YEARLY
from fupin.web.registry.views import error_file_name
from tests.support import COUNTY_A, make_user

HEADERS = [c.header for c in HOUSEHOLDS]
DAOZHEN = "520325000000"


def _refused_report() -> ImportReport:
    report = ImportReport("households", "名单.xlsx", "0" * 64, "all", False)
    report.rows_total = 2
    report.errors = [tb.RowError(2, "身份证号", "1", "错")]
    import numpy as np

    report.refused_rows = np.array([2])
    return report


def test_the_web_names_its_checkbox_and_the_command_its_option():
    web = "\n".join(summary_lines(_refused_report(), partial_hint=PARTIAL_HINT_WEB))
    assert "勾选“只导入无错的户”" in web
    assert "--partial" not in web
    assert "--partial" in "\n".join(summary_lines(_refused_report()))
    assert PARTIAL_HINT_CLI != PARTIAL_HINT_WEB


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 truncated zip without its end of central directory",
        b"",
        b"\xd0\xcf\x11\xe0 not really an old xls",
    ],
)
@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_broken_excel_file_is_explained_in_chinese(tmp_path, content, suffix):
    path = tmp_path / f"坏{suffix}"
    path.write_bytes(content)
    with pytest.raises(tb.FileUnreadable) as caught:
        tb.read_table(path, HOUSEHOLDS)
    message = str(caught.value)
    assert "不是有效的 Excel 文件" in message
    assert not any(word in message for word in ("EOCD", "Zip", "zip", "archive", "Error", "invalid"))


def test_a_zip_damaged_inside_is_refused_in_chinese_not_a_crash(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet>" + "<c r='A1'/>" * 2000 + "</worksheet>")
    data = bytearray(buffer.getvalue())
    data[60:90] = b"\x00" * 30  # the deflated member's bytes
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(RefusedFile, match="不是有效的 Excel 文件"):
        check_file(path)


@pytest.mark.parametrize(
    ("file_name", "download"),
    [
        ("名单.xlsx", "导入错误-名单.xlsx"),
        ("名单.xlsx.xlsx", "导入错误-名单.xlsx"),
        ("2017 年名单.CSV", "导入错误-2017 年名单.xlsx"),
        (".xlsx", "导入错误-导入文件.xlsx"),
    ],
)
def test_the_error_workbook_is_named_after_the_upload_once(file_name, download):
    assert error_file_name(file_name) == download


@pytest.mark.django_db
def test_error_workbook_download_name(client, tmp_path):
    from urllib.parse import quote

    from tests.factories import person_ids
    from tests.support import first_village

    officer = make_user("imp-name", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    village = first_village(COUNTY_A)
    path = households_template(tmp_path / "名单.xlsx", actor=officer)
    wb = load_workbook(path)
    ws = wb["贫困户家庭成员"]
    ws.cell(row=2, column=HEADERS.index("身份证号") + 1).value = person_ids(village[:6], 1)[0][:17]
    wb.save(path)
    with open(path, "rb") as fh:
        body = client.post("/imports/", {"file": fh}).content.decode()
    assert "勾选“只导入无错的户”" in body
    assert "--partial" not in body
    batch = ImportBatch.objects.get()
    response = client.get(f"/imports/{batch.pk}/errors.xlsx")
    disposition = response["Content-Disposition"]
    assert quote("导入错误-名单.xlsx") in disposition
    assert "xlsx.xlsx" not in disposition
    assert quote(".xlsx.xlsx") not in disposition


def test_example_id_numbers_are_valid():
    for spec in (HOUSEHOLDS, YEARLY):
        example = next(c.example for c in spec if c.field == "id_number")
        assert parse(example).number == example


@pytest.mark.django_db
@pytest.mark.parametrize("county", [COUNTY_A, DAOZHEN])
def test_the_downloaded_template_imports_for_the_county_user_who_downloaded_it(client, tmp_path, county):
    officer = make_user(f"tpl-{county[:6]}", Role.COUNTY_OFFICER, county)
    client.force_login(officer)
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200
    path = tmp_path / "模板.xlsx"
    path.write_bytes(response.content)
    row = [c.value for c in load_workbook(path)["贫困户家庭成员"][2]]
    village = row[HEADERS.index("村代码")]
    assert village.startswith(county[:6])
    assert template_village(officer) == village
    report = import_households(actor=officer, path=path, dry_run=True)
    assert report.errors == [], report.errors
    assert report.rows_total == 1
    assert report.rows_taken == 1


@pytest.mark.django_db
def test_the_template_for_no_one_names_a_real_village():
    from fupin.areas.models import Area
    from fupin.registry.importspec import EXAMPLE_VILLAGE

    assert template_village(None) == EXAMPLE_VILLAGE
    assert Area.objects.filter(code=EXAMPLE_VILLAGE, level=5).exists()
