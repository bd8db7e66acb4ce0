"""Running the checks on the live registry and keeping their findings with a workflow."""

from __future__ import annotations

import time
from dataclasses import asdict

from django.db import transaction

from fupin.analytics import engines
from fupin.analytics.rules import BY_ID
from fupin.analytics.run import run_rules
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, events
from fupin.core.actors import Actor
from fupin.core.errors import PermissionDeniedError, ValidationError
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
    tables = live_tables(area_code)
    with engines.load(tables, engine) as inputs:
        result = run_rules(inputs, params)
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
        for row in result.findings.to_pylist():
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
