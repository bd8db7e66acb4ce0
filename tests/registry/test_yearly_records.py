"""Yearly records (年度动态调整): per capita income, the single-household service, the yearly import and export."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.lib.tabular import RowError
from fupin.registry.models import Household, HouseholdYear, ImportBatch, Member
from fupin.registry.yearimport import export_years, import_years
from fupin.registry.yearly import household_year_save, per_capita_income
from fupin.registry.yearspec import YEARLY
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in YEARLY]
D = Decimal


@pytest.fixture
def village() -> str:
    return first_village(COUNTY_A)


def year_rows(household: Household, year: int = 2018, **overrides: object) -> list[dict[str, object]]:
    """One row per member: incomes 10000 + 4000 − 1000 + 0 + 1001 over the household's size."""
    rows = []
    for m in Member.objects.filter(household=household).order_by("id"):
        row: dict[str, object] = {
            "户编号": household.household_no,
            "年度": year,
            "工资性收入": "10000",
            "生产经营性收入": "4000",
            "生产经营费用": "1000",
            "财产性收入": "0",
            "转移性收入": "1001",
            "人均纯收入": "",
            "不愁吃": "是",
            "不愁穿": "是",
            "义务教育有保障": "是",
            "基本医疗有保障": "是",
            "住房等级": "B",
            "易地扶贫搬迁": "否",
            "饮水安全": "是",
            "人均日供水量(升)": "60",
            "水质达标": "是",
            "往返取水时间(分钟)": "10",
            "年停水天数": "0",
            "属缺水地区": "否",
            "身份证号": m.id_number,
            "姓名": m.name,
            "在校生": "否",
            "在校阶段": "",
            "送教上门": "否",
            "残疾情况": "",
            "健康状况": "健康",
            "基本医疗保险": "是",
            "大病保险": "是",
        }
        row.update(overrides)
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict[str, object]], headers: list[str] | None = None) -> Path:
    headers = headers or HEADERS
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for r in rows:
            writer.writerow(["" if r.get(h) is None else r.get(h) for h in headers])
    return path


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    years = list(HouseholdYear.objects.order_by("id").values_list())
    members = list(Member.objects.order_by("id").values_list())
    return years, members, AuditEntry.objects.count()


# ------------------------------------------------------------------------------------------------- computation


def test_per_capita_income_is_exact_to_the_cent():
    assert per_capita_income(D("10000"), D("4000"), D("1000"), D("0"), D("1001"), 3) == D("4667.00")
    assert per_capita_income(D("100"), D("0"), D("0"), D("0"), D("0"), 3) == D("33.33")
    assert per_capita_income(D("0.05"), D("0"), D("0"), D("0"), D("0"), 2) == D("0.03")  # half up, not even
    assert per_capita_income(D("0.1"), D("0.2"), D("0"), D("0"), D("0"), 1) == D("0.30")
    assert per_capita_income(D("1000"), D("0"), D("3000"), D("0"), D("0"), 4) == D("-500.00")


# ------------------------------------------------------------------------------------------------- the service


