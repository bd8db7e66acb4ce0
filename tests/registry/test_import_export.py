"""`fupin import households`: template, validation messages, atomicity, idempotency, exit codes, real files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.lib.tabular import FileUnreadable
from fupin.registry.imports import households_template, import_households
from fupin.registry.importspec import HOUSEHOLDS
from fupin.registry.models import Helper, Household, ImportBatch, Member
from fupin.registry.workbooks import export_households
from tests.factories import person_ids
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in HOUSEHOLDS]


def rows_for(
    village: str, households: int = 3, size: int = 3, seed: int = 1, start: int = 1
) -> list[dict[str, object]]:
    ids = iter(person_ids(village[:6], households * size, seed=seed))
    out = []
    for h in range(households):
        no = f"{village}{start + h:05d}"
        for k in range(size):
            out.append(
                {
                    "户编号": no,
                    "村代码": village,
                    "村民小组": "一组",
                    "贫困户属性": "一般贫困户",
                    "主要致贫原因": "因病",
                    "识别年度": 2014,
                    "脱贫年度": None,
                    "联系电话": "13800000000",
                    "帮扶责任人": "李明",
                    "帮扶单位": "县农业农村局",
                    "帮扶责任人电话": "13900000000",
                    "姓名": f"王{h}{k}",
                    "身份证号": next(ids),
                    "性别": None,
                    "出生日期": None,
                    "与户主关系": "户主" if k == 0 else "子女",
                    "文化程度": "初中",
                    "在校生": "否",
                    "健康状况": "健康",
                    "劳动技能": "普通劳动力",
                    "残疾情况": "",
                    "务工时间(月)": 3,
                    "基本医疗保险": "是",
                    "大病保险": "是",
                }
            )
    return out


def write_xlsx(path: Path, rows: list[dict[str, object]], headers: list[str] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    headers = headers or HEADERS
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, object]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow(["" if r.get(h) is None else r.get(h) for h in HEADERS])
    return path


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


def run(path: Path, *args: str) -> int:
    try:
        call_command("import", "households", str(path), *args)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_template_has_chinese_headers_and_its_example_row_imports(tmp_path, village):
    path = households_template(tmp_path / "模板.xlsx", actor=None)
    wb = load_workbook(path)
    assert wb.sheetnames == ["贫困户家庭成员", "填写说明"]
    header = [c.value for c in wb["贫困户家庭成员"][1]]
    assert header[0] == "户编号*"
    assert "身份证号*" in header
    assert "在校生" in header
    # fill the example row with a real village and ID, then import it
    ws = wb["贫困户家庭成员"]
    ws["A2"], ws["B2"] = f"{village}00001", village
    ws.cell(row=2, column=HEADERS.index("身份证号") + 1).value = person_ids(village[:6], 1)[0]
    ws.cell(row=2, column=HEADERS.index("出生日期") + 1).value = None
    ws.cell(row=2, column=HEADERS.index("性别") + 1).value = None
    wb.save(path)
    report = import_households(actor=None, path=path)
    assert report.errors == []
    assert Household.objects.get(household_no=f"{village}00001").head_name == "王德发"


def test_xlsx_and_csv_import_then_reimport_changes_nothing(tmp_path, village):
    rows = rows_for(village, households=4, size=3)
    for path in (write_xlsx(tmp_path / "a.xlsx", rows), write_csv(tmp_path / "a.csv", rows)):
        Member.objects.all().delete()
        Household.objects.all().delete()
        report = import_households(actor=None, path=path)
        assert (report.rows_taken, report.rows_refused, report.exit_code) == (12, 0, 0)
        assert report.created == {"households": 4, "members": 12, "helpers": report.created["helpers"]}
        h = Household.objects.get(household_no=f"{village}00001")
        assert (h.size, h.head_name, h.status, h.helper.name) == (3, "王00", "poor", "李明")
        m = h.members.get(name="王01")
        assert (m.relation, m.migrant_months, m.medical_insurance, m.student) == ("子女", 3, True, False)
        before = AuditEntry.objects.count()
        again = import_households(actor=None, path=path)
        assert again.created == {"households": 0, "members": 0, "helpers": 0}
        assert again.updated == {"households": 0, "members": 0}
        assert again.unchanged == 12
        assert AuditEntry.objects.count() == before + 1  # the batch entry only, no row changes
    assert Helper.objects.count() == 1


def test_changed_values_are_updated_and_audited_old_to_new(tmp_path, village):
    rows = rows_for(village, households=2, size=2)
    import_households(actor=None, path=write_xlsx(tmp_path / "a.xlsx", rows))
    rows[1]["健康状况"] = "长期慢性病"
    rows[2]["主要致贫原因"] = "缺资金"
    rows[3]["主要致贫原因"] = "缺资金"
    report = import_households(actor=None, path=write_xlsx(tmp_path / "b.xlsx", rows))
    assert report.updated == {"households": 1, "members": 1}
    assert Member.objects.get(name="王01").health == "长期慢性病"
    entry = AuditEntry.objects.filter(action="registry.import_update", entity_id=f"{village}00001").get()
    assert entry.changes == {"成员 王01·健康状况": ["健康", "长期慢性病"]}


def test_every_bad_cell_is_reported_with_row_column_and_reason(tmp_path, village):
    rows = rows_for(village, households=6, size=2)
    good_id = rows[0]["身份证号"]
    rows[0]["身份证号"] = str(good_id)[:17] + ("1" if str(good_id)[17] != "1" else "2")  # row 2: checksum
    rows[2]["姓名"] = ""  # row 4
    rows[4]["贫困户属性"] = "富裕户"  # row 6
    rows[6]["务工时间(月)"] = 13  # row 8
    rows[8]["村代码"] = first_village(COUNTY_B)  # row 10 — as a user of county A
    rows[9]["村代码"] = first_village(COUNTY_B)
    rows[10]["在校生"] = "也许"  # row 12
    user = make_user("imp", Role.COUNTY_OFFICER, COUNTY_A)
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    report = import_households(actor=user, path=path)
    found = {(e.row, e.column, e.reason) for e in report.errors}
    assert (2, "身份证号", "校验码错误") in found
    assert (4, "姓名", "必填项为空") in found
    assert (6, "贫困户属性", "应为：一般贫困户、低保贫困户、特困供养贫困户") in found
    assert (8, "务工时间(月)", "应在 0–12 之间") in found
    assert (10, "村代码", "不在您的管辖范围内") in found
    assert (12, "在校生", "应填“是”或“否”") in found
    # the other row of each refused household is refused too, naming why
    assert (3, "户编号", "同户其他行有错误，整户未导入") in found
    assert report.rows_refused == 12
    assert Household.objects.count() == 0  # all-or-nothing by default
    # partial mode: nothing is refused that passed; here every household had a bad row
    assert import_households(actor=user, path=path, mode="partial").rows_taken == 0


def test_partial_mode_takes_the_good_households_and_exit_code_is_1(tmp_path, village):
    rows = rows_for(village, households=3, size=2)
    rows[2]["身份证号"] = "123"
    path = write_xlsx(tmp_path / "p.xlsx", rows)
    assert run(path) == 1
    assert Household.objects.count() == 0
    assert (tmp_path / "p.错误.xlsx").exists()
    book = load_workbook(tmp_path / "p.错误.xlsx")
    assert book.sheetnames == ["错误明细", "导入结果", "被拒绝的行"]
    detail = [tuple(c.value for c in r) for r in book["错误明细"].iter_rows(min_row=2)]
    assert (4, "身份证号", "123", "长度应为 18 位（或 15 位旧号），实际 3 位") in detail
    assert book["被拒绝的行"].max_row == 3  # header + the household's two rows
    assert run(path, "--partial") == 1
    assert set(Household.objects.values_list("household_no", flat=True)) == {f"{village}00001", f"{village}00003"}
    assert run(path, "--partial") == 1  # idempotent: nothing new
    assert Household.objects.count() == 2
    rows[2]["身份证号"] = person_ids(village[:6], 1, seed=999)[0]
    assert run(write_xlsx(tmp_path / "fixed.xlsx", rows)) == 0
    assert Household.objects.count() == 3


def test_id_numbers_valid_wrong_checksum_wrong_length_15_digit_lowercase_x(tmp_path, village):
    ids = person_ids(village[:6], 40, seed=5)
    with_x = next(i for i in ids if i.endswith("X"))
    rows = rows_for(village, households=4, size=1)
    rows[0]["身份证号"] = with_x.lower()  # lowercase x accepted
    rows[1]["身份证号"] = "520526700101123"  # 15-digit: upgraded to 18
    rows[2]["身份证号"] = ids[0][:17] + ("0" if ids[0][17] != "0" else "1")
    rows[3]["身份证号"] = ids[1][:16]
    report = import_households(actor=None, path=write_xlsx(tmp_path / "i.xlsx", rows), mode="partial")
    reasons = {e.row: e.reason for e in report.errors}
    assert reasons == {4: "校验码错误", 5: "长度应为 18 位（或 15 位旧号），实际 16 位"}
    assert Member.objects.filter(id_number=with_x).exists()
    upgraded = Member.objects.get(household__household_no=f"{village}00002")
    assert upgraded.id_number.startswith("52052619700101123")
    assert len(upgraded.id_number) == 18
    assert upgraded.birth_date.isoformat() == "1970-01-01"


def test_sex_and_birth_date_are_cross_checked_and_dates_as_text_accepted(tmp_path, village):
    rows = rows_for(village, households=3, size=1)
    pid = str(rows[0]["身份证号"])
    birth = f"{pid[6:10]}年{int(pid[10:12])}月{int(pid[12:14])}日"
    rows[0]["出生日期"] = birth  # date as Chinese text: accepted
    rows[0]["性别"] = "男" if int(pid[16]) % 2 else "女"
    rows[1]["出生日期"] = "1999-02-30"  # impossible date
    rows[2]["性别"] = "女" if int(str(rows[2]["身份证号"])[16]) % 2 else "男"
    report = import_households(actor=None, path=write_xlsx(tmp_path / "d.xlsx", rows), mode="partial")
    assert {(e.row, e.column) for e in report.errors} == {(3, "出生日期"), (4, "性别")}
    assert Household.objects.count() == 1


def test_one_person_one_household_province_wide(tmp_path, village):
    rows = rows_for(village, households=2, size=2)
    import_households(actor=None, path=write_xlsx(tmp_path / "a.xlsx", rows))
    moved = dict(rows[1])
    moved["户编号"] = f"{village}00009"
    moved["与户主关系"] = "户主"
    report = import_households(actor=None, path=write_xlsx(tmp_path / "b.xlsx", [moved]))
    assert report.errors[0].reason.startswith(f"该身份证号已登记在户 {village}00001")
    dup = rows_for(village, households=1, size=2, start=20, seed=44)
    dup[1]["身份证号"] = dup[0]["身份证号"]
    report = import_households(actor=None, path=write_xlsx(tmp_path / "c.xlsx", dup))
    assert {e.reason for e in report.errors} == {"身份证号在本文件中出现多次（一人只能属于一户）"}


def test_household_rules_one_head_consistent_fields_years_through_procedures(tmp_path, village):
    rows = rows_for(village, households=3, size=2)
    rows[1]["与户主关系"] = "户主"  # two heads
    rows[3]["主要致贫原因"] = "缺水"  # inconsistent household field
    rows[4]["脱贫年度"] = 2014  # exit in the identification year
    rows[5]["脱贫年度"] = 2014
    report = import_households(actor=None, path=write_xlsx(tmp_path / "h.xlsx", rows), mode="partial")
    reasons = {(e.row, e.reason) for e in report.errors}
    assert (3, "同一户有多名户主") in reasons
    assert (5, "同一户编号的各行此列不一致") in reasons
    assert (6, "脱贫年度须晚于识别年度（当年识别不能当年退出）") in reasons
    ok = rows_for(village, households=1, size=2, start=30, seed=3)
    import_households(actor=None, path=write_xlsx(tmp_path / "ok.xlsx", ok))
    for r in ok:
        r["识别年度"] = 2015
    report = import_households(actor=None, path=write_xlsx(tmp_path / "ok2.xlsx", ok))
    assert report.errors[0].reason == "识别、脱贫年度须通过识别、退出程序变更，导入时不能修改"


def test_malformed_workbooks(tmp_path, village):
    # wrong headers: unreadable, exit code 2, names the missing columns
    bad_headers = write_xlsx(tmp_path / "h.xlsx", rows_for(village, 1, 1), headers=["编号", "名字"])
    with pytest.raises(FileUnreadable, match="缺少必需的列：户编号、村代码"):
        import_households(actor=None, path=bad_headers)
    assert run(bad_headers) == 2
    # not a spreadsheet at all
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not a zip")
    assert run(junk) == 2
    (tmp_path / "x.txt").write_text("hello")
    assert run(tmp_path / "x.txt") == 2
    (tmp_path / "empty.csv").write_bytes(b"")
    assert run(tmp_path / "empty.csv") == 2
    # empty rows in between are skipped, the row numbers stay those of the sheet
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    rows = rows_for(village, households=2, size=1)
    ws.append([rows[0].get(h) for h in HEADERS])
    ws.append([None] * len(HEADERS))
    ws.append([rows[1].get(h) for h in HEADERS])
    # formulas: the value was never calculated (openpyxl writes no cached value) — reported as empty
    ws.append([*[rows_for(village, 3, 1, start=7, seed=8)[2].get(h) for h in HEADERS[:11]], '=CONCAT("王","五")'])
    # merged cells: only the first row holds the value
    more = rows_for(village, households=2, size=1, start=5, seed=9)
    ws.append([more[0].get(h) for h in HEADERS])
    ws.append([more[1].get(h) for h in HEADERS])
    ws.merge_cells(start_row=6, start_column=4, end_row=7, end_column=4)
    wb.save(tmp_path / "m.xlsx")
    report = import_households(actor=None, path=tmp_path / "m.xlsx", mode="partial")
    rows_with_errors = {e.row for e in report.errors}
    assert 3 not in rows_with_errors  # the empty row is not an error
    assert 5 in rows_with_errors  # formula row: 姓名 empty, 身份证号 empty
    assert 6 in rows_with_errors
    assert 7 in rows_with_errors
    assert any("合并单元格" in e.reason for e in report.errors)
    assert report.rows_total == 5
    assert set(Household.objects.values_list("household_no", flat=True)) == {f"{village}00001", f"{village}00002"}


def test_id_number_stored_as_a_number_is_explained(tmp_path, village):
    rows = rows_for(village, households=1, size=1)
    pid = str(rows[0]["身份证号"])
    rows[0]["身份证号"] = int(pid[:17] + "0") if pid[17] != "X" else int(pid[:17] + "1")
    report = import_households(actor=None, path=write_xlsx(tmp_path / "n.xlsx", rows))
    assert "存成了数字" in report.errors[0].reason


def test_gbk_csv_and_dry_run(tmp_path, village):
    path = write_csv(tmp_path / "g.csv", rows_for(village, households=2, size=2), encoding="gb18030")
    report = import_households(actor=None, path=path, dry_run=True)
    assert (report.rows_taken, report.written) == (4, False)
    assert Household.objects.count() == 0
    assert ImportBatch.objects.get(pk=report.batch_id).dry_run
    assert run(path) == 0
    assert Household.objects.count() == 2


def test_inspector_cannot_import_and_export_respects_scope(tmp_path, village):
    import_households(actor=None, path=write_xlsx(tmp_path / "a.xlsx", rows_for(village, 2, 2)))
    import_households(actor=None, path=write_xlsx(tmp_path / "b.xlsx", rows_for(first_village(COUNTY_B), 1, 2, seed=7)))
    inspector = make_user("insp-i", Role.INSPECTOR, COUNTY_A)
    from fupin.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_households(actor=inspector, path=tmp_path / "a.xlsx")
    officer = make_user("cty-x", Role.COUNTY_OFFICER, COUNTY_A)
    assert export_households(viewer=officer, path=tmp_path / "out.xlsx") == 4
    assert export_households(viewer=officer, path=tmp_path / "out.csv") == 4
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert first_village(COUNTY_B) not in text
    # an export re-imports unchanged (round trip)
    report = import_households(actor=officer, path=tmp_path / "out.xlsx")
    assert (report.errors, report.unchanged) == ([], 4)
    # a province-level viewer sees masked ID numbers in the export
    pref = make_user("pref-x", Role.PREFECTURE_OFFICER, COUNTY_A[:4] + "00000000")
    export_households(viewer=pref, path=tmp_path / "masked.csv")
    assert "********" in (tmp_path / "masked.csv").read_text(encoding="utf-8-sig")


def test_template_and_export_commands(tmp_path, village):
    call_command("template", "households", "--out", str(tmp_path / "t.xlsx"))
    assert (tmp_path / "t.xlsx").exists()
    make_user("cty-y", Role.COUNTY_OFFICER, COUNTY_A)
    import_households(actor=None, path=write_xlsx(tmp_path / "a.xlsx", rows_for(village, 1, 2)))
    call_command("export", "households", "--out", str(tmp_path / "e.csv"), "--user", "cty-y")
    assert len((tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines()) == 3


@pytest.mark.slow
def test_100k_rows_with_one_bad_row_write_nothing(tmp_path, village):
    """A 100,000-row workbook: read, checked, and — with one bad row in the middle — nothing written."""
    ids = person_ids(village[:6], 100_000, seed=11)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(HEADERS)
    template = rows_for(village, 1, 1)[0]
    for i in range(100_000):
        row = dict(template)
        row["户编号"], row["身份证号"], row["姓名"] = f"{village}{i // 4 + 1:05d}", ids[i], f"人{i}"
        row["与户主关系"] = "户主" if i % 4 == 0 else "子女"
        if i == 50_000:
            row["身份证号"] = "52052619700101001"
        ws.append([row.get(h) for h in HEADERS])
    wb.save(tmp_path / "big.xlsx")
    report = import_households(actor=None, path=tmp_path / "big.xlsx")
    assert report.rows_total == 100_000
    assert [e.row for e in report.errors if e.column == "身份证号"] == [50_002]
    assert report.rows_refused == 4
    assert Member.objects.count() == 0
    report = import_households(actor=None, path=tmp_path / "big.xlsx", mode="partial")
    assert Member.objects.count() == 99_996


def test_web_upload_reports_errors_and_offers_the_error_workbook(client, tmp_path, village):
    officer = make_user("web-imp", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(officer)
    page = client.get("/imports/").content.decode()
    assert "上传并导入" in page
    assert client.get("/imports/template.xlsx").status_code == 200
    rows = rows_for(village, households=2, size=2)
    rows[3]["身份证号"] = "52052619700101001"
    path = write_xlsx(tmp_path / "web.xlsx", rows)
    with open(path, "rb") as fh:
        response = client.post("/imports/", {"file": fh, "partial": "on"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "长度应为 18 位（或 15 位旧号），实际 17 位" in body
    assert "总行数 4，导入 2，拒绝 2" in body
    batch = ImportBatch.objects.get()
    errors = client.get(f"/imports/{batch.pk}/errors.xlsx")
    assert errors.status_code == 200
    # not a spreadsheet: the message sits next to the file field
    (tmp_path / "bad.txt").write_text("x")
    with open(tmp_path / "bad.txt", "rb") as fh:
        response = client.post("/imports/", {"file": fh})
    assert response.status_code == 400
    assert "请上传 .xlsx、.xls 或 .csv 文件" in response.content.decode()
    # the list exports in the template layout; another county's user sees neither batch nor errors
    export = client.get("/households/export.csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("户编号,村代码")
    assert len(text.splitlines()) == 3
    client.force_login(make_user("web-imp-b", Role.COUNTY_OFFICER, COUNTY_B))
    assert client.get(f"/imports/{batch.pk}/errors.xlsx").status_code == 404
    assert "web.xlsx" not in client.get("/imports/").content.decode()
    client.force_login(make_user("web-insp", Role.INSPECTOR, COUNTY_A))
    assert "只读" in client.get("/imports/").content.decode()
    with open(path, "rb") as fh:
        assert client.post("/imports/", {"file": fh}).status_code == 403
