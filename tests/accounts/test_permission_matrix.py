"""Role × action: every declared action, tried by every kind of user, inside their own area.

Given a user whose area contains the object (so the area is never the reason), when they call the service of an
action the table does not give them, then it is refused with the table's reason and nothing at all is written
(every fupin table keeps its row count); a user the table does give it to passes the permission gate. A new
action in ``fupin.accounts.permissions.ACTIONS`` fails ``test_every_action_is_exercised`` until it joins CALLS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from fupin.accounts.choices import Role
from fupin.accounts.permissions import ACTIONS, refusal, role_examples
from fupin.accounts.services import user_create
from fupin.accounts.tokens import token_create
from fupin.areas.loader import DivisionFileError
from fupin.areas.services import area_classification_set, areas_load
from fupin.assessment import campaigns, leadership
from fupin.assessment import services as assessment
from fupin.assessment.models import Campaign, CampaignTask, Case, Leader, LeaderChange
from fupin.audit.selectors import audit_readable
from fupin.cadres.models import DispatchPlan
from fupin.cadres.services import dispatch_plan, plan_approve, work_teams_load
from fupin.checks.models import CheckRun, Finding
from fupin.checks.services import check_run, finding_transition
from fupin.checks.whatif import whatif
from fupin.core import codes
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.external.services import external_load
from fupin.fieldwork.models import LeaveRequest
from fupin.fieldwork.services import (
    ItemInput,
    LogInput,
    adjustment_propose,
    guidance_publish,
    inspection_record,
    leave_decide,
    leave_request,
    rating_scores_set,
    red_line_set,
    worklog_add,
)
from fupin.lib.tabular import FileUnreadable
from fupin.monitoring import services as monitoring
from fupin.partyorg import services as party
from fupin.partyorg.models import PartyOrg, Seat, SecretaryAdjustment, VillageCadre, WeakCase
from fupin.policy.services import parameter_set
from fupin.registry.choices import ProcedureKind
from fupin.registry.imports import import_households
from fupin.registry.procedures import procedure_open
from fupin.registry.selectors import can_see_full_id
from fupin.registry.services import household_update
from fupin.stats.services import area_statistics_load, indicators_refresh
from tests.factories import make_household, make_posting
from tests.support import COUNTY_A, PASSWORD, first_village

MISSING = Path("/nonexistent/不存在.csv")
TODAY = timezone.localdate()


def _world() -> dict[str, Any]:
    village = first_village(COUNTY_A)
    household = make_household(village)
    run = CheckRun.objects.create(year=2017, area_code=COUNTY_A, engine="duckdb")
    finding = Finding.objects.create(
        rule_id="wrong_car", year=2017, household_no=household.household_no, village_id=village, category="错评",
        severity="high", explanation="x", first_run=run, last_run=run,
    )  # fmt: skip
    plan = DispatchPlan.objects.create(round=2017, area_code=COUNTY_A)
    posting = make_posting(village)
    leave = LeaveRequest.objects.create(posting=posting, village_id=village, kind="personal", start=date(2017, 5, 2),
                                        end=date(2017, 5, 3), days=2, reason="家事")  # fmt: skip
    person = VillageCadre.objects.create(ref=f"K{village}001", village_id=village, name="王", gender="男",
                                         birth_year=1975, education="senior", source="other")  # fmt: skip
    PartyOrg.objects.create(village_id=village, members=20)
    Seat.objects.create(person=person, village_id=village, committee="branch", post="secretary", start=date(2017, 3, 1))
    adjustment = SecretaryAdjustment.objects.create(village_id=village, year=2017, person=person, reason="negligent",
                                                    evidence="x")  # fmt: skip
    case = WeakCase.objects.create(village_id=village, year=2017)
    interview = Case.objects.create(area_id=village[:9] + "000", authority_id=COUNTY_A, kind="interview",
                                    subject="乡长", reason="考核末位", opened_on=date(2017, 6, 1),
                                    status="rectifying")  # fmt: skip
    leader = Leader.objects.create(area_id=COUNTY_A, name="张", post="party_secretary", title="县委书记",
                                   start=date(2016, 1, 1))  # fmt: skip
    change = LeaderChange.objects.create(area_id=COUNTY_A, post="party_secretary", leader=leader, on=date(2017, 6, 1),
                                         reason="交流", flag="贫困县")  # fmt: skip
    campaign = Campaign.objects.create(area_id=COUNTY_A, name="春季攻势", start=date(2017, 3, 1),
                                       end=date(2017, 6, 30), goals="x")  # fmt: skip
    task = CampaignTask.objects.create(campaign=campaign, area_id=village[:9] + "000", step="deployment",
                                       title="部署", due=date(2017, 4, 1))  # fmt: skip
    from fupin.monitoring.models import Case as MonitoringCase

    monitored = MonitoringCase.objects.create(household=make_household(village, number=2), village_id=village,
                                              status="monitored", group="脱贫不稳定户", opened_on=date(2017, 5, 1),
                                              deadline=date(2017, 5, 16), decided_on=date(2017, 5, 12))  # fmt: skip
    return {"village": village, "household": household, "finding": finding, "plan": plan, "posting": posting,
            "leave": leave, "adjustment": adjustment, "case": case, "interview": interview, "change": change,
            "campaign": campaign, "task": task, "monitored": monitored,
            "n": iter(range(10**6))}  # fmt: skip


# action → how its service is called by ``u`` on the world ``w`` (reads return whether the user was let in)
CALLS: dict[str, Callable[[Any, dict[str, Any]], object]] = {
    "areas.load": lambda u, w: areas_load(actor=u, source=MISSING),
    "areas.classify": lambda u, w: area_classification_set(actor=u, area_code=w["village"], year=2017,
                                                           kind="poor_village"),
    "users.manage": lambda u, w: user_create(actor=u, username=f"new-{next(w['n'])}", password=PASSWORD,
                                             role=Role.FIRST_SECRETARY, area_code=w["village"]),
    "policy.set": lambda u, w: parameter_set(actor=u, key="exit_line", year=2031, value=4000),
    "external.load": lambda u, w: external_load(actor=u, kind_name="vehicles", path=MISSING),
    "stats.load": lambda u, w: area_statistics_load(actor=u, rows=[(COUNTY_A, 2031, 1000)], source="测试"),
    "stats.refresh": lambda u, w: indicators_refresh(actor=u, area_code=w["village"], last_year=2017),
    "registry.import": lambda u, w: import_households(actor=u, path=MISSING),
    "registry.edit": lambda u, w: household_update(actor=u, household=w["household"], phone="13800000000"),
    "registry.procedure": lambda u, w: procedure_open(actor=u, household=w["household"], kind=ProcedureKind.EXIT,
                                                      on=date(2017, 10, 1)),
    "registry.full_id": lambda u, w: can_see_full_id(u),
    "checks.run": lambda u, w: check_run(actor=u, year=2017, area_code=w["village"]),
    "checks.whatif": lambda u, w: whatif(actor=u, year=2017, changes={"exit_line": 4000}, area_code=w["village"]),
    "checks.transition": lambda u, w: finding_transition(actor=u, finding=w["finding"], to="assigned"),
    "dispatch.plan": lambda u, w: dispatch_plan(actor=u, area_code=COUNTY_A, round_year=2017, certify=False),
    "dispatch.approve": lambda u, w: plan_approve(actor=u, plan=w["plan"], start=date(2017, 3, 1)),
    "cadres.manage": lambda u, w: work_teams_load(actor=u, groups=[{"village_code": w["village"],
                                                  "county_code": COUNTY_A}], round_year=2017, source="测试"),
    "fieldwork.log": lambda u, w: worklog_add(actor=u, data=LogInput(kind="meeting", date=TODAY, content="村民大会")),
    "fieldwork.leave": lambda u, w: leave_request(actor=u, kind="personal", start=TODAY, end=TODAY, reason="家事"),
    "fieldwork.leave_approve": lambda u, w: leave_decide(actor=u, leave=w["leave"], approve=True),
    "fieldwork.adjust": lambda u, w: adjustment_propose(actor=u, posting=w["posting"], reason="作用发挥不好",
                                                        evidence="暗访两次不在村"),
    "fieldwork.inspect": lambda u, w: inspection_record(actor=u, posting=w["posting"], on=date(2017, 5, 2),
                                                        kind="spot", present=True),
    "fieldwork.rate": lambda u, w: rating_scores_set(actor=u, posting=w["posting"], year=2017, period="year",
                                                     scores={"masses": 90}),
    "fieldwork.guide": lambda u, w: guidance_publish(actor=u, area_code=COUNTY_A, kind="responsibilities",
                                                     title="2017 年驻村工作责任清单", year=2017, quarter=None,
                                                     items=[ItemInput("走访全部贫困户")]),
    "fieldwork.red_lines": lambda u, w: red_line_set(actor=u, code="RL99", title="违规经商", severity="warning"),
    "monitoring.intake": lambda u, w: monitoring.case_intake(actor=u, household=w["household"], channel="visit",
                                                            on=TODAY, risk="illness", detail=f"走访{next(w['n'])}"),
    "monitoring.run": lambda u, w: monitoring.monitoring_run(actor=u, area_code=COUNTY_A, on=TODAY),
    "monitoring.help": lambda u, w: monitoring.follow_up_add(actor=u, case=w["monitored"], visited_on=TODAY,
                                                            visitor="乡镇干部", income_per_capita="7000",
                                                            rigid_spending="0", guarantees_ok=True),
    "partyorg.manage": lambda u, w: party.org_set(actor=u, village_code=w["village"], kind="branch", members=30),
    "partyorg.elect": lambda u, w: party.election_open(actor=u, village_code=w["village"], round=10 + next(w["n"]),
                                                       branch_seats=3, villagers_seats=3),
    "partyorg.review": lambda u, w: party.review_record(actor=u, village_code=w["village"], year=2017, grade="good"),
    "partyorg.adjust": lambda u, w: party.adjustment_decide(actor=u, item=w["adjustment"], approve=False, note="否"),
    "partyorg.identify": lambda u, w: party.weak_identify(actor=u, area_code=w["village"], year=2017),
    "partyorg.rectify": lambda u, w: party.case_progress(actor=u, case=w["case"], note="进展", on=date(2017, 12, 1)),
    "partyorg.accept": lambda u, w: party.case_accept(actor=u, case=w["case"], score=80, surveyed=30, dissatisfied=0,
                                                      on=date(2018, 3, 1)),
    "partyorg.visit": lambda u, w: party.visit_record(actor=u, village_code=w["village"], data=party.VisitInput(
        date(2018, 4, 2), "王", "部长", "班子团结", "工作队在岗", "书记能力强")),
    "partyorg.guarantee": lambda u, w: party.guarantee_set(actor=u, village_code=w["village"], year=2017,
                                                           secretary_pay=20000, pay_paid=True, office_funds=2,
                                                           funds_paid=True),
    "assessment.scheme": lambda u, w: assessment.scheme_create(actor=u, area_code=COUNTY_A, year=2017,
                                                               title=f"考核{next(w['n'])}", assessed="poor_villages"),
    "assessment.case_open": lambda u, w: assessment.case_open(actor=u, area_code=w["village"][:9] + "000",
                                                              kind="interview", subject="乡长", reason="末位",
                                                              opened_on=TODAY),
    "assessment.case_rectify": lambda u, w: assessment.case_progress(actor=u, case_id=w["interview"].pk, text="进展",
                                                                     on=TODAY),
    "assessment.case_close": lambda u, w: assessment.case_close(actor=u, case_id=w["interview"].pk, text="销号",
                                                                on=TODAY),
    "assessment.leaders": lambda u, w: leadership.leader_appoint(actor=u, area_code=COUNTY_A, name="王", post="member",
                                                                 title="县委常委", on=date(2017, 1, 1)),
    "assessment.stability": lambda u, w: leadership.change_decide(actor=u, change_id=w["change"].pk, approve=False,
                                                                  note="不予调整"),
    "assessment.debrief": lambda u, w: leadership.debriefing_record(actor=u, area_code=w["village"], year=2017,
                                                                    name="王", held_on=date(2018, 1, 10), good=10,
                                                                    fairly_good=0, average=0, poor=0),
    "assessment.campaign": lambda u, w: campaigns.task_add(actor=u, campaign_id=w["campaign"].pk, step="policy",
                                                           title="印发方案", due=date(2017, 3, 10)),
    "assessment.campaign_report": lambda u, w: campaigns.task_done(actor=u, task_id=w["task"].pk,
                                                                   done_on=date(2017, 3, 20), note="已部署"),
    "assessment.unit_grade": lambda u, w: assessment.unit_grades_run(actor=u, area_code=COUNTY_A, year=2017),
    "audit.read": lambda u, w: audit_readable(u),
    "api.token": lambda u, w: token_create(actor=u, name="移动应用", days=30),
}  # fmt: skip
# Held by every signed-in kind of user, on purpose (each with the reason); every other action someone lacks.
EVERYONE = {"api.token": "a token acts as its user, never more: what the user may not do, the token may not either"}


def _area_for(level: int | None, village: str) -> str:
    return codes.normalize(codes.prefix(village)[: {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}[level or 3]])


def _users(village: str) -> list[tuple[str, Any]]:
    return [
        (label, user_create(actor=None, username=f"m-{k}", password=PASSWORD, role=role, department=department,
                            area_code=_area_for(level, village)))
        for k, (label, role, department, level) in enumerate(role_examples())
    ]  # fmt: skip


def _fingerprint() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m.__module__.startswith("fupin.")}


def _outcome(call: Callable[[Any, dict[str, Any]], object], user: Any, world: dict[str, Any]) -> object:
    """What the call returned, or the user-facing error it raised (a missing file counts as one)."""
    try:
        return call(user, world)
    except (ApplicationError, FileUnreadable, DivisionFileError) as exc:
        return exc


def test_every_action_is_exercised():
    assert set(CALLS) == set(ACTIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ACTIONS))
def test_an_action_is_refused_to_every_kind_of_user_lacking_it_and_nothing_is_written(action):
    world = _world()
    users = _users(world["village"])
    holders = [label for label, user in users if refusal(user, action) is None]
    lacking = [(label, user) for label, user in users if refusal(user, action) is not None]
    assert bool(lacking) != (action in EVERYONE), f"{action}: every kind of user holds it" if not lacking else action
    for label, user in lacking:
        before = _fingerprint()
        if not ACTIONS[action].write:
            assert CALLS[action](user, world) is False, f"{label} was let in to {action}"
            continue
        with pytest.raises(PermissionDeniedError) as refused:
            CALLS[action](user, world)
        assert refused.value.extra.get("action") == action, f"{label}: refused for another reason"
        assert "须由" in refused.value.message or "只读" in refused.value.message
        assert _fingerprint() == before, f"{label}: a refused {action} wrote something"
    for label, user in users:
        if label not in holders:
            continue
        result = _outcome(CALLS[action], user, world)
        if isinstance(result, ApplicationError):  # a rule of the service itself (e.g. a step's level)
            assert result.extra.get("action") != action, f"{label} holds {action} but was refused it"
        else:
            assert result is not False, f"{label} holds {action} but was not let in"


@pytest.mark.django_db
def test_the_first_secretary_of_a_village_can_neither_plan_nor_approve_a_dispatch():
    village = first_village(COUNTY_A)
    secretary = user_create(actor=None, username="s", password=PASSWORD, role=Role.FIRST_SECRETARY, area_code=village)
    township = user_create(actor=None, username="t", password=PASSWORD, role=Role.TOWNSHIP_OFFICER,
                           area_code=village[:9] + "000")  # fmt: skip
    for user in (secretary, township):
        with pytest.raises(PermissionDeniedError, match="组织部"):
            dispatch_plan(actor=user, area_code=village, round_year=2017, certify=False)
    assert not DispatchPlan.objects.exists()
