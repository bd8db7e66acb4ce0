"""A village's two committees through an election (换届) and a secretary's adjustment (排查研判): the township
records the steps and the results, impossible results are refused with nothing written, the township agrees to an
adjustment and the county approves it with a replacement from the reserve pool."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area
from fupin.core import codes
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.partyorg import selectors, services
from fupin.partyorg.models import Election, PartyOrg, Reserve, Seat
from fupin.partyorg.services import PersonInput, ResultInput
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db
ORG = Department.ORGANIZATION
DAY = date(2024, 3, 1)


def _people(actor, village: str, n: int, source: str = "local_capable", reserve: bool = False):
    return [
        services.person_add(actor=actor, village_code=village, reserve=reserve,
                            data=PersonInput(f"村民{village[-3:]}{source[:2]}{i}", "男", 1975 + i,
                                             "college" if source == "graduate" else "senior", source))
        for i in range(n)
    ]  # fmt: skip


def _board(people) -> list[ResultInput]:
    """The secretary also directs the villagers' committee (一肩挑); one member on each committee."""
    return [
        ResultInput(people[0].pk, "branch", "secretary"), ResultInput(people[0].pk, "villagers", "director"),
        ResultInput(people[1].pk, "branch", "member"), ResultInput(people[2].pk, "villagers", "member"),
    ]  # fmt: skip


def _elect(actor, village: str, people, round_: int = 11, on: date = DAY) -> Election:
    if not PartyOrg.objects.filter(village_id=village).exists():
        services.org_set(actor=actor, village_code=village, kind="branch", members=30)
    election = services.election_open(actor=actor, village_code=village, round=round_, branch_seats=3,
                                      villagers_seats=3)  # fmt: skip
    services.election_step(actor=actor, election=election, step="recommend", on=on)
    services.election_step(actor=actor, election=election, step="inspect", on=on)
    results = _board(people)
    services.election_results(actor=actor, election=election, on=on, results=results)
    return election


