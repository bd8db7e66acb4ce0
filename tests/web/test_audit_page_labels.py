"""The audit page and a household's 变更记录 speak Chinese, and the audit page filters by who, what, when, where."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fupin.accounts.models import Role
from fupin.audit.models import AuditEntry
from fupin.audit.services import audit_record
from fupin.registry.services import household_update
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _first_page(**filters):
    return set(AuditEntry.objects.filter(**filters).order_by("-seq").values_list("seq", flat=True)[:50])


def _entries(county_officer):
    village_a, village_b = first_village(COUNTY_A), first_village(COUNTY_B)
    household = make_household(village_a, 1)
    household_update(actor=county_officer, household=household, attribute="低保贫困户")
    audit_record(
        actor=None, action="registry.procedure_step", entity=None, entity_type="registry.household",
        entity_id=household.household_no, area_code=village_a,
        changes={"status": ["poor", "exited"], "step": [None, "退出·公告"]},
    )  # fmt: skip
    audit_record(
        actor=None, action="registry.import", entity=None, entity_type="registry.importbatch", entity_id="7",
        area_code=village_b, changes={"created": [None, {"households": 3, "people": 10}]},
    )  # fmt: skip
    return household


def test_audit_page_shows_chinese_labels_not_code_names(client, county_officer):
    household = _entries(county_officer)
    client.force_login(make_user("insp-l", Role.INSPECTOR, "520000000000"))
    whole = client.get("/audit/").content.decode()
    assert "table-layout: fixed" in whole  # long cells wrap inside 1366 px
    page = whole[whole.index("<tbody>") :]  # the rows (the 操作 filter's options carry the codes as their values)
    assert "办理程序环节" in page
    assert "registry.procedure_step" not in page
    assert "状态</b>：未脱贫 → 已脱贫" in page
    assert "修改户信息" in page
    assert "贫困户属性</b>：一般贫困户 → 低保贫困户" in page
    assert f"贫困户 {household.household_no}" in page
    assert "新增</b>：— → " in page  # a dict in words (PostgreSQL's jsonb orders its keys its own way)
    assert "户 3" in page
    assert "人 10" in page
    assert "{&#x27;" not in page
    assert "{'" not in page


def test_audit_page_filters_by_user_action_date_and_area(client, county_officer):
    _entries(county_officer)
    client.force_login(make_user("insp-f", Role.INSPECTOR, "520000000000"))

    def seqs(**params):
        response = client.get("/audit/", params)
        assert response.status_code == 200
        return response, {e.seq for e in response.context["entries"]}

    everything = _first_page()
    _, by_user = seqs(user=county_officer.username)
    assert by_user == _first_page(actor_username=county_officer.username)
    assert by_user
    assert by_user != everything
    _, by_action = seqs(action="registry.import")
    assert by_action == _first_page(action="registry.import")
    _, by_area = seqs(area=COUNTY_A[:6])
    assert by_area == _first_page(area_code__startswith=COUNTY_A[:6])
    today = timezone.localdate()
    _, by_date = seqs(**{"from": today.isoformat(), "to": today.isoformat()})
    # entries committed earlier in the run may carry yesterday's date when the run crosses local midnight
    assert by_date == _first_page(at__date=today)
    assert {e.seq for e in AuditEntry.objects.order_by("-seq")[:3]} <= by_date  # this test's own three entries
    _, none = seqs(**{"from": (today + timedelta(days=1)).isoformat()})
    assert none == set()
    response, _ = seqs(area="abc")
    assert "不在您的管辖范围内" in response.content.decode()


def test_audit_area_filter_stays_inside_the_viewers_scope(client, county_officer):
    _entries(county_officer)
    client.force_login(make_user("insp-a", Role.INSPECTOR, COUNTY_A))
    response = client.get("/audit/", {"area": COUNTY_B[:6]})
    assert list(response.context["entries"]) == []
    assert "不在您的管辖范围内" in response.content.decode()
    mine = {e.seq for e in client.get("/audit/").context["entries"]}
    assert mine == _first_page(area_code__startswith=COUNTY_A[:6])


def test_household_history_shows_chinese_labels(client, county_officer):
    household = _entries(county_officer)
    client.force_login(county_officer)
    page = client.get(f"/households/{household.household_no}/").content.decode()
    history = page[page.index("变更记录") :]
    assert "修改户信息" in history
    assert "registry.household_update" not in history
    assert "贫困户属性：一般贫困户 → 低保贫困户" in history
    assert "状态：未脱贫 → 已脱贫" in history
    assert "poor" not in history
