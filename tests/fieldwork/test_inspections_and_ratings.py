"""Spot checks, red lines and the year's rating: weights, grade thresholds, the caps of unexcused absences and
red lines with their reasons, the consequence of each red line, and the rating feeding the next dispatch."""

from __future__ import annotations

from datetime import date

import pytest

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.cadres.services import eligibility
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.fieldwork.models import Adjustment, LeaveRequest, Rating, RatingScore, RedLine
from fupin.fieldwork.services import (
    inspection_record,
    rating_scores_set,
    ratings_compute,
    red_line_set,
    violation_record,
    violation_statement,
)
from fupin.policy.services import parameter_set
from tests.factories import make_posting
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db
YEAR = 2018
ALL = {"sending_unit": 90, "township": 90, "village_org": 90, "masses": 90, "third_party": 90}


@pytest.fixture
def world():
    village = first_village(COUNTY_A)
    secretary = make_user("fs-r", Role.FIRST_SECRETARY, village)
    return {
        "village": village,
        "secretary": secretary,
        "posting": make_posting(village, account=secretary, start=date(2018, 3, 1)),
        "county": make_user("cz-r", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION),
        "discipline": make_user("jw-r", Role.COUNTY_OFFICER, COUNTY_A, department=Department.DISCIPLINE),
        "township": make_user("tz-r", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=Department.ORGANIZATION),
    }


def _rate(world, scores=None, period="year"):  # type: ignore[no-untyped-def]
    rating_scores_set(actor=world["county"], posting=world["posting"], year=YEAR, period=period,
                      scores=scores or ALL)  # fmt: skip
    ratings_compute(actor=world["county"], area_code=COUNTY_A, year=YEAR)
    return Rating.objects.get(posting=world["posting"], year=YEAR)


@pytest.mark.parametrize(("score", "grade"), [(89.99, "称职"), (90, "优秀"), (74.99, "基本称职"), (75, "称职"),
                                              (59.99, "不称职"), (60, "基本称职")])  # fmt: skip
def test_grade_thresholds(world, score, grade):
    rating = _rate(world, dict.fromkeys(ALL, score))
    assert rating.grade == grade
    assert rating.reasons == ""


def test_weights_and_the_quarters_are_parameters(world):
    # year-end: unit 100 (0.25), township 80 (0.25), village 80 (0.15), masses 80 (0.25), third party 80 (0.10) = 85
    scores = {"sending_unit": 100, "township": 80, "village_org": 80, "masses": 80, "third_party": 80}
    assert float(_rate(world, scores).score) == 85.0
    parameter_set(actor=None, key="rating_weight_sending_unit", year=YEAR, value=0.65, note="试点")
    assert float(_rate(world, scores).score) == 89.29  # (65 + 20 + 12 + 20 + 8) / 1.4
    # a rater who gave no score drops out of the denominator
    rating_scores_set(actor=world["county"], posting=world["posting"], year=YEAR, period="Q1",
                      scores={"township": 70})  # fmt: skip
    rating = _rate(world, scores)  # 0.4 × 70 + 0.6 × 89.2857 = 81.57
    assert float(rating.score) == 81.57


def test_unexcused_absences_cap_the_year_at_each_threshold(world):
    posting = world["posting"]
    for n, grade in ((0, "优秀"), (1, "称职"), (2, "基本称职"), (3, "不称职")):
        if n:
            inspection_record(actor=world["township"], posting=posting, on=date(YEAR, 4, n), kind="unannounced",
                              present=False, note="村委会和住处均不在")  # fmt: skip
        rating = _rate(world)
        assert (rating.grade, rating.absences) == (grade, n)
        if n:
            assert rating.reasons == f"暗访抽查无故不在岗 {n} 次，最高评为{grade}"
    assert rating.earned == "优秀"


def test_an_absence_covered_by_approved_leave_is_excused_and_present_checks_do_not_count(world):
    posting = world["posting"]
    LeaveRequest.objects.create(posting=posting, village_id=posting.village_id, kind="meeting", start=date(YEAR, 5, 2),
                                end=date(YEAR, 5, 3), days=2, reason="县里培训", status="approved")  # fmt: skip
    inspection_record(actor=world["township"], posting=posting, on=date(YEAR, 5, 3), kind="spot", present=False,
                      note="不在村")  # fmt: skip
    inspection_record(actor=world["township"], posting=posting, on=date(YEAR, 5, 9), kind="spot", present=True)
    assert _rate(world).grade == "优秀"