def test_an_election_step_by_step_with_its_refusals_and_tallies():
    village = first_village(COUNTY_A)
    township = make_user("zz-town", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=ORG)
    people = _people(township, village, 4)
    with pytest.raises(ValidationError, match="请先登记组织类型"):
        services.election_open(actor=township, village_code=village, round=11, branch_seats=2, villagers_seats=3)
    services.org_set(actor=township, village_code=village, kind="branch", members=30)
    election = services.election_open(actor=township, village_code=village, round=11, branch_seats=2,
                                      villagers_seats=3)  # fmt: skip
    with pytest.raises(ValidationError, match="下一步应为“推荐”"):
        services.election_step(actor=township, election=election, step="inspect", on=DAY)
    services.election_step(actor=township, election=election, step="recommend", on=DAY)
    with pytest.raises(ValidationError, match="不能早于 2024-03-01"):
        services.election_step(actor=township, election=election, step="inspect", on=date(2024, 2, 1))
    services.election_step(actor=township, election=election, step="inspect", on=DAY)
    other = _people(make_user("zz-b", Role.COUNTY_OFFICER, COUNTY_B, department=ORG), first_village(COUNTY_B), 1)
    bad = {
        "超过职数 2 人": [ResultInput(people[0].pk, "branch", "secretary"),
                          *(ResultInput(p.pk, "branch", "member") for p in people[1:3])],
        "未选出书记": [ResultInput(people[1].pk, "branch", "member")],
        "只能有一名书记": [ResultInput(people[0].pk, "branch", "secretary"),
                           ResultInput(people[1].pk, "branch", "secretary")],
        "只能担任一个职务": [ResultInput(people[0].pk, "branch", "secretary"),
                             ResultInput(people[0].pk, "branch", "member")],
        "不是本村人员": [ResultInput(other[0].pk, "branch", "secretary")],
        "没有“主任”职务": [ResultInput(people[0].pk, "branch", "director")],
    }  # fmt: skip
    for message, results in bad.items():
        with pytest.raises(ValidationError, match=message):
            services.election_results(actor=township, election=election, on=DAY, results=results)
    assert not Seat.objects.exists()  # a refused result writes nothing
    assert Election.objects.get(pk=election.pk).step == "inspected"
    results = _board(people)
    services.election_results(actor=township, election=election, on=DAY, results=results)
    picture = selectors.village_org(viewer=township, village=village)
    assert picture.one_shoulder
    assert not picture.vacant
    first = picture.seats[0]
    assert (first.committee, first.post, first.new) == ("branch", "secretary", True)
    # the next election (after this one is filed): the secretary re-elected, the member replaced; the old seats end
    later = date(2025, 3, 1)
    with pytest.raises(ValidationError, match="第11届换届尚未报备"):
        services.election_open(actor=township, village_code=village, round=12, branch_seats=3, villagers_seats=3)
    services.election_step(actor=township, election=election, step="file", on=DAY)
    nxt = services.election_open(actor=township, village_code=village, round=12, branch_seats=3, villagers_seats=3)
    for step in ("recommend", "inspect"):
        services.election_step(actor=township, election=nxt, step=step, on=later)
    services.election_results(actor=township, election=nxt, on=later, results=[
        ResultInput(people[0].pk, "branch", "secretary"), ResultInput(people[3].pk, "branch", "member")])  # fmt: skip
    # only the branch committee was elected: its two seats end, the villagers' committee keeps its members
    assert Seat.objects.filter(end=later).count() == 2
    assert set(Seat.objects.filter(end__isnull=True).values_list("committee", "person_id")) == {
        ("branch", people[0].pk), ("branch", people[3].pk), ("villagers", people[0].pk), ("villagers", people[2].pk),
    }  # fmt: skip
    tallies = selectors.election_tallies(viewer=township, area_code=village[:9] + "000", round=12)
    assert (tallies["secretaries"], tallies["newly_chosen"], tallies["re_elected"]) == (1, 0, 1)
    assert selectors.election_tallies(viewer=township, area_code=village[:9] + "000", round=11)["local_capable"] == 1
    services.election_step(actor=township, election=nxt, step="file", on=later)
    with pytest.raises(ValidationError, match="已全部完成"):
        services.election_step(actor=township, election=nxt, step="file", on=later)
    # a person holding a seat in another village cannot be elected here; the poverty office cannot elect at all
    village2 = Area.objects.filter(parent_id=village[:9] + "000", level=codes.VILLAGE).exclude(code=village).first()
    moved = people[0]
    moved.village_id = village2.code
    moved.save()
    services.org_set(actor=township, village_code=village2.code, kind="branch", members=30)
    e2 = services.election_open(actor=township, village_code=village2.code, round=12, branch_seats=3, villagers_seats=3)
    for step in ("recommend", "inspect"):
        services.election_step(actor=township, election=e2, step=step, on=later)
    with pytest.raises(ValidationError, match="不能同时在两个村任职"):
        services.election_results(actor=township, election=e2, on=later,
                                  results=[ResultInput(moved.pk, "branch", "secretary")])  # fmt: skip
    poverty = make_user("fp-town", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=Department.POVERTY)
    with pytest.raises(PermissionDeniedError, match="组织部"):
        services.election_open(actor=poverty, village_code=village, round=13, branch_seats=3, villagers_seats=3)
    with pytest.raises(NotFoundError):
        services.election_open(actor=township, village_code=first_village(COUNTY_B), round=13, branch_seats=3,
                               villagers_seats=3)  # fmt: skip


