"""下考两级 end to end in the services: a prefecture's organization department assesses its extremely poor
townships with the standard indicators (the dashboards' figures, the cadres' ratings, an entered 观摩 score), the
bottom one is interviewed (约谈), the township records its 整改, the prefecture closes the case (销号); refusals
name the rule and change nothing; each reader sees what their area and department may."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area, AreaClassification
from fupin.assessment import selectors, services
from fupin.assessment.models import Case, Result, Scheme
from fupin.audit.models import AuditEntry
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.fieldwork.models import Rating
from fupin.stats.models import IndicatorValue
from tests.factories import make_posting
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, make_user

pytestmark = pytest.mark.django_db
ORG, DISC, POV = Department.ORGANIZATION, Department.DISCIPLINE, Department.POVERTY
YEAR = 2017


def _townships(county: str, n: int) -> list[str]:
    return list(Area.objects.filter(parent_id=county, level=4).order_by("code").values_list("code", flat=True)[:n])


@pytest.fixture
def setting():
    """Three extremely poor townships of 威宁 (毕节) and one of 从江 (another prefecture), with their figures."""
    towns = _townships(COUNTY_A, 3)
    other = _townships(COUNTY_B, 1)[0]
    for code in [*towns, other]:
        AreaClassification.objects.create(area_id=code, year=YEAR, kind="extremely_poor_township")
    # poor people 2016 → 2017: T0 1,000 → 800 (fall 20%), T1 → 950 (5%), T2 → 990 (1%)
    for code, now in zip(towns, (800.0, 950.0, 990.0), strict=True):
        IndicatorValue.objects.bulk_create([
            IndicatorValue(area_code=code, year=2016, key="poor_people", value=1000.0),
            IndicatorValue(area_code=code, year=YEAR, key="poor_people", value=now),
            IndicatorValue(area_code=code, year=YEAR, key="exit_people", value=100.0),
            IndicatorValue(area_code=code, year=YEAR, key="findings", value=10.0),
            IndicatorValue(area_code=code, year=YEAR, key="findings_open", value=2.0),
            IndicatorValue(area_code=code, year=YEAR, key="wrong_exit_rate", value=1.0),
            IndicatorValue(area_code=code, year=YEAR, key="missed_rate", value=1.0),
        ])  # fmt: skip
    return {
        "towns": towns,
        "other": other,
        "pref": make_user("bj-zzb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=ORG),
        "pref_poverty": make_user("bj-fpb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=POV),
        "town": make_user("t0-fpz", Role.TOWNSHIP_OFFICER, towns[0], department=POV),
        "town2": make_user("t1-fpz", Role.TOWNSHIP_OFFICER, towns[1], department=POV),
    }


def _scheme(s) -> Scheme:
    return services.scheme_create(actor=s["pref"], area_code=PREFECTURE_A, year=YEAR, title="2017 年极贫乡镇考核",
                                  assessed="extremely_poor_townships", bottom=1)  # fmt: skip


def test_the_standard_scheme_scores_the_extremely_poor_townships_and_flags_the_last(setting):
    s = setting
    scheme = _scheme(s)
    assert [a.code for a in services.assessed_areas(scheme)] == s["towns"]  # 从江's township is not 毕节's
    assert sum(i.weight for i in scheme.indicators.all()) == Decimal(100)
    observe = scheme.indicators.get(source="entered").order
    services.values_enter(actor=s["pref"], scheme_id=scheme.pk, order=observe,
                          values={s["towns"][0]: "80", s["towns"][1]: "60", s["towns"][2]: "90"})  # fmt: skip
    run = services.scheme_run(actor=s["pref"], scheme_id=scheme.pk)
    results = {r.area_id: r for r in Result.objects.filter(scheme=scheme)}
    t0, t1, t2 = (results[c] for c in s["towns"])
    parts = {p["order"]: p for p in t1.parts}
    by_source = {i.source: i.order for i in scheme.indicators.all()}
    assert "incidence_fall" not in by_source  # a township has no incidence of its own: its poor's fall instead
    assert parts[by_source["poor_fall"]]["value"] == 5.0
    assert parts[by_source["poor_fall"]]["score"] == pytest.approx(100 * (5 - 1) / (20 - 1), abs=0.01)
    assert "exit_share" not in by_source  # the same figure as the poor's fall without new identifications
    assert parts[by_source["findings_open"]]["value"] == 20.0  # 2 of 10 findings still open
    assert parts[by_source["findings_open"]]["score"] == 50.0  # twice the 10% target: half the marks
    assert parts[by_source["cadres_good"]]["value"] is None  # nobody rated: no data, no points
    assert parts[by_source["violations"]]["value"] == 0.0  # no violation on record is none
    assert parts[by_source["violations"]]["score"] == 100.0
    assert (t0.rank, t2.rank, t1.rank) == (1, 2, 3)
    assert [r.bottom for r in (t0, t1, t2)] == [False, True, False]
    assert run.bottom == [s["towns"][1]]
    assert run.missing == {"驻村干部年度考核称职以上比例": 3, "党委书记述职评议得分": 3}
    assert Scheme.objects.get(pk=scheme.pk).status == "run"
    entry = AuditEntry.objects.filter(action="assessment.scheme_run").get()
    assert entry.changes["ranked"] == [None, 3]

    # the cadres' ratings reach the score once rated; the run replaces the last one's results
    posting = make_posting(Area.objects.filter(parent_id=s["towns"][2]).order_by("code").first().code)
    Rating.objects.create(posting=posting, village_id=posting.village_id, year=YEAR, grade="称职", earned="称职")
    services.scheme_run(actor=s["pref"], scheme_id=scheme.pk)
    t2 = Result.objects.get(scheme=scheme, area_id=s["towns"][2])
    assert {p["order"]: p["value"] for p in t2.parts}[by_source["cadres_good"]] == 100.0
    assert Result.objects.filter(scheme=scheme).count() == 3

    # the assessed see their own result, not their neighbours'; the prefecture sees the whole ranking
    assert [r.area_id for r in selectors.own_results(viewer=s["town"], area_code=s["towns"][0])] == [s["towns"][0]]
    assert not selectors.own_results(viewer=s["town"], area_code=s["towns"][1])
    assert selectors.ranking(viewer=s["pref"], scheme=scheme).count() == 3
    with pytest.raises(NotFoundError):
        selectors.scheme_get(viewer=s["town"], scheme_id=scheme.pk)


def test_a_scheme_is_refused_what_it_cannot_be_and_nothing_is_written(setting):
    s = setting
    with pytest.raises(PermissionDeniedError, match="须由"):
        services.scheme_create(actor=s["town"], area_code=s["towns"][0], year=YEAR, title="x", assessed="townships")
    county = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    with pytest.raises(ValidationError, match="考核对象须在本级以下"):
        services.scheme_create(actor=county, area_code=COUNTY_A, year=YEAR, title="x", assessed="poor_counties")
    with pytest.raises(NotFoundError):  # another prefecture's county
        services.scheme_create(actor=s["pref"], area_code=COUNTY_B, year=YEAR, title="x", assessed="townships")
    scheme = _scheme(s)
    with pytest.raises(ValidationError, match="已有 2017 年"):
        _scheme(s)
    services.indicator_remove(actor=s["pref"], scheme_id=scheme.pk, order=1)
    with pytest.raises(ValidationError, match="权重合计须为 100 分，现为 70 分"):
        services.scheme_run(actor=s["pref"], scheme_id=scheme.pk)
    services.indicator_add(actor=s["pref"], scheme_id=scheme.pk, source="incidence", weight="30", method="target",
                           target="3")  # fmt: skip
    with pytest.raises(ValidationError, match="扣分法只用于数值越小越好"):
        services.indicator_add(actor=s["pref"], scheme_id=scheme.pk, source="exit_share", weight=5, method="deduct",
                               step=1)  # fmt: skip
    observe = scheme.indicators.get(source="entered").order
    with pytest.raises(ValidationError, match="的现场观摩评分须在 0–100 之间"):
        services.values_enter(actor=s["pref"], scheme_id=scheme.pk, order=observe,
                              values={s["towns"][0]: "90", s["towns"][1]: "101"})  # fmt: skip
    with pytest.raises(ValidationError, match="不是本方案的考核对象"):
        services.values_enter(actor=s["pref"], scheme_id=scheme.pk, order=observe, values={s["other"]: "90"})
    assert not scheme.indicators.get(order=observe).values.exists()  # the good row of the refused batch too
    assert services.scheme_run(actor=s["pref"], scheme_id=scheme.pk).assessed == 3
    empty = services.scheme_create(actor=s["pref"], area_code=PREFECTURE_A, year=2016, title="x",
                                   assessed="extremely_poor_townships")  # fmt: skip
    with pytest.raises(ValidationError, match="无可考核对象"):
        services.scheme_run(actor=s["pref"], scheme_id=empty.pk)


def test_the_bottom_township_is_interviewed_rectifies_and_the_prefecture_closes_the_case(setting):
    s = setting
    scheme = _scheme(s)
    services.scheme_run(actor=s["pref"], scheme_id=scheme.pk)
    last = Result.objects.filter(scheme=scheme, bottom=True).order_by("area_id").first()
    town = make_user("last-fpz", Role.TOWNSHIP_OFFICER, last.area_id, department=POV)
    today = timezone.localdate()
    county_org = make_user("wn-zzb2", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    with pytest.raises(PermissionDeniedError, match="上级"):  # never an area's case against itself
        services.case_open(actor=county_org, area_code=COUNTY_A, kind="interview", subject="县长", reason="x",
                           opened_on=today)  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="组织部、纪委监委"):
        services.case_open(actor=s["pref_poverty"], area_code=last.area_id, kind="interview", subject="乡党委书记",
                           reason="考核末位", opened_on=today)  # fmt: skip
    case = services.case_open(
        actor=s["pref"], area_code=last.area_id, kind="interview", subject="乡党委书记、乡长", opened_on=today,
        reason="2017 年极贫乡镇考核排名末位", scheme_id=scheme.pk,
        evidence=[{"kind": "result", "ref": str(last.pk), "text": f"第 {last.rank} 名，{last.total} 分"}],
    )  # fmt: skip
    assert case.authority_id == PREFECTURE_A
    assert case.status == "open"
    with pytest.raises(ValidationError, match="结果立案，尚未办结"):  # one open case per result
        services.case_open(actor=s["pref"], area_code=last.area_id, kind="interview", subject="乡长", reason="末位",
                           opened_on=today, scheme_id=scheme.pk)  # fmt: skip
    # who sees it: the prefecture's organization department and the township itself; not the prefecture's
    # poverty office, not a neighbouring township
    assert selectors.cases(viewer=s["pref"]).count() == 1
    assert selectors.cases(viewer=town).count() == 1
    assert selectors.cases(viewer=s["pref_poverty"]).count() == 0
    other = make_user("nb-fpz", Role.TOWNSHIP_OFFICER, next(t for t in s["towns"] if t != last.area_id), department=POV)
    with pytest.raises(NotFoundError):
        selectors.case_get(viewer=other, case_id=case.pk)
    with pytest.raises(ValidationError, match="请填写整改措施"):
        services.case_plan(actor=town, case_id=case.pk, measures=" ", deadline=today + timedelta(days=30), on=today)
    assert Case.objects.get(pk=case.pk).status == "open"
    services.case_plan(actor=town, case_id=case.pk, measures="逐户排查错退、漏评；每周调度", on=today,
                       deadline=today + timedelta(days=60))  # fmt: skip
    assert services.case_may(town, Case.objects.get(pk=case.pk)) == {
        "plan": False, "progress": True, "close": False, "exempt": False,
    }  # fmt: skip
    with pytest.raises(ValidationError, match="尚未登记整改进展，不能销号"):
        services.case_close(actor=s["pref"], case_id=case.pk, text="同意销号", on=today)
    with pytest.raises(PermissionDeniedError):  # the township cannot close its own case
        services.case_close(actor=town, case_id=case.pk, text="已整改", on=today)
    with pytest.raises(ValidationError, match="不能早于"):
        services.case_progress(actor=town, case_id=case.pk, text="完成", on=today - timedelta(days=1))
    assert [verb for _, verb in selectors.cases_waiting(viewer=town)] == ["整改中，待报进展"]
    assert selectors.cases_waiting(viewer=s["pref"]) == []
    services.case_progress(actor=town, case_id=case.pk, text="已完成 120 户复核", on=today)
    assert [verb for _, verb in selectors.cases_waiting(viewer=s["pref"])] == ["已报整改进展，待销号"]
    services.case_close(actor=s["pref"], case_id=case.pk, text="整改到位，同意销号", on=today)
    case = Case.objects.get(pk=case.pk)
    # a re-run keeps the results' ids: the case's evidence still leads to its ranking
    services.scheme_run(actor=s["pref"], scheme_id=scheme.pk)
    assert Result.objects.filter(pk=int(case.evidence[0]["ref"]), area_id=last.area_id).exists()
    assert (case.status, case.closed_on) == ("closed", today)
    assert [st.step for st in selectors.case_steps(case=case)] == ["open", "plan", "progress", "close"]
    actions = list(AuditEntry.objects.filter(entity_type="assessment.case").values_list("action", flat=True))
    assert sorted(actions) == sorted(["assessment.case_open", "assessment.case_plan", "assessment.case_progress",
                                      "assessment.case_close"])  # fmt: skip
    with pytest.raises(ValidationError, match="已销号，不能"):
        services.case_progress(actor=town, case_id=case.pk, text="再报", on=today)


def test_an_accountability_case_needs_its_kind_and_can_be_exempted(setting):
    s = setting
    today = timezone.localdate()
    jw = make_user("bj-jw", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=DISC)
    with pytest.raises(ValidationError, match="问责方式"):
        services.case_open(actor=jw, area_code=s["towns"][0], kind="accountability", subject="乡长", reason="失职",
                           opened_on=today)  # fmt: skip
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.case_open(actor=jw, area_code=s["towns"][0], kind="interview", subject="乡长", reason="失职",
                           opened_on=today + timedelta(days=1))  # fmt: skip
    case = services.case_open(actor=jw, area_code=s["towns"][0], kind="accountability", accountability="admonition",
                              subject="乡长", reason="危房改造不到位", opened_on=today)  # fmt: skip
    services.case_exempt(actor=jw, case_id=case.pk, text="先行先试中出现失误，已及时纠正（容错纠错）", on=today)
    assert Case.objects.get(pk=case.pk).status == "exempted"
    ages = selectors.open_cases_by_age(viewer=jw, today=today)
    assert sum(a["count"] for a in ages) == 0


def test_the_years_schemes_run_at_once_and_one_that_cannot_is_named(setting):
    s = setting
    first = _scheme(s)
    county = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    villages = services.scheme_create(actor=county, area_code=COUNTY_A, year=YEAR, title="乡镇考核",
                                      assessed="townships")  # fmt: skip
    broken = services.scheme_create(actor=s["pref"], area_code=PREFECTURE_A, year=YEAR, title="空方案",
                                    assessed="townships", standard=False)  # fmt: skip
    with pytest.raises(NotFoundError):  # not the county's area
        services.schemes_run(actor=county, area_code=PREFECTURE_A, year=YEAR)
    done = services.schemes_run(actor=s["pref"], area_code=PREFECTURE_A, year=YEAR)
    townships = Area.objects.filter(parent_id=COUNTY_A, level=4).count()
    assert (done.schemes, done.assessed) == (2, 3 + townships)
    assert done.skipped == ["“空方案”还没有考核指标"]
    assert Result.objects.filter(scheme=first).count() == 3
    assert Result.objects.filter(scheme=villages).count() == townships
    assert not Result.objects.filter(scheme=broken).exists()
    # the same results as each run alone
    alone = {r.area_id: (r.total, r.rank) for r in Result.objects.filter(scheme=first)}
    services.scheme_run(actor=s["pref"], scheme_id=first.pk)
    assert {r.area_id: (r.total, r.rank) for r in Result.objects.filter(scheme=first)} == alone


def test_a_townships_officers_record_the_rectification_of_its_villages_cases(setting):
    s = setting
    today = timezone.localdate()
    village = Area.objects.filter(parent_id=s["towns"][0]).order_by("code").first().code
    county = make_user("wn-jw", Role.COUNTY_OFFICER, COUNTY_A, department=DISC)
    case = services.case_open(actor=county, area_code=village, kind="interview", subject="村党组织书记",
                              reason="深度贫困村考核末位", opened_on=today)  # fmt: skip
    assert [c.pk for c in selectors.cases(viewer=s["town"])] == [case.pk]  # its township's poverty office
    assert [verb for _, verb in selectors.cases_waiting(viewer=s["town"])] == ["待制定整改措施"]
    services.case_plan(actor=s["town"], case_id=case.pk, measures="补齐产业短板", deadline=today, on=today)
    assert not selectors.cases(viewer=s["town2"]).exists()  # not another township's
