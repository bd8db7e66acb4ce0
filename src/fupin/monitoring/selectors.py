"""Every read of the monitoring: scoped to the viewer's area first (``core.scoping``), then filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.paging import keyset_page
from fupin.core.permissions import allowed
from fupin.policy.selectors import param

from .choices import OPEN_STATUSES, CaseStatus
from .models import Case, FollowUp, Measure, Source

PAGE = 50


def _today() -> date:
    return timezone.localdate()


def cases(
    *,
    viewer: Actor,
    area_code: str = "",
    status: str = "",
    group: str = "",
    overdue: bool = False,
    ready: bool = False,
    order: str = "",
) -> QuerySet[Case]:
    """The viewer's cases (within ``area_code`` when given); ``status`` "open" = 识别中 or 监测帮扶中; ``overdue``:
    identification past its time limit; ``ready``: meeting the risk elimination criteria at the last run; ``order``
    "risk": highest score first."""
    qs = scoping.scoped(Case, viewer).select_related("household")
    if area_code:
        lo, hi = codes.code_range(area_code)
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if group:
        qs = qs.filter(group=group)
    if overdue:
        qs = qs.filter(status=CaseStatus.IDENTIFYING, deadline__lt=_today())
    if ready:
        qs = qs.filter(status=CaseStatus.MONITORED, elimination_ready=True)
    if order == "risk":
        return qs.order_by("-score", "village_id", "village_rank", "pk")
    return qs.order_by("-opened_on", "-pk")


def cases_page(
    *,
    viewer: Actor,
    area_code: str = "",
    status: str = "",
    group: str = "",
    order: str = "risk",
    after: str = "",
    limit: int = 100,
) -> tuple[list[Case], str]:
    """One page of ``cases`` for the API, by keyset (no OFFSET, no COUNT) and the cursor of the next ("" at the end).

    Orders: "risk" — score high to low (unscored last), then the earlier case; "opened" — the newest first. The
    cursor is the last row's key, ``<score>.<id>`` or ``<YYYY-MM-DD>.<id>``; a malformed one starts over."""
    qs = cases(viewer=viewer, area_code=area_code, status=status, group=group, order=order)
    head, _, tail = after.partition(".")
    if order == "risk":
        qs = qs.annotate(rank_score=Coalesce("score", -1, output_field=IntegerField())).order_by("-rank_score", "pk")
        if head.lstrip("-").isdigit() and tail.isdigit():
            s, pk = int(head), int(tail)
            qs = qs.filter(Q(rank_score__lt=s) | Q(rank_score=s, pk__gt=pk))
    elif tail.isdigit():
        try:
            day = date.fromisoformat(head)
        except ValueError:
            day = None
        if day is not None:
            qs = qs.filter(Q(opened_on__lt=day) | Q(opened_on=day, pk__lt=int(tail)))
    if order == "risk":
        rows, cursor = keyset_page(qs, lambda c: f"{c.score if c.score is not None else -1}.{c.pk}", limit)
    else:
        rows, cursor = keyset_page(qs, lambda c: f"{c.opened_on.isoformat()}.{c.pk}", limit)
    return rows, cursor or ""


def case_get(*, viewer: Actor, case_id: int) -> Case | None:
    return (
        scoping.scoped(Case, viewer)
        .select_related("household", "identification", "elimination", "previous")
        .filter(pk=case_id)
        .first()
    )


def case_history(*, viewer: Actor, case: Case) -> list[Case]:
    """The household's other cases, newest first (a household whose risk returned re-enters with its history)."""
    return list(
        scoping.scoped(Case, viewer)
        .filter(household_id=case.household_id)
        .exclude(pk=case.pk)
        .order_by("-opened_on", "-pk")
    )


def sources(*, viewer: Actor, case: Case) -> list[Source]:
    return list(scoping.scoped(Source, viewer).filter(case=case))


def measures(*, viewer: Actor, case: Case) -> list[Measure]:
    return list(scoping.scoped(Measure, viewer).filter(case=case))


def follow_ups(*, viewer: Actor, case: Case) -> list[FollowUp]:
    return list(scoping.scoped(FollowUp, viewer).filter(case=case).order_by("-visited_on", "-pk"))


def follow_up_due(case: Case) -> date | None:
    """The date the next follow-up visit is due (monthly by the township: the parameter), for a monitored case."""
    if case.status != CaseStatus.MONITORED:
        return None
    last = case.follow_ups.order_by("-visited_on").values_list("visited_on", flat=True).first()
    start = last or case.decided_on or case.opened_on
    from datetime import timedelta

    return start + timedelta(days=int(param("monitoring_follow_up_days", start.year)))


def cases_for_household(*, viewer: Actor, household_id: int) -> list[Case]:
    return list(scoping.scoped(Case, viewer).filter(household_id=household_id).order_by("-opened_on", "-pk"))


@dataclass(frozen=True)
class Summary:
    by_group: list[tuple[str, int, int]]  # group, households, people (open cases)
    identifying: int
    monitored: int
    eliminated: int
    not_included: int
    overdue: int
    ready: int
    follow_up_late: int


def summary(*, viewer: Actor, area_code: str = "") -> Summary:
    """The counts the monitoring page and the dashboards show for the viewer's area."""
    qs = cases(viewer=viewer, area_code=area_code)
    today = _today()
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    groups = (
        qs.filter(status__in=OPEN_STATUSES)
        .values("group")
        .annotate(h=Count("pk"), p=Sum("household__size"))
        .order_by("group")
    )
    late = (
        qs.filter(status=CaseStatus.MONITORED)
        .annotate(last=_last_visit())
        .filter(Q(last__isnull=True) | Q(last__lt=today - _follow_up_days(today)))
        .count()
    )
    return Summary(
        by_group=[(g["group"], g["h"], g["p"] or 0) for g in groups],
        identifying=counts.get(CaseStatus.IDENTIFYING, 0),
        monitored=counts.get(CaseStatus.MONITORED, 0),
        eliminated=counts.get(CaseStatus.ELIMINATED, 0),
        not_included=counts.get(CaseStatus.NOT_INCLUDED, 0),
        overdue=qs.filter(status=CaseStatus.IDENTIFYING, deadline__lt=today).count(),
        ready=qs.filter(status=CaseStatus.MONITORED, elimination_ready=True).count(),
        follow_up_late=late,
    )


def _last_visit() -> Any:
    from django.db.models import Max

    return Max("follow_ups__visited_on")


def _follow_up_days(today: date) -> Any:
    from datetime import timedelta

    return timedelta(days=int(param("monitoring_follow_up_days", today.year)))


def may_intake(viewer: Actor, village_code: str) -> bool:
    return allowed(viewer, "monitoring.intake", village_code)


def may_help(viewer: Actor, village_code: str) -> bool:
    return allowed(viewer, "monitoring.help", village_code)


def may_run(viewer: Actor, area_code: str) -> bool:
    return allowed(viewer, "monitoring.run", area_code)


def may_procedure(viewer: Actor, village_code: str) -> bool:
    return allowed(viewer, "registry.procedure", village_code)
