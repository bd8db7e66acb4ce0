"""Running the checks on the live registry and keeping their findings with a workflow."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import connection, transaction

from fupin.analytics import engines
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, events, progress
from fupin.core.actors import Actor
from fupin.core.bulk import insert_table
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require
from fupin.lib.idnumbers import mask
from fupin.registry.verdicts import params_for

from .models import CheckRun, Finding, FindingStatus
from .sources import stage_tables

log = logging.getLogger(__name__)


def check_run(*, actor: Actor | None, year: int, area_code: str = "520000000000", engine: str = "duckdb") -> CheckRun:
    """Run every rule over the area; upsert findings (no duplicates), mark vanished ones as no longer present.

    The area's tables are staged to Parquet county by county and the rules run over the files (DuckDB under
    ``CHECK_MEMORY_LIMIT``), so a province costs the memory of one county plus the engine's limit; the findings are
    merged with one statement (``findings_merge``) and a re-run that finds the same rewrites no row."""
    area_code = codes.normalize(area_code)
    require(actor, "checks.run", area_code)
    if engine not in engines.ENGINES:
        raise ValidationError(f"未知的引擎“{engine}”，可选：{'、'.join(engines.ENGINES)}")
    params = params_for(year)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fupin-check-") as tmp:
        staged = stage_tables(area_code, Path(tmp), year=year)
        read = time.perf_counter()
        progress.report(f"运行核查规则（{staged['households']:,} 户）")
        limit = getattr(settings, "CHECK_MEMORY_LIMIT", None)
        with engines.from_parquet(tmp, engine, memory_limit=limit, spill_dir=Path(tmp)) as inputs:
            result = run_rules(inputs, params)
        ruled = time.perf_counter()
        households = pq.read_table(Path(tmp) / "households.parquet")
        survey = pq.read_table(Path(tmp) / "survey_households.parquet", columns=["household_id", "village_code"])
    findings = _with_villages(result.findings, households, survey)
    with transaction.atomic():
        run = CheckRun.objects.create(
            year=year,
            area_code=area_code,
            engine=engine,
            actor_username=getattr(actor, "username", "") or "system",
            params=asdict(params),
            counts=result.by_rule(),
        )
        merged = findings_merge(run=run, findings=findings)
        run.new_findings = merged.new
        run.seconds = round(time.perf_counter() - started, 3)
        log.info(
            "check run %s of %s (%s): read %.1f s, rules %.1f s, merge %.1f s; %d new, %d changed, %d gone",
            run.pk, area_code, year, read - started, ruled - read, time.perf_counter() - ruled,
            merged.new, merged.changed, merged.gone,
        )  # fmt: skip
        run.save(update_fields=["new_findings", "seconds"])
        audit_record(
            actor=actor,
            action="checks.run",
            entity=run,
            area_code=area_code,
            changes={"counts": [None, run.counts], "new": [None, merged.new], "changed": [None, merged.changed],
                     "no_longer_present": [None, merged.gone]},
        )  # fmt: skip
    progress.report("更新统计指标")
    events.announce(
        "checks.run_finished", actor=actor, area_code=area_code, year=year, engine=engine, households=households,
    )  # fmt: skip
    return run


def _with_villages(findings: pa.Table, households: pa.Table, survey: pa.Table) -> pa.Table:
    """The findings with the village of their household (a registered household, or one of the survey sample)."""
    needed = pc.unique(findings.column("household_id"))
    village_of: dict[str, str] = {}
    for source in (households, survey):  # the survey sample's village wins, as it names the sampled household
        hit = source.filter(pc.is_in(source.column("household_id"), value_set=needed))
        village_of.update(zip(hit.column("household_id").to_pylist(), hit.column("village_code").to_pylist(),
                              strict=True))  # fmt: skip
    villages = [village_of[h] for h in findings.column("household_id").to_pylist()]
    return findings.append_column("village_code", pa.array(villages, pa.string()))


@dataclass
class Merged:
    new: int
    changed: int
    gone: int


STAGE = "fupin_finding_stage"
MERGE_CHUNK = 50_000  # findings explained and copied into the staging table at a time


def findings_merge(*, run: CheckRun, findings: pa.Table) -> Merged:
    """Merge a run's findings (with ``village_code``) into the stored ones of its year and area, inside the
    caller's transaction: the run's rows go into a temporary table (COPY on PostgreSQL) in chunks, then one
    ``INSERT … ON CONFLICT DO UPDATE`` adds the new and updates only those whose text, value or presence changed,
    and one ``UPDATE`` marks those the run no longer finds. A finding keeps its workflow status throughout."""
    lo, hi = codes.code_range(run.area_code)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (rule_id varchar(48) NOT NULL, household_no varchar(24) NOT NULL, "
            "person_id varchar(18) NOT NULL, village_id varchar(12) NOT NULL, category varchar(8) NOT NULL, "
            "severity varchar(8) NOT NULL, explanation varchar(300) NOT NULL, value double precision, "
            "detail varchar(200) NOT NULL)"
        )
        total = findings.num_rows
        for start in range(0, total, MERGE_CHUNK):
            progress.report("保存核查发现", start, total)
            insert_table(STAGE, _stage_rows(findings.slice(start, MERGE_CHUNK)), analyze=False)
        progress.report("保存核查发现", total, total)
        cursor.execute(f"CREATE UNIQUE INDEX {STAGE}_key ON {STAGE} (rule_id, household_no, person_id)")
        if connection.vendor == "postgresql":  # a fresh table has no statistics: without them the anti-join below
            cursor.execute(f"ANALYZE {STAGE}")  # was planned as nested loops over two full scans (minutes)
        same_key = "s.rule_id = f.rule_id AND s.household_no = f.household_no AND s.person_id = f.person_id"
        cursor.execute(
            f"SELECT count(*) FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM checks_finding f "  # noqa: S608 - no user text
            f"WHERE f.year = %s AND {same_key})",
            [run.year],
        )
        new = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO checks_finding (rule_id, year, household_no, person_id, village_id, category, severity, "  # noqa: S608
            "explanation, value, detail, status, status_reason, present, first_run_id, last_run_id) "
            "SELECT rule_id, %s, household_no, person_id, village_id, category, severity, explanation, value, detail, "
            f"%s, '', %s, %s, %s FROM {STAGE} WHERE true "
            "ON CONFLICT (rule_id, year, household_no, person_id) DO UPDATE SET explanation = excluded.explanation, "
            "value = excluded.value, detail = excluded.detail, present = excluded.present, "
            "last_run_id = excluded.last_run_id, village_id = excluded.village_id "  # a household moved village
            f"WHERE checks_finding.explanation {distinct} excluded.explanation "
            "OR checks_finding.village_id <> excluded.village_id "
            f"OR checks_finding.value {distinct} excluded.value OR checks_finding.detail {distinct} excluded.detail "
            "OR NOT checks_finding.present",
            [run.year, FindingStatus.OPEN, True, run.pk, run.pk],
        )
        changed = cursor.rowcount - new
        cursor.execute(
            "UPDATE checks_finding SET present = %s, last_run_id = %s "  # noqa: S608
            "WHERE year = %s AND village_id BETWEEN %s AND %s "
            f"AND present AND NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.rule_id = checks_finding.rule_id "
            "AND s.household_no = checks_finding.household_no AND s.person_id = checks_finding.person_id)",
            [False, run.pk, run.year, lo, hi],
        )
        gone = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return Merged(new=new, changed=changed, gone=gone)


def _stage_rows(part: pa.Table) -> pa.Table:
    """One chunk of findings as the staging table's rows: each with its rule's category, severity and explanation.
    The explanation carries the masked ID (first 6 + last 4), which every role may read; the full number stays in
    person_id, shown only to the roles that may see it."""
    out: dict[str, list[Any]] = {c: [] for c in ("rule_id", "household_no", "person_id", "village_id", "category",
                                                 "severity", "explanation", "value", "detail")}  # fmt: skip
    for row in part.to_pylist():
        rule = BY_ID[row["rule_id"]]
        person = row["person_id"] or ""
        out["rule_id"].append(rule.id)
        out["household_no"].append(row["household_id"])
        out["person_id"].append(person)
        out["village_id"].append(row["village_code"])
        out["category"].append(rule.category)
        out["severity"].append(rule.severity)
        out["explanation"].append(rule.explanation({**row, "person_id": mask(person) if person else ""})[:300])
        out["value"].append(row["value"])
        out["detail"].append((row["detail"] or "")[:200])
    types = {"value": pa.float64()}
    return pa.table({c: pa.array(v, types.get(c, pa.string())) for c, v in out.items()})


# Who may move a finding where: (from, to) → lowest level allowed (village 5, township 4, county 3)
TRANSITIONS: dict[tuple[str, str], int] = {
    (FindingStatus.OPEN, FindingStatus.ASSIGNED): codes.TOWNSHIP,
    (FindingStatus.ASSIGNED, FindingStatus.VERIFIED): codes.VILLAGE,
    (FindingStatus.VERIFIED, FindingStatus.CONFIRMED): codes.TOWNSHIP,
    (FindingStatus.VERIFIED, FindingStatus.DISMISSED): codes.TOWNSHIP,
    (FindingStatus.CONFIRMED, FindingStatus.RECTIFIED): codes.VILLAGE,
}


# Findings about the village's own committees (优亲厚友): the village neither verifies nor rectifies them — a
# committee would be checking its own members' families — so its steps are the township's.
INDEPENDENT = frozenset({"优亲厚友"})


def lowest_level(status: str, to: str, category: str) -> int | None:
    """The lowest level that may move a finding of ``category`` from ``status`` to ``to`` (None: not a step of
    the workflow)."""
    level = TRANSITIONS.get((status, to))
    if level is not None and category in INDEPENDENT:
        return min(level, codes.TOWNSHIP)
    return level


def step_level(finding: Any, to: str) -> int | None:
    return lowest_level(finding.status, to, finding.category)


def next_statuses(status: str) -> list[tuple[str, str]]:
    """(value, Chinese label) of the statuses a finding in ``status`` may move to."""
    return [(b, FindingStatus(b).label) for a, b in TRANSITIONS if a == status]


NEEDS_REASON = {FindingStatus.DISMISSED, FindingStatus.VERIFIED, FindingStatus.RECTIFIED}


@transaction.atomic
def finding_transition(*, actor: Actor | None, finding: Finding, to: str, reason: str = "") -> Finding:
    require(actor, "checks.transition", finding.village_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    level = step_level(finding, to)
    if level is None:
        allowed = [label for _, label in next_statuses(finding.status)]
        target = FindingStatus(to).label if to in FindingStatus.values else to
        raise ValidationError(
            f"“{finding.get_status_display()}”的发现不能改为“{target}”"
            + (f"，可改为：{'、'.join(allowed)}" if allowed else "（已办结）"),
            extra={"field": "to"},
        )
    if actor is not None and not actor.is_superuser and (actor.scope_level or 99) > level:
        who = {codes.VILLAGE: "村级", codes.TOWNSHIP: "乡镇", codes.COUNTY: "县级"}[level]
        raise PermissionDeniedError(f"该操作须由{who}或以上干部办理")
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError("请填写核实情况或理由", extra={"field": "reason"})
    old = finding.status
    finding.status, finding.status_reason = to, reason.strip()[:300]
    finding.save(update_fields=["status", "status_reason"])
    audit_record_many(
        actor=actor,
        changes=[
            Change(
                "checks.finding_transition",
                finding,
                {"status": [old, to], "reason": [None, reason]},
                finding.village_id,
                "registry.household",
                finding.household_no,
            )
        ],
    )
    return finding


# ------------------------------------------------------------------------------------------- bulk transitions

BULK_MAX = 2000  # findings moved by one bulk action (one transaction); larger selections are narrowed first
BULK_REFUSALS_SHOWN = 5


def _bulk_refusal(actor: Actor | None, finding: Finding, to: str) -> str | None:
    """Why ``actor`` may not move ``finding`` to ``to`` (the rules of ``finding_transition``); None when they may."""
    try:
        require(actor, "checks.transition", finding.village_id)
    except (PermissionDeniedError, ApplicationError) as exc:
        return exc.message
    level = step_level(finding, to)
    if level is None:
        allowed = "、".join(label for _, label in next_statuses(finding.status))
        return f"状态为“{finding.get_status_display()}”，" + (f"只能改为{allowed}" if allowed else "已办结")
    if actor is not None and not actor.is_superuser and (actor.scope_level or 99) > level:
        who = {codes.VILLAGE: "村级", codes.TOWNSHIP: "乡镇", codes.COUNTY: "县级"}[level]
        return f"须由{who}或以上干部办理"
    return None


def _bulk_selection(actor: Actor | None, ids: Iterable[int] | None, filters: Mapping[str, Any] | None) -> list[Finding]:
    """The findings a bulk action names, locked, in id order: every id must be the actor's to see."""
    from .selectors import finding_search, findings_of

    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            raise ValidationError("请至少勾选一条核查发现")
        qs = (findings_of(viewer=actor) if actor is not None else Finding.objects.all()).filter(pk__in=wanted)
    else:
        qs = finding_search(viewer=actor, **dict(filters or {}))  # type: ignore[arg-type]
    findings = list(qs.select_for_update().order_by("id")[: BULK_MAX + 1])
    if len(findings) > BULK_MAX:
        raise ValidationError(f"一次最多批量处理 {BULK_MAX} 条，请先缩小筛选范围")
    if ids is not None and len(findings) < len(wanted):
        missing = sorted(set(wanted) - {f.pk for f in findings})
        raise NotFoundError(f"核查发现 #{'、#'.join(map(str, missing[:5]))} 不存在或不在您的管辖范围内")
    if not findings:
        raise ValidationError("没有符合条件的核查发现")
    return findings