def test_red_lines_cap_the_rating_propose_recall_and_the_cadre_states_their_side(world):
    posting = world["posting"]
    commuting = RedLine.objects.get(code="RL01")  # cap at 基本称职
    violation = violation_record(actor=world["discipline"], posting=posting, red_line=commuting, on=date(YEAR, 6, 1),
                                 evidence="连续两周晚上不在村住宿")  # fmt: skip
    rating = _rate(world)
    assert (rating.earned, rating.grade) == ("优秀", "基本称职")
    assert rating.reasons == "违反负面清单，最高评为基本称职"
    assert not Adjustment.objects.exists()
    violation_statement(actor=world["secretary"], item=violation, statement="孩子生病，已补假")
    violation.refresh_from_db()
    assert violation.statement == "孩子生病，已补假"
    fake = RedLine.objects.get(code="RL07")  # recall
    violation_record(actor=world["county"], posting=posting, red_line=fake, on=date(YEAR, 7, 1), evidence="虚报收入")
    assert Adjustment.objects.get().reason == "违反负面清单：弄虚作假、虚报扶贫数据和成效"
    assert _rate(world).grade == "不称职"


def test_only_the_organization_department_and_discipline_inspect_and_only_the_organization_department_rates(world):
    posting = world["posting"]
    poverty = make_user("fp-r", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY)
    with pytest.raises(PermissionDeniedError):
        inspection_record(actor=poverty, posting=posting, on=date(YEAR, 4, 1), kind="spot", present=True)
    with pytest.raises(PermissionDeniedError):
        inspection_record(actor=world["secretary"], posting=posting, on=date(YEAR, 4, 1), kind="spot", present=True)
    for who in ("discipline", "township", "secretary"):
        with pytest.raises(PermissionDeniedError):
            rating_scores_set(actor=world[who], posting=posting, year=YEAR, period="year", scores=ALL)
    assert not RatingScore.objects.exists()


@pytest.mark.parametrize(("value", "message"), [("101", "0–100"), ("-1", "0–100"), ("九十", "0–100")])
def test_bad_scores_are_refused_naming_the_rater_and_nothing_is_written(world, value, message):
    with pytest.raises(ValidationError) as refused:
        rating_scores_set(actor=world["county"], posting=world["posting"], year=YEAR, period="year",
                          scores={"sending_unit": 90, "masses": value})  # fmt: skip
    assert refused.value.extra["field"] == "masses"
    assert refused.value.message.startswith("党员群众代表（群众满意度测评）：")
    assert message in refused.value.message
    assert not RatingScore.objects.exists()


def test_the_rating_becomes_the_cadres_last_rating_and_bars_the_next_dispatch(world):
    cadre = world["posting"].cadre
    assert eligibility(cadre) == []
    rating_scores_set(actor=world["county"], posting=world["posting"], year=YEAR, period="year",
                      scores=dict.fromkeys(ALL, 65))  # fmt: skip
    ratings_compute(actor=world["county"], area_code=COUNTY_A, year=YEAR)
    cadre.refresh_from_db()
    assert (cadre.rating_prev, cadre.rating_last, cadre.rating_year) == ("称职", "基本称职", YEAR)
    assert "近两年考核有“基本称职”" in eligibility(cadre)
    ratings_compute(actor=world["county"], area_code=COUNTY_A, year=YEAR)  # again: nothing moves
    cadre.refresh_from_db()
    assert (cadre.rating_prev, cadre.rating_last) == ("称职", "基本称职")
    assert AuditEntry.objects.filter(action="cadres.ratings_record").count() == 1


def test_the_province_edits_the_red_lines(world, province_admin):
    red_line_set(actor=province_admin, code="RL13", title="违规经商办企业", severity="referral", rating_cap="不称职")
    assert RedLine.objects.filter(active=True).count() == 13
    with pytest.raises(PermissionDeniedError):
        red_line_set(actor=world["county"], code="RL14", title="x", severity="warning")
    with pytest.raises(ValidationError, match="考核等次应为"):
        red_line_set(actor=province_admin, code="RL14", title="x", severity="warning", rating_cap="良好")
