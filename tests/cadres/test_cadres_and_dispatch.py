"""Dispatch of first secretaries: matching, coverage first, infeasibility, eligibility, approval, scope."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.management import call_command

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.areas.services import area_classification_set
from fupin.cadres.models import Cadre, Posting, PostingStatus
from fupin.cadres.services import cadres_load, coverage_report, dispatch_plan, plan_approve, plan_item_set
from fupin.core.errors import NotFoundError, ValidationError
from tests.factories import person_ids
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, make_user

pytestmark = pytest.mark.django_db

YEAR = 2018
UNITS = [
    {"unit_id": "CA1", "name": "威宁县农业农村局", "level": "县", "kind": "机关", "area_code": COUNTY_A},
    {"unit_id": "PA1", "name": "毕节市委组织部", "level": "市", "kind": "机关", "area_code": PREFECTURE_A},
    {"unit_id": "P01", "name": "省直单位01", "level": "省", "kind": "事业单位", "area_code": "520000000000"},
    {"unit_id": "CB1", "name": "从江县某局", "level": "县", "kind": "机关", "area_code": COUNTY_B},
]


def villages(n: int = 4) -> list[str]:
    lo = COUNTY_A[:6]
    return list(
        Area.objects.filter(code__startswith=lo, kind="village").order_by("code").values_list("code", flat=True)[:n]
    )


_SEEDS = itertools.count(100)


def load(specs: list[tuple[str, str]], **extra: object) -> list[Cadre]:
    """(unit, type) per cadre; everyone eligible unless ``extra`` says otherwise for all of them."""
    ids = person_ids("520526", len(specs), seed=next(_SEEDS))
    rows = []
    for k, ((unit, kind), pid) in enumerate(zip(specs, ids, strict=True)):
        row = {"person_id": pid, "name": f"干部{k}", "sex": "男", "birth_date": date(1985, 1, 1), "unit_id": unit,
               "rank": "科员", "cadre_type": kind, "specialty": "", "years_of_work": 8, "staff_status": "在编",
               "rating_2016": "称职", "rating_2017": "称职", "role_2017": None, "village_code": None}  # fmt: skip
        row.update(extra)
        rows.append(row)
    cadres_load(actor=None, units=UNITS, cadres=rows, source="test")
    return list(Cadre.objects.filter(person_id__in=ids).order_by("name"))


def classify(village: str, *kinds: str) -> None:
    for kind in kinds:
        area_classification_set(actor=None, area_code=village, year=YEAR, kind=kind)


def test_matching_principle_and_a_certified_optimum():
    v = villages()
    classify(v[0], "weak_village")
    classify(v[1], "poor_village")
    classify(v[2], "disorderly_village")
    classify(v[3], "industry_village")
    load([("CA1", "党群"), ("CA1", "经济"), ("CA1", "政法"), ("CA1", "农业")])
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    got = {i.village_id: i.cadre.cadre_type for i in plan.items.filter(role="first_secretary").select_related("cadre")}
    assert got == {v[0]: "党群", v[1]: "经济", v[2]: "政法", v[3]: "农业"}
    assert plan.objective == plan.certified_objective == -(500 + 500 + 100 + 100)
    assert all("类型匹配；本县单位" in i.reason for i in plan.items.filter(role="first_secretary"))


def test_coverage_first_deep_poverty_before_others_and_infeasible_villages_named():
    v = villages()
    classify(v[0], "industry_village")
    classify(v[1], "poor_village")
    classify(v[2], "deep_poverty_village", "poor_village")
    load([("CA1", "科技"), ("PA1", "党群")])  # two cadres, three villages; neither type matches
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    items = {i.village_id: i for i in plan.items.filter(role="first_secretary")}
    assert items[v[2]].cadre_id is not None
    assert items[v[1]].cadre_id is not None
    assert items[v[0]].cadre_id is None
    assert "候选人已全部派往优先级更高" in items[v[0]].reason
    assert plan.summary["uncovered"] == 1
    assert "优先保障（深度贫困村/极贫乡镇）" in items[v[2]].reason
    # the county cadre (distance 0) goes to the deep-poverty village, the prefecture one (distance 2) to the other
    assert items[v[2]].cadre.unit.unit_id == "CA1"


def test_a_county_with_no_candidates_says_so():
    classify(villages(1)[0], "weak_village")
    load([("CB1", "党群")])  # only another prefecture's county has cadres
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    item = plan.items.get(role="first_secretary")
    assert item.cadre_id is None
    assert item.reason.startswith("没有符合条件的候选人")


def test_eligibility_refusals_are_listed_with_reasons():
    classify(villages(1)[0], "poor_village")
    load([("CA1", "经济")], years_of_work=1)
    load([("CA1", "经济")], staff_status="聘用")
    load([("CA1", "经济")], rating_2017="基本称职")
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    reasons = [r for rs in plan.summary["refusals"].values() for r in rs]
    assert "工作年限 1 年，第一书记须满 2 年" in reasons
    assert "非在编人员" in reasons
    assert "近两年考核有“基本称职”" in reasons
    assert plan.summary["covered"] == 0


def test_no_cadre_back_in_the_village_of_their_last_round_and_approval_rotates_atomically():
    v = villages(2)
    classify(v[0], "weak_village")
    classify(v[1], "weak_village")
    a, b = load([("CA1", "党群"), ("CA1", "党群")])
    Posting.objects.create(cadre=a, village_id=v[0], role="first_secretary", round=2016, start=date(2016, 3, 1))
    Posting.objects.create(cadre=b, village_id=v[1], role="first_secretary", round=2016, start=date(2016, 3, 1))
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    fs = plan.items.filter(role="first_secretary")
    assert {i.village_id: i.cadre_id for i in fs} == {v[0]: b.pk, v[1]: a.pk}  # swapped
    item = fs.get(village_id=v[0])
    with pytest.raises(ValidationError, match="上一轮已在该村任第一书记"):
        plan_item_set(actor=None, item=item, cadre=a)
    n = plan_approve(actor=None, plan=plan, start=date(2018, 3, 1))
    assert n == 2  # two first secretaries; no one left for resident slots
    assert Posting.objects.filter(status=PostingStatus.ACTIVE).count() == 2
    assert Posting.objects.filter(status=PostingStatus.ENDED, end_reason="2018 年轮换").count() == 2
    with pytest.raises(ValidationError, match="已批准"):
        plan_approve(actor=None, plan=plan, start=date(2018, 3, 1))
    report = coverage_report(viewer=None, area_code=COUNTY_A, year=YEAR)
    assert (report["needing"], report["covered"], report["uncovered"]) == (2, 2, [])


def test_scope_a_county_officer_plans_only_their_county(capsys):
    classify(villages(1)[0], "poor_village")
    load([("CA1", "经济")])
    officer_b = make_user("cty-d-b", Role.COUNTY_OFFICER, COUNTY_B, department=Department.ORGANIZATION)
    with pytest.raises(NotFoundError):
        dispatch_plan(actor=officer_b, area_code=COUNTY_A, round_year=YEAR)
    officer_a = make_user("cty-d-a", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    assert dispatch_plan(actor=officer_a, area_code=COUNTY_A, round_year=YEAR).summary["covered"] == 1
    call_command("dispatch", "plan", "--round", str(YEAR), "--area", COUNTY_A)
    out = capsys.readouterr().out
    assert "需选派 1 村，已覆盖 1 村，未覆盖 0 村，覆盖率 100.0%" in out
    assert "类型匹配 1 人，不完全匹配 0 人；本县单位 1 人" in out
    assert "经线性规划验证为最优方案" in out
    assert "目标值" not in out


def test_recall_with_replacement_benefits_and_team_rules():
    from fupin.cadres.services import benefit_add, posting_recall, team_report

    v = villages(1)[0]
    a, b, c = load([("CA1", "党群"), ("CA1", "经济"), ("CA1", "农业")])
    old = load([("CA1", "党群")], birth_date=date(1960, 1, 1))[0]
    posting = Posting.objects.create(cadre=a, village_id=v, role="first_secretary", round=2018, start=date(2018, 3, 1))
    for cadre in (b, old):
        Posting.objects.create(cadre=cadre, village_id=v, role="resident_cadre", round=2018, start=date(2018, 3, 1))
    assert team_report(viewer=None, area_code=COUNTY_A, year=2018) == []  # three people, the young ones under 35
    with pytest.raises(ValidationError, match="召回须写明原因"):
        posting_recall(actor=None, posting=posting, reason=" ", on=date(2018, 9, 1))
    with pytest.raises(ValidationError, match="正在其他村驻村"):
        posting_recall(actor=None, posting=posting, reason="请假超过 30 天", on=date(2018, 9, 1), replacement=b)
    new = posting_recall(actor=None, posting=posting, reason="请假超过 30 天", on=date(2018, 9, 1), replacement=c)
    assert new is not None
    assert (new.role, new.village_id) == ("first_secretary", v)
    posting.refresh_from_db()
    assert (posting.status, posting.end_reason) == (PostingStatus.RECALLED, "请假超过 30 天")
    assert coverage_report(viewer=None, area_code=COUNTY_A, year=2018)["recalled"] == 1
    benefit_add(actor=None, posting=new, kind="work_funds", year=2018, amount="10000", note="工作经费")
    with pytest.raises(ValidationError, match="金额不能为负"):
        benefit_add(actor=None, posting=new, kind="travel", year=2018, amount=-1)
    with pytest.raises(ValidationError, match="保障项目应为"):
        benefit_add(actor=None, posting=new, kind="bonus", year=2018, amount=1)
    # a team of two older cadres breaks both rules
    Posting.objects.filter(village_id=v).exclude(cadre=old).update(status=PostingStatus.ENDED)
    assert team_report(viewer=None, area_code=COUNTY_A, year=2018) == [
        (v, ["仅 1 人，少于 3 人", "没有 35 岁以下的队员"])
    ]


def test_eligibility_thresholds_are_policy_parameters():
    from fupin.cadres.services import eligibility
    from fupin.policy.services import parameter_set

    cadre = load([("CA1", "党群")], years_of_work=3)[0]
    assert eligibility(cadre, year=2018) == []
    parameter_set(actor=None, key="first_secretary_min_years", year=2018, value=5, note="试点")
    assert eligibility(cadre, year=2018) == ["工作年限 3 年，第一书记须满 5 年"]
    assert eligibility(cadre, year=2017) == []


def test_resident_cadres_complete_teams_with_a_young_member():
    v = villages(1)[0]
    classify(v, "poor_village")
    old = {"birth_date": date(1965, 1, 1)}
    fs = load([("CA1", "经济")], **old)  # the first secretary is 53: a young resident is required
    olds = load([("CA1", "党群"), ("CA1", "农业")], **old)
    young = load([("CA1", "科技")], birth_date=date(1990, 1, 1))
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    items = list(plan.items.order_by("role", "id"))
    assert [i.role for i in items] == ["first_secretary", "resident_cadre", "resident_cadre"]
    assert items[0].cadre_id == fs[0].pk
    residents = {i.cadre_id for i in items[1:]}
    assert young[0].pk in residents  # the young slot
    assert len(residents & {c.pk for c in olds}) == 1
    assert any("满足“至少一名 35 岁以下”" in i.reason for i in items[1:])
    assert plan.summary["resident_objective"] == plan.summary["resident_lp_objective"]
    assert plan_approve(actor=None, plan=plan, start=date(2018, 3, 1)) == 3
    assert Posting.objects.filter(status=PostingStatus.ACTIVE, role="resident_cadre").count() == 2


def test_web_review_edit_and_approve_a_plan(client):
    from fupin.cadres.models import DispatchPlan

    v = villages(1)[0]
    classify(v, "weak_village")
    a, b = load([("CA1", "党群"), ("CA1", "经济")])
    bad = load([("CA1", "党群")], staff_status="聘用")[0]
    officer = make_user("cty-web-d", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    client.force_login(officer)
    response = client.post("/dispatch/", {"round": str(YEAR)})
    assert response.status_code == 302
    plan = DispatchPlan.objects.get()
    page = client.get(f"/dispatch/{plan.pk}/").content.decode()
    assert "党群型干部类型匹配" in page
    item = plan.items.get(role="first_secretary")
    response = client.post(f"/dispatch/{plan.pk}/", {"item": item.pk, "cadre": bad.person_id})
    assert response.status_code == 400
    assert "不能选派：非在编人员" in response.content.decode()
    response = client.post(f"/dispatch/{plan.pk}/", {"item": item.pk, "cadre": b.person_id})
    assert "已在本方案中" in response.content.decode()  # b already fills a resident slot of the team
    c = load([("CA1", "党群")])[0]
    assert client.post(f"/dispatch/{plan.pk}/", {"item": item.pk, "cadre": c.person_id}).status_code == 302
    item.refresh_from_db()
    assert (item.cadre_id, item.edited) == (c.pk, True)
    assert client.post(f"/dispatch/{plan.pk}/", {"approve": "1"}).status_code == 302
    assert Posting.objects.filter(status=PostingStatus.ACTIVE, cadre=c, village_id=v).exists()
    client.force_login(make_user("cty-web-d-b", Role.COUNTY_OFFICER, COUNTY_B, department=Department.ORGANIZATION))
    assert client.get(f"/dispatch/{plan.pk}/").status_code == 404
    client.force_login(make_user("insp-d", Role.INSPECTOR, COUNTY_A))
    assert client.post("/dispatch/", {"round": str(YEAR)}).status_code == 403
    assert a.pk != c.pk
