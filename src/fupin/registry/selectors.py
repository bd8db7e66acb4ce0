from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import CharField, F, Func, Q, QuerySet

from fupin.audit.models import AuditEntry
from fupin.core import codes, scoping
from fupin.core.actors import Actor
from fupin.core.errors import NotFoundError
from fupin.core.parsing import ascii_digits, ascii_int
from fupin.core.permissions import allowed
from fupin.lib.idnumbers import mask

from .choices import STARTED_ELSEWHERE, ProcedureKind, Status
from .models import Household, HouseholdYear, ImportBatch, Member, Procedure
from .procedures import STARTS_FROM, may_override
from .verdicts import household_verdict


def can_see_full_id(viewer: Actor | None) -> bool:
    """Only the poverty office of the county and township, and the village's own roles, see full ID numbers."""
    return viewer is not None and allowed(viewer, "registry.full_id")


def shown_id(viewer: Actor | None, number: str) -> str:
    return number if can_see_full_id(viewer) else mask(number)


def households_visible(*, viewer: Actor | None) -> QuerySet[Household]:
    return scoping.scoped(Household, viewer)


def household_get(*, viewer: Actor | None, household_no: str) -> Household:
    households = households_visible(viewer=viewer).filter(household_no=household_no)
    household = households.select_related("village", "helper").first()
    if household is None:
        raise NotFoundError("该户不存在或不在您的管辖范围内")
    return household


ID_LENGTH = 18
ID_PREFIX_MIN = 6  # the birthplace county: the part of a number every role sees (``mask`` keeps it)
ID_LAST = 4  # the last four, also shown to every role
ID_REFUSED = "您的角色不能查看完整身份证号，因此也不能按完整号码查询：可输入身份证号的前 6 位或后 4 位"
ID_PREFIX_ONLY = "您的角色按身份证号只能查前 6 位或后 4 位（即列表中显示的部分），其余数字只按户编号查询"
_MASKED_ID = re.compile(r"(\d{6})\*+(\d{3}[\dX])")  # copied from a masked list: 520526********123X


@dataclass(frozen=True)
class Query:
    """What a search box's text asks for (``parse_query``): a name or its first characters (a surname), a
    household-number prefix, parts of an ID number; ``note`` says why part of the text was not searched."""

    name: str = ""
    number: str = ""
    id_exact: str = ""
    id_prefix: str = ""
    id_last4: str = ""
    note: str = ""

    @property
    def by_id(self) -> bool:
        return bool(self.id_exact or self.id_prefix or self.id_last4)

    @property
    def empty(self) -> bool:
        return not (self.name or self.number or self.by_id)


def parse_query(viewer: Actor | None, text: str) -> Query:
    """Read a search box. Digits are a household-number prefix and, from 6 digits on, an ID-number prefix; 4 characters
    (the last may be X) are an ID number's last four; 18 its whole. A role that may not see full ID numbers searches
    only by what it sees (the first 6, the last 4, or the masked form itself): a longer prefix or a whole number
    would tell it whether a number it may not see is registered — an oracle — so they are not searched."""
    typed = "".join(text.split())[:100]
    compact = typed.upper()  # an ID number's check character X, however typed
    if not compact:
        return Query()
    if m := _MASKED_ID.fullmatch(compact):
        return Query(id_prefix=m[1], id_last4=m[2])
    with_x = compact.endswith("X") and len(compact) in (ID_LAST, ID_LENGTH) and ascii_digits(compact[:-1])
    if not (with_x or ascii_digits(compact, max_digits=24)):
        return Query(name=typed)
    return _parse_digits(compact, full=can_see_full_id(viewer))


def _parse_digits(compact: str, *, full: bool) -> Query:
    n = len(compact)
    if n == ID_LAST:
        return Query(id_last4=compact)
    if n == ID_LENGTH:
        return Query(id_exact=compact) if full else Query(note=ID_REFUSED)
    if n < ID_PREFIX_MIN or n > ID_LENGTH:
        return Query(number=compact)
    if full or n == ID_PREFIX_MIN:
        return Query(number=compact, id_prefix=compact)
    return Query(number=compact, note=ID_PREFIX_ONLY)