@transaction.atomic
def findings_bulk_transition(
    *,
    actor: Actor | None,
    to: str,
    ids: Iterable[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    reason: str = "",
) -> int:
    """Move many findings to ``to`` at once: the findings with ``ids``, or every finding matching ``filters`` (the
    list's ``finding_search`` arguments: rule, status, area_code, year). All or nothing: each finding is checked as
    ``finding_transition`` checks one (permission on its village, allowed move, level); if any is refused nothing
    changes and the refusal names the findings (the first few). Each change is audited old→new on its household.
    Returns how many findings moved."""
    if to not in FindingStatus.values:
        raise ValidationError(f"未知的处理状态“{to}”", extra={"field": "to"})
    if (ids is None) == (filters is None):
        raise ValidationError("请勾选核查发现，或选择“全部符合筛选条件的发现”")
    if to in NEEDS_REASON and not reason.strip():
        raise ValidationError("请填写核实情况或理由", extra={"field": "reason"})
    findings = _bulk_selection(actor, ids, filters)
    refused = []
    for f in findings:
        why = _bulk_refusal(actor, f, to)
        if why is not None:
            refused.append(f"#{f.pk}（户 {f.household_no}，{f.category}，{f.year} 年）{why}")
    if refused:
        more = f"等 {len(refused)} 条" if len(refused) > BULK_REFUSALS_SHOWN else ""
        raise ValidationError(
            f"以下核查发现不能改为“{FindingStatus(to).label}”，本次均未修改：{'；'.join(refused[:BULK_REFUSALS_SHOWN])}{more}",
            extra={"field": "to"},
        )
    text = reason.strip()[:300]
    changes = []
    for f in findings:
        changes.append(
            Change(
                "checks.finding_transition",
                f,
                {"status": [f.status, to], "reason": [None, reason], "bulk": [None, len(findings)]},
                f.village_id,
                "registry.household",
                f.household_no,
            )
        )
        f.status, f.status_reason = to, text
    Finding.objects.bulk_update(findings, ["status", "status_reason"], batch_size=1000)
    audit_record_many(actor=actor, changes=changes)
    return len(findings)


def transition_targets(actor: Actor | None) -> list[tuple[str, str]]:
    """(value, label) of the statuses ``actor``'s level may move some finding to (the bulk form's choices), in
    workflow order; empty for one who may not move findings at all."""
    from fupin.core.permissions import allowed

    if not allowed(actor, "checks.transition"):
        return []
    level = 0 if actor is None or actor.is_superuser else (actor.scope_level or 99)
    seen = dict.fromkeys(b for (_, b), lowest in TRANSITIONS.items() if level <= lowest)
    return [(b, FindingStatus(b).label) for b in FindingStatus.values if b in seen]


def next_statuses_for(actor: Actor | None, status: str, category: str = "") -> list[tuple[str, str]]:
    """``next_statuses`` narrowed to the moves ``actor``'s level may make on a finding of ``category`` (a form
    offers only those)."""
    level = 0 if actor is None or actor.is_superuser else (actor.scope_level or 99)
    return [(b, label) for b, label in next_statuses(status) if level <= (lowest_level(status, b, category) or 0)]
