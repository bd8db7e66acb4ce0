"""Department data loads, `fupin checks` on the live registry, and the findings workflow."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.accounts.models import Role
from fupin.checks.models import Finding, FindingStatus
from fupin.checks.services import check_run, finding_transition
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.external.models import Vehicle
from fupin.external.services import external_load
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def write_vehicles(path: Path, rows: list[tuple[str, str, str, object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["车主身份证号", "号牌", "车辆类型", "价值(元)", "登记日期"])
        for r in rows:
            w.writerow([*r, "2016-05-01"])
    return path


@pytest.fixture
def household():
    """A poor household of county A in a safe (A-grade) house, so that only the department data make findings."""
    h = make_household(first_village(COUNTY_A), size=2)
    h.years.update(housing_grade="A")
    return h


def test_external_load_checks_ids_and_replaces_the_snapshot(tmp_path, household):
    owner = household.members.first().id_number
    bad = owner[:17] + ("0" if owner[17] != "0" else "1")
    path = write_vehicles(
        tmp_path / "v.csv", [(owner, "贵F1", "轿车", 45000), (bad, "贵F2", "轿车", 1), ("", "贵F3", "货车", "abc")]
    )
    report = external_load(actor=None, kind_name="vehicles", path=path)
    assert not report.written
    reasons = {(e.row, e.column, e.reason) for e in report.errors}
    assert (3, "车主身份证号", "校验码错误") in reasons
    assert (4, "车主身份证号", "必填项为空") in reasons
    assert (4, "价值(元)", "应为整数") in reasons
    assert Vehicle.objects.count() == 0
    report = external_load(actor=None, kind_name="vehicles", path=path, partial=True)
    assert (report.rows_loaded, Vehicle.objects.count()) == (1, 1)
    # a new snapshot replaces the old one
    external_load(actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "w.csv", []))
    assert Vehicle.objects.count() == 0
    with pytest.raises(PermissionDeniedError):
        external_load(actor=make_user("c-ext", Role.COUNTY_OFFICER, COUNTY_A), kind_name="vehicles", path=path)
    with pytest.raises(CommandError) as refused:
        call_command("external", "load", "vehicles", str(path))
    assert refused.value.returncode == 1
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必需的列") as info:
        call_command("external", "load", "vehicles", str(tmp_path / "x.csv"))
    assert info.value.returncode == 2


def test_check_finds_stores_once_and_notices_when_a_hit_goes_away(tmp_path, household):
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 30000)])
    )
    run = check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.get(rule_id="wrong_car")
    assert (finding.household_no, finding.person_id, finding.village_id) == (
        household.household_no,
        owner,
        household.village_id,
    )
    assert "名下有价值 30,000 元的车辆" in finding.explanation
    assert f"成员 {owner[:6]}********{owner[-4:]} 名下" in finding.explanation  # masked for every reader
    assert run.counts == {"wrong_car": 1}
    again = check_run(actor=None, year=2017, area_code=COUNTY_A, engine="sqlite")
    assert (again.new_findings, Finding.objects.count()) == (0, 1)
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "w.csv", [(owner, "贵F1", "轿车", 29999)])
    )
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding.refresh_from_db()
    assert finding.present is False
    # another county's check does not see or touch county A
    check_run(actor=None, year=2017, area_code=COUNTY_B)
    assert Finding.objects.count() == 1


def test_findings_workflow_levels_reasons_and_scope(tmp_path, household):
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 50000)])
    )
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.get()
    village = household.village_id
    secretary = make_user("sec-f", Role.FIRST_SECRETARY, village)
    township = make_user("town-f", Role.TOWNSHIP_OFFICER, village[:9] + "000")
    with pytest.raises(PermissionDeniedError, match="乡镇或以上"):
        finding_transition(actor=secretary, finding=finding, to=FindingStatus.ASSIGNED)
    finding_transition(actor=township, finding=finding, to=FindingStatus.ASSIGNED)
    with pytest.raises(ValidationError, match="核实情况或理由"):
        finding_transition(actor=secretary, finding=finding, to=FindingStatus.VERIFIED)
    finding_transition(
        actor=secretary, finding=finding, to=FindingStatus.VERIFIED, reason="入户核实：轿车为其子所有，已分户"
    )
    with pytest.raises(ValidationError, match="不能改为“已整改”"):
        finding_transition(actor=township, finding=finding, to=FindingStatus.RECTIFIED, reason="x")
    finding_transition(actor=township, finding=finding, to=FindingStatus.DISMISSED, reason="车辆属已分户的子女")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    outsider = make_user("town-b", Role.COUNTY_OFFICER, COUNTY_B)
    with pytest.raises(NotFoundError):
        finding_transition(actor=outsider, finding=finding, to=FindingStatus.ASSIGNED)
    # re-running the check keeps the workflow state
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED


def test_check_command_prints_counts(tmp_path, household, capsys):
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 88000)])
    )
    call_command("checks", "--year", "2017", "--area", COUNTY_A)
    out = capsys.readouterr().out
    assert "错评：家庭成员名下有车：1" in out
    assert "新发现 1 条" in out


def test_web_findings_list_household_section_and_transition_form(client, tmp_path, household):
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F9", "轿车", 66000)])
    )
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    finding = Finding.objects.get()
    village = household.village_id
    township = make_user("town-w", Role.TOWNSHIP_OFFICER, village[:9] + "000")
    client.force_login(township)
    listing = client.get("/findings/", {"rule": "wrong_car"}).content.decode()
    assert household.household_no in listing
    assert "名下有价值 66,000 元的车辆" in listing
    page = client.get(f"/households/{household.household_no}/").content.decode()
    assert "核查发现（1）" in page
    url = f"/findings/{finding.pk}/transition/"
    assert client.post(url, {f"f{finding.pk}-to": "assigned", f"f{finding.pk}-reason": ""}).status_code == 302
    secretary = make_user("sec-w", Role.FIRST_SECRETARY, village)
    client.force_login(secretary)
    response = client.post(url, {f"f{finding.pk}-to": "verified", f"f{finding.pk}-reason": ""})
    assert response.status_code == 400
    assert "请填写核实情况或理由" in response.content.decode()
    assert client.post(url, {f"f{finding.pk}-to": "verified", f"f{finding.pk}-reason": "已入户"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.VERIFIED
    client.force_login(make_user("cty-w-b", Role.COUNTY_OFFICER, COUNTY_B))
    assert client.get(f"/findings/{finding.pk}/").status_code == 404
    assert household.household_no not in client.get("/findings/").content.decode()


def test_whatif_shows_the_difference_per_county_and_stores_nothing(tmp_path, household, capsys):
    from fupin.checks.whatif import whatif
    from fupin.registry.models import Household

    Household.objects.filter(pk=household.pk).update(exit_year=2017, status="exited")  # income 2,000.50 < 2,952
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 35000)])
    )
    diffs = whatif(actor=None, year=2017, changes={"car_value": 40000}, area_code=COUNTY_A)
    assert [(d.county, d.findings) for d in diffs] == [(COUNTY_A, {})]  # exited: no longer poor, so no wrong_car
    diffs = whatif(actor=None, year=2017, changes={"poverty_line": 2000}, area_code=COUNTY_A)
    assert diffs[0].findings == {"wrong_exit": (1, 0)}
    assert Finding.objects.count() == 0
    call_command("whatif", "--year", "2017", "--area", COUNTY_A, "--set", "poverty_line=2000")
    assert "错退：当年脱贫但人均纯收入低于国家扶贫标准 1 → 0" in capsys.readouterr().out
    with pytest.raises(ValidationError, match="不能假设的参数"):
        whatif(actor=None, year=2017, changes={"quorum": 1}, area_code=COUNTY_A)


def test_policy_command_sets_and_shows_parameters(capsys):
    from fupin.policy.selectors import param

    make_user("padm-p", Role.PROVINCE_ADMIN, "520000000000")
    make_user("cty-p", Role.COUNTY_OFFICER, COUNTY_A)
    call_command("policy", "set", "exit_line", "2018", "3500", "--user", "padm-p", "--note", "省扶贫办文件")
    assert param("exit_line", 2019) == 3500
    assert param("exit_line", 2017) == 3335
    with pytest.raises(CommandError, match="“修改政策参数”须由省级管理员办理"):
        call_command("policy", "set", "exit_line", "2018", "3600", "--user", "cty-p")
    call_command("policy", "show", "--year", "2018")
    out = capsys.readouterr().out
    assert "省定脱贫退出收入线：3,500 元/人·年（2018 年起，已修改：省扶贫办文件）" in out


def test_policy_page_shows_sources_and_lets_province_admins_change_values(client):
    from fupin.policy.selectors import param

    admin = make_user("padm-w", Role.PROVINCE_ADMIN, "520000000000")
    client.force_login(admin)
    page = client.get("/policy/", {"year": 2017}).content.decode()
    assert "省定脱贫退出收入线：3,335 元/人·年" in page
    assert "黔西南州 2017 年脱贫标准" in page
    bad = {"which": "exit_line", "exit_line-key": "exit_line", "exit_line-year": "2018", "exit_line-value": "-5",
           "exit_line-note": "试"}  # fmt: skip
    response = client.post("/policy/", bad)
    assert response.status_code == 400
    assert "取值 -5.0 小于下限 0" in response.content.decode()
    assert client.post("/policy/", {**bad, "exit_line-value": "3600"}).status_code == 302
    assert param("exit_line", 2018) == 3600
    assert "3335.0 → 3600.0" not in page
    assert "（默认） → 3,600 元/人·年" in client.get("/policy/", {"year": 2018}).content.decode()
    client.force_login(make_user("cty-w2", Role.COUNTY_OFFICER, COUNTY_A))
    assert "只有省级管理员可以修改" in client.get("/policy/").content.decode()
    assert client.post("/policy/", bad).status_code == 403
