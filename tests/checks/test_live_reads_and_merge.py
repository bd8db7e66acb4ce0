"""The production path of a check run: the live tables read column-wise (COPY on PostgreSQL), staged county by
county, and the findings merged in one statement that rewrites only what changed."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fupin.audit.models import AuditEntry
from fupin.checks.models import CheckRun, Finding, FindingStatus
from fupin.checks.services import check_run, finding_transition
from fupin.checks.sources import live_tables, read_chunks, stage_tables
from fupin.external.services import external_load
from fupin.registry.models import Household, HouseholdYear, Member
from fupin.registry.tables import registry_tables
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, first_village

pytestmark = pytest.mark.django_db

PROVINCE = "520000000000"


def write_vehicles(path: Path, rows: list[tuple[str, int]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["车主身份证号", "号牌", "车辆类型", "价值(元)", "登记日期"])
        for n, (owner, value) in enumerate(rows):
            w.writerow([owner, f"贵F{n}", "轿车", value, "2016-05-01"])
    return path


def test_the_reader_keeps_nulls_empty_text_booleans_dates_and_decimals():
    """What the rules read equals what the ORM holds, value for value: NULL stays null and an empty text stays
    empty (PostgreSQL's CSV tells them apart only by quotes), t/f are booleans, dates are dates, 2000.5 exact."""
    h = make_household(first_village(COUNTY_A), size=3)
    Household.objects.filter(pk=h.pk).update(main_cause="")
    first, second, third = h.members.order_by("id_number")
    Member.objects.filter(pk=first.pk).update(health="", migrant_months=7)
    Member.objects.filter(pk=second.pk).update(student=True, home_schooled=False, birth_date=date(2009, 12, 31))
    Member.objects.filter(pk=third.pk).update(name='引号"和,逗号', medical_insurance=False)
    HouseholdYear.objects.filter(household=h).update(
        income_per_capita="2951.99", water_litres=None, water_quality_ok=None, water_minutes=12
    )
    tables = registry_tables(COUNTY_A)
    household = tables["households"].to_pylist()
    assert household[0]["main_cause"] == ""
    assert household[0]["exit_year"] is None
    members = {m["person_id"]: m for m in tables["members"].to_pylist()}
    assert members[first.id_number]["health"] == ""
    assert members[first.id_number]["migrant_months"] == 7
    assert (members[second.id_number]["student"], members[second.id_number]["home_schooled"]) == (True, False)
    assert members[second.id_number]["birth_date"] == date(2009, 12, 31)
    assert members[third.id_number]["name"] == '引号"和,逗号'
    assert members[third.id_number]["medical_insurance"] is False
    year = tables["household_years"].to_pylist()[0]
    assert year["income_per_capita"] == 2951.99  # exactly the decimal's nearest double, as in the Parquet files
    assert (year["water_litres"], year["water_quality_ok"], year["water_minutes"]) == (None, None, 12)
    assert tables["members"].schema.field("birth_date").type == pa.date32()


def test_an_empty_result_has_the_columns_and_types():
    tables = registry_tables(COUNTY_B)
    assert tables["members"].num_rows == 0
    assert tables["members"].schema.field("student").type == pa.bool_()


def test_staging_reads_a_province_county_by_county_and_writes_what_the_memory_path_reads(tmp_path):
    for n, county in enumerate((COUNTY_A, COUNTY_B, "520526000000", "520502000000")):
        make_household(first_village(county), number=n + 1, size=2)
    chunks = read_chunks(PROVINCE)
    assert len(chunks) > 80  # every county of Guizhou, one read each
    assert all(c.endswith("000000") and not c.endswith("00000000") for c in chunks)
    assert read_chunks(PREFECTURE_A)[0].startswith("5205")
    assert read_chunks(COUNTY_A) == [COUNTY_A]
    assert read_chunks(first_village(COUNTY_A)) == [first_village(COUNTY_A)]
    rows = stage_tables(PROVINCE, tmp_path)
    memory = live_tables(PROVINCE)
    assert rows["households"] == 4
    assert rows["members"] == 8
    for name, table in memory.items():
        staged = pq.read_table(tmp_path / f"{name}.parquet")
        assert staged.num_rows == table.num_rows == rows[name], name
        assert staged.column_names == table.column_names, name
        key = [(table.column_names[0], "ascending")]
        assert staged.sort_by(key).to_pylist() == table.sort_by(key).to_pylist(), name


def test_a_rerun_rewrites_no_finding_and_each_change_is_counted(tmp_path):
    h = make_household(first_village(COUNTY_A), size=2)
    h.years.update(housing_grade="A")
    owner = h.members.order_by("id_number").first().id_number
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "a.csv", [(owner, 30000)]))
    first = check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.get(rule_id="wrong_car")
    finding_transition(actor=None, finding=finding, to=FindingStatus.ASSIGNED)

    def merged(run: CheckRun) -> tuple[int, int, int]:
        changes = AuditEntry.objects.get(action="checks.run", entity_id=str(run.pk)).changes
        return changes["new"][1], changes["changed"][1], changes["no_longer_present"][1]

    assert merged(first) == (1, 0, 0)
    again = check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding.refresh_from_db()
    assert merged(again) == (0, 0, 0)
    assert (finding.last_run_id, finding.status) == (first.pk, FindingStatus.ASSIGNED)  # the row was not rewritten
    # the car's value changes: the explanation changes, the workflow status stays
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "b.csv", [(owner, 45000)]))
    third = check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding.refresh_from_db()
    assert merged(third) == (0, 1, 0)
    assert "45,000" in finding.explanation
    assert (finding.last_run_id, finding.status, finding.present) == (third.pk, FindingStatus.ASSIGNED, True)
    # the car is sold: no longer present; bought back: present again, the same finding
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "c.csv", []))
    assert merged(check_run(actor=None, year=2017, area_code=COUNTY_A)) == (0, 0, 1)
    finding.refresh_from_db()
    assert finding.present is False
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "d.csv", [(owner, 45000)]))
    assert merged(check_run(actor=None, year=2017, area_code=COUNTY_A)) == (0, 1, 0)
    assert Finding.objects.get().present is True
    assert Finding.objects.count() == 1


