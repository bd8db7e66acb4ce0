"""Refreshing the indicator tables of an area (after each check run, or on demand)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from fupin.analytics import engines
from fupin.analytics.indicators import PREFIX_LENGTHS
from fupin.analytics.indicators import indicators as compute
from fupin.analytics.verdicts.county import three_rates
from fupin.areas.models import Area, AreaClassification
from fupin.audit.services import audit_record
from fupin.cadres.models import Posting, PostingRole
from fupin.cadres.optimizer import villages_from_classifications
from fupin.checks.models import CheckRun, Finding, FindingStatus
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.permissions import require
from fupin.external.models import SurveyHousehold
from fupin.monitoring.choices import CaseStatus as MonitoringStatus
from fupin.monitoring.models import Case as MonitoringCase
from fupin.registry.choices import MonitoringGroup, Status
from fupin.registry.models import Household, Procedure, ProcedureKind, ProcedureStatus
from fupin.registry.tables import registry_tables

from .models import AreaStatistic, IndicatorDue, IndicatorRefresh, IndicatorValue

FIRST_YEAR = 2014


def _rollup_code(code: str, k: int) -> str:
    return code[:k] + "0" * (12 - k)


def _add_up(
    out: dict[tuple[str, int, str], float], village: str, year: int, key: str, n: float, *, level_len: int
) -> None:
    """Add ``n`` to the village and each of its ancestors down to the refreshed area's level."""
    for k in PREFIX_LENGTHS:
        code = _rollup_code(village, k)
        if len(codes.prefix(code)) >= level_len:
            out[(code, year, key)] += n


def indicators_refresh(
    *,
    actor: Actor | None,
    area_code: str,
    last_year: int,
    engine: str = "duckdb",
    households: Any = None,
    audited: bool = True,
) -> int:
    """Recompute every indicator of the area and all areas under it for FIRST_YEAR..last_year; returns the rows.
    ``households``: the area's canonical households table when the caller (a check run) has already read it.
    ``audited=False``: the system's own refresh after a write (the write is audited, not its consequence)."""
    area_code = codes.normalize(area_code)
    require(actor, "stats.refresh", area_code)
    progress.report("读取户数据")
    lo, hi = codes.code_range(area_code)
    level_len = len(codes.prefix(area_code))
    years = list(range(FIRST_YEAR, last_year + 1))
    if households is None:
        households = registry_tables(area_code, only=("households",))["households"]
    progress.report("计算指标")
    with engines.load({"households": households}, engine) as inputs:
        table = compute(inputs["households"], years)
    values: dict[tuple[str, int, str], float] = {}
    for code, year, key, value in zip(*(table.column(c).to_pylist() for c in ("area_code", "year", "key", "value")),
                                      strict=True):  # fmt: skip
        if lo <= code <= hi:  # the rolled-up ancestors above the area are not this refresh's to write
            values[(code, year, key)] = value
    # findings by rule and open ones, rolled up the same way
    rows = (
        Finding.objects.filter(village_id__gte=lo, village_id__lte=hi, year__in=years, present=True)
        .values("village_id", "year", "rule_id", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, int, str], float] = defaultdict(float)
    for r in rows:
        _add_up(counts, r["village_id"], r["year"], f"findings_{r['rule_id']}", r["n"], level_len=level_len)
        _add_up(counts, r["village_id"], r["year"], "findings", r["n"], level_len=level_len)
        _add_up(counts, r["village_id"], r["year"], f"status_{r['status']}", r["n"], level_len=level_len)
        if r["status"] not in (FindingStatus.DISMISSED, FindingStatus.RECTIFIED):
            _add_up(counts, r["village_id"], r["year"], "findings_open", r["n"], level_len=level_len)
    values.update(counts)
    values.update(_coverage(lo, hi, years, level_len))
    values.update(_three_rates_inputs(lo, hi, years, level_len))
    values.update(_returns_and_monitoring(lo, hi, years, level_len))
    values.update(_monitoring(lo, hi, years, level_len))
    _derive(values, years)
    with transaction.atomic():
        _replace(IndicatorValue.objects.filter(area_code__gte=lo, area_code__lte=hi, year__in=years), values,
                 area_code=area_code, kind="indicators", last_year=last_year)  # fmt: skip
        if audited:
            audit_record(
                actor=actor, action="stats.indicators_refresh", entity=None, entity_type="stats.indicators",
                entity_id=area_code, area_code=area_code, changes={"years": [None, f"{years[0]}–{years[-1]}"],
                                                                   "values": [None, len(values)]},
            )  # fmt: skip
    return len(values)


