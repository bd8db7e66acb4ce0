"""The year's 软弱涣散 identification on the live tables, a rectification plan, its progress and acceptance at the
pass mark and the survey's threshold, and the village's classification following the result."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area, AreaClassification
from fupin.core import codes
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.partyorg import selectors, services
from fupin.partyorg.models import WeakCase
from tests.partyorg.test_elections_and_adjustments import _elect, _people
from tests.support import COUNTY_A, make_user

pytestmark = pytest.mark.django_db
ORG = Department.ORGANIZATION
YEAR = 2024


def _villages(n: int) -> list[str]:
    lo, hi = codes.code_range(COUNTY_A)
    qs = Area.objects.filter(code__gte=lo, code__lte=hi, level=codes.VILLAGE).order_by("code")
    return list(qs.values_list("code", flat=True)[:n])


def test_identification_rectification_and_acceptance():
    villages = _villages(6)
    county = make_user("zz-cw", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    for v in villages:
        services.org_set(actor=county, village_code=v, kind="branch", members=20)
        _elect(county, v, _people(county, v, 3), on=date(2023, 3, 1))
        for y in (YEAR - 1, YEAR):
            services.org_year_set(actor=county, village_code=v, year=y, new_members=1, satisfaction="80")
    a, b, c, d, e, f = villages
    services.org_year_set(actor=county, village_code=a, year=YEAR - 1, new_members=0, satisfaction="80")
    services.org_year_set(actor=county, village_code=a, year=YEAR, new_members=0, satisfaction="80")  # 2 years: hit
    services.org_year_set(actor=county, village_code=b, year=YEAR, new_members=0, satisfaction="59.9")  # hit
    services.org_year_set(actor=county, village_code=c, year=YEAR, new_members=2, satisfaction="60")  # at: no hit
    services.review_record(actor=county, village_code=d, year=YEAR, grade="poor", township_rank=7, township_size=7)
    services.review_record(actor=county, village_code=e, year=YEAR, grade="average", township_rank=7, township_size=7)
    secretary = selectors.village_org(viewer=county, village=f).seats[0]
    services.seat_end(actor=county, seat=secretary, on=date(YEAR, 10, 1), reason="辞职")  # 91 days on 12-31: hit
    township = make_user("zz-tw", Role.TOWNSHIP_OFFICER, a[:9] + "000", department=ORG)
    with pytest.raises(PermissionDeniedError):
        services.weak_identify(actor=township, area_code=COUNTY_A, year=YEAR)
    result = services.weak_identify(actor=county, area_code=COUNTY_A, year=YEAR)
    assert (result.organizations, result.weak, result.added) == (6, 4, 4)
    listed = {w.village_id: [r["text"] for r in w.reasons] for w in WeakCase.objects.all()}
    assert listed == {
        a: ["连续 2 年未发展党员"], b: ["群众满意度 59.9%"], d: ["年度评议排名末位（第 7 名）且评价为“差”"],
        f: ["书记缺职 91 天"],
    }  # fmt: skip
    weak = set(AreaClassification.objects.filter(year=YEAR, kind="weak_village").values_list("area_id", flat=True))
    assert weak == {a, b, d, f}
    again = services.weak_identify(actor=county, area_code=COUNTY_A, year=YEAR)  # idempotent
    assert (again.added, again.updated, WeakCase.objects.count()) == (0, 0, 4)
    services.weak_add(actor=county, village_code=c, year=YEAR, reason="宗族势力干扰村务")
    assert WeakCase.objects.get(village_id=c).reasons[0]["criterion"] == "manual"
    # rectification: the township plans and records progress; the county accepts
    case_a = WeakCase.objects.get(village_id=a)
    with pytest.raises(ValidationError, match="请填写整顿措施"):
        services.case_plan(actor=township, case=case_a, measures="", leader="王书记", first_secretary_part="",
                           deadline=date(YEAR + 1, 6, 30))  # fmt: skip
    services.case_plan(actor=township, case=case_a, measures="发展党员 2 名，规范三会一课", leader="王书记",
                       first_secretary_part="指导发展党员", deadline=date(YEAR + 1, 6, 30))  # fmt: skip
    services.case_progress(actor=township, case=case_a, note="确定入党积极分子 3 名", on=date(YEAR, 12, 20))
    # the data corrected: b's satisfaction was 85, a developed a member after all; a re-run takes b off the list
    # (no plan yet) and keeps a, whose rectification is planned, marked for the acceptance to close
    services.org_year_set(actor=county, village_code=b, year=YEAR, new_members=0, satisfaction="85")
    services.org_year_set(actor=county, village_code=a, year=YEAR, new_members=1, satisfaction="80")
    rerun = services.weak_identify(actor=county, area_code=COUNTY_A, year=YEAR)
    assert (rerun.weak, rerun.removed, rerun.updated) == (2, 1, 1)
    assert not WeakCase.objects.filter(village_id=b).exists()
    assert [r["criterion"] for r in WeakCase.objects.get(village_id=a).reasons] == ["cleared"]
    assert [r["criterion"] for r in WeakCase.objects.get(village_id=c).reasons] == ["manual"]  # kept
    weak = set(AreaClassification.objects.filter(year=YEAR, kind="weak_village").values_list("area_id", flat=True))
    assert weak == {a, c, d, f}
    # next year's identification lists a (say): a pass this year must not clear it
    services.org_year_set(actor=county, village_code=a, year=YEAR + 1, new_members=0, satisfaction="50")
    assert services.weak_identify(actor=county, area_code=COUNTY_A, year=YEAR + 1).weak >= 1
    with pytest.raises(PermissionDeniedError):
        services.case_accept(
            actor=township, case=case_a, score=80, surveyed=30, dissatisfied=0, on=date(YEAR + 1, 6, 1)
        )
    cases = {w.village_id: w for w in WeakCase.objects.filter(year=YEAR)}
    with pytest.raises(ValidationError, match="尚未制定整顿方案"):
        services.case_accept(
            actor=county, case=cases[d], score=95, surveyed=30, dissatisfied=0, on=date(YEAR + 1, 6, 1)
        )
    for v in (d, f):
        services.case_plan(actor=county, case=cases[v], measures="选优配强班子", leader="李部长",
                           first_secretary_part="", deadline=date(YEAR + 1, 6, 30))  # fmt: skip
    with pytest.raises(ValidationError, match="验收日期不能早于"):  # before the last progress entry
        services.case_accept(actor=county, case=cases[a], score=95, surveyed=30, dissatisfied=0, on=date(YEAR, 12, 1))
    outcomes = {  # village: (score, surveyed, dissatisfied) → status
        a: ((70, 30, 15), "passed"),  # at the pass mark, exactly half 不满意
        f: (("69.9", 30, 0), "failed"),
        d: ((95, 30, 16), "failed"),  # more than half 不满意
    }
    for village, ((score, surveyed, unhappy), status) in outcomes.items():
        done = services.case_accept(actor=county, case=cases[village], score=score, surveyed=surveyed,
                                    dissatisfied=unhappy, on=date(YEAR + 1, 6, 1))  # fmt: skip
        assert done.status == status, village
    with pytest.raises(ValidationError, match="不能重复验收"):
        services.case_accept(
            actor=county, case=cases[a], score=90, surveyed=30, dissatisfied=0, on=date(YEAR + 1, 6, 1)
        )
    with pytest.raises(ValidationError, match="不能再登记进展"):
        services.case_progress(actor=township, case=cases[a], note="x", on=date(YEAR + 1, 6, 2))
    following = AreaClassification.objects.filter(year=YEAR + 1, kind="weak_village").values_list("area_id", flat=True)
    assert {a, d, f} <= set(following)  # a from next year's own identification, d and f carried by their failure
    carried = {w.village_id: [r["text"] for r in w.reasons] for w in WeakCase.objects.filter(year=YEAR + 1)}
    assert carried[d] == [f"{YEAR} 年整顿验收不合格"]
    assert f"{YEAR} 年整顿验收不合格" in carried[f]
    summary = selectors.area_summary(viewer=county, area_code=COUNTY_A, year=YEAR)
    assert (summary["total"]["weak"], summary["total"]["passed"], summary["total"]["failed"]) == (4, 1, 2)
    assert summary["total"]["vacant"] == 1
    run = selectors.identify_run(viewer=township, area_code=a[:9] + "000", year=YEAR)
    assert run is not None
    assert (run["own"], run["weak"]) == (False, None)  # the county's run: the township sees that it happened


def test_a_vacancy_this_year_is_counted_to_today_not_to_the_end_of_the_year():
    v70, v91 = _villages(2)
    county = make_user("zz-cy", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    today = timezone.localdate()
    for v, days in ((v70, 70), (v91, 91)):
        services.org_set(actor=county, village_code=v, kind="branch", members=20)
        _elect(county, v, _people(county, v, 3), on=today - timedelta(days=400))
        secretary = selectors.village_org(viewer=county, village=v).seats[0]
        services.seat_end(actor=county, seat=secretary, on=today - timedelta(days=days), reason="辞职")
    services.weak_identify(actor=county, area_code=COUNTY_A, year=today.year)
    listed = {w.village_id: [r["text"] for r in w.reasons] for w in WeakCase.objects.filter(year=today.year)}
    assert listed == {v91: ["书记缺职 91 天"]}


def test_basic_guarantees_short_of_the_standard():
    a, b, c = _villages(3)
    county = make_user("zz-cg", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    services.guarantee_set(actor=county, village_code=a, year=YEAR, secretary_pay="17738", pay_paid=True,
                           office_funds="2", funds_paid=True)  # fmt: skip
    services.guarantee_set(actor=county, village_code=b, year=YEAR, secretary_pay="17737.99", pay_paid=True,
                           office_funds="2", funds_paid=False)  # fmt: skip
    services.guarantee_set(actor=county, village_code=c, year=YEAR, secretary_pay="30000", pay_paid=True,
                           office_funds="1.99", funds_paid=True)  # fmt: skip
    short = selectors.guarantees_short(viewer=county, area_code=COUNTY_A, year=YEAR)
    assert short == [
        {"code": b, "reasons": ["书记报酬低于标准", "经费未拨付"]},
        {"code": c, "reasons": ["办公经费低于标准"]},
    ]
    with pytest.raises(ValidationError, match="书记报酬须为数字"):
        services.guarantee_set(actor=county, village_code=a, year=YEAR, secretary_pay="abc", pay_paid=True,
                               office_funds="2", funds_paid=True)  # fmt: skip
