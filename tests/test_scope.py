"""Out-of-scope reads are refused for every role and every model (table-driven; new models must join).

For each area-bound model a maker below creates one object in county B. Users of every role bound inside county A
(or its prefecture) must not see it: not through the scoped selector, not in the web pages, not in the API, not in
the admin, not in exports. A model without a maker, or a fupin model neither registered nor exempted, fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from fupin.accounts.models import AccessToken, Role, User
from fupin.areas.models import Area, AreaClassification
from fupin.assessment.models import (
    CampaignTask,
    Case,
    ContactPoint,
    ContactVisit,
    Debriefing,
    EnteredValue,
    Leader,
    LeaderChange,
    Result,
    Scheme,
    UnitGrade,
)
from fupin.audit.models import AuditEntry
from fupin.audit.services import audit_record
from fupin.cadres.models import Benefit, Cadre, DispatchPlan, HelpingUnit, PlanItem, Posting, Promotion, WorkTeam
from fupin.checks.models import CheckRun, Finding
from fupin.core import scoping
from fupin.external.models import SurveyHousehold
from fupin.fieldwork.models import (
    Adjustment,
    GuidanceDone,
    Inspection,
    LeaveRequest,
    LogTally,
    Rating,
    RatingScore,
    ResidentRequest,
    Violation,
    WorkLog,
)
from fupin.jobs.models import Job
from fupin.monitoring import models as monitoring_models
from fupin.partyorg.models import (
    Election,
    Guarantee,
    IdentifyRun,
    OrgYear,
    PartyOrg,
    Reserve,
    Review,
    Seat,
    SecretaryAdjustment,
    VillageCadre,
    Visit,
    WeakCase,
)
from fupin.registry.models import Helper, Household, HouseholdYear, ImportBatch, Member, Procedure, ProcedureStep
from fupin.stats.models import AreaStatistic, IndicatorDue, IndicatorRefresh, IndicatorValue
from fupin.submissions.models import Submission
from tests.factories import make_household, set_year
from tests.support import COUNTY_A, COUNTY_B, PASSWORD, first_village, make_user, users_in_county

pytestmark = pytest.mark.django_db


def _make_area() -> models.Model:
    return Area.objects.get(code=first_village(COUNTY_B))


def _make_classification() -> models.Model:
    return AreaClassification.objects.create(area_id=first_village(COUNTY_B), year=2017, kind="weak_village")


def _make_user() -> models.Model:
    return make_user("victim-b", Role.FIRST_SECRETARY, first_village(COUNTY_B))


def _make_token() -> models.Model:
    from fupin.accounts.tokens import token_create

    return token_create(actor=make_user("token-b", Role.COUNTY_OFFICER, COUNTY_B), name="对接", days=30)[0]


def _make_submission() -> models.Model:
    from fupin.submissions.models import Submission

    user = make_user("device-b", Role.FIRST_SECRETARY, first_village(COUNTY_B))
    return Submission.objects.create(
        client_id="uuid:b", channel="odk", form_id="worklog", user=user, area_code=user.area_id, payload="<data/>"
    )


def _make_audit_entry() -> models.Model:
    area = Area.objects.get(code=COUNTY_B)
    return audit_record(actor=None, action="test.touch", entity=area, changes={"x": [1, 2]})


def _make_household() -> models.Model:
    return make_household(first_village(COUNTY_B))


def _make_member() -> models.Model:
    return Member.objects.filter(household=make_household(first_village(COUNTY_B))).first()  # type: ignore[return-value]


def _make_household_year() -> models.Model:
    return HouseholdYear.objects.filter(household=make_household(first_village(COUNTY_B))).first()  # type: ignore[return-value]


def _make_helper() -> models.Model:
    return Helper.objects.create(county_id=COUNTY_B, name="帮扶人", unit="县委办")


def _make_procedure() -> models.Model:
    from datetime import date

    from fupin.registry.procedures import procedure_open

    household = make_household(first_village(COUNTY_B))
    set_year(household, 2018)  # an exit starts only from a year whose verdict holds
    return procedure_open(actor=None, household=household, kind="exit", on=date(2018, 1, 2))


def _make_procedure_step() -> models.Model:
    from datetime import date

    from fupin.registry.procedures import procedure_step_record

    procedure = _make_procedure()
    return procedure_step_record(
        actor=None,
        procedure=procedure,
        step="review",
        on=date(2018, 1, 3),
        signer="x",
        votes_total=3,
        votes_present=3,
        votes_for=3,
    )


def _make_import_batch() -> models.Model:
    return ImportBatch.objects.create(
        kind="households", file_name="b.xlsx", sha256="0" * 64, area_code=COUNTY_B, mode="atomic"
    )


def _make_survey_household() -> models.Model:
    from fupin.external.models import SurveyHousehold

    return SurveyHousehold.objects.create(
        household_id="S-B-1", village_id=first_village(COUNTY_B), size=3, income_per_capita=1
    )


def _make_check_run() -> models.Model:
    from fupin.checks.models import CheckRun

    return CheckRun.objects.create(year=2017, area_code=COUNTY_B, engine="duckdb")


def _make_finding() -> models.Model:
    from fupin.checks.models import Finding

    run = _make_check_run()
    return Finding.objects.create(
        rule_id="wrong_car",
        year=2017,
        household_no="B-1",
        village_id=first_village(COUNTY_B),
        category="错评",
        severity="high",
        explanation="x",
        first_run=run,
        last_run=run,
    )


def _make_area_statistic() -> models.Model:
    from fupin.stats.models import AreaStatistic

    return AreaStatistic.objects.create(area_id=COUNTY_B, year=2017, rural_population=1000)


def _make_indicator() -> models.Model:
    from fupin.stats.models import IndicatorValue

    return IndicatorValue.objects.create(area_code=first_village(COUNTY_B), year=2017, key="poor_people", value=3)


def _make_refresh() -> models.Model:
    from fupin.stats.models import IndicatorRefresh

    return IndicatorRefresh.objects.create(area_code=COUNTY_B, last_year=2017, rows=1)


def _make_due() -> models.Model:
    from fupin.stats.models import IndicatorDue

    return IndicatorDue.objects.create(area_code=first_village(COUNTY_B))


def _make_job() -> models.Model:
    from fupin.jobs.models import Job

    return Job.objects.create(kind="checks.run", title="核查", area_code=COUNTY_B, params={"year": 2017})


def _make_unit() -> models.Model:
    from fupin.cadres.models import HelpingUnit

    unit, _ = HelpingUnit.objects.get_or_create(
        unit_id="UB", defaults={"name": "从江县某局", "level": "县", "kind": "机关", "area_id": COUNTY_B}
    )
    return unit


def _make_cadre() -> models.Model:
    from datetime import date

    from fupin.cadres.models import Cadre

    unit = _make_unit()
    return Cadre.objects.create(
        person_id=f"52263319800101{Cadre.objects.count():03d}1"[:17] + "X",
        name="乙",
        sex="男",
        birth_date=date(1980, 1, 1),
        unit=unit,
        area_id=COUNTY_B,
        rank="科员",
        cadre_type="党群",
        years_of_work=5,
        staff_status="在编",
    )


def _make_posting() -> models.Model:
    from datetime import date

    from fupin.cadres.models import Posting

    return Posting.objects.create(
        cadre=_make_cadre(),
        village_id=first_village(COUNTY_B),
        role="first_secretary",
        round=2017,
        start=date(2017, 3, 1),
    )


def _make_plan() -> models.Model:
    from fupin.cadres.models import DispatchPlan

    return DispatchPlan.objects.create(round=2018, area_code=COUNTY_B)


def _make_plan_item() -> models.Model:
    from fupin.cadres.models import PlanItem

    return PlanItem.objects.create(plan=_make_plan(), village_id=first_village(COUNTY_B), reason="x")


def _make_benefit() -> models.Model:
    from fupin.cadres.models import Benefit

    posting = _make_posting()
    return Benefit.objects.create(posting=posting, village_id=posting.village_id, kind="travel", year=2017, amount=1)


def _make_work_team() -> models.Model:
    from fupin.cadres.models import WorkTeam

    return WorkTeam.objects.create(area_id=first_village(COUNTY_B), kind="village_group", round=2017)


def _make_work_log() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import WorkLog

    posting = _make_posting()
    return WorkLog.objects.create(posting=posting, village_id=posting.village_id, kind="meeting",
                                  date=date(2018, 4, 2), content="村民大会")  # fmt: skip


def _make_resident_request() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import ResidentRequest

    posting = _make_posting()
    return ResidentRequest.objects.create(
        posting=posting, village_id=posting.village_id, requester="王", category="policy", content="低保政策",
        received=date(2018, 4, 2), deadline=date(2018, 4, 9),
    )  # fmt: skip


def _make_leave() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import LeaveRequest

    posting = _make_posting()
    return LeaveRequest.objects.create(posting=posting, village_id=posting.village_id, kind="personal",
                                       start=date(2018, 4, 2), end=date(2018, 4, 2), days=1, reason="事")  # fmt: skip


def _make_tally() -> models.Model:
    from fupin.fieldwork.models import LogTally

    return LogTally.objects.create(village_id=first_village(COUNTY_B), year=2018, month=4, kind="visit", count=3)


def _make_adjustment() -> models.Model:
    from fupin.fieldwork.models import Adjustment

    posting = _make_posting()
    return Adjustment.objects.create(posting=posting, village_id=posting.village_id, reason="作用发挥不好")


def _make_inspection() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import Inspection

    posting = _make_posting()
    return Inspection.objects.create(posting=posting, village_id=posting.village_id, date=date(2018, 4, 2),
                                     kind="spot", present=True, inspector="x")  # fmt: skip


def _make_violation() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import RedLine, Violation

    posting = _make_posting()
    return Violation.objects.create(posting=posting, village_id=posting.village_id, red_line=RedLine.objects.first(),
                                    date=date(2018, 4, 2), evidence="x", recorded_by="x")  # fmt: skip


def _make_rating_score() -> models.Model:
    from fupin.fieldwork.models import RatingScore

    posting = _make_posting()
    return RatingScore.objects.create(posting=posting, village_id=posting.village_id, year=2018, period="year",
                                      rater="masses", score=90, entered_by="x")  # fmt: skip


def _make_rating() -> models.Model:
    from fupin.fieldwork.models import Rating

    posting = _make_posting()
    return Rating.objects.create(posting=posting, village_id=posting.village_id, year=2018, grade="称职")


def _make_guidance_done() -> models.Model:
    from datetime import date

    from fupin.fieldwork.models import Guidance, GuidanceDone, GuidanceItem, WorkLog

    guidance = Guidance.objects.create(area_code=COUNTY_B, kind="responsibilities", title="清单", year=2018,
                                       published_by="x")  # fmt: skip
    item = GuidanceItem.objects.create(guidance=guidance, order=1, title="走访")
    log = _make_work_log()
    assert isinstance(log, WorkLog)
    return GuidanceDone.objects.create(item=item, posting=log.posting, village_id=log.village_id, log=log,
                                       done_on=date(2018, 4, 2))  # fmt: skip


def _make_promotion() -> models.Model:
    from datetime import date

    from fupin.cadres.models import Promotion

    return Promotion.objects.create(cadre=_make_cadre(), on=date(2016, 5, 1), post="提拔为副科级", recorded_by="x")


def _village_cadre() -> models.Model:
    from fupin.partyorg.models import VillageCadre

    village = first_village(COUNTY_B)
    n = VillageCadre.objects.count()
    return VillageCadre.objects.create(ref=f"K{village}{n:03d}", village_id=village, name="王", gender="男",
                                       birth_year=1975, education="senior", source="other")  # fmt: skip


def _monitoring(model_name: str) -> Callable[[], models.Model]:
    """A monitoring case in county B (through its service: the identification procedure opened with it), or one
    of its rows."""

    def make() -> models.Model:
        from datetime import date

        from fupin.monitoring import services

        household = make_household(first_village(COUNTY_B), number=77)
        case = services.case_intake(actor=None, household=household, channel="self_report", on=date(2018, 3, 1),
                                    risk="illness", detail="申报").case  # fmt: skip
        if model_name == "Case":
            return case
        if model_name == "Source":
            return case.sources.get()
        if model_name == "Measure":
            return services.measure_add(actor=None, case=case, kind="health", content="x", responsible="y",
                                        started_on=date(2018, 3, 2))  # fmt: skip
        return services.follow_up_add(actor=None, case=case, visited_on=date(2018, 3, 2), visitor="x",
                                      income_per_capita="5000", rigid_spending="0", guarantees_ok=True)  # fmt: skip

    return make


def _party(model_name: str, **extra: Any) -> Callable[[], models.Model]:
    def make() -> models.Model:
        from datetime import date

        from fupin.partyorg import models as m

        person = _village_cadre()
        common: dict[str, Any] = {"village_id": person.village_id}
        needs = {
            "PartyOrg": {"members": 20},
            "Seat": {"person": person, "committee": "branch", "post": "secretary", "start": date(2017, 3, 1)},
            "Reserve": {"person": person, "added": date(2017, 3, 1)},
            "Election": {"round": 10, "branch_seats": 3, "villagers_seats": 3},
            "OrgYear": {"year": 2018},
            "Review": {"year": 2018, "person": person, "grade": "good"},
            "SecretaryAdjustment": {"year": 2018, "person": person, "reason": "negligent", "evidence": "x"},
            "WeakCase": {"year": 2018},
            "Visit": {"date": date(2018, 4, 2), "visitor": "王", "visitor_title": "部长", "committees": "x",
                      "team": "x", "three_people": "x"},
            "Guarantee": {"year": 2018, "secretary_pay": 20000, "office_funds": 2},
        }  # fmt: skip
        return getattr(m, model_name).objects.create(**common, **needs[model_name], **extra)

    return make


def _assessment(model_name: str) -> Callable[[], models.Model]:
    """Rows of the assessment in 从江 (county B): its scheme, a township's entered value and result, a case
    against a township, a unit's grade, the county's leader, a change held for approval, a contact point and its
    visit."""

    def make() -> models.Model:
        from datetime import date

        from fupin.assessment import models as m

        township = first_village(COUNTY_B)[:9] + "000"
        scheme, _ = m.Scheme.objects.get_or_create(
            area_id=COUNTY_B, year=2017, title="考核", defaults={"assessed": "townships", "consequence": "interview"}
        )
        made: dict[str, Callable[[], models.Model]] = {
            "Scheme": lambda: scheme,
            "EnteredValue": lambda: m.EnteredValue.objects.create(indicator=m.Indicator.objects.create(
                scheme=scheme, order=m.Indicator.objects.count() + 1, source="entered", title="观摩", weight=100,
                method="relative"), area_id=township, value=80),
            "Result": lambda: m.Result.objects.create(scheme=scheme, area_id=township, total=80, rank=1),
            "Case": lambda: m.Case.objects.create(area_id=township, authority_id=COUNTY_B, kind="interview",
                                                  subject="乡长", reason="末位", opened_on=date(2017, 6, 1)),
            "UnitGrade": lambda: m.UnitGrade.objects.create(unit=_make_unit(), area_id=COUNTY_B, year=2017, cadres=1,
                                                            grade="一等奖"),
            "Leader": lambda: m.Leader.objects.create(area_id=COUNTY_B, name="张", post="party_secretary",
                                                      title="县委书记", start=date(2016, 1, 1)),
        }  # fmt: skip
        made["Debriefing"] = lambda: m.Debriefing.objects.create(
            area_id=township, year=2017, name="陈", held_on=date(2018, 1, 10), good=9, fairly_good=1, average=0, poor=0,
            score=98.5, grade="好", recorded_by="x",
        )  # fmt: skip
        made["CampaignTask"] = lambda: m.CampaignTask.objects.create(
            campaign=m.Campaign.objects.create(area_id=COUNTY_B, name="春季攻势", start=date(2017, 3, 1),
                                               end=date(2017, 6, 30), goals="x"),
            area_id=township, step="training", title="培训", due=date(2017, 4, 1),
        )  # fmt: skip
        made["LeaderChange"] = lambda: m.LeaderChange.objects.create(
            area_id=COUNTY_B, post="party_secretary", leader=made["Leader"](), on=date(2017, 6, 1), reason="交流",
            flag="贫困县",
        )  # fmt: skip
        made["ContactPoint"] = lambda: m.ContactPoint.objects.create(leader=made["Leader"](), area_id=township,
                                                                     start=date(2017, 1, 1))  # fmt: skip
        made["ContactVisit"] = lambda: m.ContactVisit.objects.create(point=made["ContactPoint"](), area_id=township,
                                                                     date=date(2017, 3, 1), note="调研",
                                                                     recorded_by="x")  # fmt: skip
        return made[model_name]()

    return make


MAKERS: dict[type[models.Model], Callable[[], models.Model]] = {
    Area: _make_area,
    AreaClassification: _make_classification,
    User: _make_user,
    AccessToken: _make_token,
    Submission: _make_submission,
    AuditEntry: _make_audit_entry,
    Household: _make_household,
    Member: _make_member,
    HouseholdYear: _make_household_year,
    Helper: _make_helper,
    Procedure: _make_procedure,
    ProcedureStep: _make_procedure_step,
    ImportBatch: _make_import_batch,
    SurveyHousehold: _make_survey_household,
    CheckRun: _make_check_run,
    Finding: _make_finding,
    AreaStatistic: _make_area_statistic,
    IndicatorValue: _make_indicator,
    IndicatorRefresh: _make_refresh,
    IndicatorDue: _make_due,
    Job: _make_job,
    HelpingUnit: _make_unit,
    Cadre: _make_cadre,
    Posting: _make_posting,
    DispatchPlan: _make_plan,
    PlanItem: _make_plan_item,
    Benefit: _make_benefit,
    WorkTeam: _make_work_team,
    WorkLog: _make_work_log,
    ResidentRequest: _make_resident_request,
    LeaveRequest: _make_leave,
    LogTally: _make_tally,
    Adjustment: _make_adjustment,
    Inspection: _make_inspection,
    Violation: _make_violation,
    RatingScore: _make_rating_score,
    Rating: _make_rating,
    GuidanceDone: _make_guidance_done,
    Promotion: _make_promotion,
    VillageCadre: _village_cadre,
    PartyOrg: _party("PartyOrg"),
    Seat: _party("Seat"),
    Reserve: _party("Reserve"),
    Election: _party("Election"),
    OrgYear: _party("OrgYear"),
    Review: _party("Review"),
    SecretaryAdjustment: _party("SecretaryAdjustment"),
    WeakCase: _party("WeakCase"),
    Visit: _party("Visit"),
    Guarantee: _party("Guarantee"),
    IdentifyRun: lambda: IdentifyRun.objects.create(area_code=COUNTY_B, year=2018, organizations=10, weak=1),
    Scheme: _assessment("Scheme"),
    EnteredValue: _assessment("EnteredValue"),
    Result: _assessment("Result"),
    Case: _assessment("Case"),
    UnitGrade: _assessment("UnitGrade"),
    Leader: _assessment("Leader"),
    LeaderChange: _assessment("LeaderChange"),
    ContactPoint: _assessment("ContactPoint"),
    ContactVisit: _assessment("ContactVisit"),
    Debriefing: _assessment("Debriefing"),
    CampaignTask: _assessment("CampaignTask"),
    monitoring_models.Case: _monitoring("Case"),
    monitoring_models.Source: _monitoring("Source"),
    monitoring_models.Measure: _monitoring("Measure"),
    monitoring_models.FollowUp: _monitoring("FollowUp"),
}

# admin change URL and web/API URLs that must answer 404 for an out-of-scope object
ADMIN = {
    Area: "areas/area",
    AreaClassification: "areas/areaclassification",
    User: "accounts/user",
    AccessToken: "accounts/accesstoken",
    Submission: "submissions/submission",
    AuditEntry: "audit/auditentry",
    Household: "registry/household",
    Member: "registry/member",
    HouseholdYear: "registry/householdyear",
    Helper: "registry/helper",
    Procedure: "registry/procedure",
    ProcedureStep: "registry/procedurestep",
    ImportBatch: "registry/importbatch",
    SurveyHousehold: "external/surveyhousehold",
    CheckRun: "checks/checkrun",
    Finding: "checks/finding",
    AreaStatistic: "stats/areastatistic",
    IndicatorValue: "stats/indicatorvalue",
    IndicatorRefresh: "stats/indicatorrefresh",
    IndicatorDue: "stats/indicatordue",
    Job: "jobs/job",
    HelpingUnit: "cadres/helpingunit",
    Cadre: "cadres/cadre",
    Posting: "cadres/posting",
    DispatchPlan: "cadres/dispatchplan",
    PlanItem: "cadres/planitem",
    Benefit: "cadres/benefit",
    WorkTeam: "cadres/workteam",
    WorkLog: "fieldwork/worklog",
    ResidentRequest: "fieldwork/residentrequest",
    LeaveRequest: "fieldwork/leaverequest",
    LogTally: "fieldwork/logtally",
    Adjustment: "fieldwork/adjustment",
    Inspection: "fieldwork/inspection",
    Violation: "fieldwork/violation",
    RatingScore: "fieldwork/ratingscore",
    Rating: "fieldwork/rating",
    GuidanceDone: "fieldwork/guidancedone",
    VillageCadre: "partyorg/villagecadre",
    PartyOrg: "partyorg/partyorg",
    Seat: "partyorg/seat",
    Reserve: "partyorg/reserve",
    Election: "partyorg/election",
    OrgYear: "partyorg/orgyear",
    Review: "partyorg/review",
    SecretaryAdjustment: "partyorg/secretaryadjustment",
    WeakCase: "partyorg/weakcase",
    Visit: "partyorg/visit",
    Guarantee: "partyorg/guarantee",
    IdentifyRun: "partyorg/identifyrun",
    Promotion: "cadres/promotion",
    Scheme: "assessment/scheme",
    EnteredValue: "assessment/enteredvalue",
    Result: "assessment/result",
    Case: "assessment/case",
    UnitGrade: "assessment/unitgrade",
    Leader: "assessment/leader",
    LeaderChange: "assessment/leaderchange",
    ContactPoint: "assessment/contactpoint",
    ContactVisit: "assessment/contactvisit",
    Debriefing: "assessment/debriefing",
    CampaignTask: "assessment/campaigntask",
    monitoring_models.Case: "monitoring/case",
    monitoring_models.Source: "monitoring/source",
    monitoring_models.Measure: "monitoring/measure",
    monitoring_models.FollowUp: "monitoring/followup",
}
ROLES = ["prefecture_officer", "county_officer", "township_officer", "first_secretary", "inspector"]


def test_every_fupin_model_is_scoped_or_exempted_with_a_reason():
    fupin_models = {m for m in apps.get_models() if m.__module__.startswith("fupin.")}
    covered = set(scoping.registered()) | set(scoping.exempted())
    assert fupin_models - covered == set(), "register the model with fupin.core.scoping (or exempt it)"
    assert set(scoping.registered()) - set(MAKERS) == set(), "add a maker for the new model to MAKERS"


@pytest.mark.parametrize("model", list(MAKERS), ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_out_of_scope_object_is_invisible(model, role, client):
    users = users_in_county(COUNTY_A, "a")
    viewer = users[role]
    obj = MAKERS[model]()
    # Selector layer
    assert not scoping.scoped(model, viewer).filter(pk=obj.pk).exists()
    # ... while a user inside B does see it (so the test would catch a filter that hides everything)
    insider = make_user("insider-b", Role.COUNTY_OFFICER, COUNTY_B)
    assert scoping.scoped(model, insider).filter(pk=obj.pk).exists()
    client.force_login(viewer)
    # Admin: the change view of an object outside the scope is treated as missing
    response = client.get(f"/admin/{ADMIN[model]}/{_admin_pk(obj)}/change/")
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:  # to the login page (not staff) or to the index ("does not exist")
        location = response["Location"]
        assert location.startswith("/admin/login/") or f"/{_admin_pk(obj)}/" not in location


def _admin_pk(obj: Any) -> str:
    from django.contrib.admin.utils import quote

    return quote(obj.pk)


@pytest.mark.parametrize("role", ROLES)
def test_web_api_and_exports_refuse_another_county(role, client):
    viewer = users_in_county(COUNTY_A, "a")[role]
    client.force_login(viewer)
    village_b = first_village(COUNTY_B)
    for url in (
        f"/areas/{COUNTY_B}/",
        f"/areas/{village_b}/",
        f"/areas/{COUNTY_B}/export.csv",
        f"/areas/{COUNTY_B}/export.xlsx",
        f"/api/areas/{COUNTY_B}",
        f"/api/areas/{COUNTY_B}/children",
        f"/api/areas/{village_b}/classifications",
        f"/jobs/{_make_job().pk}/",
        f"/jobs/{_make_job().pk}/state.json",
        f"/jobs/{_make_job().pk}/download",
        f"/field/overview/?area={COUNTY_B}",
        f"/field/leave/{_make_leave().pk}/",
        f"/field/requests/{_make_resident_request().pk}/",
        f"/field/log/{_make_work_log().pk}/",
        f"/field/adjustments/new/{_make_posting().pk}/",
        f"/field/postings/{_make_posting().pk}/",
        f"/field/violations/{_make_violation().pk}/statement/",
        f"/party/?area={COUNTY_B}",
        f"/party/village/{village_b}/",
        f"/party/weak/?area={COUNTY_B}",
        f"/party/adjustments/?area={COUNTY_B}",
        f"/party/weak/{_party('WeakCase')().pk}/",
        f"/party/elections/{_party('Election')().pk}/",
        f"/assessment/schemes/{_assessment('Scheme')().pk}/",
        f"/assessment/results/{_assessment('Result')().pk}/",
        f"/assessment/cases/{_assessment('Case')().pk}/",
        f"/assessment/campaigns/{_assessment('CampaignTask')().campaign_id}/",
        f"/assessment/leaders/?area={COUNTY_B}",
        f"/findings/{(finding := _make_finding()).pk}/case/",
        f"/api/checks/findings/{finding.pk}",
        f"/monitoring/?area={COUNTY_B}",
        f"/monitoring/{(mon := _monitoring('Case')()).pk}/",
        f"/monitoring/household/{mon.household.household_no}/",
        f"/api/monitoring/cases/{mon.pk}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (  # actions: refused as missing, whatever is posted
        f"/findings/{finding.pk}/case/",
        f"/party/people/{_village_cadre().pk}/id-number/",
        f"/monitoring/{mon.pk}/",
    ):
        assert client.post(url, {"id_number": "x", "kind": "interview"}).status_code == 404, url
    # A search for the other county's name finds nothing
    assert "从江县" not in client.get("/search/", {"q": "从江"}).content.decode()
    # Nor a household of the other county: not by its page, its number, its head's name or a member's ID number
    household = make_household(village_b, head="李四海")
    member = household.members.first()
    assert client.get(f"/households/{household.household_no}/").status_code == 404
    assert client.get(f"/api/registry/households/{household.household_no}").status_code == 404
    assert household.household_no not in client.get("/api/registry/households").content.decode()
    for q in (household.household_no, "李四海", member.id_number):
        assert f"/households/{household.household_no}/" not in client.get("/households/", {"q": q}).content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_exports_of_own_area_contain_nothing_outside_it(role, client):
    viewer = users_in_county(COUNTY_A, "a")[role]
    client.force_login(viewer)
    response = client.get(f"/areas/{viewer.area_id}/export.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    codes_out = [line.split(",")[0] for line in body.splitlines()[1:]]
    lo, hi = scoping.scope_of(viewer).lo, scoping.scope_of(viewer).hi
    assert all(lo <= c <= hi for c in codes_out)


def test_anonymous_sees_nothing(client):
    assert client.get(f"/areas/{COUNTY_A}/").status_code == 302
    assert client.get(f"/api/areas/{COUNTY_A}").status_code == 401
    assert not scoping.scoped(Area, None).exists()


def test_user_sees_own_area_in_web_and_api(client):
    user = make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    assert client.post("/login/", {"username": "c", "password": PASSWORD}).status_code == 302
    assert "威宁彝族回族苗族自治县" in client.get(f"/areas/{COUNTY_A}/").content.decode()
    data = client.get(f"/api/areas/{COUNTY_A}").json()
    assert data["name"] == "威宁彝族回族苗族自治县"
    assert [a["code"] for a in data["ancestors"]] == ["520000000000", "520500000000"]
    assert user.area_id == COUNTY_A