def _derive(values: dict[tuple[str, int, str], float], years: list[int]) -> None:
    """Add the indicators that are not sums (rural population, incidence, the three rates) to ``values``, computed
    from its sums: the same for a full refresh and for an ancestor rolled up from its children."""
    # rural population: stored for counties; an area above gets it only if every county under it has one
    stats = AreaStatistic.objects.filter(year__in=years)
    rural: dict[tuple[str, int], float] = {(s.area_id, s.year): float(s.rural_population) for s in stats}
    for (code, year, key), people in list(values.items()):
        if key != "poor_people":
            continue
        population = _rural_population(code, year, rural)
        if population:
            values[(code, year, "rural_population")] = population
            values[(code, year, "incidence")] = round(100 * people / population, 4)
    for (code, year, key), people in list(values.items()):
        if key != "monitoring_people" or not people:
            continue
        registered = values.get((code, year, "registered_people"))
        if registered:
            values[(code, year, "monitoring_share_registered")] = round(100 * people / registered, 4)
        population = _rural_population(code, year, rural)
        if population:
            values[(code, year, "monitoring_share_rural")] = round(100 * people / population, 4)
    approvals = {(s.area_id, s.year): s.approval_rate for s in stats if s.approval_rate is not None}
    runs = list(CheckRun.objects.filter(year__in=years).values_list("year", "area_code").distinct())
    by_area: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for (code, year, key), value in values.items():
        by_area[(code, year)][key] = value
    for (code, year), own in by_area.items():
        if "poor_people" in own:
            checked = any(y == year and codes.contains(area, code) for y, area in runs)
            rates = three_rates(own, checked=checked, approval=approvals.get((code, year)))
            values.update({(code, year, k): v for k, v in rates.items()})


def _replace(old: Any, values: dict[tuple[str, int, str], float], *, area_code: str, kind: str, last_year: int) -> None:
    """Swap the ``old`` indicator rows for ``values`` and record the refresh (dashboards key their caches on it);
    the caller holds the transaction."""
    _swap(old, values)
    IndicatorRefresh.objects.create(area_code=area_code, kind=kind, last_year=last_year, rows=len(values))


def _swap(old: Any, values: dict[tuple[str, int, str], float]) -> None:
    """Replace the ``old`` indicator rows with ``values``; the caller holds the transaction."""
    old.delete()
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(area_code=c, year=y, key=k, value=v) for (c, y, k), v in values.items()], batch_size=5000
    )


_COUNTIES: dict[str, list[str]] = {}


def _rural_population(code: str, year: int, rural: dict[tuple[str, int], float]) -> float | None:
    if (code, year) in rural:
        return rural[(code, year)]
    level = codes.level_of(code)
    if level >= codes.COUNTY:
        return None
    if code not in _COUNTIES:
        clo, chi = codes.code_range(code)
        _COUNTIES[code] = list(
            Area.objects.filter(code__gte=clo, code__lte=chi, level=codes.COUNTY).values_list("code", flat=True)
        )
    counties = _COUNTIES[code]
    if not counties or any((c, year) not in rural for c in counties):
        return None
    return sum(rural[(c, year)] for c in counties)


def area_statistics_load(*, actor: Actor | None, rows: list[tuple[str, int, int]], source: str) -> int:
    """(area code, year, rural population) rows: insert or replace; audited as one batch."""
    with transaction.atomic():
        for code, year, population in rows:
            require(actor, "stats.load", code)
            AreaStatistic.objects.update_or_create(
                area_id=codes.normalize(code), year=year, defaults={"rural_population": population, "source": source}
            )
        audit_record(
            actor=actor, action="stats.area_statistics_load", entity=None, entity_type="stats.area_statistic",
            entity_id=source[:64], area_code="520000000000", changes={"rows": [None, len(rows)]},
        )  # fmt: skip
    return len(rows)


def _returns_and_monitoring(lo: str, hi: str, years: list[int], level_len: int) -> dict[tuple[str, int, str], float]:
    """Households returned to poverty (completed 返贫 procedures) and newly monitored ones, by the year they closed."""
    out: dict[tuple[str, int, str], float] = defaultdict(float)
    done = Procedure.objects.filter(
        village_id__gte=lo, village_id__lte=hi, status=ProcedureStatus.COMPLETED,
        kind__in=(ProcedureKind.RETURN, ProcedureKind.MONITORING), closed_on__year__in=years,
    ).values_list("kind", "closed_on", "village_id", "household__size")  # fmt: skip
    for kind, closed_on, village, size in done:
        if closed_on is None:
            continue
        prefix = "return" if kind == ProcedureKind.RETURN else "monitored"
        _add_up(out, village, closed_on.year, f"{prefix}_households", 1, level_len=level_len)
        _add_up(out, village, closed_on.year, f"{prefix}_people", size, level_len=level_len)
    return out


