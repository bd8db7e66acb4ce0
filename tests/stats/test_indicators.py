"""Indicators per area and year, rolled up from villages; incidence where the rural population is known."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from fupin.accounts.models import Role
from fupin.stats.models import AreaStatistic, IndicatorValue
from fupin.stats.selectors import indicator_series
from fupin.stats.services import indicators_refresh
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


def _set_exit(household, year):
    from fupin.registry.models import Household

    Household.objects.filter(pk=household.pk).update(exit_year=year, status="exited")


def test_rollup_incidence_and_time_series():
    village = first_village(COUNTY_A)
    make_household(village, number=1, size=3)  # poor 2014→
    h2 = make_household(village, number=2, size=2)
    _set_exit(h2, 2016)
    make_household(first_village(COUNTY_B), number=1, size=4)
    AreaStatistic.objects.create(area_id=COUNTY_A, year=2017, rural_population=1000)
    indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    admin = make_user("padm", Role.PROVINCE_ADMIN, PROVINCE)
    village_series = indicator_series(viewer=admin, area_code=village)
    assert village_series[2015]["poor_people"] == 5
    assert village_series[2016] == {"poor_households": 1, "poor_people": 3, "exit_households": 1, "exit_people": 2}
    county = indicator_series(viewer=admin, area_code=COUNTY_A)[2017]
    assert county["poor_people"] == 3
    assert county["rural_population"] == 1000
    assert county["incidence"] == 0.3
    assert indicator_series(viewer=admin, area_code=PREFECTURE_A)[2017]["poor_people"] == 3
    assert "incidence" not in indicator_series(viewer=admin, area_code=PREFECTURE_A)[2017]  # not every county known
    assert indicator_series(viewer=admin, area_code=PROVINCE)[2017]["poor_people"] == 7
    # scope: a county officer of A sees A, not B
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    assert indicator_series(viewer=officer, area_code=COUNTY_B) == {}
    # refreshing one county does not touch the others
    before = IndicatorValue.objects.filter(area_code=COUNTY_B).count()
    indicators_refresh(actor=officer, area_code=COUNTY_A, last_year=2017)
    assert IndicatorValue.objects.filter(area_code=COUNTY_B).count() == before


def test_a_check_run_refreshes_findings_counts_and_the_command_prints_json(tmp_path, capsys):
    from fupin.checks.services import check_run
    from fupin.external.services import external_load
    from tests.checks.test_check_runs_and_findings import write_vehicles

    household = make_household(first_village(COUNTY_A), size=2)
    owner = household.members.first().id_number
    external_load(
        actor=None, kind_name="vehicles", path=write_vehicles(tmp_path / "v.csv", [(owner, "贵F1", "轿车", 31000)])
    )
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    call_command("indicators", "--area", COUNTY_A, "--year", "2017", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["values"]["findings_wrong_car"] == 1
    assert data["values"]["findings_open"] == 2  # and the C-grade house (housing_unsafe)
    assert data["values"]["findings_housing_unsafe"] == 1
    assert data["series"]["2014"]["poor_people"] == 2
    call_command("indicators", "--area", COUNTY_A, "--year", "2017")
    assert "错评：家庭成员名下有车：1条" in capsys.readouterr().out


def test_three_rates_and_the_county_exit_verdict(tmp_path):
    from fupin.checks.services import check_run
    from fupin.external.models import SurveyHousehold
    from fupin.registry.models import Household
    from fupin.stats.selectors import county_exit_verdict

    village = first_village(COUNTY_A)
    make_household(village, number=1, size=3)  # still poor
    wrong = make_household(village, number=2, size=2)  # 2017 income 2,000.50: a wrong exit
    Household.objects.filter(pk=wrong.pk).update(exit_year=2017, status="exited")
    SurveyHousehold.objects.create(household_id="S1", village_id=village, size=3, income_per_capita=2000)
    SurveyHousehold.objects.create(household_id="S2", village_id=village, size=7, income_per_capita=9000)
    AreaStatistic.objects.create(area_id=COUNTY_A, year=2017, rural_population=1000, approval_rate=0.95)
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    admin = make_user("padm3", Role.PROVINCE_ADMIN, PROVINCE)
    v = indicator_series(viewer=admin, area_code=COUNTY_A)[2017]
    assert (v["missed_people"], v["surveyed_people"], v["wrong_exit_people"]) == (3, 10, 2)
    assert v["comprehensive_incidence"] == 0.8  # (3 poor + 3 missed + 2 wrongly exited) / 1,000
    assert v["wrong_exit_rate"] == 100.0
    assert v["missed_rate"] == 30.0
    verdict = county_exit_verdict(viewer=admin, area_code=COUNTY_A, year=2017)
    assert verdict["verdict"] == "不符合退出条件"
    assert [i["ok"] for i in verdict["items"]] == [True, False, False, True]
    # without the approval survey the verdict says the data are incomplete instead of guessing
    AreaStatistic.objects.filter(area_id=COUNTY_A).update(approval_rate=None)
    Household.objects.filter(pk=wrong.pk).update(exit_year=None, status="poor")
    SurveyHousehold.objects.filter(household_id="S1").update(income_per_capita=5000)
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    assert county_exit_verdict(viewer=admin, area_code=COUNTY_A, year=2017)["verdict"] == "数据不全，暂不能判定"


def test_returns_monitoring_and_the_village_verdict():
    from datetime import date

    from fupin.registry import procedures as p
    from fupin.stats.selectors import village_exit_verdict

    village = first_village(COUNTY_A)
    household = make_household(village, size=3)
    _set_exit(household, 2016)
    household.refresh_from_db()
    ret = p.procedure_open(actor=None, household=household, kind="return", on=date(2017, 5, 1), reason="因病")
    for step, day in (("report", 1), ("vote", 2), ("township_review", 3)):
        kw = {"votes_total": 9, "votes_present": 9, "votes_for": 9} if step == "vote" else {}
        p.procedure_step_record(actor=None, procedure=ret, step=step, on=date(2017, 5, day), signer="x", **kw)
    p.procedure_step_record(actor=None, procedure=ret, step="notice", on=date(2017, 5, 4), signer="x",
                            notice_start=date(2017, 5, 4), notice_end=date(2017, 5, 10))  # fmt: skip
    p.procedure_step_record(actor=None, procedure=ret, step="county_approval", on=date(2017, 5, 11), signer="x")
    indicators_refresh(actor=None, area_code=COUNTY_A, last_year=2017)
    admin = make_user("padm4", Role.PROVINCE_ADMIN, PROVINCE)
    county = indicator_series(viewer=admin, area_code=COUNTY_A)[2017]
    assert (county["return_households"], county["return_people"]) == (1, 3)
    verdict = village_exit_verdict(viewer=admin, area_code=village, year=2017)
    assert verdict["verdict"] == "数据不全，暂不能判定"  # no village population, no infrastructure data
    AreaStatistic.objects.create(area_id=village, year=2017, rural_population=50)
    indicators_refresh(actor=None, area_code=COUNTY_A, last_year=2017)
    assert village_exit_verdict(viewer=admin, area_code=village, year=2017)["verdict"] == "不符合退出条件"
