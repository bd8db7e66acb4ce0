"""Leaders in their posts, their contact points (包保) and visits, and the stability rule through the services: a
poor county's Party secretary replaced before the county exits waits for the province's approval with its reason;
approved, the change is made; refused, nothing changes; outside a poor county a change is made at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area, AreaClassification
from fupin.assessment import leadership, selectors, services
from fupin.assessment.models import Leader, LeaderChange, Result
from fupin.audit.models import AuditEntry
from fupin.core.errors import PermissionDeniedError, ValidationError
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, make_user

pytestmark = pytest.mark.django_db
ORG = Department.ORGANIZATION


@pytest.fixture
def users():
    return {
        "pref": make_user("bj-zzb", Role.PREFECTURE_OFFICER, PREFECTURE_A, department=ORG),
        "admin": make_user("padmin", Role.PROVINCE_ADMIN, "520000000000"),
        "county": make_user("wn-fpb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.POVERTY),
    }


def _secretary(actor, county: str = COUNTY_A, name: str = "张书记") -> Leader:
    got = leadership.leader_appoint(actor=actor, area_code=county, name=name, post="party_secretary",
                                    title="县委书记", on=date(2016, 3, 1))  # fmt: skip
    assert got.leader is not None
    return got.leader


def test_a_poor_countys_secretary_is_not_changed_before_exit_without_the_provinces_approval(users):
    AreaClassification.objects.create(area_id=COUNTY_A, year=2017, kind="poor_county")
    sitting = _secretary(users["pref"])
    with pytest.raises(ValidationError, match="请填写调整理由"):
        leadership.leader_appoint(actor=users["pref"], area_code=COUNTY_A, name="李书记", post="party_secretary",
                                  title="县委书记", on=date(2017, 6, 1))  # fmt: skip
    held = leadership.leader_appoint(actor=users["pref"], area_code=COUNTY_A, name="李书记", post="party_secretary",
                                     title="县委书记", on=date(2017, 6, 1), reason="交流任职")  # fmt: skip
    assert held.leader is None
    assert held.change.flag.endswith("尚未摘帽：调整党委书记须报省委组织部审批")
    assert Leader.objects.get(pk=sitting.pk).end is None  # nothing changes while it waits
    with pytest.raises(ValidationError, match="已有待省委组织部审批的调整"):
        leadership.leader_leave(actor=users["pref"], leader_id=sitting.pk, on=date(2017, 7, 1), reason="病休")
    assert selectors.changes_pending(viewer=users["admin"]).count() == 1
    with pytest.raises(PermissionDeniedError, match="须由"):
        leadership.change_decide(actor=users["pref"], change_id=held.change.pk, approve=True)
    with pytest.raises(ValidationError, match="请填写审批意见"):
        leadership.change_decide(actor=users["admin"], change_id=held.change.pk, approve=False)
    leadership.change_decide(actor=users["admin"], change_id=held.change.pk, approve=True)
    sitting.refresh_from_db()
    assert (sitting.end, sitting.end_reason) == (date(2017, 6, 1), "交流任职")
    now = Leader.objects.get(area_id=COUNTY_A, post="party_secretary", end__isnull=True)
    assert (now.name, now.start) == ("李书记", date(2017, 6, 1))
    assert LeaderChange.objects.get().status == "approved"
    with pytest.raises(ValidationError, match="该调整已审批（已批准）"):
        leadership.change_decide(actor=users["admin"], change_id=held.change.pk, approve=True)

    # refused: the secretary stays; leaving alone is held too
    held = leadership.leader_leave(actor=users["pref"], leader_id=now.pk, on=date(2017, 9, 1), reason="病休")
    assert held is not None
    leadership.change_decide(actor=users["admin"], change_id=held.pk, approve=False, note="脱贫攻坚关键期，不予调整")
    assert Leader.objects.get(pk=now.pk).end is None


def test_outside_a_poor_county_or_a_head_post_a_change_is_made_at_once(users):
    AreaClassification.objects.create(area_id=COUNTY_A, year=2016, kind="poor_county")  # exited by 2017
    sitting = _secretary(users["pref"])
    got = leadership.leader_appoint(actor=users["pref"], area_code=COUNTY_A, name="李书记", post="party_secretary",
                                    title="县委书记", on=date(2017, 6, 1), reason="换届")  # fmt: skip
    assert got.change is None
    assert Leader.objects.get(pk=sitting.pk).end == date(2017, 6, 1)
    member = leadership.leader_appoint(actor=users["pref"], area_code=COUNTY_A, name="王常委", post="member",
                                       title="县委常委、组织部部长", on=date(2017, 6, 1)).leader  # fmt: skip
    assert member is not None
    with pytest.raises(ValidationError, match="不能早于 2017-06-01"):
        leadership.leader_appoint(actor=users["pref"], area_code=COUNTY_A, name="赵书记", post="party_secretary",
                                  title="县委书记", on=date(2017, 5, 1), reason="x")  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="须由"):  # a county's poverty office keeps no rosters
        _secretary(users["county"], name="钱")
    assert AuditEntry.objects.filter(action="assessment.leader_leave").count() == 1


def test_contact_points_and_visits_and_who_sees_them(users):
    leader = _secretary(users["pref"])
    town = Area.objects.filter(parent_id=COUNTY_A, level=4).order_by("code").first().code
    with pytest.raises(ValidationError, match="联系点须为"):
        leadership.contact_set(actor=users["admin"], leader_id=leader.pk, area_code=COUNTY_B, start=date(2017, 1, 1))
    point = leadership.contact_set(actor=users["pref"], leader_id=leader.pk, area_code=town, start=date(2017, 1, 1))
    with pytest.raises(ValidationError, match="已联系"):
        leadership.contact_set(actor=users["pref"], leader_id=leader.pk, area_code=town, start=date(2017, 2, 1))
    leadership.contact_visit(
        actor=users["pref"], point_id=point.pk, on=date(2017, 4, 2), note="调研产业，协调资金 50 万元"
    )
    township = make_user("t-fpz", Role.TOWNSHIP_OFFICER, town)
    assert [p.leader.name for p in selectors.contact_points(viewer=township, area_code=town)] == ["张书记"]
    other = make_user("b-fpz", Role.TOWNSHIP_OFFICER, Area.objects.filter(parent_id=COUNTY_B, level=4).first().code)
    assert selectors.contact_points(viewer=other, area_code=town).count() == 0
    assert selectors.contact_points(viewer=users["pref"], area_code=PREFECTURE_A).get().visits.count() == 1


def test_a_secretarys_debriefing_is_scored_by_the_rule_stored_on_the_person_and_read_by_the_assessment(users):
    town = Area.objects.filter(parent_id=COUNTY_A, level=4).order_by("code").first().code
    county_org = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=ORG)
    secretary = leadership.leader_appoint(actor=county_org, area_code=town, name="陈书记", post="party_secretary",
                                          title="乡党委书记", on=date(2016, 1, 4)).leader  # fmt: skip
    with pytest.raises(PermissionDeniedError, match="上级"):  # a county does not debrief its own secretary
        leadership.debriefing_record(actor=county_org, area_code=COUNTY_A, year=2017, name="张",
                                     held_on=date(2018, 1, 10), good=1, fairly_good=0, average=0, poor=0)  # fmt: skip
    with pytest.raises(ValidationError, match="请填写评议票数"):
        leadership.debriefing_record(actor=county_org, area_code=town, year=2017, name="", held_on=date(2018, 1, 10),
                                     good=0, fairly_good=0, average=0, poor=0)  # fmt: skip
    row = leadership.debriefing_record(actor=county_org, area_code=town, year=2017, name="", held_on=date(2018, 1, 10),
                                       good=30, fairly_good=10, average=8, poor=2)  # fmt: skip
    assert (row.leader, row.name, row.score, row.grade) == (secretary, "陈书记", Decimal("86.60"), "较好")
    row = leadership.debriefing_record(actor=county_org, area_code=town, year=2017, name="", held_on=date(2018, 1, 10),
                                       good=45, fairly_good=5, average=0, poor=0)  # fmt: skip
    assert (row.score, row.grade) == (Decimal("98.50"), "好")
    assert AuditEntry.objects.filter(action="assessment.debrief").count() == 2
    scheme = services.scheme_create(actor=county_org, area_code=COUNTY_A, year=2017, title="乡镇考核",
                                    assessed="townships")  # fmt: skip
    services.scheme_run(actor=county_org, scheme_id=scheme.pk)
    order = scheme.indicators.get(source="debriefing").order
    parts = {p["order"]: p for p in Result.objects.get(scheme=scheme, area_id=town).parts}
    assert (parts[order]["value"], parts[order]["score"]) == (98.5, 100.0)


def test_the_roster_scan_finds_the_poor_countys_heads_who_left_without_approval(users):
    AreaClassification.objects.create(area_id=COUNTY_A, year=2017, kind="poor_county")
    AreaClassification.objects.create(area_id=COUNTY_B, year=2017, kind="poor_county")
    # loaded rosters (not through the service): one left unapproved, one approved, one in a year not poor
    left = Leader.objects.create(area_id=COUNTY_A, name="甲", post="party_secretary", title="县委书记",
                                 start=date(2014, 1, 1), end=date(2017, 5, 1), end_reason="调任")  # fmt: skip
    ok = Leader.objects.create(area_id=COUNTY_B, name="乙", post="government_head", title="县长",
                               start=date(2014, 1, 1), end=date(2017, 7, 1))  # fmt: skip
    LeaderChange.objects.create(area_id=COUNTY_B, post="government_head", leader=ok, on=date(2017, 7, 1),
                                reason="x", flag="x", status="approved")  # fmt: skip
    Leader.objects.create(area_id=COUNTY_A, name="丙", post="government_head", title="县长", start=date(2014, 1, 1),
                          end=date(2016, 7, 1))  # fmt: skip
    found = leadership.stability_scan("520000000000")
    assert [(f["leader"], f["end"]) for f in found] == [(left, date(2017, 5, 1))]
    assert leadership.stability_scan(COUNTY_B) == []
