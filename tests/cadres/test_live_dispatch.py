"""Dispatch on a live system: postings start on their round's date, nobody rotates inside a round, a second plan for
an approved round needs confirming, and the plan is described in a reviewer's words."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.services import area_classification_set
from fupin.cadres.models import DispatchPlan, Posting, PostingStatus
from fupin.cadres.services import dispatch_plan, plan_approve, plan_item_set, round_start
from fupin.core import codes, events
from fupin.core.errors import ValidationError
from tests.cadres.test_cadres_and_dispatch import YEAR, classify, load, villages
from tests.support import COUNTY_A, make_user

pytestmark = pytest.mark.django_db


def _coverage(year: int) -> tuple[float, float]:
    """fs_needed, fs_covered of COUNTY_A for the year, as the statistics compute them."""
    from fupin.stats import services as stats

    lo, hi = codes.code_range(COUNTY_A)
    values = stats._coverage(lo, hi, [year], 6)
    return values.get((COUNTY_A, year, "fs_needed"), 0), values.get((COUNTY_A, year, "fs_covered"), 0)


def test_approved_postings_start_on_the_round_start_so_the_round_is_fully_covered():
    v = villages(3)
    for code in v:
        classify(code, "poor_village")
    old = load([("CA1", "经济")])[0]  # the 2017 round's first secretary of v[0], still in post
    Posting.objects.create(cadre=old, village_id=v[0], role="first_secretary", round=2017, start=date(2017, 3, 1))
    load([("CA1", "经济"), ("CA1", "经济"), ("CA1", "经济")])
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    assert plan.summary["covered"] == 3
    plan_approve(actor=None, plan=plan)  # approved today, years after the round began
    new = Posting.objects.filter(round=YEAR)
    assert set(new.values_list("start", flat=True)) == {date(YEAR, 3, 1)} == {round_start(YEAR)}
    assert Posting.objects.get(cadre=old, round=2017).end == date(YEAR, 3, 1)
    assert _coverage(YEAR) == (3, 3)
    # another day may be named, but only one of the round's year
    with pytest.raises(ValidationError, match="不在 2018 年轮次内"):
        plan_approve(actor=None, plan=dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR, confirm=True),
                     start=date(2026, 12, 2))  # fmt: skip


def test_approval_tells_the_statistics_the_rounds_year(monkeypatch, django_capture_on_commit_callbacks):
    classify(villages(1)[0], "weak_village")
    load([("CA1", "党群")])
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    seen: list[dict[str, object]] = []
    monkeypatch.setitem(events._SUBSCRIBERS, "cadres.postings_changed", [lambda **kw: seen.append(kw)])
    with django_capture_on_commit_callbacks(execute=True):
        plan_approve(actor=None, plan=plan)
    assert seen == [{"area_code": COUNTY_A, "year": YEAR}]


def test_web_approval_uses_the_round_start(client):
    classify(villages(1)[0], "weak_village")
    load([("CA1", "党群")])
    officer = make_user("cty-live-1", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    client.force_login(officer)
    assert client.post("/dispatch/", {"round": str(YEAR)}).status_code == 302
    plan = DispatchPlan.objects.get()
    page = client.get(f"/dispatch/{plan.pk}/").content.decode()
    assert "到岗日期为本轮次到岗日 2018-03-01" in page
    assert client.post(f"/dispatch/{plan.pk}/", {"approve": "1"}).status_code == 302
    assert set(Posting.objects.values_list("start", flat=True)) == {date(YEAR, 3, 1)}
    assert _coverage(YEAR) == (1, 1)


def test_nobody_is_rotated_out_of_a_village_inside_a_round():
    v = villages(2)
    classify(v[0], "weak_village")
    classify(v[1], "weak_village")
    a, b = load([("CA1", "党群"), ("CA1", "党群")])
    # a already took up v[0] in this round (e.g. a recall's replacement, or an earlier plan)
    current = Posting.objects.create(
        cadre=a, village_id=v[0], role="first_secretary", round=YEAR, start=date(2018, 3, 1)
    )
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    fs = {i.village_id: i for i in plan.items.filter(role="first_secretary")}
    assert fs[v[0]].cadre_id == a.pk  # stays: not "back in their last village"
    assert "留任（同一轮次内不轮换）" in fs[v[0]].reason
    assert fs[v[1]].cadre_id == b.pk
    assert plan.summary["kept"] == 1
    with pytest.raises(ValidationError, match="同一轮次内不轮换"):
        plan_item_set(actor=None, item=fs[v[1]], cadre=a)
    # even a plan forced to move a is refused at approval, and nothing is written
    moved = DispatchPlan.objects.get(pk=plan.pk)
    plan.items.filter(pk=fs[v[0]].pk).update(cadre=b)
    plan.items.filter(pk=fs[v[1]].pk).update(cadre=a)
    with pytest.raises(ValidationError, match="同一轮次内不能调往"):
        plan_approve(actor=None, plan=moved)
    plan.items.filter(pk=fs[v[0]].pk).update(cadre=a)
    plan.items.filter(pk=fs[v[1]].pk).update(cadre=b)
    plan_approve(actor=None, plan=plan)
    current.refresh_from_db()
    assert (current.status, current.end) == (PostingStatus.ACTIVE, None)
    assert list(Posting.objects.filter(cadre=a).values_list("village_id", "round")) == [(v[0], YEAR)]
    assert Posting.objects.filter(cadre=b, village_id=v[1], round=YEAR, status=PostingStatus.ACTIVE).exists()


def test_a_second_plan_for_an_approved_round_needs_confirming(client, capsys):
    classify(villages(1)[0], "weak_village")
    load([("CA1", "党群"), ("CA1", "党群"), ("CA1", "党群")])
    plan = dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    plan_approve(actor=None, plan=plan)
    with pytest.raises(ValidationError, match=f"2018 年已有批准的选派方案：方案 {plan.pk}") as caught:
        dispatch_plan(actor=None, area_code=COUNTY_A, round_year=YEAR)
    assert caught.value.code == "confirm_required"
    with pytest.raises(CommandError, match="已有批准的选派方案") as failed:
        call_command("dispatch", "plan", "--round", str(YEAR), "--area", COUNTY_A)
    assert failed.value.returncode == 1
    call_command("dispatch", "plan", "--round", str(YEAR), "--area", COUNTY_A, "--confirm")
    assert "本轮已到岗留任 1 村" in capsys.readouterr().out
    officer = make_user("cty-live-2", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    client.force_login(officer)
    response = client.post("/dispatch/", {"round": str(YEAR)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "已有批准的选派方案" in page
    assert 'name="confirm"' in page
    assert client.post("/dispatch/", {"round": str(YEAR), "confirm": "1"}).status_code == 302
    assert DispatchPlan.objects.count() == 3


def test_the_form_offers_the_latest_round_with_villages_to_serve_and_the_plan_speaks_plainly(client):
    v = villages(2)
    area_classification_set(actor=None, area_code=v[0], year=2019, kind="weak_village")
    area_classification_set(actor=None, area_code=v[1], year=2017, kind="poor_village")
    officer = make_user("cty-live-3", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    client.force_login(officer)
    assert 'name="round" inputmode="numeric" value="2019"' in client.get("/dispatch/").content.decode()
    load([("CA1", "经济"), ("CA1", "党群")])
    assert client.post("/dispatch/", {"round": "2019"}).status_code == 302
    page = client.get(f"/dispatch/{DispatchPlan.objects.get().pk}/").content.decode()
    assert "需选派 1 村，已覆盖 1 村，未覆盖 0 村，覆盖率 100.0%" in page
    assert "类型匹配 1 人，不完全匹配 0 人；本县单位 1 人" in page
    assert "目标值" not in page
