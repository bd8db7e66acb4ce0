"""Every write of the village Party organizations: the organization, its people and reserve pool, elections
(换届), the secretary's review and adjustment, the yearly 软弱涣散 list and each village's rectification, visits
and basic guarantees. Each checks its declared permission over the village and audits old → new."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import pyarrow as pa
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fupin.analytics import partyorg as rules
from fupin.areas.models import Area, Classification
from fupin.areas.services import area_classifications_follow
from fupin.audit.services import Change, audit_record, audit_record_many
from fupin.core import codes, progress
from fupin.core.actors import Actor, actor_name
from fupin.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from fupin.core.parsing import choice_field, date_field, int_field, text_field
from fupin.core.permissions import require
from fupin.lib.idnumbers import IdNumberError, parse
from fupin.policy.selectors import param

from . import procedures
from .choices import (
    HEADS,
    KEPT_REASONS,
    POSTS,
    AdjustReason,
    AdjustStatus,
    CaseStatus,
    Committee,
    Criterion,
    Education,
    ElectionStep,
    Gender,
    Grade,
    OrgKind,
    Post,
    Source,
)
from .models import (
    Election,
    Guarantee,
    IdentifyRun,
    OrgYear,
    PartyOrg,
    Reserve,
    Review,
    Seat,
    SecretaryAdjustment,
    VillageCadre,
    Visit,
    WeakCase,
)
from .tables import weak_tables

MAX_SEATS = 15  # a committee's seats (村民委员会 3–7 人, 党组织委员会 3–9 人; room for large villages)


def _today() -> date:
    return timezone.localdate()


_username = actor_name
_text, _choice, _int = text_field, choice_field, int_field


def _decimal(value: Any, label: str, lo: Decimal, hi: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}须为数字") from None
    if not number.is_finite() or not lo <= number <= hi:
        raise ValidationError(f"{label}须在 {lo}–{hi} 之间")
    return number


_date = date_field


def _year(value: Any) -> int:
    return _int(value, "年度", 2014, _today().year)


def _village(actor: Actor | None, action: str, village_code: str) -> Area:
    text = unicodedata.normalize("NFKC", str(village_code or "")).strip()  # full-width digits from an input method
    try:
        code = codes.normalize(text)
    except codes.AreaCodeError:
        raise ValidationError(f"村代码“{village_code}”无效：应为 12 位数字", extra={"field": "village"}) from None
    require(actor, action, code)
    area = Area.objects.filter(code=code, level=codes.VILLAGE).first()
    if area is None:
        raise NotFoundError(f"村“{village_code}”不存在")
    return area


YearRow = TypeVar("YearRow", OrgYear, Review, Guarantee)


def _year_row_set(
    actor: Actor | None, action: str, model: type[YearRow], area: Area, year: int, *, values: dict[str, Any],
    **unaudited: Any,
) -> YearRow:  # fmt: skip
    """Create or update a village's row of a year with ``values``, audited old → new when anything changed."""
    item = model.objects.select_for_update().filter(village=area, year=year).first()
    before = {k: getattr(item, k) for k in values} if item else dict.fromkeys(values)
    item = item or model(village=area, year=year)
    for k, v in {**values, **unaudited}.items():
        setattr(item, k, v)
    item.save()
    delta = {k: [before[k], v] for k, v in values.items() if before[k] != v}
    if delta:
        audit_record(actor=actor, action=action, entity=item, changes=delta)
    return item


# —— the organization, its people and the reserve pool ——


@transaction.atomic
def org_set(*, actor: Actor | None, village_code: str, kind: str, members: Any) -> PartyOrg:
    """Set the village organization's kind and member count (creating it). A general branch needs 50 members and
    a committee 100 (《中国共产党章程》及基层组织设置规定)."""
    area = _village(actor, "partyorg.manage", village_code)
    kind = _choice(kind, OrgKind, "组织类型")
    count = _int(members, "党员人数", 3, 5000)
    if kind == OrgKind.GENERAL_BRANCH and count < 50:
        raise ValidationError("党员 50 人以上方可设立党总支")
    if kind == OrgKind.COMMITTEE and count < 100:
        raise ValidationError("党员 100 人以上方可设立党委")
    org = PartyOrg.objects.select_for_update().filter(village=area).first()
    before = {"kind": org.kind, "members": org.members} if org else {"kind": None, "members": None}
    if org is None:
        org = PartyOrg(village=area)
    org.kind, org.members = kind, count
    org.save()
    delta = {k: [before[k], v] for k, v in (("kind", kind), ("members", count)) if before[k] != v}
    if delta:
        audit_record(actor=actor, action="partyorg.org_set", entity=org, changes=delta)
    return org


@dataclass(frozen=True)
class PersonInput:
    name: str
    gender: str
    birth_year: Any
    education: str
    source: str
    id_number: str = ""


def _clean_id_number(raw: str, values: dict[str, Any], exclude: int | None = None) -> str:
    """The person's ID number, checked (format, date, checksum), agreeing with the gender and birth year
    recorded, and not another village cadre's; blank stays blank (not yet recorded)."""
    if not str(raw or "").strip():
        return ""
    try:
        ident = parse(raw)
    except IdNumberError as exc:
        raise ValidationError(str(exc), extra={"field": "id_number"}) from exc
    if ident.birth_date.year != values["birth_year"]:
        raise ValidationError(
            f"身份证号显示出生于 {ident.birth_date.year} 年，与出生年份 {values['birth_year']} 不符",
            extra={"field": "id_number"},
        )
    if ident.sex != values["gender"]:
        raise ValidationError(f"身份证号显示性别为{ident.sex}，与登记的性别不符", extra={"field": "id_number"})
    same = VillageCadre.objects.filter(id_number=ident.number).select_related("village")
    other = (same.exclude(pk=exclude) if exclude is not None else same).first()
    if other is not None:
        raise ValidationError(
            f"该身份证号已登记为{other.village.name}的{other.name}，请勿重复登记", extra={"field": "id_number"}
        )
    return ident.number


