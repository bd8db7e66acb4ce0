"""The synthetic county's return-to-poverty monitoring loaded through ``monitoring_load`` (after the registry and the
departments' tables, as ``fupin synth --into-db`` does): every case, source, follow-up visit in the database, each
case with its identification procedure (and elimination) whose steps obey the registry's rules, in one audited
batch, once. Then the monitoring run of 31 December finds exactly the planted answers of
``monitoring_answers.parquet`` among the loaded cases — ready for risk elimination, identification overdue, sources
of several channels merged — takes none of the loaded department sources' alerts again, and leaves exactly the
planted alerts naming nobody unmatched (recall and precision 100%)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from fupin.analytics import engines
from fupin.analytics import monitoring as rules
from fupin.analytics.fieldwork import epoch_day
from fupin.audit.models import AuditEntry
from fupin.core.errors import ValidationError
from fupin.external.models import RiskAlert
from fupin.monitoring import services, tables
from fupin.monitoring.choices import CaseStatus, Channel, MeasureKind
from fupin.monitoring.loading import load_parquet_dir, monitoring_load
from fupin.monitoring.models import Case, FollowUp, Measure, Source
from fupin.policy.selectors import param
from fupin.registry.choices import ProcedureKind, ProcedureStatus
from fupin.registry.models import Household, Procedure, ProcedureStep
from fupin.registry.procedures import NOTICE, REVIEW, STEPS, VOTE
from fupin.seed.services import synth_external_load, synth_monitoring_load, synth_registry_load

pytestmark = pytest.mark.django_db
Y = 2017
END = date(Y, 12, 31)
COUNTY = "520325000000"  # 道真: the tiny scale
NOTICE_DAYS = 5  # monitoring_notice_days
LIMIT = 15  # monitoring_decision_days


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from fupin.synth.generate import generate

    path = tmp_path_factory.mktemp("tiny")
    generate(scale="tiny", seed=2017, year=Y, out=path, progress=None)
    return path


def _read(out, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


@pytest.fixture
def loaded(out):
    """The registry, the departments' tables and the monitoring, as ``synth_into_db`` loads them; what the
    monitoring load said."""
    synth_registry_load(actor=None, out=out)
    synth_external_load(actor=None, out=out)
    said: list[str] = []
    synth_monitoring_load(actor=None, out=out, echo=said.append)
    return said


def _case_numbers(out) -> dict[int, str]:
    """Each loaded case's number in the file, by its sources' references (unique per channel)."""
    of_ref = {(s["channel"], s["ref"]): str(s["case_id"]) for s in _read(out, "monitoring_sources")}
    numbers: dict[int, str] = {}
    for case_id, channel, ref in Source.objects.values_list("case_id", "channel", "ref"):
        number = of_ref[(channel, ref)]
        assert numbers.setdefault(case_id, number) == number
    return numbers


def _score(found: set, planted: set, what: str) -> None:
    """Recall and precision 100%: every planted answer found, nothing else."""
    assert planted, what
    hit = len(found & planted)
    recall, precision = hit / len(planted), hit / len(found) if found else 0.0
    assert (recall, precision) == (1.0, 1.0), (what, sorted(planted - found)[:10], sorted(found - planted)[:10])


def _check_steps(procedure: Procedure, steps: list[ProcedureStep]) -> None:
    """The rules ``registry.procedures`` records a step by: the next one in order, signed, dated on or after the
    start and the step before, a notice of at least the days asked and the next step after it, a vote with its
    quorum and majority; only the last step may refuse, with a reason."""
    specs = STEPS[procedure.kind]
    assert [s.seq for s in steps] == list(range(1, len(steps) + 1))
    assert [s.step for s in steps] == [spec.code for spec in specs[: len(steps)]]
    assert steps[0].on == procedure.opened_on
    after = procedure.opened_on
    for s, spec in zip(steps, specs, strict=False):
        assert s.signer.strip(), s
        assert after <= s.on <= END, (procedure.pk, s.step, s.on, after)
        if spec.kind == NOTICE:
            assert s.notice_start == s.on
            assert (s.notice_end - s.notice_start).days + 1 >= int(param("monitoring_notice_days", procedure.year))
            after = s.notice_end + timedelta(days=1)
        else:
            assert s.notice_start is None
            assert s.notice_end is None
            after = s.on
        if spec.kind == VOTE:
            needed = math.ceil(float(param("vote_quorum", procedure.year)) * s.votes_total - 1e-9)
            assert needed <= s.votes_present <= s.votes_total, s
            assert float(param("vote_pass", procedure.year)) * s.votes_present < s.votes_for <= s.votes_present, s
        else:
            assert s.votes_total is None
        if not s.approved:
            assert spec.kind == REVIEW
            assert s.note
            assert s is steps[-1]


def _check_case(case: Case, steps: dict[int, list[ProcedureStep]]) -> None:
    """A case's identification (and elimination) as its status says it went, and the household's group."""
    ident = case.identification
    assert (ident.kind, ident.reason, ident.opened_on, ident.year) == (
        ProcedureKind.MONITORING, case.group, case.opened_on, case.opened_on.year
    )  # fmt: skip
    done = steps[ident.pk]
    if case.status == CaseStatus.IDENTIFYING:
        assert (ident.status, ident.closed_on, case.decided_on) == (ProcedureStatus.OPEN, None, None)
        assert len(done) < 8  # never the county's decision
    elif case.status == CaseStatus.NOT_INCLUDED:
        assert ident.status == ProcedureStatus.REFUSED
        assert not done[-1].approved
        assert ident.closed_on == done[-1].on == case.decided_on
        assert ident.outcome == case.closed_reason
        assert ident.outcome.startswith(f"「{STEPS[ProcedureKind.MONITORING][len(done) - 1].title}」未通过：")
    else:
        assert (len(done), ident.status, ident.outcome) == (9, ProcedureStatus.COMPLETED, "已办结")
        assert done[-2].step == "county_decision"
        assert ident.closed_on == done[-2].on == done[-1].on == case.decided_on
    elim = case.elimination
    if case.status == CaseStatus.ELIMINATED:
        assert (elim.kind, elim.status, elim.closed_on) == (
            ProcedureKind.ELIMINATION, ProcedureStatus.COMPLETED, case.eliminated_on
        )  # fmt: skip
        assert len(steps[elim.pk]) == 5
        assert elim.opened_on > case.decided_on
    else:
        assert elim is None
    if case.status in (CaseStatus.MONITORED, CaseStatus.ELIMINATED):  # the last step applies it, elimination clears it
        assert case.household.monitoring_group == (case.group if case.status == CaseStatus.MONITORED else "")


def test_the_tiny_county_loads_once_with_procedures_that_obey_the_rules(out, loaded):
    cases, sources, visits = (_read(out, n) for n in ("monitoring_cases", "monitoring_sources",
                                                      "monitoring_follow_ups"))  # fmt: skip
    assert loaded == [loaded[0]]
    assert f"防返贫监测对象 {len(cases):,} 个" in loaded[0]
    assert Case.objects.count() == len(cases)
    assert Counter(Case.objects.values_list("status", flat=True)) == Counter(c["status"] for c in cases)
    assert Source.objects.count() == len(sources)
    assert FollowUp.objects.count() == len(visits)
    helped = Case.objects.filter(status__in=[CaseStatus.MONITORED, CaseStatus.ELIMINATED])
    assert set(Measure.objects.values_list("case_id", flat=True)) == set(helped.values_list("pk", flat=True))
    assert helped.count() <= Measure.objects.count() <= 2 * helped.count()
    assert set(Measure.objects.values_list("kind", flat=True)) <= set(MeasureKind.values)
    batch = AuditEntry.objects.get(action="monitoring.load")  # one summary row for the county
    assert batch.area_code == COUNTY
    assert batch.changes["监测对象"] == [None, len(cases)]
    assert batch.changes["其中监测帮扶中"] == [None, sum(1 for c in cases if c["status"] == CaseStatus.MONITORED)]
    stretched = batch.changes.get("识别用时短于公示期、提前发现日期", [None, 0])[1]

    # the cases as the file has them; an identification decided sooner than the notice allows opens earlier
    numbers = _case_numbers(out)
    by_number = {str(c["case_id"]): c for c in cases}
    moved = 0
    for case in Case.objects.select_related("household"):
        row = by_number[numbers[case.pk]]
        assert case.household.household_no == row["household_id"]
        assert (case.status, case.group, case.risk) == (row["status"], row["group"], row["risk"])
        assert (case.decided_on, case.eliminated_on) == (row["decided_on"], row["eliminated_on"])
        assert case.deadline == case.opened_on + timedelta(days=LIMIT)
        assert case.responsible
        if case.opened_on != row["opened_on"]:
            moved += 1
            assert (row["decided_on"] - row["opened_on"]).days < NOTICE_DAYS
            assert (case.decided_on - case.opened_on).days == NOTICE_DAYS
            assert case.sources.order_by("reported_on", "pk").first().reported_on == case.opened_on
    assert moved == stretched == 0  # the generator decides no sooner than the notice allows
    twice = [h for h, n in Counter(c["household_id"] for c in cases).items() if n > 1]
    assert twice
    for household_no in twice:
        first, second = Case.objects.filter(household__household_no=household_no).order_by("opened_on")
        assert (first.previous, second.previous) == (None, first)
        assert first.status == CaseStatus.NOT_INCLUDED
        assert second.opened_on > first.decided_on

    # each procedure step by step, each case's procedures by its status
    steps = defaultdict(list)
    for s in ProcedureStep.objects.order_by("procedure_id", "seq"):
        steps[s.procedure_id].append(s)
    procedures = list(Procedure.objects.all())
    assert len(procedures) == len(cases) + sum(1 for c in cases if c["status"] == CaseStatus.ELIMINATED)
    for p in procedures:
        _check_steps(p, steps[p.pk])
    for case in Case.objects.select_related("identification", "elimination", "household"):
        _check_case(case, steps)
    assert set(Household.objects.exclude(monitoring_group="").values_list("pk", flat=True)) == set(
        Case.objects.filter(status=CaseStatus.MONITORED).values_list("household_id", flat=True)
    )

    # the sources: a department's cites its alert as the monitoring run does, with its department and amount
    alerts = {f"{a.department}:{a.alert_no}": a for a in RiskAlert.objects.all()}
    department = Source.objects.filter(channel=Channel.DEPARTMENT)
    assert set(department.values_list("ref", flat=True)) == {s["ref"] for s in sources if s["channel"] == "department"}
    for s in department:
        alert = alerts[s.ref]
        assert s.department == alert.department
        assert s.amount == (None if alert.amount is None else Decimal(str(alert.amount)).quantize(Decimal("0.01")))
    assert not Source.objects.filter(channel=Channel.SELF_REPORT, detail="").exists()
    for v in FollowUp.objects.all()[:200]:
        assert v.income_per_capita == v.income_per_capita.quantize(Decimal("0.01"))
        assert v.visitor

    # a second load changes nothing
    before = [m.objects.count() for m in (Case, Source, FollowUp, Measure, Procedure, ProcedureStep)]
    again: list[str] = []
    synth_monitoring_load(actor=None, out=out, echo=again.append)
    assert again == [f"{COUNTY}：已有防返贫监测数据，跳过"]
    assert [m.objects.count() for m in (Case, Source, FollowUp, Measure, Procedure, ProcedureStep)] == before
    assert AuditEntry.objects.filter(action="monitoring.load").count() == 1


def test_a_county_whose_households_are_not_loaded_is_refused_whole(out):
    with pytest.raises(ValidationError, match="不在建档立卡系统中"):
        monitoring_load(actor=None, tables=load_parquet_dir(out), source="test")
    assert not Case.objects.exists()
    assert not Procedure.objects.exists()
    assert not AuditEntry.objects.filter(action="monitoring.load").exists()


def test_the_run_of_31_december_finds_the_planted_answers_among_the_loaded_cases(out, loaded):
    answers = _read(out, "monitoring_answers")
    planted = defaultdict(set)
    for a in answers:
        planted[a["code"]].add(a["subject_id"])
    numbers = _case_numbers(out)
    loaded_cases = set(numbers)
    loaded_households = set(Case.objects.values_list("household_id", flat=True))
    sources_before = Source.objects.count()
    since = END - timedelta(days=rules.RECENT_DAYS - 1)
    alert_day = {f"{a['department']}:{a['alert_no']}": a["occurred_on"] for a in _read(out, "risk_alerts")}
    recent_department = sum(
        1 for ref in Source.objects.filter(channel=Channel.DEPARTMENT).values_list("ref", flat=True)
        if since <= alert_day[ref] <= END
    )  # fmt: skip

    result = services.monitoring_run(actor=None, area_code=COUNTY, on=END, year=Y)

    # ready for risk elimination: the loaded monitored cases the run marked
    ready = {numbers[pk] for pk in Case.objects.filter(pk__in=loaded_cases, elimination_ready=True).values_list(
        "pk", flat=True)}  # fmt: skip
    _score(ready, planted["elimination_ready"], "elimination_ready")

    # identification overdue, by the rule over the database's cases (the run's new cases left out) and by the limit
    with engines.load({"cases": tables.cases(COUNTY)}, "duckdb") as t:
        late = rules.overdue(t["cases"], today=epoch_day(END), limit_days=LIMIT).to_pyarrow()
    overdue = {numbers[pk] for pk in late.column("case_id").to_pylist() if pk in numbers}
    _score(overdue, planted["overdue"], "overdue")
    by_deadline = {
        numbers[c.pk]
        for c in Case.objects.filter(pk__in=loaded_cases)
        if (c.status == CaseStatus.IDENTIFYING and c.deadline < END) or (c.decided_on and c.decided_on > c.deadline)
    }
    assert by_deadline == overdue

    # sources of two or three channels merged into one case
    channels = defaultdict(set)
    for case_id, household_no, channel in Source.objects.filter(case_id__in=loaded_cases).values_list(
        "case_id", "case__household__household_no", "channel"
    ):
        channels[(case_id, household_no)].add(channel)
    merged = {h for (_, h), chs in channels.items() if len(chs) >= 2}
    _score(merged, planted["merged"], "merged")

    # no loaded department source's alert taken again: each is known, none joins a loaded case, no loaded household
    # gets a new case (the run opens cases only for the households with alerts and no case)
    assert result.known == recent_department
    assert Source.objects.filter(case_id__in=loaded_cases).count() == sources_before
    new = Case.objects.exclude(pk__in=loaded_cases)
    assert new.count() == result.opened
    assert not set(new.values_list("household_id", flat=True)) & loaded_households

    # the alerts naming nobody registered: exactly the planted ones of the run's 12 months
    alert_id_day = {str(a["alert_id"]): a["occurred_on"] for a in _read(out, "risk_alerts")}
    unmatched = sum(1 for a in planted["unmatched"] if since <= alert_id_day[a] <= END)
    assert result.alerts - result.matched == unmatched
