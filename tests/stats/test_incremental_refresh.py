"""Dashboards never stale: a write marks its area due, the refresh job recomputes it and rolls its ancestors up
from their children — and the result equals a full refresh of the province."""

from __future__ import annotations

import pytest

from fupin.accounts.models import Role
from fupin.core import codes
from fupin.jobs.choices import JobStatus
from fupin.jobs.models import Job
from fupin.registry.services import member_add
from fupin.stats import services
from fupin.stats.models import IndicatorDue, IndicatorValue
from fupin.stats.selectors import indicators_pending, indicators_stamp
from tests.factories import make_household, person_ids
from tests.support import COUNTY_A, COUNTY_B, PREFECTURE_A, PROVINCE, first_village, make_user

pytestmark = pytest.mark.django_db


def _table() -> dict[tuple[str, int, str], float]:
    return {(v.area_code, v.year, v.key): v.value for v in IndicatorValue.objects.all()}


def test_a_write_refreshes_its_village_and_ancestors_like_a_full_refresh(django_capture_on_commit_callbacks):
    village = first_village(COUNTY_A)
    household = make_household(village, number=1, size=2)
    make_household(first_village(COUNTY_B), number=1, size=4)
    services.indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    assert IndicatorValue.objects.get(area_code=PROVINCE, year=2017, key="poor_people").value == 6
    officer = make_user("c-a", Role.COUNTY_OFFICER, COUNTY_A)
    before = Job.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        member_add(actor=officer, household=household, id_number=person_ids(COUNTY_A[:6], 9, seed=7)[8],
                   name="张新", relation="子女", education="小学")  # fmt: skip
    jobs = Job.objects.filter(kind="stats.refresh_due", id__gt=before)
    assert jobs
    assert all(j.status == JobStatus.SUCCEEDED for j in jobs), [j.error for j in jobs]
    assert not IndicatorDue.objects.exists()  # the job forgets only what it has done
    incremental = _table()
    for code in (village, COUNTY_A, PREFECTURE_A, PROVINCE):
        assert incremental[(code, 2017, "poor_people")] == (3 if code != PROVINCE else 7)
    services.indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    assert _table() == incremental  # the same numbers as recomputing the whole province


def test_a_check_run_of_one_county_updates_the_province():
    from fupin.checks.services import check_run

    make_household(first_village(COUNTY_A), number=1, size=2)
    services.indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    make_household(first_village(COUNTY_A), number=2, size=5)
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    assert IndicatorValue.objects.get(area_code=PROVINCE, year=2017, key="poor_people").value == 7


LIMIT = services.COUNTY_AT_ONCE


@pytest.mark.parametrize(("due", "county_whole"), [(LIMIT - 1, False), (LIMIT, False), (LIMIT + 1, True)])
def test_due_roots_refresh_a_county_whole_above_the_limit(due, county_whole):
    county = codes.prefix(COUNTY_A)
    villages = {f"{county}{100 + i // 10:03d}{i % 10 + 1:03d}" for i in range(due)}
    roots = services.due_roots(villages | {COUNTY_B})
    assert (COUNTY_A in roots) is county_whole
    assert COUNTY_B in roots
    assert len(roots) == (2 if county_whole else due + 1)


def test_due_roots_drop_areas_inside_another():
    village = first_village(COUNTY_A)
    assert services.due_roots({village, village[:9] + "000", COUNTY_A}) == [COUNTY_A]


def test_the_stamp_follows_the_area_and_pending_says_a_refresh_is_waiting():
    make_household(first_village(COUNTY_A), number=1, size=2)
    make_household(first_village(COUNTY_B), number=1, size=2)
    services.indicators_refresh(actor=None, area_code=PROVINCE, last_year=2017)
    a, b, province = indicators_stamp(COUNTY_A), indicators_stamp(COUNTY_B), indicators_stamp(PROVINCE)
    services.refresh_chain(actor=None, area_code=first_village(COUNTY_A), last_year=2017)
    assert indicators_stamp(COUNTY_A)[0] > a[0]
    assert indicators_stamp(PROVINCE)[0] > province[0]  # the province was rolled up from it
    assert indicators_stamp(COUNTY_B) == b  # a sibling's dashboard keeps its cache
    assert not indicators_pending(COUNTY_A)
    IndicatorDue.objects.create(area_code=first_village(COUNTY_A))
    assert indicators_pending(COUNTY_A)
    assert indicators_pending(PROVINCE)
    assert not indicators_pending(COUNTY_B)


def test_audited_actions_that_do_not_change_indicators_mark_nothing_due():
    before = Job.objects.count()
    services.on_audit_recorded(entries=[("user.create", COUNTY_A), ("stats.indicators_refresh", PROVINCE),
                                        ("checks.run", COUNTY_A), ("policy.parameter_set", PROVINCE),
                                        ("area.create", COUNTY_A), ("jobs.start", COUNTY_A)])  # fmt: skip
    assert not IndicatorDue.objects.exists()
    assert Job.objects.count() == before


def test_a_classification_or_a_rural_population_marks_its_area_due():
    services.on_audit_recorded(entries=[("area.classify", first_village(COUNTY_A)),
                                        ("stats.area_statistics_load", COUNTY_B)])  # fmt: skip
    assert set(IndicatorDue.objects.values_list("area_code", flat=True)) == {first_village(COUNTY_A), COUNTY_B}


def test_a_refresh_that_leaves_due_rows_queues_the_next_batch(monkeypatch):
    """A bulk load marks more areas than one job takes: the job queues the next one, so the dashboards do not
    stay "being updated" for ever."""
    from fupin.jobs.models import Job
    from fupin.stats import services as stats_services
    from fupin.stats.models import IndicatorDue

    monkeypatch.setattr(stats_services, "DUE_BATCH", 2)
    IndicatorDue.objects.bulk_create([IndicatorDue(area_code=first_village(c)) for c in (COUNTY_A, COUNTY_B)])
    IndicatorDue.objects.create(area_code=COUNTY_A)
    Job.objects.filter(kind="stats.refresh_due").delete()
    stats_services.refresh_due()
    assert IndicatorDue.objects.count() == 1
    assert Job.objects.filter(kind="stats.refresh_due", status="queued").count() == 1
    Job.objects.filter(kind="stats.refresh_due").delete()
    stats_services.refresh_due()
    assert not IndicatorDue.objects.exists()
    assert not Job.objects.filter(kind="stats.refresh_due").exists()  # nothing left: nothing queued