def _clean_person(data: PersonInput) -> dict[str, Any]:
    year = _today().year
    values = {
        "name": _text(data.name, "姓名", 40),
        "gender": _choice(data.gender, Gender, "性别"),
        "birth_year": _int(data.birth_year, "出生年份", year - 80, year - 18),
        "education": _choice(data.education, Education, "文化程度"),
        "source": _choice(data.source, Source, "来源"),
    }
    if values["source"] == Source.GRADUATE and values["education"] != Education.COLLEGE:
        raise ValidationError("返乡大学生的文化程度应为大专及以上", extra={"field": "education"})
    values["id_number"] = _clean_id_number(data.id_number, values)
    return values


@transaction.atomic
def person_add(*, actor: Actor | None, village_code: str, data: PersonInput, reserve: bool = False) -> VillageCadre:
    """Register a person of the village (a 两委 member to be, or — ``reserve`` — a reserve in the pool)."""
    area = _village(actor, "partyorg.manage", village_code)
    values = _clean_person(data)
    same = {k: values[k] for k in ("name", "gender", "birth_year")}
    if VillageCadre.objects.filter(village=area, **same).exists():
        raise ValidationError(
            f"本村已登记{values['name']}（{values['gender']}，{values['birth_year']} 年生），请勿重复登记"
        )
    serial = VillageCadre.objects.filter(village=area).count() + 1
    ref = f"K{area.code}{serial:03d}"
    while VillageCadre.objects.filter(ref=ref).exists():
        serial += 1
        ref = f"K{area.code}{serial:03d}"
    person = VillageCadre.objects.create(ref=ref, village=area, **values)
    audit_record(
        actor=actor, action="partyorg.person_add", entity=person, changes={k: [None, v] for k, v in values.items()}
    )
    if reserve:
        reserve_add(actor=actor, person=person, on=_today())
    return person


@transaction.atomic
def person_id_number_set(*, actor: Actor | None, person: VillageCadre, id_number: str) -> VillageCadre:
    """Record (or correct) a person's ID number: the 优亲厚友 checks find the cadres in the registry and the
    hukou by it."""
    require(actor, "partyorg.manage", person.village_id)
    person = VillageCadre.objects.select_for_update().get(pk=person.pk)
    values = {"gender": person.gender, "birth_year": person.birth_year}
    number = _clean_id_number(id_number, values, exclude=person.pk)
    if number == person.id_number:
        return person
    old, person.id_number = person.id_number, number
    person.save(update_fields=["id_number"])
    audit_record(actor=actor, action="partyorg.person_id_number", entity=person, changes={"id_number": [old, number]})
    return person


@transaction.atomic
def reserve_add(*, actor: Actor | None, person: VillageCadre, on: date) -> Reserve:
    require(actor, "partyorg.manage", person.village_id)
    if Reserve.objects.filter(person=person, promoted__isnull=True, removed__isnull=True).exists():
        raise ValidationError(f"{person.name}已在后备力量中")
    if Seat.objects.filter(person=person, end__isnull=True).exists():
        raise ValidationError(f"{person.name}现任两委职务，不列入后备力量")
    item = Reserve.objects.create(person=person, village_id=person.village_id, added=_date(on, "纳入日期"))
    audit_record(actor=actor, action="partyorg.reserve_add", entity=item, changes={"person": [None, person.name]})
    return item


@transaction.atomic
def reserve_remove(*, actor: Actor | None, item: Reserve, on: date) -> Reserve:
    require(actor, "partyorg.manage", item.village_id)
    if item.promoted or item.removed:
        raise ValidationError("该人选已不在后备力量中")
    item.removed = _date(on, "移出日期", earliest=item.added)
    item.save(update_fields=["removed"])
    audit_record(actor=actor, action="partyorg.reserve_remove", entity=item, changes={"removed": [None, item.removed]})
    return item


@transaction.atomic
def org_year_set(*, actor: Actor | None, village_code: str, year: Any, new_members: Any, satisfaction: Any) -> OrgYear:
    """The organization's facts of a year: members newly developed and villagers' satisfaction (percent)."""
    area = _village(actor, "partyorg.manage", village_code)
    y = _year(year)
    values = {
        "new_members": _int(new_members, "发展党员数", 0, 500),
        "satisfaction": None
        if satisfaction in (None, "")
        else _decimal(satisfaction, "群众满意度", Decimal(0), Decimal(100)).quantize(Decimal("0.1")),
    }
    return _year_row_set(actor, "partyorg.org_year", OrgYear, area, y, values=values)


# —— elections (换届) ——