def _id_last4() -> Func:
    """The expression the ``member_id_last4`` index holds, written as the index writes it (numbers are stored as
    18 characters): literal positions rather than bound parameters, so that SQLite matches it to the index as
    PostgreSQL does (``Substr`` binds 15 and 4 as parameters, which SQLite cannot match)."""
    return Func(F("id_number"), template="SUBSTR(%(expressions)s, 15, 4)", output_field=CharField())


def members_matching(*, viewer: Actor | None, query: Query) -> QuerySet[Member]:
    """The members a parsed query names (by name prefix or ID parts), unordered; none for a query of neither."""
    qs = scoping.scoped(Member, viewer)
    if query.id_exact:
        return qs.filter(id_number=query.id_exact)
    if not (query.name or query.id_prefix or query.id_last4):
        return qs.none()
    if query.name:
        qs = qs.filter(name__startswith=query.name)
    if query.id_prefix:
        qs = qs.filter(id_number__startswith=query.id_prefix)
    if query.id_last4:
        qs = qs.alias(id_last4=_id_last4()).filter(id_last4=query.id_last4)
    return qs


def people_search(*, viewer: Actor | None, text: str) -> QuerySet[Member]:
    """Members by name (a surname finds all who bear it), ID-number prefix or last four (see ``parse_query``), with
    their households and villages; in the order of the index the lookup uses."""
    query = parse_query(viewer, text)
    order = ("name", "id") if query.name else ("id_number",)
    members = members_matching(viewer=viewer, query=query)
    return members.select_related("household", "village").order_by(*order)


def household_search(
    *, viewer: Actor | None, text: str = "", area_code: str = "", status: str = ""
) -> QuerySet[Household]:
    """By the head's or a member's name (or its first characters: a surname), parts of a member's ID number, or a
    household number prefix (``parse_query``); within an area."""
    qs = households_visible(viewer=viewer)
    if area_code:
        try:
            lo, hi = codes.code_range(area_code)
        except codes.AreaCodeError:
            return qs.none()
        qs = qs.filter(village_id__gte=lo, village_id__lte=hi)
    if status:
        qs = qs.filter(status=status)
    query = parse_query(viewer, text)
    if text.strip() and query.empty:
        return qs.none()
    if not query.empty:
        found = Q()
        if query.number:
            found |= Q(household_no__startswith=query.number)
        if query.name:
            found |= Q(head_name__startswith=query.name)
        if query.name or query.by_id:
            found |= Q(pk__in=members_matching(viewer=viewer, query=query).values("household_id"))
        qs = qs.filter(found)
    return qs.order_by("household_no")


@dataclass(frozen=True)
class Total:
    """How many rows a list holds: ``n`` exactly, about ``n`` (the planner's estimate), or more than ``n``."""

    n: int
    exact: bool = True
    estimated: bool = False


TOTAL_EXACT_UP_TO = 10_000


def household_total(*, viewer: Actor, text: str = "", area_code: str = "", status: str = "") -> Total:
    """The size of ``household_search``'s result at a bounded cost: counted up to 10,000; beyond that counted
    exactly when the rows lie within one county, else PostgreSQL's planner estimate, else "more than 10,000"."""
    qs = household_search(viewer=viewer, text=text, area_code=area_code, status=status).order_by()
    n = qs[: TOTAL_EXACT_UP_TO + 1].count()
    if n <= TOTAL_EXACT_UP_TO:
        return Total(n)
    if _within_one_county(viewer, area_code):
        return Total(qs.count())
    if connections[qs.db].vendor == "postgresql" and (estimate := _planner_rows(qs)) is not None:
        return Total(max(estimate, n), exact=False, estimated=True)
    return Total(TOTAL_EXACT_UP_TO, exact=False)


def _within_one_county(viewer: Actor, area_code: str) -> bool:
    scope = scoping.scope_of(viewer)
    lo, hi = (scope.lo or "", scope.hi or "") if not scope.everything else ("", "")
    if area_code:
        try:
            a_lo, a_hi = codes.code_range(area_code)
        except codes.AreaCodeError:
            return True
        lo, hi = max(lo, a_lo), min(hi, a_hi) if hi else a_hi
    county = codes.LEVEL_DIGITS[codes.COUNTY]
    return bool(lo and hi) and lo[:county] == hi[:county]


