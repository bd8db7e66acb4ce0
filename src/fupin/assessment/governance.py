"""The fifth special governance (扶贫领域腐败和不正之风) into accountability.

A finding of the checks that the township has confirmed (优亲厚友 above all, but a confirmed 错评 or 错退 too) becomes
a case against the village's leaders, citing the finding; a complaint (信访举报: 吃拿卡要, 虚报冒领…) is a case
opened with its problem and lead (``services.case_open``). Either then follows the case's dated steps.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fupin.checks.choices import FindingStatus
from fupin.checks.models import Finding
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError, ValidationError
from fupin.core.permissions import require

from .choices import EvidenceKind, Lead, Problem
from .models import Case
from .selectors import OPEN, cites
from .services import case_open

CONFIRMED = (FindingStatus.CONFIRMED, FindingStatus.RECTIFIED)
# what a confirmed finding is about, by its rule's category (the checks' categories)
PROBLEM_OF = {"优亲厚友": Problem.FAVOURITISM, "错评": Problem.IDENTIFICATION, "错退": Problem.IDENTIFICATION,
              "漏评": Problem.IDENTIFICATION}  # fmt: skip


@transaction.atomic
def case_from_finding(
    *,
    actor: Actor | None,
    finding_id: int,
    kind: str,
    subject: str,
    reason: str,
    opened_on: date | None,
    accountability: str = "",
) -> Case:
    """Open a case against the leaders of the finding's village, citing it; only a confirmed finding, and only one
    open case per finding."""
    finding = Finding.objects.filter(pk=finding_id).first()
    if finding is None:
        raise NotFoundError("该核查发现不存在或不在您的管辖范围内")
    require(actor, "assessment.case_open", finding.village_id, from_above=True)
    if finding.status not in CONFIRMED:
        raise ValidationError(f"核查发现须经入户核实、确认问题后方可立案问责（当前：{finding.get_status_display()}）")
    open_ = Case.objects.filter(area_id=finding.village_id, status__in=OPEN)
    if any(cites(c, EvidenceKind.FINDING, finding.pk) for c in open_):
        raise ValidationError("已就该核查发现立案，尚未办结")
    text = f"{finding.year} 年核查发现（户 {finding.household_no}）：{finding.explanation}"
    return case_open(
        actor=actor,
        area_code=finding.village_id,
        kind=kind,
        subject=subject,
        reason=reason,
        opened_on=opened_on,
        accountability=accountability,
        evidence=[{"kind": EvidenceKind.FINDING, "ref": str(finding.pk), "text": text[:300]}],
        problem=PROBLEM_OF.get(finding.category, Problem.OTHER),
        lead=Lead.FINDING,
    )