@transaction.atomic
def election_open(
    *, actor: Actor | None, village_code: str, round: Any, branch_seats: Any, villagers_seats: Any
) -> Election:
    area = _village(actor, "partyorg.elect", village_code)
    if not PartyOrg.objects.filter(village=area).exists():
        raise ValidationError("该村还没有登记村党组织，请先登记组织类型和党员人数")
    number = _int(round, "届次", 1, 99)
    latest = Election.objects.filter(village=area).exclude(step=ElectionStep.CANCELLED).order_by("-round").first()
    if latest is not None and number <= latest.round:
        raise ValidationError(
            f"该村已有第{latest.round}届换届，新的换届应为第{latest.round + 1}届或以后", extra={"field": "round"}
        )
    open_ = Election.objects.filter(village=area).exclude(step__in=[ElectionStep.FILED, ElectionStep.CANCELLED]).first()
    if open_ is not None:
        raise ValidationError(f"该村第{open_.round}届换届尚未报备，不能再启动新的换届")
    item = Election.objects.create(
        village=area,
        round=number,
        branch_seats=_int(branch_seats, "村党组织委员职数", 1, MAX_SEATS),
        villagers_seats=_int(villagers_seats, "村民委员会成员职数", 1, MAX_SEATS),
        created_by_id=getattr(actor, "pk", None),
    )
    audit_record(actor=actor, action="partyorg.election_open", entity=item, changes={"round": [None, number]})
    return item


@transaction.atomic
def election_step(*, actor: Actor | None, election: Election, step: str, on: date) -> Election:
    """Take the next step of the election (推荐, 考察, 报备); 选举 is taken with its results."""
    require(actor, "partyorg.elect", election.village_id)
    election = Election.objects.select_for_update().get(pk=election.pk)
    wanted = procedures.BY_NAME.get(step)
    if wanted is None:
        raise ValidationError(f"步骤“{step}”无效")
    if wanted.name == "elect":
        raise ValidationError("选举须同时登记选举结果")
    return _advance(actor, election, wanted, on)


def _advance(actor: Actor | None, election: Election, wanted: procedures.Step, on: date) -> Election:
    expected = procedures.NEXT.get(ElectionStep(election.step))
    if expected is None or expected.name != wanted.name:
        now = "已全部完成" if expected is None else f"下一步应为“{expected.title}”"
        raise ValidationError(f"换届进度为“{election.get_step_display()}”，{now}，不能办理“{wanted.title}”")
    earlier = [getattr(election, s.date_field) for s in procedures.STEPS if getattr(election, s.date_field)]
    before = Election.objects.filter(village_id=election.village_id, round__lt=election.round, elected_on__isnull=False)
    last_vote = before.order_by("-elected_on").values_list("elected_on", flat=True).first()
    floor = max([*earlier, *([last_vote] if last_vote else [])], default=None)
    day = _date(on, f"{wanted.title}日期", earliest=floor)
    step_before = election.step
    setattr(election, wanted.date_field, day)
    election.step = wanted.target
    election.save()
    audit_record(
        actor=actor,
        action="partyorg.election_step",
        entity=election,
        changes={"step": [step_before, election.step], wanted.date_field: [None, day]},
    )
    return election


@transaction.atomic
def election_cancel(*, actor: Actor | None, election: Election, reason: str) -> Election:
    """Withdraw an election not yet voted (started by mistake, or to be redone); its record stays, marked 已撤销."""
    require(actor, "partyorg.elect", election.village_id)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.step not in (ElectionStep.OPENED, ElectionStep.RECOMMENDED, ElectionStep.INSPECTED):
        raise ValidationError(f"换届{election.get_step_display()}，不能撤销")
    text = _text(reason, "撤销理由", 200)
    before = election.step
    election.step = ElectionStep.CANCELLED
    election.save(update_fields=["step"])
    audit_record(actor=actor, action="partyorg.election_cancel", entity=election,
                 changes={"step": [before, election.step], "reason": [None, text]})  # fmt: skip
    return election


@dataclass(frozen=True)
class ResultInput:
    person_id: int
    committee: str
    post: str