MONITORING_GROUP_KEYS: dict[str, str] = {
    MonitoringGroup.UNSTABLE: "monitoring_unstable",
    MonitoringGroup.MARGINAL: "monitoring_marginal",
    MonitoringGroup.SUDDEN: "monitoring_sudden",
}


def _monitoring(lo: str, hi: str, years: list[int], level_len: int) -> dict[tuple[str, int, str], float]:
    """The monitored at each year's end (decided by then, not eliminated by then) — households and people, and
    households by group —, identifications overdue by the year their time limit ran out (still identifying after it,
    or decided after it), risks eliminated in the year, and the registered population (households identified by the
    year's end and not cancelled) the share is taken of."""
    out: dict[tuple[str, int, str], float] = defaultdict(float)
    today = timezone.localdate()
    cases = MonitoringCase.objects.filter(village_id__gte=lo, village_id__lte=hi).values_list(
        "village_id", "status", "group", "decided_on", "eliminated_on", "deadline", "household__size"
    )
    for village, status, group, decided, eliminated, deadline, size in cases:
        for year in years:
            end = date(year, 12, 31)
            included = status in (MonitoringStatus.MONITORED, MonitoringStatus.ELIMINATED)
            if included and decided is not None and decided <= end and (eliminated is None or eliminated > end):
                _add_up(out, village, year, "monitoring_households", 1, level_len=level_len)
                _add_up(out, village, year, "monitoring_people", size, level_len=level_len)
                if group in MONITORING_GROUP_KEYS:
                    _add_up(out, village, year, MONITORING_GROUP_KEYS[group], 1, level_len=level_len)
        late = (decided is not None and decided > deadline) or (
            decided is None and status == MonitoringStatus.IDENTIFYING and deadline < today
        )
        if late and deadline.year in years:
            _add_up(out, village, deadline.year, "monitoring_overdue", 1, level_len=level_len)
        if eliminated is not None and eliminated.year in years:
            _add_up(out, village, eliminated.year, "monitoring_eliminated", 1, level_len=level_len)
    if not out:
        return out
    registered = (
        Household.objects.filter(village_id__gte=lo, village_id__lte=hi, identified_year__lte=years[-1])
        .exclude(status__in=(Status.CANDIDATE, Status.REJECTED, Status.CANCELLED))
        .values("village_id", "identified_year").annotate(people=Sum("size"))
    )  # fmt: skip
    for r in registered:
        for year in years:
            if r["identified_year"] <= year:
                _add_up(out, r["village_id"], year, "registered_people", r["people"] or 0, level_len=level_len)
    return out


def _coverage(lo: str, hi: str, years: list[int], level_len: int) -> dict[tuple[str, int, str], float]:
    """Villages needing a first secretary in each year (poor, deep-poverty or weak-organization villages) and
    how many of them had one in post during that year."""
    out: dict[tuple[str, int, str], float] = defaultdict(float)
    rows = AreaClassification.objects.filter(year__in=years, area_id__gte=lo, area_id__lte=hi)
    by_year: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for year, code, kind in rows.values_list("year", "area_id", "kind"):
        by_year[year].append((code, kind))
    postings = Posting.objects.filter(role=PostingRole.FIRST_SECRETARY, village_id__gte=lo, village_id__lte=hi)
    spans = list(postings.values_list("village_id", "start", "end"))
    for year, pairs in by_year.items():
        needing = {v.code for v in villages_from_classifications(pairs)}
        if not needing:
            continue
        served = {v for v, start, end in spans if start.year <= year and (end is None or end.year >= year)}
        for village in needing:
            _add_up(out, village, year, "fs_needed", 1, level_len=level_len)
            if village in served:
                _add_up(out, village, year, "fs_covered", 1, level_len=level_len)
    return out


def _three_rates_inputs(lo: str, hi: str, years: list[int], level_len: int) -> dict[tuple[str, int, str], float]:
    """People behind 漏评 and 错退 findings, and the surveyed (non-registered) people, rolled up by code prefix."""
    out: dict[tuple[str, int, str], float] = defaultdict(float)

    def add(village: str, year: int, key: str, n: float) -> None:
        _add_up(out, village, year, key, n, level_len=level_len)

    survey = {
        s.household_id: (s.village_id, s.size)
        for s in SurveyHousehold.objects.filter(village_id__gte=lo, village_id__lte=hi)
    }
    for village, size in survey.values():
        for year in years:
            add(village, year, "surveyed_people", size)
    findings = Finding.objects.filter(
        village_id__gte=lo, village_id__lte=hi, year__in=years, present=True, rule_id__in=("missed", "wrong_exit")
    ).values_list("rule_id", "year", "household_no", "village_id")
    wrong = [f for f in findings if f[0] == "wrong_exit"]
    sizes = dict(Household.objects.filter(household_no__in=[f[2] for f in wrong]).values_list("household_no", "size"))
    for rule_id, year, household_no, village in findings:
        if rule_id == "missed":
            add(village, year, "missed_people", survey.get(household_no, (village, 0))[1])
        else:
            add(village, year, "wrong_exit_households", 1)
            add(village, year, "wrong_exit_people", sizes.get(household_no, 0))
    return out