def test_service_creates_then_updates_audited_old_to_new(village):
    household = make_household(village, size=2)
    head = Member.objects.get(household=household, relation="户主")
    before = AuditEntry.objects.count()
    row = household_year_save(
        actor=None,
        household=household,
        year=2018,
        values={"wage_income": "3000.50", "transfer_income": 1000, "housing_grade": "b", "water_litres": 50},
    )
    assert (row.income_per_capita, row.poor, row.housing_grade, row.village_id) == (D("2000.25"), True, "B", village)
    created = AuditEntry.objects.order_by("-seq").first()
    assert created is not None
    assert created.action == "registry.year_save"
    assert created.changes["year"] == [None, 2018]
    assert created.changes["income_per_capita"] == [None, "2000.25"]
    household_year_save(
        actor=None,
        household=household,
        year=2018,
        values={"wage_income": "3000.50", "food_ok": False, "income_per_capita_given": "2000.25"},
        members={head.id_number: {"student": True, "school_stage": "高中"}},
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.changes == {
        "food_ok": [True, False],
        f"成员 {head.name}·在校生": [False, True],
        f"成员 {head.name}·在校阶段": ["", "高中"],
    }
    head.refresh_from_db()
    assert (head.student, head.school_stage) == (True, "高中")
    assert AuditEntry.objects.count() == before + 2
    # blank money is 0, a blank flag 否, a blank judgement refused (as in the file)
    with pytest.raises(ValidationError) as exc:
        household_year_save(actor=None, household=household, year=2018, values={"wage_income": None, "food_ok": None})
    assert (exc.value.message, exc.value.extra) == ("不愁吃应为“是”或“否”", {"field": "food_ok"})
    # the same values again: nothing changes, nothing is audited
    household_year_save(
        actor=None, household=household, year=2018, values={"wage_income": D("3000.5"), "food_ok": False}
    )
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.parametrize(
    ("values", "members", "field", "message"),
    [
        ({"wage_income": "-1"}, None, "wage_income", "工资性收入应在 0–10,000,000 元之间，填写的是 -1"),
        ({"wage_income": "1.005"}, None, "wage_income", "工资性收入最多两位小数，填写的是 1.005"),
        (
            {"wage_income": "10000000.01"},
            None,
            "wage_income",
            "工资性收入应在 0–10,000,000 元之间，填写的是 10000000.01",
        ),
        ({"water_litres": 1001}, None, "water_litres", "人均日供水量(升)应在 0–1000 之间，填写的是 1001"),
        ({"water_minutes": 1441}, None, "water_minutes", "往返取水时间(分钟)应在 0–1440 之间，填写的是 1441"),
        ({"water_cut_days": 367}, None, "water_cut_days", "年停水天数应在 0–366 之间，填写的是 367"),
        ({"housing_grade": "E"}, None, "housing_grade", "住房等级应为 A、B、C、D 之一，填写的是“E”"),
        (
            {"income_per_capita_given": "2000.52"},
            None,
            "income_per_capita",
            "填写的人均纯收入 2000.52 元与按收入来源计算的 2000.50 元不符（相差超过 0.01 元）",
        ),
        ({}, {"110101199003074514": {"student": True}}, "id_number", "身份证号 110101199003074514 不是该户的成员"),
    ],
)
def test_service_refuses_and_writes_nothing(village, values, members, field, message):
    household = make_household(village, size=2)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        household_year_save(actor=None, household=household, year=2017, values=values, members=members)
    assert (exc.value.message, exc.value.extra) == (message, {"field": field})
    assert snapshot() == before


def test_service_refuses_inconsistent_school_stage_and_years(village):
    household = make_household(village, size=2)
    head = Member.objects.get(household=household, relation="户主")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        household_year_save(
            actor=None,
            household=household,
            year=2017,
            values={"food_ok": False},
            members={head.id_number: {"school_stage": "初中"}},
        )
    assert exc.value.message == f"成员 {head.name}：填写了在校阶段“初中”，在校生须为“是”"
    with pytest.raises(ValidationError) as exc:
        household_year_save(actor=None, household=household, year=2012, values={"housing_grade": "A"})
    assert exc.value.message.startswith("年度应在 2013–")
    with pytest.raises(ValidationError) as exc:
        household_year_save(actor=None, household=household, year=2099, values={"housing_grade": "A"})
    assert exc.value.extra == {"field": "year"}
    assert snapshot() == before


def test_service_needs_registry_edit(village):
    household = make_household(village, size=2)
    inspector = make_user("insp-y", Role.INSPECTOR, COUNTY_A)
    officer = make_user("cty-y2", Role.COUNTY_OFFICER, COUNTY_B)  # may edit, but not this county
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        household_year_save(actor=inspector, household=household, year=2017, values={"food_ok": False})
    with pytest.raises(NotFoundError):
        household_year_save(actor=officer, household=household, year=2017, values={"food_ok": False})
    assert snapshot() == before
    owner = make_user("cty-a2", Role.COUNTY_OFFICER, COUNTY_A)
    row = household_year_save(actor=owner, household=household, year=2017, values={"food_ok": False})
    assert row.food_ok is False


# ------------------------------------------------------------------------------------------------- the import


def test_import_creates_updates_and_is_idempotent(tmp_path, village):
    one = make_household(village, 1, size=3)
    two = make_household(village, 2, size=2)
    path = write_csv(tmp_path / "y.csv", year_rows(one) + year_rows(two, 2017))
    report = import_years(actor=None, path=path)
    assert report.errors == []
    assert (report.created, report.updated, report.rows_taken, report.exit_code) == (
        {"years": 1},
        {"years": 1, "members": 0},
        5,
        0,
    )
    created = HouseholdYear.objects.get(household=one, year=2018)
    assert (created.income_per_capita, created.production_costs, created.poor) == (D("4667.00"), D("1000.00"), True)
    assert (created.water_litres, created.water_quality_ok, created.housing_grade) == (60, True, "B")
    updated = HouseholdYear.objects.get(household=two, year=2017)
    assert (updated.income_per_capita, updated.housing_grade) == (D("7000.50"), "B")
    entry = AuditEntry.objects.filter(action="registry.year_import", entity_id=two.household_no).get()
    assert entry.changes["housing_grade"] == ["C", "B"]
    assert entry.changes["income_per_capita"] == ["2000.50", "7000.50"]
    assert ImportBatch.objects.get(pk=report.batch_id).kind == "years"
    # the same file again: nothing changes, no audit row
    audits = AuditEntry.objects.exclude(action="registry.import").count()
    again = import_years(actor=None, path=path)
    assert (again.errors, again.created, again.updated, again.unchanged) == (
        [],
        {"years": 0},
        {"years": 0, "members": 0},
        5,
    )
    assert AuditEntry.objects.exclude(action="registry.import").count() == audits


def test_member_facts_are_current_and_audited(tmp_path, village):
    household = make_household(village, 1, size=2)
    rows = year_rows(household)
    rows[1].update({"在校生": "是", "在校阶段": "初中", "残疾情况": "肢体三级", "健康状况": "残疾"})
    report = import_years(actor=None, path=write_csv(tmp_path / "y.csv", rows))
    assert (report.errors, report.updated["members"]) == ([], 1)
    child = Member.objects.get(id_number=rows[1]["身份证号"])
    assert (child.student, child.school_stage, child.disability, child.health) == (True, "初中", "肢体三级", "残疾")
    entry = AuditEntry.objects.filter(action="registry.year_import").get()
    assert entry.changes[f"成员 {child.name}·在校阶段"] == ["", "初中"]
    assert entry.changes[f"成员 {child.name}·残疾情况"] == ["", "肢体三级"]


def test_typed_per_capita_income_must_agree(tmp_path, village):
    household = make_household(village, 1, size=3)
    good = import_years(
        actor=None, path=write_csv(tmp_path / "ok.csv", year_rows(household, 2018, 人均纯收入="4667.01")), dry_run=True
    )
    assert good.errors == []
    report = import_years(actor=None, path=write_csv(tmp_path / "y.csv", year_rows(household, 2018, 人均纯收入="4668")))
    assert report.errors[0] == RowError(
        2, "人均纯收入", "4668", "填写的人均纯收入 4668.00 元与按收入来源计算的 4667.00 元不符（相差超过 0.01 元）"
    )
    assert HouseholdYear.objects.filter(household=household, year=2018).count() == 0


def test_each_refused_cell_names_row_and_column(tmp_path, village):
    household = make_household(village, 1, size=2)
    ok = make_household(village, 2, size=2)
    bad_household = {"工资性收入": "12,000", "住房等级": "E", "人均日供水量(升)": "1200", "不愁吃": ""}
    rows = year_rows(household, **bad_household)  # household columns repeat on each row: both rows refused
    rows[1].update({"在校阶段": "小学", "姓名": "李四", "生产经营费用": "1.234"})
    path = write_csv(tmp_path / "y.csv", rows + year_rows(ok))
    before = snapshot()
    report = import_years(actor=None, path=path)
    assert report.errors == [
        RowError(2, "不愁吃", "", "此列须填写（有此列时不能留空）"),
        RowError(2, "人均日供水量(升)", "1200", "应在 0–1000 之间"),
        RowError(2, "住房等级", "E", "应为：A、B、C、D"),
        RowError(2, "工资性收入", "12,000", "应为 0–10,000,000 元的金额（只填数字，不带单位或千分位）"),
        RowError(3, "不愁吃", "", "此列须填写（有此列时不能留空）"),
        RowError(3, "人均日供水量(升)", "1200", "应在 0–1000 之间"),
        RowError(3, "住房等级", "E", "应为：A、B、C、D"),
        RowError(3, "在校阶段", "小学", "填写了在校阶段的须为在校生（在校生填“是”）；非在校生在校阶段留空"),
        RowError(3, "姓名", "李四", "与登记的姓名不一致（身份证号与姓名须为同一人）"),
        RowError(3, "工资性收入", "12,000", "应为 0–10,000,000 元的金额（只填数字，不带单位或千分位）"),
        RowError(3, "生产经营费用", "1.234", "金额最多两位小数"),
    ]
    assert (report.rows_refused, report.rows_taken, report.written, report.exit_code) == (2, 0, False, 1)
    assert snapshot()[:2] == before[:2]
    # partial: the good household goes in, the bad one stays out whole
    partial = import_years(actor=None, path=path, mode="partial")
    assert (partial.rows_taken, partial.created, partial.written) == (2, {"years": 1}, True)
    assert list(HouseholdYear.objects.filter(year=2018).values_list("household_id", flat=True)) == [ok.pk]


def test_out_of_area_and_foreign_members_are_refused_without_revealing(tmp_path, village):
    mine = make_household(village, 1, size=2)
    other = make_household(first_village(COUNTY_B), 1, size=2)
    officer = make_user("cty-imp", Role.COUNTY_OFFICER, COUNTY_A)
    rows = year_rows(other)
    report = import_years(actor=officer, path=write_csv(tmp_path / "o.csv", rows))
    missing = write_csv(tmp_path / "m.csv", year_rows(other, 户编号=f"{village}99999"))
    assert report.errors == [
        RowError(2, "户编号", other.household_no, "该户不存在或不在您的管辖范围内"),
        RowError(3, "户编号", other.household_no, "该户不存在或不在您的管辖范围内"),
    ]
    assert [e.reason for e in import_years(actor=officer, path=missing).errors] == [
        "该户不存在或不在您的管辖范围内"
    ] * 2
    # someone of another household in my household's rows
    stranger = year_rows(other)[0]
    stranger.update({"户编号": mine.household_no, "姓名": ""})
    report = import_years(actor=None, path=write_csv(tmp_path / "s.csv", [*year_rows(mine), stranger]))
    assert report.errors == [
        RowError(2, "户编号", mine.household_no, "同户其他行有错误，整户未导入"),
        RowError(3, "户编号", mine.household_no, "同户其他行有错误，整户未导入"),
        RowError(
            4, "身份证号", str(stranger["身份证号"]), "不是该户登记的家庭成员（成员变动请用家庭成员的新增、迁移功能）"
        ),
    ]
    assert report.rows_refused == 3
    assert HouseholdYear.objects.filter(year=2018).count() == 0


def test_inconsistent_household_columns_and_inspector_refused(tmp_path, village):
    household = make_household(village, 1, size=2)
    rows = year_rows(household)
    rows[1]["转移性收入"] = "2000"
    report = import_years(actor=None, path=write_csv(tmp_path / "y.csv", rows))
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "转移性收入", "同一户同一年度的各行此列不一致"),
        (3, "转移性收入", "同一户同一年度的各行此列不一致"),
    ]
    with pytest.raises(PermissionDeniedError):
        import_years(actor=make_user("insp-z", Role.INSPECTOR, COUNTY_A), path=tmp_path / "y.csv")