def _check_results(election: Election, results: list[ResultInput]) -> dict[int, VillageCadre]:
    """The elected, refused row by row when the results are impossible (see ``election_results``)."""
    people = VillageCadre.objects.in_bulk([r.person_id for r in results])
    seats_of = {Committee.BRANCH: election.branch_seats, Committee.VILLAGERS: election.villagers_seats}
    per_committee: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    seen: set[tuple[int, str]] = set()
    for i, r in enumerate(results, 1):
        person = people.get(r.person_id)
        if person is None:
            raise ValidationError(f"第 {i} 行：人员不存在")
        committee = Committee(str(_choice(r.committee, Committee, f"第 {i} 行组织")))
        if r.post not in POSTS[committee]:
            raise ValidationError(
                f"第 {i} 行：{committee.label}没有“{Post(r.post).label if r.post in Post.values else r.post}”职务"
            )
        if person.village_id != election.village_id:
            raise ValidationError(f"第 {i} 行：{person.name}不是本村人员，不能当选本村职务")
        if (person.pk, committee) in seen:
            raise ValidationError(f"第 {i} 行：{person.name}在{committee.label}中只能担任一个职务")
        seen.add((person.pk, committee))
        per_committee[committee] += 1
        heads[committee] += r.post == HEADS[committee]
    for key, count in per_committee.items():
        body = Committee(key)
        if heads[key] == 0:
            raise ValidationError(
                f"{body.label}未选出{Post(HEADS[body]).label}：换届须同时登记{Post(HEADS[body]).label}；"
                f"该组织未完成选举的，请先不登记其结果"
            )
        if count > seats_of[body]:
            raise ValidationError(f"{body.label}当选 {count} 人，超过职数 {seats_of[body]} 人")
        if heads[key] > 1:
            raise ValidationError(f"{body.label}只能有一名{Post(HEADS[body]).label}")
    elsewhere = (
        Seat.objects.filter(person_id__in=list(people), end__isnull=True)
        .exclude(village_id=election.village_id)
        .select_related("person")
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(f"{elsewhere.person.name}现任其他村（{elsewhere.village_id}）职务，不能同时在两个村任职")
    return people


@transaction.atomic
def election_results(*, actor: Actor | None, election: Election, on: date, results: list[ResultInput]) -> list[Seat]:
    """The 选举 step with its results: the open seats of each committee elected end on ``on`` and the elected take
    theirs (a committee absent from the results keeps its members). Refused, with nothing written, when the results
    are impossible: more people than seats, two heads of one committee, a person twice on one committee, a person
    of another village or holding a seat elsewhere, a date before the sitting members' or the last election's."""
    require(actor, "partyorg.elect", election.village_id)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if not results:
        raise ValidationError("请登记选举结果")
    wanted = procedures.BY_NAME["elect"]
    people = _check_results(election, results)
    committees = {r.committee for r in results}
    current = list(
        Seat.objects.select_for_update().filter(village_id=election.village_id, end__isnull=True,
                                                committee__in=committees)
    )  # fmt: skip
    previous = Election.objects.filter(village_id=election.village_id, elected_on__isnull=False).exclude(pk=election.pk)
    floor = max([s.start for s in current] + [e.elected_on for e in previous if e.elected_on], default=None)
    if floor is not None and on is not None and on < floor:
        raise ValidationError(f"选举日期不能早于 {floor:%Y-%m-%d}（现任成员任职或上届选举的日期）")
    election = _advance(actor, election, wanted, on)
    day = election.elected_on
    assert day is not None
    # the committees elected this time are renewed: their open seats end today; a committee absent from the results
    # keeps its members. Someone keeping the same post is re-elected (连任); a new post is new (新任).
    held = {(s.person_id, s.committee, s.post) for s in current}
    for s in current:
        s.end, s.end_reason = day, f"第{election.round}届换届"
    Seat.objects.bulk_update(current, ["end", "end_reason"])
    seats = [
        Seat(person_id=r.person_id, village_id=election.village_id, committee=r.committee, post=r.post, start=day,
             election=election, new=(r.person_id, r.committee, r.post) not in held)
        for r in results
    ]  # fmt: skip
    Seat.objects.bulk_create(seats)
    promoted = list(Reserve.objects.filter(person_id__in=list(people), promoted__isnull=True, removed__isnull=True))
    for reserve in promoted:
        reserve.promoted = day
    Reserve.objects.bulk_update(promoted, ["promoted"])
    changes = [Change("partyorg.seat_end", s, {"end": [None, day]}, s.village_id) for s in current]
    changes += [
        Change("partyorg.seat", s, {"person": [None, people[s.person_id].name], "post": [None, s.post],
                                    "committee": [None, s.committee], "new": [None, s.new]}, s.village_id)
        for s in seats
    ]  # fmt: skip
    changes += [Change("partyorg.reserve_promote", x, {"promoted": [None, day]}, x.village_id) for x in promoted]
    audit_record_many(actor=actor, changes=changes)
    return seats


@transaction.atomic
def seat_end(*, actor: Actor | None, seat: Seat, on: date, reason: str) -> Seat:
    """A member leaves office between elections (辞职、免职、去世…); the post is vacant until filled."""
    require(actor, "partyorg.manage", seat.village_id)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    if seat.end is not None:
        raise ValidationError("该职务已离任")
    seat.end = _date(on, "离任日期", earliest=seat.start)
    seat.end_reason = _text(reason, "离任原因", 100)
    seat.save(update_fields=["end", "end_reason"])
    audit_record(actor=actor, action="partyorg.seat_end", entity=seat, changes={"end": [None, seat.end]})
    return seat


def _secretary_seat(village_id: str, on: date | None = None) -> Seat | None:
    """The village's secretary's seat: open now, or (``on``) the one held that day."""
    qs = Seat.objects.select_related("person").filter(village_id=village_id, post=Post.SECRETARY)
    if on is None:
        return qs.filter(end__isnull=True).first()
    return qs.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gt=on)).first()


# —— the yearly review and adjustment (排查研判) ——


@transaction.atomic
def review_record(
    *, actor: Actor | None, village_code: str, year: Any, grade: str, township_rank: Any = None,
    township_size: Any = None, findings: str = "",
) -> Review:  # fmt: skip
    """The year's review of the village's secretary in post: the grade, the township's ranking, the findings."""
    area = _village(actor, "partyorg.review", village_code)
    y = _year(year)
    day = min(date(y, 12, 31), _today())
    seat = _secretary_seat(area.code, on=day)
    if seat is None:
        raise ValidationError(f"{day:%Y-%m-%d} 该村党组织书记空缺，没有可评议的书记")
    in_township = Area.objects.filter(parent_id=area.parent_id, level=codes.VILLAGE).count() or 999
    size = None if township_size in (None, "") else _int(township_size, "参评村数", 1, in_township)
    rank = None if township_rank in (None, "") else _int(township_rank, "乡镇排名", 1, size or 999)
    if (rank is None) != (size is None):
        raise ValidationError("乡镇排名和参评村数须同时填写")
    values = {"person_id": seat.person_id, "grade": _choice(grade, Grade, "评议等次"), "township_rank": rank,
              "township_size": size, "findings": _text(findings, "研判意见", 2000, required=False)}  # fmt: skip
    return _year_row_set(actor, "partyorg.review", Review, area, y, values=values, by_id=getattr(actor, "pk", None))