def test_an_adjustment_goes_township_then_county_and_the_replacement_comes_from_the_pool():
    village = first_village(COUNTY_A)
    township = make_user("zz-t2", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=ORG)
    county = make_user("zz-c2", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    people = _people(township, village, 3)
    reserves = _people(township, village, 2, source="graduate", reserve=True)
    _elect(township, village, people)
    review = services.review_record(actor=township, village_code=village, year=2024, grade="poor", township_rank=9,
                                    township_size=9, findings="群众反映作风漂浮")  # fmt: skip
    assert review.person_id == people[0].pk
    item = services.adjustment_propose(actor=township, village_code=village, year=2024, reason="negligent",
                                       evidence="年度评议为差，排名末位")  # fmt: skip
    with pytest.raises(ValidationError, match="已有待审批"):
        services.adjustment_propose(actor=township, village_code=village, year=2024, reason="negligent", evidence="x")
    with pytest.raises(PermissionDeniedError, match="须由乡\\(镇"):
        services.adjustment_decide(actor=county, item=item, approve=True)
    item = services.adjustment_decide(actor=township, item=item, approve=True, note="同意")
    assert item.status == "pending_county"
    with pytest.raises(PermissionDeniedError, match="须由县"):
        services.adjustment_decide(actor=township, item=item, approve=True)
    with pytest.raises(ValidationError, match="后备力量"):
        services.adjustment_decide(actor=county, item=item, approve=True)
    assert Seat.objects.filter(post="secretary", end__isnull=True).get().person_id == people[0].pk
    pick = Reserve.objects.get(person=reserves[1])
    with pytest.raises(ValidationError, match="调整日期不能早于"):  # before the replacement joined the pool
        services.adjustment_decide(actor=county, item=item, approve=True, replacement=Reserve.objects.get(
            person=reserves[1]), on=date(2024, 6, 1))  # fmt: skip
    on = timezone.localdate()
    item = services.adjustment_decide(actor=county, item=item, approve=True, replacement=pick, on=on)
    assert (item.status, item.replacement_id, item.township_by, item.county_by) == (
        "approved", reserves[1].pk, "zz-t2", "zz-c2")  # fmt: skip
    secretary = Seat.objects.get(post="secretary", end__isnull=True)
    assert (secretary.person_id, secretary.start) == (reserves[1].pk, on)
    assert Seat.objects.get(post="secretary", person=people[0]).end_reason == "调整：不尽职"
    # the old secretary still directs the villagers' committee (一肩挑 ends, the seat stays)
    assert Seat.objects.get(post="director").end is None
    assert [r.person_id for r in selectors.reserves_available(viewer=county, village=village)] == [reserves[0].pk]
    # at the end of 2024 the adjusted secretary still served both committees; today the replacement serves
    totals = [selectors.area_summary(viewer=county, area_code=COUNTY_A, year=y)["total"] for y in (2024, on.year)]
    assert [(t["adjusted"], t["secretaries"], t["one_shoulder"]) for t in totals] == [(1, 1, 1), (0, 1, 0)]
    # a vacancy: the new secretary leaves, the post is open
    services.seat_end(actor=township, seat=secretary, on=on, reason="辞职")
    vacant = selectors.vacancies(viewer=county, area_code=COUNTY_A)
    assert (vacant[0]["code"], vacant[0]["since"], vacant[0]["days"], vacant[0]["flagged"]) == (village, on, 0, False)
    with pytest.raises(ValidationError, match="党员 50 人以上"):
        services.org_set(actor=township, village_code=village, kind="general_branch", members=49)


def test_an_election_dated_before_the_sitting_board_is_refused_and_a_deputy_made_secretary_is_new():
    village = first_village(COUNTY_A)
    township = make_user("zz-t3", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=ORG)
    people = _people(township, village, 3)
    services.org_set(actor=township, village_code=village, kind="branch", members=30)
    first = services.election_open(actor=township, village_code=village, round=11, branch_seats=3, villagers_seats=3)
    for step in ("recommend", "inspect"):
        services.election_step(actor=township, election=first, step=step, on=DAY)
    services.election_results(actor=township, election=first, on=DAY, results=[
        ResultInput(people[0].pk, "branch", "secretary"), ResultInput(people[1].pk, "branch", "deputy")])  # fmt: skip
    services.election_step(actor=township, election=first, step="file", on=DAY)
    early = date(2020, 1, 1)
    second = services.election_open(actor=township, village_code=village, round=12, branch_seats=3, villagers_seats=3)
    with pytest.raises(ValidationError, match="推荐日期不能早于 2024-03-01"):  # before the last election's vote
        services.election_step(actor=township, election=second, step="recommend", on=early)
    with pytest.raises(ValidationError, match="新的换届应为第13届或以后"):
        services.election_open(actor=township, village_code=village, round=12, branch_seats=3, villagers_seats=3)
    for step in ("recommend", "inspect"):
        services.election_step(actor=township, election=second, step=step, on=date(2025, 2, 1))
    assert Seat.objects.filter(end__isnull=False).count() == 0  # nothing ended
    later = date(2025, 3, 1)
    services.election_results(actor=township, election=second, on=later, results=[
        ResultInput(people[1].pk, "branch", "secretary"), ResultInput(people[0].pk, "branch", "deputy")])  # fmt: skip
    tallies = selectors.election_tallies(viewer=township, area_code=village[:9] + "000", round=12)
    assert (tallies["secretaries"], tallies["newly_chosen"], tallies["re_elected"]) == (1, 1, 0)
    assert Reserve.objects.count() == 0


def test_an_election_started_by_mistake_is_withdrawn_and_the_round_started_again():
    village = first_village(COUNTY_A)
    township = make_user("zz-t4", Role.TOWNSHIP_OFFICER, village[:9] + "000", department=ORG)
    services.org_set(actor=township, village_code=village, kind="branch", members=30)
    wrong = services.election_open(actor=township, village_code=village, round=11, branch_seats=9, villagers_seats=9)
    with pytest.raises(ValidationError, match="请填写撤销理由"):
        services.election_cancel(actor=township, election=wrong, reason="")
    services.election_cancel(actor=township, election=wrong, reason="职数填错")
    with pytest.raises(ValidationError, match="已撤销，不能撤销"):
        services.election_cancel(actor=township, election=wrong, reason="再撤")
    again = services.election_open(actor=township, village_code=village, round=11, branch_seats=3, villagers_seats=3)
    assert Election.objects.filter(village_id=village).count() == 2
    assert again.step == "opened"