def test_export_round_trip_and_masking(tmp_path, village):
    make_household(village, 1, size=2)  # the factory's 2017 record: 4001 元 over 2 people, 2000.50 per person
    make_household(village, 2, size=2)
    make_household(first_village(COUNTY_B), 1, size=2)
    officer = make_user("cty-exp", Role.COUNTY_OFFICER, COUNTY_A)
    assert export_years(viewer=officer, area_code="", year=2017, path=tmp_path / "e.xlsx") == 4
    assert export_years(viewer=officer, area_code="", year=2017, path=tmp_path / "e.csv") == 4
    assert first_village(COUNTY_B) not in (tmp_path / "e.csv").read_text(encoding="utf-8-sig")
    before = snapshot()
    for name in ("e.xlsx", "e.csv"):
        report = import_years(actor=officer, path=tmp_path / name)
        assert (report.errors, report.created, report.updated, report.unchanged) == (
            [],
            {"years": 0},
            {"years": 0, "members": 0},
            4,
        )
    assert snapshot()[:2] == before[:2]
    pref = make_user("pref-exp", Role.PREFECTURE_OFFICER, COUNTY_A[:4] + "00000000")
    export_years(viewer=pref, area_code=village, year=2017, path=tmp_path / "masked.csv")
    masked = import_years(actor=None, path=tmp_path / "masked.csv")
    assert "********" in (tmp_path / "masked.csv").read_text(encoding="utf-8-sig")
    assert (masked.rows_refused, masked.errors[0].column) == (4, "身份证号")