@transaction.atomic
def adjustment_propose(
    *, actor: Actor | None, village_code: str, year: Any, reason: str, evidence: str
) -> SecretaryAdjustment:
    """Propose replacing the village's secretary found 不胜任 / 不尽职 / 不合格; the township then the county decide."""
    area = _village(actor, "partyorg.review", village_code)
    seat = _secretary_seat(area.code)
    if seat is None:
        raise ValidationError("该村党组织书记空缺，无需调整")
    y = _year(year)
    if not Review.objects.filter(village=area, year=y, person_id=seat.person_id).exists():
        raise ValidationError(
            f"{seat.person.name}{y} 年尚未评议：调整建议须在年度评议（排查研判）后提出", extra={"field": "year"}
        )
    if SecretaryAdjustment.objects.filter(village=area, status__in=[AdjustStatus.PENDING_TOWNSHIP,
                                                                    AdjustStatus.PENDING_COUNTY]).exists():  # fmt: skip
        raise ValidationError("该村已有待审批的书记调整建议")
    item = SecretaryAdjustment.objects.create(
        village=area,
        year=y,
        person=seat.person,
        reason=_choice(reason, AdjustReason, "调整原因"),
        evidence=_text(evidence, "研判依据", 2000),
        proposed_by=_username(actor),
    )
    audit_record(actor=actor, action="partyorg.adjust_propose", entity=item, changes={"reason": [None, item.reason]})
    return item


def adjustment_stage_reason(actor: Actor | None, item: SecretaryAdjustment) -> str | None:
    """Why ``actor`` may not decide ``item`` at its stage now (township first, then the county); None if they may."""
    level = {AdjustStatus.PENDING_TOWNSHIP: codes.TOWNSHIP, AdjustStatus.PENDING_COUNTY: codes.COUNTY}.get(
        AdjustStatus(item.status)
    )
    if level is None:
        return f"该建议{item.get_status_display()}，不能再审批"
    if actor is None or actor.is_superuser:
        return None
    if actor.scope_level != level:
        return f"该建议{item.get_status_display()}，须由{codes.LEVEL_NAMES[level]}级组织部门办理"
    return None


@transaction.atomic
def adjustment_decide(
    *, actor: Actor | None, item: SecretaryAdjustment, approve: bool, note: str = "",
    replacement: Reserve | None = None, on: date | None = None,
) -> SecretaryAdjustment:  # fmt: skip
    """The township agrees (→ the county) or refuses; the county approves, naming the replacement from the village's
    reserve pool, who takes the secretary's seat on ``on`` as the old secretary leaves it, or refuses."""
    require(actor, "partyorg.adjust", item.village_id)
    item = SecretaryAdjustment.objects.select_for_update().get(pk=item.pk)
    reason = adjustment_stage_reason(actor, item)
    if reason is not None:
        raise PermissionDeniedError(reason)
    note = _text(note, "审批意见", 200, required=not approve)
    before = item.status
    if before == AdjustStatus.PENDING_TOWNSHIP:
        item.township_by, item.township_note = _username(actor), note
        item.status = AdjustStatus.PENDING_COUNTY if approve else AdjustStatus.REJECTED
    else:
        item.county_by, item.note = _username(actor), note
        if approve:
            _replace(actor, item, replacement, on)
        else:
            item.status = AdjustStatus.REJECTED
    item.save()
    changes: dict[str, list[Any]] = {"status": [before, item.status]}
    if note:
        changes["note"] = [None, note]
    if item.replacement_id:
        changes["replacement"] = [None, item.replacement.name if item.replacement else None]
    audit_record(actor=actor, action="partyorg.adjust_decide", entity=item, changes=changes)
    return item


def _replace(actor: Actor | None, item: SecretaryAdjustment, replacement: Reserve | None, on: date | None) -> None:
    if replacement is None:
        raise ValidationError("请从本村后备力量中选定接任人选")
    pick = Reserve.objects.select_for_update().select_related("person").filter(pk=replacement.pk).first()
    if pick is None or pick.village_id != item.village_id or pick.promoted or pick.removed:
        raise ValidationError("接任人选须为本村后备力量中的在库人员")
    seat = _secretary_seat(item.village_id)
    if seat is None or seat.person_id != item.person_id:
        raise ValidationError("被调整的书记已不在任，本建议不再适用")
    # not before the old secretary took office, the replacement joined the pool, or the year the review found it
    day = _date(on or _today(), "调整日期", earliest=max(seat.start, pick.added, date(item.year, 1, 1)))
    elsewhere = Seat.objects.filter(person=pick.person, end__isnull=True).exclude(village_id=item.village_id).exists()
    if elsewhere:
        raise ValidationError(f"{pick.person.name}现任其他村职务，不能接任")
    seat.end, seat.end_reason = day, f"调整：{AdjustReason(item.reason).label}"
    seat.save(update_fields=["end", "end_reason"])
    new = Seat.objects.create(person=pick.person, village_id=item.village_id, committee=Committee.BRANCH,
                              post=Post.SECRETARY, start=day, new=True)  # fmt: skip
    pick.promoted = day
    pick.save(update_fields=["promoted"])
    item.status, item.replacement, item.decided_on = AdjustStatus.APPROVED, pick.person, day
    audit_record_many(
        actor=actor,
        changes=[
            Change("partyorg.seat_end", seat, {"end": [None, day]}, seat.village_id),
            Change(
                "partyorg.seat", new, {"person": [None, pick.person.name], "post": [None, new.post]}, new.village_id
            ),
            Change("partyorg.reserve_promote", pick, {"promoted": [None, day]}, pick.village_id),
        ],
    )


