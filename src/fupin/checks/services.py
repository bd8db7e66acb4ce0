"""Running the checks on the live registry and keeping their findings with a workflow."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from django.db import transaction

from fupin.analytics import engines
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, events, progress
from fupin.core.actors import Actor
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.permissions import require
from fupin.lib.idnumbers import mask
from fupin.registry.verdicts import params_for

from .models import CheckRun, Finding, FindingStatus
from .sources import live_tables


def check_run(*, actor: Actor | None, year: int, area_code: str = "520000000000", engine: str = "duckdb") -> CheckRun:
    """Run every rule over the area; upsert findings (no duplicates), mark vanished ones as no longer present."""
    area_code = codes.normalize(area_code)
    require(actor, "checks.run", area_code)
    if engine not in engines.ENGINES:
        raise ValidationError(f"未知的引擎“{engine}”，可选：{'、'.join(engines.ENGINES)}")
    params = params_for(year)
    started = time.perf_counter()
    progress.report("读取户、成员和部门比对数据")
    tables = live_tables(area_code)
    progress.report(f"运行核查规则（{tables['households'].num_rows:,} 户）")
    with engines.load(tables, engine) as inputs:
        result = run_rules(inputs, params)
    progress.report("保存核查发现", 0, result.findings.num_rows)
    village_of = dict(
        zip(
            tables["households"].column("household_id").to_pylist(),
            tables["households"].column("village_code").to_pylist(),
            strict=True,
        )
    )
    village_of.update(
        zip(
            tables["survey_households"].column("household_id").to_pylist(),
            tables["survey_households"].column("village_code").to_pylist(),
            strict=True,
        )
    )
    with transaction.atomic():
        run = CheckRun.objects.create(
            year=year,
            area_code=area_code,
            engine=engine,
            actor_username=getattr(actor, "username", "") or "system",
            params=asdict(params),
            counts=result.by_rule(),
        )
        lo, hi = codes.code_range(area_code)
        existing = {
            (f.rule_id, f.household_no, f.person_id): f
            for f in Finding.objects.filter(year=year, village_id__gte=lo, village_id__lte=hi)
        }
        new, seen = [], set()
        total = result.findings.num_rows
        for i, row in enumerate(result.findings.to_pylist()):
            if i % 5000 == 0:
                progress.report("保存核查发现", i, total)
            rule = BY_ID[row["rule_id"]]
            key = (row["rule_id"], row["household_id"], row["person_id"] or "")
            seen.add(key)
            # stored text carries the masked ID (first 6 + last 4): every role may read it; the full number stays in
            # person_id, shown only to the roles that may see it
            shown = {**row, "person_id": mask(row["person_id"]) if row["person_id"] else ""}
            explanation = rule.explanation(shown)[:300]
            found = existing.get(key)
            if found is None:
                new.append(
                    Finding(
                        rule_id=rule.id,
                        year=year,
                        household_no=row["household_id"],
                        person_id=row["person_id"] or "",
                        village_id=village_of[row["household_id"]],
                        category=rule.category,
                        severity=rule.severity,
                        explanation=explanation,
                        value=row["value"],
                        detail=(row["detail"] or "")[:200],
                        first_run=run,
                        last_run=run,
                    )
                )
            else:
                found.explanation, found.value, found.detail = explanation, row["value"], (row["detail"] or "")[:200]
                found.present, found.last_run = True, run
        Finding.objects.bulk_create(new, batch_size=2000)
        updated = [f for k, f in existing.items() if k in seen]
        Finding.objects.bulk_update(updated, ["explanation", "value", "detail", "present", "last_run"], batch_size=2000)
        gone = [f for k, f in existing.items() if k not in seen and f.present]
        for f in gone:
            f.present = False
        Finding.objects.bulk_update(gone, ["present"], batch_size=2000)
        run.new_findings = len(new)
        run.seconds = round(time.perf_counter() - started, 3)
        run.save(update_fields=["new_findings", "seconds"])
        audit_record(
            actor=actor,
            action="checks.run",
            entity=run,
            area_code=area_code,
            changes={"counts": [None, run.counts], "new": [None, len(new)], "no_longer_present": [None, len(gone)]},
        )
    progress.report("更新统计指标")
    events.announce(
        "checks.run_finished", actor=actor, area_code=area_code, year=year, engine=engine,
        households=tables["households"],
    )  # fmt: skip
    return run


# Who may move a finding where: (from, to) → lowest level allowed (village 5, township 4, county 3)
TRANSITIONS: dict[tuple[str, str], int] = {
    (FindingStatus.OPEN, FindingStatus.ASSIGNED): codes.TOWNSHIP,
    (FindingStatus.ASSIGNED, FindingStatus.VERIFIED): codes.VILLAGE,
    (FindingStatus.VERIFIED, FindingStatus.CONFIRMED): codes.TOWNSHIP,
    (FindingStatus.VERIFIED, FindingStatus.DISMISSED): codes.TOWNSHIP,
    (FindingStatus.CONFIRMED, FindingStatus.RECTIFIED): codes.VILLAGE,
}


def next_statuses(status: str) -> list[tuple[str, str]]:
    """(value, Chinese label) of the statuses a finding in ``status`` may move to."""
    return [(b, FindingStatus(b).label) for a, b in TRANSITIONS if a == status]


NEEDS_REASON = {FindingStatus.DISMISSED, FindingStatus.VERIFIED, FindingStatus.RECTIFIED}


@transaction.atomic
def finding_transition(*, actor: Actor | None, finding: Finding, to: str, reason: str = "") -> Finding:
    require(actor, "checks.transition", finding.village_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    level = TRANSITIONS.get((finding.status, to))
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
    level = TRANSITIONS.get((finding.status, to))
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


def next_statuses_for(actor: Actor | None, status: str) -> list[tuple[str, str]]:
    """``next_statuses`` narrowed to the moves ``actor``'s level may make (a form offers only those)."""
    level = 0 if actor is None or actor.is_superuser else (actor.scope_level or 99)
    return [(b, label) for b, label in next_statuses(status) if level <= TRANSITIONS[(status, b)]]