def test_a_failed_merge_leaves_the_findings_as_they_were(tmp_path, monkeypatch):
    h = make_household(first_village(COUNTY_A), size=2)
    owner = h.members.order_by("id_number").first().id_number
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "a.csv", [(owner, 30000)]))
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    before = sorted(Finding.objects.values_list("rule_id", "present", "last_run_id"))
    runs = CheckRun.objects.count()
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "b.csv", []))

    def broken(**_):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("fupin.checks.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        check_run(actor=None, year=2017, area_code=COUNTY_A)
    assert sorted(Finding.objects.values_list("rule_id", "present", "last_run_id")) == before
    assert CheckRun.objects.count() == runs


def test_outside_a_transaction_postgresql_is_read_through_adbc_in_one_snapshot(monkeypatch):
    """A check run (a job, a command) reads committed data: on PostgreSQL two ADBC connections share one exported
    snapshot and give what Django's own connection reads, typed the same. (The test's own rows are uncommitted, so
    it reads the division tree, committed when the test database was set up.)"""
    from django.db import connection, connections

    from fupin.core.arrow import bind, query_table, snapshot_readers

    sql = "SELECT code, name, level, parent_id FROM areas_area WHERE code BETWEEN %s AND %s"
    columns = [("code", pa.string()), ("name", pa.string()), ("level", pa.int32()), ("parent", pa.string())]
    expected = query_table(sql, ["520500000000", "520599999999"], columns)
    assert expected.num_rows > 1000
    with snapshot_readers(2) as readers:
        assert readers == [query_table]  # inside the test's transaction: Django's connection, which sees its writes
    if connection.vendor != "postgresql":
        return
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with snapshot_readers(2) as readers:
        assert len(readers) == 2
        assert query_table not in readers
        got = [read(*bind(sql, ["520500000000", "520599999999"]), columns) for read in readers]
    for table in got:
        assert table.schema == expected.schema
        key = [("code", "ascending")]
        assert table.sort_by(key).to_pylist() == expected.sort_by(key).to_pylist()


def test_the_adbc_uri_is_built_from_the_database_settings(monkeypatch):
    from django.db import connections

    from fupin.core.arrow import postgres_uri

    settings = connections["default"].settings_dict
    for key, value in {"NAME": "fupin", "USER": "fu pin", "PASSWORD": "p@ss:/w", "HOST": "db.example", "PORT": 6543,
                       "OPTIONS": {"sslmode": "require", "server_side_binding": True}}.items():  # fmt: skip
        monkeypatch.setitem(settings, key, value)
    assert postgres_uri() == "postgresql://fu%20pin:p%40ss%3A%2Fw@db.example:6543/fupin?sslmode=require"
    monkeypatch.setitem(settings, "HOST", "/var/run/postgresql")
    monkeypatch.setitem(settings, "PASSWORD", "")
    monkeypatch.setitem(settings, "OPTIONS", {"options": "-c search_path=fupin"})
    # libpq decodes %XX only (a + would reach the server as a plus); a socket's port names its file
    assert (
        postgres_uri()
        == "postgresql://fu%20pin@/fupin?options=-c%20search_path%3Dfupin&host=%2Fvar%2Frun%2Fpostgresql&port=6543"
    )


def test_a_line_break_inside_a_value_survives_a_result_larger_than_a_parse_block(monkeypatch):
    """PostgreSQL's CSV quotes a value holding a line break; Arrow must not cut its blocks inside it."""
    monkeypatch.setattr("fupin.core.arrow.COPY_BLOCK", 256)
    h = make_household(first_village(COUNTY_A), size=12)
    names = {}
    for k, m in enumerate(h.members.order_by("id_number")):
        names[m.id_number] = f"第{k}行\n第二行,“引号”" if k % 2 else f"成员{k}"
        Member.objects.filter(pk=m.pk).update(name=names[m.id_number])
    members = registry_tables(COUNTY_A)["members"].to_pylist()
    assert {m["person_id"]: m["name"] for m in members} == names


def test_a_household_that_moved_village_takes_its_findings_along(tmp_path):
    from fupin.checks.services import findings_merge

    h = make_household(first_village(COUNTY_A), size=2)
    h.years.update(housing_grade="A")
    owner = h.members.order_by("id_number").first().id_number
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "a.csv", [(owner, 30000)]))
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.get(rule_id="wrong_car")
    run = CheckRun.objects.create(year=2017, area_code=COUNTY_A, engine="duckdb")
    moved = first_village(COUNTY_B)  # the finding's rows say so; the merge must follow
    row = {"rule_id": "wrong_car", "household_id": finding.household_no, "person_id": owner, "value": finding.value,
           "detail": finding.detail or None, "village_code": moved}  # fmt: skip
    merged = findings_merge(run=run, findings=pa.Table.from_pylist([row]))
    finding.refresh_from_db()
    assert (merged.new, merged.changed, merged.gone) == (0, 1, 0)
    assert (finding.village_id, finding.last_run_id, finding.present) == (moved, run.pk, True)