# ---- incremental refresh: the area a write touched, then its ancestors from their children -------------------------

# Indicators that are not sums of the children's: recomputed from the sums (``_derive``) at every level.
DERIVED = frozenset(
    {"rural_population", "incidence", "comprehensive_incidence", "wrong_exit_rate", "missed_rate", "approval_rate"}
)
# Audited actions whose writes change an indicator's inputs: every action of these domains (a new domain whose
# writes count adds its prefix here), and these single actions of others. `checks.run` refreshes in the run itself;
# the division tree's names, users, policy and jobs never change an indicator.
AFFECTS_INDICATORS = frozenset({"registry", "checks", "cadres", "external", "monitoring"})
AFFECTING_ACTIONS = frozenset({"area.classify", "area.unclassify", "stats.area_statistics_load"})
NOT_AFFECTING = frozenset(
    {
        "checks.run",
        "checks.whatif",
        "cadres.dispatch_plan",
        "cadres.plan_edit",
        "cadres.load",
        "monitoring.measure_add",
        "monitoring.measure_end",
        "monitoring.follow_up",
        "monitoring.run",
    }
)
# More due areas than this in one county: refresh the county at once rather than each of them.
COUNTY_AT_ONCE = 25


def rollup(area_code: str, years: list[int]) -> int:
    """Rewrite one area's indicators of ``years`` as the sums of its direct children's stored ones (plus the
    derived rates): what a full refresh would store, at the cost of reading a few dozen areas' rows."""
    from fupin.areas.models import Area

    area_code = codes.normalize(area_code)
    children = list(Area.objects.filter(parent_id=area_code).values_list("code", flat=True))
    sums: dict[tuple[str, int, str], float] = defaultdict(float)
    rows = IndicatorValue.objects.filter(area_code__in=children, year__in=years).values_list("year", "key", "value")
    for year, key, value in rows.iterator(chunk_size=5000):
        if key not in DERIVED:
            sums[(area_code, year, key)] += value
    values = dict(sums)
    _derive(values, years)
    with transaction.atomic():
        _swap(IndicatorValue.objects.filter(area_code=area_code, year__in=years), values)
    return len(values)


def refresh_chain(
    *,
    actor: Actor | None,
    area_code: str,
    last_year: int,
    engine: str = "duckdb",
    households: Any = None,
    audited: bool = True,
) -> int:
    """Recompute the area (and everything under it), then each of its ancestors up to the province from their
    children: after it, every dashboard from the village to the province agrees with the registry."""
    n = indicators_refresh(
        actor=actor, area_code=area_code, last_year=last_year, engine=engine, households=households, audited=audited
    )
    years = list(range(FIRST_YEAR, last_year + 1))
    for up in reversed(codes.ancestor_codes(area_code)):
        progress.report(f"汇总上级 {up}")
        n += rollup(up, years)
    return n


def data_year() -> int:
    """The latest year of the data (what a new check or refresh defaults to): the latest check run's, else the
    latest year areas were classified for (the registry's yearly classification), else last year. Small tables."""
    latest = CheckRun.objects.aggregate(y=Max("year"))["y"]
    latest = latest or AreaClassification.objects.aggregate(y=Max("year"))["y"]
    return int(latest or timezone.now().year - 1)


def last_year_shown() -> int:
    """The last year an incremental refresh must rewrite: every year the indicator table already holds (so no
    stored year goes stale), and at least the data's latest year."""
    refreshed = IndicatorRefresh.objects.aggregate(y=Max("last_year"))["y"]
    return max(data_year(), int(refreshed or 0))