# —— 软弱涣散: the year's list and each village's rectification ——


@dataclass
class IdentifyResult:
    year: int
    organizations: int = 0
    weak: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    by_criterion: Counter[str] = field(default_factory=Counter)


def weak_params(year: int) -> dict[str, Any]:
    return {
        "vacancy_days": int(param("weak_vacancy_days", year)),
        "no_member_years": int(param("weak_no_member_years", year)),
        "satisfaction_min": float(param("weak_satisfaction_min", year)),
    }


def weak_compute(tables: dict[str, pa.Table], year: int, engine: str = "duckdb") -> pa.Table:
    """The year's criteria hit over the given tables (the same rule on whichever engine), judged on the year's last
    day — or today, while the year runs (a vacancy is counted to now, never to a day still to come)."""
    from fupin.analytics import engines

    as_of = min(date(year, 12, 31), _today())
    with engines.load(tables, engine) as t:
        expr = rules.weak(t["orgs"], t["seats"], t["org_years"], t["reviews"], year=year, as_of=as_of,
                          **weak_params(year))  # fmt: skip
        return expr.to_pyarrow()


def criterion_label(criterion: str) -> str:
    return Criterion(criterion).label if criterion in Criterion.values else criterion


def reason_text(criterion: str, value: float | None) -> str:
    """A criterion hit, in Chinese with its value (the list and the case page show it)."""
    if criterion == Criterion.VACANCY:
        return "书记缺职（无任职记录）" if value is None else f"书记缺职 {int(value)} 天"
    if criterion == Criterion.NO_MEMBERS:
        return f"连续 {int(value or 0)} 年未发展党员"
    if criterion == Criterion.SATISFACTION:
        return f"群众满意度 {value:.1f}%"
    if criterion == Criterion.RANKING:
        return f"年度评议排名末位（第 {int(value or 0)} 名）且评价为“差”"
    return criterion_label(criterion)


