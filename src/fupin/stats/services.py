"""Refreshing the indicator tables of an area (after each check run, or on demand)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count

from fupin.analytics import engines
from fupin.analytics.indicators import PREFIX_LENGTHS
from fupin.analytics.indicators import indicators as compute
from fupin.analytics.verdicts.county import three_rates
from fupin.areas.models import Area, AreaClassification
from fupin.audit.services import audit_record
from fupin.cadres.models import Posting, PostingRole
from fupin.cadres.optimizer import villages_from_classifications
from fupin.checks.models import CheckRun, Finding, FindingStatus
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.permissions import require
from fupin.external.models import SurveyHousehold
from fupin.registry.models import Household, Procedure, ProcedureKind, ProcedureStatus
from fupin.registry.tables import registry_tables

from .models import AreaStatistic, IndicatorRefresh, IndicatorValue

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
    *, actor: Actor | None, area_code: str, last_year: int, engine: str = "duckdb", households: Any = None
) -> int:
    """Recompute every indicator of the area and all areas under it for FIRST_YEAR..last_year; returns the rows.
    ``households``: the area's canonical households table when the caller (a check run) has already read it."""
    area_code = codes.normalize(area_code)
    require(actor, "stats.refresh", area_code)
    lo, hi = codes.code_range(area_code)
    level_len = len(codes.prefix(area_code))
    years = list(range(FIRST_YEAR, last_year + 1))
    if households is None:
        households = registry_tables(area_code, only=("households",))["households"]
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
    with transaction.atomic():
        _replace(IndicatorValue.objects.filter(area_code__gte=lo, area_code__lte=hi, year__in=years), values,
                 area_code=area_code, kind="indicators", last_year=last_year)  # fmt: skip
        audit_record(
            actor=actor, action="stats.indicators_refresh", entity=None, entity_type="stats.indicators",
            entity_id=area_code, area_code=area_code, changes={"years": [None, f"{years[0]}–{years[-1]}"],
                                                               "values": [None, len(values)]},
        )  # fmt: skip
    return len(values)


def _replace(old: Any, values: dict[tuple[str, int, str], float], *, area_code: str, kind: str, last_year: int) -> None:
    """Swap the ``old`` indicator rows for ``values`` and record the refresh (dashboards key their caches on it);
    the caller holds the transaction."""
    old.delete()
    IndicatorValue.objects.bulk_create(
        [IndicatorValue(area_code=c, year=y, key=k, value=v) for (c, y, k), v in values.items()], batch_size=5000
    )
    IndicatorRefresh.objects.create(area_code=area_code, kind=kind, last_year=last_year, rows=len(values))


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


def coverage_refresh(*, area_code: str, year: int) -> int:
    """Rewrite the first-secretary coverage indicators of one year for the area's whole province (its ancestors'
    totals change too); called when postings change (plan approval, recall). System-side: no actor, no audit row
    of its own — the posting change that triggers it is audited."""
    province = codes.normalize(codes.prefix(codes.normalize(area_code))[:2])
    lo, hi = codes.code_range(province)
    values = _coverage(lo, hi, [year], 2)
    with transaction.atomic():
        old = IndicatorValue.objects.filter(
            area_code__gte=lo, area_code__lte=hi, year=year, key__in=("fs_needed", "fs_covered")
        )
        _replace(old, values, area_code=province, kind="coverage", last_year=year)
    return len(values)


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


def on_check_run_finished(
    *, actor: Actor | None, area_code: str, year: int, engine: str, households: Any, **_: Any
) -> None:
    """``checks.run_finished``: refresh the area's indicators from the households the run read."""
    indicators_refresh(actor=actor, area_code=area_code, last_year=year, engine=engine, households=households)


def on_postings_changed(*, area_code: str, year: int, **_: Any) -> None:
    """``cadres.postings_changed``: first-secretary coverage of that year."""
    coverage_refresh(area_code=area_code, year=year)
