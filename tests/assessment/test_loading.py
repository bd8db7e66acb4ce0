"""Two synthetic counties' assessment loaded through ``assessment_load``: leaders with the approved changes, contact
points and visits, debriefings scored by the rule, each county's scheme of its deep-poverty villages run with the
planted veto ranking last (and the exact-60 near miss not), the planted unapproved head change found by the roster
scan and nothing else; the province's and prefectures' schemes, which would rank areas without their scores, left
out; a second load changes nothing."""

from __future__ import annotations

import pyarrow as pa
import pytest

from fupin.areas.models import AreaClassification
from fupin.assessment import leadership
from fupin.assessment.loading import assessment_load
from fupin.assessment.models import Case, ContactPoint, Debriefing, Leader, LeaderChange, Result, Scheme
from fupin.synth.assessment import assessment_tables
from fupin.synth.province import plan_province

pytestmark = pytest.mark.django_db
COUNTIES = ["520526", "522631"]  # 威宁 (毕节) and 黎平 (黔东南: a planted unapproved change of its county head)
KINDS = ("poor_county", "deep_poverty_village", "extremely_poor_township")


@pytest.fixture(scope="module")
def generated() -> tuple[dict[str, pa.Table], list[tuple[str, int, str]]]:
    plan = plan_province(2017)
    classes = [(c, y, k) for c, y, k in plan.classifications if k in KINDS and c[:6] in COUNTIES]
    return assessment_tables(plan, 2017, COUNTIES), classes


def test_two_counties_load_run_and_their_plants_are_found_exactly(generated):
    tables, classes = generated
    AreaClassification.objects.bulk_create([AreaClassification(area_id=c, year=y, kind=k) for c, y, k in classes])
    counts = assessment_load(actor=None, tables=tables, source="test")
    assert counts["leaders"] == tables["leaders"].num_rows
    assert counts["debriefings"] == tables["debriefings"].num_rows == Debriefing.objects.count()
    assert ContactPoint.objects.count() == tables["contact_points"].num_rows
    assert counts["schemes"] == 2  # the two counties' deep-poverty villages
    assert counts["schemes_partial"] == 3  # the province's, 毕节's and 黔东南's: more counties than these two
    assert Scheme.objects.filter(status="run").count() == 2
    assert LeaderChange.objects.filter(status="approved").count() == counts["approved_changes"]
    answers = tables["assessment_answers"].to_pylist()

    # the planted veto of each scheme ranks last and is the bottom; the exact-60 near miss is not flagged
    bottom = {(r.scheme.area_id, r.area_id) for r in Result.objects.filter(bottom=True).select_related("scheme")}
    planted = {(a["ref"].split("/")[0], a["area_code"]) for a in answers
               if a["kind"] == "bottom" and a["planted"] and a["ref"].endswith("deep_poverty_villages")}  # fmt: skip
    near = {(a["ref"].split("/")[0], a["area_code"]) for a in answers
            if a["kind"] == "bottom" and not a["planted"] and a["ref"].endswith("deep_poverty_villages")}  # fmt: skip
    assert bottom == planted
    assert len(planted) == 2
    assert not bottom & near
    for r in Result.objects.filter(bottom=True):
        assert r.rank == Result.objects.filter(scheme=r.scheme).count()
        assert r.capped == "现场观摩评分低于一票否决线 60"

    # the roster scan finds the planted unapproved head change and nothing else (the approved ones are left alone)
    found = {(f["area_id"], f["post"], f["end"].year) for f in leadership.stability_scan("520000000000")}
    expected = {(a["area_code"], a["ref"], a["year"]) for a in answers if a["kind"] == "stability" and a["planted"]}
    assert found == expected == {("522631000000", "government_head", 2017)}

    # the secretaries' debriefings are linked to the secretary in post; the cases cite their results
    linked = Debriefing.objects.filter(leader__isnull=False).count()
    assert linked == Debriefing.objects.count()
    assert Case.objects.count() == tables["accountability_cases"].num_rows
    assert all(c.evidence for c in Case.objects.filter(area_id__in=[a for _, a in planted]))

    before = (Leader.objects.count(), ContactPoint.objects.count(), Debriefing.objects.count(), Case.objects.count())
    results = sorted(Result.objects.values_list("pk", "total"))
    again = assessment_load(actor=None, tables=tables, source="test")
    assert (again["leaders"], again["contact_points"], again["debriefings"], again["cases"]) == (0, 0, 0, 0)
    assert again["schemes"] == 0
    assert "ranked_2017" not in again  # nothing re-run: the cases' evidence keeps its results
    assert sorted(Result.objects.values_list("pk", "total")) == results
    assert (Leader.objects.count(), ContactPoint.objects.count(), Debriefing.objects.count(),
            Case.objects.count()) == before  # fmt: skip