def _kept(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons a re-run keeps: given by hand, or carried from last year's failed acceptance."""
    return [r for r in reasons if r.get("criterion") in KEPT_REASONS]


def _auto(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in reasons if r.get("criterion") not in KEPT_REASONS]


CLEARED_REASON = {"criterion": Criterion.CLEARED.value, "value": None, "text": Criterion.CLEARED.label}


@transaction.atomic
def weak_identify(*, actor: Actor | None, area_code: str, year: Any) -> IdentifyResult:
    """The year's 软弱涣散 identification over the area: every organization judged by the criteria, a
    rectification case opened for each village hit and classified 软弱涣散村 for the year. A re-run refreshes the
    reasons of the cases still in rectification: a village no longer hit (the data corrected) leaves the list —
    its case and classification removed, audited — unless people gave it a reason of their own or already planned
    its rectification (then it stays, marked 复查已不符合认定标准, to be closed by the acceptance). Accepted cases
    keep their result."""
    area_code = codes.normalize(area_code)
    require(actor, "partyorg.identify", area_code)
    y = _year(year)
    progress.report("读取村党组织数据", 0, 3)
    tables = weak_tables(area_code, y, weak_params(y)["no_member_years"])
    progress.report("按认定标准排查", 1, 3)
    hits = weak_compute(tables, y)
    reasons: dict[str, list[dict[str, Any]]] = {}
    result = IdentifyResult(year=y, organizations=tables["orgs"].num_rows)
    for village, criterion, value in zip(*(hits.column(n).to_pylist() for n in rules.OUTPUT), strict=True):
        reasons.setdefault(village, []).append({"criterion": criterion, "value": value,
                                                "text": reason_text(criterion, value)})  # fmt: skip
        result.by_criterion[criterion] += 1
    progress.report("生成整顿台账", 2, 3)
    lo, hi = codes.code_range(area_code)
    existing = {c.village_id: c for c in WeakCase.objects.filter(village_id__gte=lo, village_id__lte=hi, year=y)}
    add, update, drop, changes = [], [], [], []
    for village in sorted(set(reasons) | set(existing)):
        found = sorted(reasons.get(village, []), key=lambda r: str(r["criterion"]))
        case = existing.get(village)
        if case is None:
            add.append(WeakCase(village_id=village, year=y, reasons=found))
            continue
        if case.status != CaseStatus.RECTIFYING or _auto(case.reasons) == found:
            continue
        kept = _kept(case.reasons)
        if not found and not kept and not case.measures and not case.progress:
            drop.append(case)
            changes.append(Change("partyorg.weak_unlisted", case, {"reasons": [case.reasons, None]}, village))
            continue
        stored = kept + (found or ([] if kept else [CLEARED_REASON]))
        changes.append(Change("partyorg.weak_listed", case, {"reasons": [case.reasons, stored]}, village))
        case.reasons = stored
        update.append(case)
    WeakCase.objects.bulk_create(add, batch_size=2000)
    WeakCase.objects.bulk_update(update, ["reasons"], batch_size=2000)
    WeakCase.objects.filter(pk__in=[c.pk for c in drop]).delete()
    changes += [Change("partyorg.weak_listed", c, {"reasons": [None, c.reasons]}, c.village_id) for c in add]
    run = IdentifyRun.objects.create(area_code=area_code, year=y, organizations=result.organizations,
                                     weak=len(reasons), by_id=getattr(actor, "pk", None))  # fmt: skip
    changes.append(Change("partyorg.weak_identify", run, {"year": [None, y], "weak": [None, len(reasons)]},
                          area_code))  # fmt: skip
    audit_record_many(actor=actor, changes=changes)
    area_classifications_follow(actor=actor, area_codes=sorted(reasons), year=y, kind=Classification.WEAK_VILLAGE,
                                present=True, note="软弱涣散村党组织排查认定")  # fmt: skip
    area_classifications_follow(actor=actor, area_codes=[c.village_id for c in drop], year=y,
                                kind=Classification.WEAK_VILLAGE, present=False)  # fmt: skip
    result.weak, result.added, result.updated, result.removed = len(reasons), len(add), len(update), len(drop)
    progress.report("完成", 3, 3)
    return result


def carry_failed(*, actor: Actor | None, villages: list[str], year: int) -> int:
    """Villages whose rectification of ``year`` failed stay on the next year's list: their next-year case opened (or
    the reason added) and the village classified 软弱涣散 for it. The caller has checked its permission."""
    nxt = year + 1
    entry = {"criterion": Criterion.CARRIED.value, "value": None, "text": f"{year} 年整顿验收不合格"}
    cases = {c.village_id: c for c in WeakCase.objects.filter(village_id__in=villages, year=nxt)}
    add, update, changes = [], [], []
    for village in sorted(set(villages)):
        case = cases.get(village)
        if case is None:
            add.append(WeakCase(village_id=village, year=nxt, reasons=[entry]))
        elif case.status == CaseStatus.RECTIFYING and entry not in case.reasons:
            case.reasons = [*case.reasons, entry]
            update.append(case)
            changes.append(Change("partyorg.weak_listed", case, {"reasons": [None, entry["text"]]}, village))
    WeakCase.objects.bulk_create(add, batch_size=2000)
    WeakCase.objects.bulk_update(update, ["reasons"], batch_size=2000)
    changes += [Change("partyorg.weak_listed", c, {"reasons": [None, entry["text"]]}, c.village_id) for c in add]
    audit_record_many(actor=actor, changes=changes)
    area_classifications_follow(actor=actor, area_codes=villages, year=nxt, kind=Classification.WEAK_VILLAGE,
                                present=True, note=f"{year} 年软弱涣散村整顿验收不合格")  # fmt: skip
    return len(add) + len(update)


@transaction.atomic
def weak_add(*, actor: Actor | None, village_code: str, year: Any, reason: str) -> WeakCase:
    """List a village by hand for a criterion the system does not evaluate (e.g. 宗族宗教势力干扰), with the reason."""
    area = _village(actor, "partyorg.identify", village_code)
    y = _year(year)
    entry = {"criterion": Criterion.MANUAL.value, "value": None, "text": _text(reason, "认定理由", 200)}
    case = WeakCase.objects.select_for_update().filter(village=area, year=y).first()
    if case is None:
        case = WeakCase.objects.create(village=area, year=y, reasons=[entry])
    elif case.status != CaseStatus.RECTIFYING:
        raise ValidationError("该村本年度整顿已验收，不能再增加认定情形")
    else:
        case.reasons = [*(r for r in case.reasons if r.get("criterion") != Criterion.CLEARED), entry]
        case.save(update_fields=["reasons"])
    audit_record(actor=actor, action="partyorg.weak_listed", entity=case, changes={"reasons": [None, entry["text"]]})
    area_classifications_follow(actor=actor, area_codes=[area.code], year=y, kind=Classification.WEAK_VILLAGE,
                                present=True, note="软弱涣散村党组织排查认定")  # fmt: skip
    return case


@transaction.atomic
def case_plan(
    *, actor: Actor | None, case: WeakCase, measures: str, leader: str, first_secretary_part: str, deadline: date | None
) -> WeakCase:
    """The rectification plan (一村一策): measures, the responsible leader, the first secretary's part, the deadline."""
    require(actor, "partyorg.rectify", case.village_id)
    case = WeakCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(f"该村整顿{case.get_status_display()}，不能再修改")
    if deadline is None:
        raise ValidationError("请填写整顿时限")
    if deadline < date(case.year, 1, 1):
        raise ValidationError("整顿时限不能早于认定年度")
    values = {"measures": _text(measures, "整顿措施", 4000), "leader": _text(leader, "联系领导", 60),
              "first_secretary_part": _text(first_secretary_part, "第一书记职责", 2000, required=False),
              "deadline": deadline}  # fmt: skip
    delta = {k: [getattr(case, k), v] for k, v in values.items() if getattr(case, k) != v}
    for k, v in values.items():
        setattr(case, k, v)
    case.save()
    if delta:
        audit_record(actor=actor, action="partyorg.case_plan", entity=case, changes=delta)
    return case


@transaction.atomic
def case_progress(*, actor: Actor | None, case: WeakCase, note: str, on: date) -> WeakCase:
    require(actor, "partyorg.rectify", case.village_id)
    case = WeakCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(f"该村整顿{case.get_status_display()}，不能再登记进展")
    day = _date(on, "进展日期", earliest=date(case.year, 1, 1))
    entry = {"date": day.isoformat(), "note": _text(note, "整顿进展", 500), "by": _username(actor)}
    case.progress = [*case.progress, entry]
    case.save(update_fields=["progress"])
    audit_record(actor=actor, action="partyorg.case_progress", entity=case, changes={"progress": [None, entry["note"]]})
    return case


def acceptance_table(cases: pa.Table, year: int) -> pa.Table:
    """The acceptance rule (``analytics.partyorg.acceptance``) over cases (village_code, year, score, surveyed,
    dissatisfied) with the year's pass mark and survey threshold: village_code, low_score, too_dissatisfied, passed."""
    score_min = float(param("weak_accept_score_min", year))
    share = float(param("weak_accept_dissatisfied_max", year))
    from fupin.analytics import engines

    table = pa.table([cases.column(f.name).cast(f.type) for f in rules.CASES], schema=rules.CASES)
    with engines.load({"cases": table}, "duckdb") as t:
        return rules.acceptance(t["cases"], score_min=score_min, dissatisfied_max=share).to_pyarrow()


def acceptance_judge(score: Decimal, surveyed: int, dissatisfied: int, year: int) -> tuple[bool, list[str]]:
    """One case's pass or fail by the rule, and the reasons of a failure in Chinese."""
    row = pa.table({"village_code": ["v"], "year": [year], "score": [float(score)], "surveyed": [surveyed],
                    "dissatisfied": [dissatisfied]})  # fmt: skip
    got = acceptance_table(row, year).to_pylist()[0]
    reasons = []
    if got["low_score"]:
        reasons.append(f"验收得分 {score} 分，低于 {float(param('weak_accept_score_min', year)):g} 分")
    if got["too_dissatisfied"]:
        share = float(param("weak_accept_dissatisfied_max", year))
        reasons.append(f"群众测评不满意 {dissatisfied}/{surveyed} 人，超过 {share:.0%}")
    return bool(got["passed"]), reasons


@transaction.atomic
def case_accept(
    *, actor: Actor | None, case: WeakCase, score: Any, surveyed: Any, dissatisfied: Any, on: date
) -> WeakCase:
    """The acceptance (验收): a score and the villagers' survey judged by the rule; a failed village stays
    软弱涣散 the next year (classified so), a passed one leaves the list."""
    require(actor, "partyorg.accept", case.village_id)
    case = WeakCase.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.RECTIFYING:
        raise ValidationError(f"该村整顿{case.get_status_display()}，不能重复验收")
    if not case.measures:
        raise ValidationError("该村尚未制定整顿方案，不能验收")
    points = _decimal(score, "验收得分", Decimal(0), Decimal(100)).quantize(Decimal("0.1"))
    asked = _int(surveyed, "测评人数", 1, 9999)
    unhappy = _int(dissatisfied, "不满意人数", 0, asked)
    last = max((date.fromisoformat(p["date"]) for p in case.progress), default=date(case.year, 1, 1))
    day = _date(on, "验收日期", earliest=max(last, date(case.year, 1, 1)))
    passed, _ = acceptance_judge(points, asked, unhappy, case.year)
    before = case.status
    case.status = CaseStatus.PASSED if passed else CaseStatus.FAILED
    case.score, case.surveyed, case.dissatisfied, case.accepted_on = points, asked, unhappy, day
    case.save()
    audit_record(actor=actor, action="partyorg.case_accept", entity=case,
                 changes={"status": [before, case.status], "score": [None, points],
                          "dissatisfied": [None, f"{unhappy}/{asked}"]})  # fmt: skip
    if not passed:  # a pass clears nothing: next year's list is the next identification's
        carry_failed(actor=actor, villages=[case.village_id], year=case.year)
    return case


# —— 遍访 and 基层保障 ——


@dataclass(frozen=True)
class VisitInput:
    date: date | None
    visitor: str
    visitor_title: str
    committees: str
    team: str
    three_people: str


@transaction.atomic
def visit_record(*, actor: Actor | None, village_code: str, data: VisitInput) -> Visit:
    """An organization department leader's visit, with the analysis of 两委一队三个人."""
    area = _village(actor, "partyorg.visit", village_code)
    values = {
        "date": _date(data.date, "走访日期"),
        "visitor": _text(data.visitor, "走访领导", 60),
        "visitor_title": _text(data.visitor_title, "职务", 60),
        "committees": _text(data.committees, "村两委班子分析", 2000),
        "team": _text(data.team, "驻村工作队分析", 2000),
        "three_people": _text(data.three_people, "书记、主任、第一书记分析", 2000),
    }
    item = Visit.objects.create(village=area, by_id=getattr(actor, "pk", None), **values)
    audit_record(actor=actor, action="partyorg.visit", entity=item,
                 changes={"visitor": [None, values["visitor"]], "date": [None, values["date"]]})  # fmt: skip
    return item


@transaction.atomic
def guarantee_set(
    *, actor: Actor | None, village_code: str, year: Any, secretary_pay: Any, pay_paid: bool, office_funds: Any,
    funds_paid: bool,
) -> Guarantee:  # fmt: skip
    area = _village(actor, "partyorg.guarantee", village_code)
    y = _year(year)
    values = {
        "secretary_pay": _decimal(secretary_pay, "书记报酬", Decimal(0), Decimal(1_000_000)).quantize(Decimal("0.01")),
        "pay_paid": bool(pay_paid),
        "office_funds": _decimal(office_funds, "办公经费", Decimal(0), Decimal(1000)).quantize(Decimal("0.01")),
        "funds_paid": bool(funds_paid),
    }
    return _year_row_set(actor, "partyorg.guarantee", Guarantee, area, y, values=values)