def due_roots(area_codes: set[str]) -> list[str]:
    """The fewest areas whose refresh covers every due one: a code inside another due code is dropped, and a
    county with more than COUNTY_AT_ONCE due areas is refreshed whole."""
    normal = sorted({codes.normalize(c) for c in area_codes})
    by_county: dict[str, list[str]] = defaultdict(list)
    for code in normal:
        if codes.level_of(code) > codes.COUNTY:
            by_county[codes.normalize(codes.prefix(code, codes.COUNTY))].append(code)
    chosen = {c for c in normal if codes.level_of(c) <= codes.COUNTY}
    for county, below in by_county.items():
        chosen.update([county] if len(below) > COUNTY_AT_ONCE else below)
    roots = [c for c in chosen if not any(o != c and codes.contains(o, c) for o in chosen)]
    return sorted(roots, key=lambda c: (codes.level_of(c), c))


def mark_due(area_codes: set[str] | list[str]) -> int:
    """Record that these areas' indicators are stale and make sure a refresh job is queued (after commit)."""
    from fupin.jobs.selectors import job_waiting
    from fupin.jobs.services import job_start

    wanted = {codes.normalize(c) for c in area_codes if c}
    if not wanted:
        return 0
    IndicatorDue.objects.bulk_create([IndicatorDue(area_code=c) for c in sorted(wanted)])
    if not job_waiting(kind="stats.refresh_due"):
        province = codes.normalize(codes.prefix(min(wanted), codes.PROVINCE))
        job_start(actor=None, kind="stats.refresh_due", area_code=province)
    return len(wanted)


DUE_BATCH = 50_000  # due rows one job takes; the rest go to the next job, queued as this one ends


def _next_batch() -> None:
    """Queue the next refresh while due rows are left (a bulk load marks more than one batch)."""
    from fupin.jobs.selectors import job_waiting
    from fupin.jobs.services import job_start

    rest = IndicatorDue.objects.order_by("id").values_list("area_code", flat=True).first()
    if rest and not job_waiting(kind="stats.refresh_due"):
        job_start(actor=None, kind="stats.refresh_due", area_code=codes.normalize(codes.prefix(rest, codes.PROVINCE)))


def refresh_due() -> dict[str, Any]:
    """The refresh job: every due area (a batch) and its ancestors, then forget the due rows it has done; the next
    batch, if any, is queued."""
    due = list(IndicatorDue.objects.order_by("id").values_list("id", "area_code", "at")[:DUE_BATCH])
    if not due:
        return {"lines": ["没有待更新的指标"]}
    # a full refresh of an ancestor (or of the area) made after the write has already done the work
    full = list(IndicatorRefresh.objects.filter(kind="indicators", at__gt=min(at for _, _, at in due))
                .values_list("area_code", "at"))  # fmt: skip
    left = {code for _, code, at in due if not any(t > at and codes.contains(a, code) for a, t in full)}
    if not left:
        IndicatorDue.objects.filter(id__in=[i for i, _, _ in due]).delete()
        _next_batch()
        return {"lines": ["指标已是最新（变更之后已全量更新）"]}
    roots = due_roots(left)
    last_year = last_year_shown()
    years = list(range(FIRST_YEAR, last_year + 1))
    ancestors = sorted({a for r in roots for a in codes.ancestor_codes(r)}, key=lambda c: -codes.level_of(c))
    steps = len(roots) + len(ancestors)
    for i, root in enumerate(roots):
        progress.report(f"更新 {root} 的指标", i, steps)
        indicators_refresh(actor=None, area_code=root, last_year=last_year, audited=False)
    for j, up in enumerate(ancestors):  # deepest first: a county sums its townships after they are current
        progress.report(f"汇总上级 {up}", len(roots) + j, steps)
        rollup(up, years)
    IndicatorDue.objects.filter(id__in=[i for i, _, _ in due]).delete()
    _next_batch()
    return {"lines": [f"更新了 {len(roots)} 个区划及其 {len(ancestors)} 个上级的指标（{years[0]}—{years[-1]} 年）"]}


def on_audit_recorded(*, entries: list[tuple[str, str]], **_: Any) -> None:
    """``audit.recorded`` (after commit): the areas of the writes that change indicators become due."""
    due = {
        area for action, area in entries
        if area and action not in NOT_AFFECTING
        and (action in AFFECTING_ACTIONS or action.split(".", 1)[0] in AFFECTS_INDICATORS)
    }  # fmt: skip
    if due:
        mark_due(due)


def on_check_run_finished(
    *, actor: Actor | None, area_code: str, year: int, engine: str, households: Any, **_: Any
) -> None:
    """``checks.run_finished``: refresh the area's indicators from the households the run read, and its ancestors."""
    refresh_chain(actor=actor, area_code=area_code, last_year=year, engine=engine, households=households)


def on_postings_changed(*, area_code: str, **_: Any) -> None:
    """``cadres.postings_changed``: the area's first-secretary coverage (and everything above it) becomes due."""
    mark_due({area_code})