def _planner_rows(qs: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows ``qs`` returns (EXPLAIN, nothing executed); None when unreadable."""
    try:
        plan = json.loads(qs.explain(format="json"))
        plan = plan[0] if isinstance(plan, list) else plan
        return int(plan["Plan"]["Plan Rows"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def household_members(*, viewer: Actor | None, household: Household) -> list[Member]:
    return list(scoping.scoped(Member, viewer).filter(household=household).order_by("id"))


def household_years(*, viewer: Actor | None, household: Household) -> list[HouseholdYear]:
    return list(scoping.scoped(HouseholdYear, viewer).filter(household=household).order_by("year"))


def household_year_get(*, viewer: Actor | None, household: Household, year: int) -> HouseholdYear | None:
    return scoping.scoped(HouseholdYear, viewer).filter(household=household, year=year).first()


def household_procedures(*, viewer: Actor | None, household: Household) -> list[Any]:

    return list(
        scoping.scoped(Procedure, viewer)
        .filter(household=household)
        .prefetch_related("steps")
        .order_by("opened_on", "id")
    )


def household_history(*, viewer: Actor | None, household: Household, limit: int = 200) -> list[Any]:
    """The household's audit entries (every service write names the household), newest first."""
    return list(
        scoping.scoped(AuditEntry, viewer)
        .filter(entity_type="registry.household", entity_id=household.household_no)
        .order_by("-seq")[:limit]
    )


# The household list's orders: sort key -> (field, descending); the household number breaks ties (and is the
# whole key of the default order).
HOUSEHOLD_SORTS: dict[str, tuple[str, bool]] = {
    "": ("", False), "-size": ("size", True), "year": ("identified_year", False),
}  # fmt: skip


def household_listing(
    *,
    viewer: Actor,
    text: str = "",
    area_code: str = "",
    status: str = "",
    sort: str = "",
    after: str = "",
    before: str = "",
) -> QuerySet[Household]:
    """``household_search`` in the order ``sort`` names, continuing after the page key ``after`` (keyset paging:
    no COUNT(*), no OFFSET), with each household's village. With ``before`` instead, the rows before that key in
    the reverse order (the previous page, nearest row first: ``paging.keyset_page_both`` turns it back). A key is a
    household number, or ``value|household_no`` for the other orders (see ``household_cursor``)."""
    field, descending = HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS[""])
    backward = bool(before) and not after
    key, desc = (before, not descending) if backward else (after, descending)
    qs = household_search(viewer=viewer, text=text, area_code=area_code, status=status).select_related("village")
    if field:
        qs = qs.order_by(f"-{field}", "-household_no") if desc else qs.order_by(field, "household_no")
    elif desc:
        qs = qs.order_by("-household_no")
    if key:
        value, _, number = key.rpartition("|")
        cmp = "lt" if desc else "gt"
        if field and (v := ascii_int(value)) is not None:
            qs = qs.filter(Q(**{f"{field}__{cmp}": v}) | Q(**{field: v, f"household_no__{cmp}": number}))
        elif not field:
            qs = qs.filter(**{f"household_no__{cmp}": number})
    return qs


def household_cursor(household: Household, sort: str = "") -> str:
    """The page key that continues ``household_listing`` (in the order ``sort``) after ``household``."""
    field, _ = HOUSEHOLD_SORTS.get(sort, HOUSEHOLD_SORTS[""])
    return f"{getattr(household, field)}|{household.household_no}" if field else household.household_no


def household_export_queryset(
    *, viewer: Actor, text: str = "", area_code: str = "", status: str = ""
) -> QuerySet[Member]:
    """The members of the households ``household_search`` finds, by household number (exports)."""
    households = household_search(viewer=viewer, text=text, area_code=area_code, status=status)
    return (
        scoping.scoped(Member, viewer)
        .filter(household__in=households.values("pk"))
        .select_related("household", "household__helper")
        .order_by("household__household_no", "id")
    )


def household_export_members(
    *, viewer: Actor, text: str = "", area_code: str = "", status: str = ""
) -> Iterator[Member]:
    """The same members, streamed."""
    qs = household_export_queryset(viewer=viewer, text=text, area_code=area_code, status=status)
    return qs.iterator(chunk_size=5000)