def test_template_example_row_imports_and_commands(tmp_path, village):
    household = make_household(village, 1, size=4)
    head = Member.objects.get(household=household, relation="户主")
    call_command("template", "years", "--out", str(tmp_path / "t.xlsx"))
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["年度动态调整", "填写说明"]
    header = [c.value for c in wb["年度动态调整"][1]]
    assert header[:3] == ["户编号*", "年度*", "工资性收入"]
    assert "身份证号*" in header
    ws = wb["年度动态调整"]
    ws.cell(row=2, column=1).value = household.household_no
    ws.cell(row=2, column=HEADERS.index("身份证号") + 1).value = head.id_number
    ws.cell(row=2, column=HEADERS.index("姓名") + 1).value = head.name
    wb.save(tmp_path / "t.xlsx")
    report = import_years(actor=None, path=tmp_path / "t.xlsx")
    assert report.errors == []
    assert HouseholdYear.objects.get(household=household, year=2019).income_per_capita == D("4500.00")
    make_user("cty-cmd", Role.COUNTY_OFFICER, COUNTY_A)
    call_command("export", "years", "--user", "cty-cmd", "--year", "2019", "--out", str(tmp_path / "x.csv"))
    assert len((tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()) == 5
    call_command("import", "years", str(tmp_path / "x.csv"), "--user", "cty-cmd")
    bad = write_csv(tmp_path / "bad.csv", year_rows(household, 2019, 住房等级="Z"))
    with pytest.raises(CommandError) as exc:
        call_command("import", "years", str(bad), "--errors", str(tmp_path / "err.xlsx"))
    assert exc.value.returncode == 1
    errors = load_workbook(tmp_path / "err.xlsx")
    assert [c.value for c in errors["错误明细"][2]] == [2, "住房等级", "Z", "应为：A、B、C、D"]