def procedure_get(*, viewer: Actor, household: Household, procedure_id: int) -> Procedure | None:
    return scoping.scoped(Procedure, viewer).filter(pk=procedure_id, household=household).first()


def procedure_kinds_startable(*, household: Household) -> list[tuple[str, str]]:
    """(kind, label) of the procedures that may start from the household's present status (monitoring and its risk
    elimination start from the household's monitoring case)."""
    return [
        (k, label)
        for k, label in ProcedureKind.choices
        if household.status in STARTS_FROM[k] and k not in STARTED_ELSEWHERE
    ]


def imports_allowed(viewer: Actor) -> bool:
    """Whether the viewer may upload households (the poverty office; never the read-only inspector)."""
    return allowed(viewer, "registry.import")


def import_batches_recent(*, viewer: Actor, limit: int = 20) -> list[ImportBatch]:
    return list(scoping.scoped(ImportBatch, viewer).order_by("-at")[:limit])


def import_batch_get(*, viewer: Actor, batch_id: int) -> ImportBatch | None:
    return scoping.scoped(ImportBatch, viewer).filter(pk=batch_id).first()


def verdict_override_allowed(viewer: Actor | None, household: Household) -> bool:
    """Whether the viewer may approve a procedure against a failing verdict: county level or above (the rule
    ``procedures.may_override`` that the procedure services enforce), with the right to run the household's
    procedures."""
    if viewer is None or viewer.is_superuser:
        return True
    return allowed(viewer, "registry.procedure", household.village_id) and may_override(viewer)


def household_verdict_latest(*, viewer: Actor | None, household: Household) -> Any:
    """The verdict the household page shows: for its latest yearly record, whether it may exit (a household on the
    register) or whether a monitoring trigger holds (an exited one); None without records or for other statuses."""
    latest = scoping.scoped(HouseholdYear, viewer).filter(household=household).order_by("-year").first()
    if latest is None:
        return None
    if household.status in {Status.POOR, Status.RETURNED}:
        return household_verdict(household, ProcedureKind.EXIT, latest.year)
    if household.status == Status.EXITED:
        return household_verdict(household, ProcedureKind.MONITORING, latest.year)
    return None


def procedure_step_allowed(viewer: Actor | None, household: Household, spec: Any) -> bool:
    """Whether the viewer may record the step ``spec`` (a ``procedures.StepSpec``) on the household: the right to
    run its procedures and the step's level, the rules ``procedures.procedure_step_record`` enforces."""
    from fupin.core.errors import PermissionDeniedError

    from .procedures import _require_level

    if viewer is not None and not allowed(viewer, "registry.procedure", household.village_id):
        return False
    try:
        _require_level(viewer, spec)
    except PermissionDeniedError:
        return False
    return True


def notices_ending(*, viewer: Actor, within_days: int = 7, limit: int = 20) -> list[Any]:
    """Open procedures in the viewer's area whose last recorded step is a 公示/公告 ending within ``within_days``
    (today included, or ended already and the next step not yet recorded), soonest first; each carries
    ``notice_end`` and ``next`` (the step to record after the notice, a ``StepSpec``)."""
    from datetime import date, timedelta

    from django.db.models import F, Max, OuterRef, Subquery

    from .models import ProcedureStep
    from .procedures import NOTICE, STEPS, next_step

    today = date.today()  # noqa: DTZ011 - calendar dates of paper procedures carry no time zone
    last = ProcedureStep.objects.filter(procedure=OuterRef("pk")).order_by("-seq")
    rows = (
        scoping.scoped(Procedure, viewer)
        .filter(status="open")
        .annotate(last_seq=Max("steps__seq"), notice_end=Subquery(last.values("notice_end")[:1]))
        .filter(notice_end__isnull=False, notice_end__lte=today + timedelta(days=within_days))
        .select_related("household")
        .order_by(F("notice_end").asc(), "id")[: limit * 3]
    )
    out = []
    for p in rows:
        specs = STEPS[p.kind]
        if p.last_seq is None or p.last_seq > len(specs) or specs[p.last_seq - 1].kind != NOTICE:
            continue  # the latest step with dates is not a notice (seq counts from 1)
        p.next = nxt = next_step(p)  # type: ignore[attr-defined]
        if nxt is not None:
            out.append(p)
    return out[:limit]
