"""Registry writes. Bulk loads are audited per batch (source, hash, counts); edits per row (old→new)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction

from fupin.areas.models import Area
from fupin.audit.services import audit_record
from fupin.core import codes
from fupin.core.actors import Actor
from fupin.core.bulk import bulk_insert
from fupin.core.errors import ValidationError
from fupin.core.permissions import require
from fupin.lib.idnumbers import IdNumberError, parse

from .history import household_audit, household_refresh, id_taken_message
from .importspec import MEMBER_FIELDS
from .models import (
    Attribute,
    Cause,
    Household,
    HouseholdYear,
    Member,
    Procedure,
    ProcedureStep,
    Relation,
    Status,
)
from .procedures import procedure_open, procedure_step_record


@dataclass
class BulkResult:
    households: int = 0
    members: int = 0
    years: int = 0


@transaction.atomic
def _arrow(rows: Any) -> pa.Table:
    return rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(list(rows))


@transaction.atomic
def registry_bulk_load(
    *,
    actor: Actor | None,
    area_code: str,
    households: Any,
    members: Any,
    years: Any,
    source: str,
    validate_ids: bool = True,
) -> BulkResult:
    """Insert a whole batch (e.g. one county of the synthetic province) in one transaction, or nothing.

    ``households``, ``members`` and ``years`` are Arrow tables (or iterables of dicts) in the synthetic layout.
    Column-wise, and PostgreSQL gets COPY: a province's 6 million people load in minutes, not hours. Households
    already present (by household number) are refused: a bulk load is for an empty area; the import command of
    the registry issue handles updates row by row.
    """
    require(actor, "registry.import", area_code)
    lo, hi = codes.code_range(area_code)
    hh, mm, yy = _arrow(households), _arrow(members), _arrow(years)
    if hh.num_rows == 0:
        return BulkResult(0, 0, 0)
    numbers = hh.column("household_id").cast(pa.string())
    if Household.objects.filter(household_no__in=numbers.slice(0, 1000).to_pylist()).exists():
        raise ValidationError(f"区划 {area_code} 已有建档立卡数据，批量载入只用于空白区域")
    village = hh.column("village_code").cast(pa.string())
    outside = pc.invert(pc.and_(pc.greater_equal(village, lo), pc.less_equal(village, hi)))
    if pc.any(outside).as_py():
        i = pc.index(outside, True).as_py()
        raise ValidationError(f"户 {numbers[i]} 的村 {village[i]} 不在 {area_code} 范围内")
    member_hh = mm.column("household_id").cast(pa.string())
    is_head = pc.equal(mm.column("relation"), "户主")
    heads = dict(zip(pc.filter(member_hh, is_head).to_pylist(), pc.filter(mm.column("name"), is_head).to_pylist(),
                     strict=True))  # fmt: skip
    exit_year = hh.column("exit_year").cast(pa.int64())
    exit_year = pc.if_else(pc.equal(exit_year, 0), pa.scalar(None, pa.int64()), exit_year)
    n = hh.num_rows
    bulk_insert(
        Household,
        pa.table({
            "household_no": numbers, "village_id": village, "attribute": hh.column("attribute"),
            "main_cause": hh.column("main_cause"),
            "status": pc.if_else(pc.is_valid(exit_year), Status.EXITED.value, Status.POOR.value),
            "identified_year": hh.column("identified_year").cast(pa.int64()), "exit_year": exit_year,
            "head_name": pa.array([heads.get(h, "") for h in numbers.to_pylist()], pa.string()),
            "size": hh.column("size").cast(pa.int64()), "group_name": pa.array([""] * n, pa.string()),
            "phone": pa.array([""] * n, pa.string()), "helper_id": pa.nulls(n, pa.int64()),
            "monitoring_group": pa.array([""] * n, pa.string()),
        }),
    )  # fmt: skip
    ids = dict(Household.objects.filter(household_no__in=numbers.to_pylist()).values_list("household_no", "id"))
    village_of = dict(zip(numbers.to_pylist(), village.to_pylist(), strict=True))

    def keys(column: pa.Array) -> tuple[pa.Array, pa.Array]:
        nos = column.to_pylist()
        return pa.array([ids[h] for h in nos], pa.int64()), pa.array([village_of[h] for h in nos], pa.string())

    id_numbers = mm.column("person_id").cast(pa.string())
    if validate_ids:
        checked = []
        for row, number in enumerate(id_numbers.to_pylist()):
            try:
                checked.append(parse(number).number)
            except IdNumberError as exc:
                raise ValidationError(f"户 {member_hh[row]} 成员 {mm.column('name')[row]}：{exc}") from exc
        id_numbers = pa.array(checked, pa.string())
    m_hh, m_village = keys(member_hh)
    bool_col = lambda t, name: pc.fill_null(_optional(t, name, pa.bool_()), False)  # noqa: E731
    bulk_insert(
        Member,
        pa.table({
            "id_number": id_numbers, "household_id": m_hh, "village_id": m_village, "name": mm.column("name"),
            "sex": mm.column("sex"), "birth_date": mm.column("birth_date").cast(pa.date32()),
            "relation": mm.column("relation"), "education": mm.column("education"),
            "student": bool_col(mm, "student"), "health": mm.column("health"), "labour": mm.column("labour"),
            "school_stage": _text(mm, "school_stage"), "home_schooled": bool_col(mm, "home_schooled"),
            "disability": pa.array([""] * mm.num_rows, pa.string()),
            "migrant_months": pc.fill_null(mm.column("migrant_months").cast(pa.int64()), 0),
            "medical_insurance": bool_col(mm, "medical_insurance"),
            "critical_illness_insurance": bool_col(mm, "critical_illness_insurance"),
        }),
    )  # fmt: skip
    y_hh, y_village = keys(yy.column("household_id").cast(pa.string()))
    money = lambda name: pc.round(yy.column(name).cast(pa.float64()), 2)  # noqa: E731
    bulk_insert(
        HouseholdYear,
        pa.table({
            "household_id": y_hh, "village_id": y_village, "year": yy.column("year").cast(pa.int64()),
            "poor": bool_col(yy, "poor"), "income_per_capita": money("income_per_capita"),
            "wage_income": money("wage_income"), "production_income": money("production_income"),
            "property_income": money("property_income"), "transfer_income": money("transfer_income"),
            **{k: bool_col(yy, k) for k in ("food_ok", "clothing_ok", "education_ok", "medical_ok", "relocated",
                                            "water_ok", "water_short_area")},
            **{k: _optional(yy, k, pa.int64()) for k in ("water_litres", "water_minutes", "water_cut_days")},
            "water_quality_ok": _optional(yy, "water_quality_ok", pa.bool_()),
            "housing_grade": yy.column("housing_grade"),
            "production_costs": pa.array([0.0] * yy.num_rows, pa.float64()),
        }),
    )  # fmt: skip
    result = BulkResult(n, mm.num_rows, yy.num_rows)
    audit_record(
        actor=actor,
        action="registry.bulk_load",
        entity=None,
        entity_type="registry.batch",
        entity_id=source[:64],
        area_code=codes.normalize(area_code),
        changes={"households": [0, result.households], "members": [0, result.members], "years": [0, result.years]},
    )
    return result


def _text(t: pa.Table, name: str) -> pa.Array:
    """A text column of a bulk batch, empty where the batch has no such column or a null."""
    if name not in t.column_names:
        return pa.array([""] * t.num_rows, pa.string())
    return pc.fill_null(t.column(name).cast(pa.string()), "")


def _optional(t: pa.Table, name: str, typ: pa.DataType) -> pa.Array:
    """A nullable column of a bulk batch: nulls where the batch has no such column."""
    return t.column(name).cast(typ) if name in t.column_names else pa.nulls(t.num_rows, typ)


# ---------------------------------------------------------------------------------------------------------------
# Row services: one household or member at a time, each change audited old→new on the household.

HOUSEHOLD_EDITABLE = ("attribute", "main_cause", "group_name", "phone", "helper_id")
MEMBER_EDITABLE = (*MEMBER_FIELDS, "deceased_on")


def _check_member_values(values: dict[str, Any]) -> None:
    if "name" in values and not str(values["name"]).strip():
        raise ValidationError("姓名不能为空", extra={"field": "name"})
    if "relation" in values and values["relation"] not in Relation.values:
        raise ValidationError(f"与户主关系“{values['relation']}”不在可选范围内", extra={"field": "relation"})
    months = values.get("migrant_months")
    if months is not None and not 0 <= int(months) <= 12:
        raise ValidationError(f"务工时间应为 0–12 个月，填写的是 {months}", extra={"field": "migrant_months"})


def _next_household_no(village_code: str) -> str:
    last = (
        Household.objects.filter(household_no__startswith=village_code)
        .order_by("-household_no")
        .values_list("household_no", flat=True)
        .first()
    )
    serial = int(last[len(village_code) :] or 0) + 1 if last and last[len(village_code) :].isdigit() else 1
    return f"{village_code}{serial:05d}"


@transaction.atomic
def household_apply(
    *,
    actor: Actor | None,
    village_code: str,
    head_name: str,
    head_id_number: str,
    attribute: str,
    main_cause: str,
    on: Any,
    signer: str,
    group_name: str = "",
    phone: str = "",
) -> Household:
    """A household applies to be identified: a 识别中 household with its head, and the identification procedure
    opened with its first step (户主申请) recorded."""
    require(actor, "registry.edit", village_code)
    village = Area.objects.filter(code=codes.normalize(village_code), level=codes.VILLAGE).first()
    if village is None:
        raise ValidationError(f"{village_code} 不是村级区划代码", extra={"field": "village"})
    if attribute not in Attribute.values:
        raise ValidationError(f"贫困户属性“{attribute}”不在可选范围内", extra={"field": "attribute"})
    if main_cause not in Cause.values:
        raise ValidationError(f"主要致贫原因“{main_cause}”不在可选范围内", extra={"field": "main_cause"})
    if not head_name.strip():
        raise ValidationError("户主姓名不能为空", extra={"field": "head_name"})
    try:
        ident = parse(head_id_number)
    except IdNumberError as exc:
        raise ValidationError(str(exc), extra={"field": "head_id_number"}) from exc
    taken = Member.objects.select_related("household").filter(id_number=ident.number).first()
    if taken is not None:
        raise ValidationError(id_taken_message(actor, taken.household.household_no), extra={"field": "head_id_number"})
    household = Household.objects.create(
        household_no=_next_household_no(village.code),
        village=village,
        attribute=attribute,
        main_cause=main_cause,
        status=Status.CANDIDATE,
        identified_year=on.year,
        head_name=head_name.strip(),
        size=1,
        group_name=group_name.strip(),
        phone=phone.strip(),
    )
    Member.objects.create(
        id_number=ident.number,
        household=household,
        village=village,
        name=head_name.strip(),
        sex=ident.sex,
        birth_date=ident.birth_date,
        relation="户主",
    )
    household_audit(
        actor,
        household,
        "registry.household_apply",
        {"household_no": [None, household.household_no], "head": [None, head_name.strip()]},
    )
    procedure = procedure_open(actor=actor, household=household, kind="identification", on=on)
    procedure_step_record(actor=actor, procedure=procedure, step="apply", on=on, signer=signer)
    household.refresh_from_db()
    return household


@transaction.atomic
def household_update(*, actor: Actor | None, household: Household, **values: Any) -> Household:
    require(actor, "registry.edit", household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    unknown = set(values) - set(HOUSEHOLD_EDITABLE)
    if unknown:
        raise ValidationError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    if "attribute" in values and values["attribute"] not in Attribute.values:
        raise ValidationError(f"贫困户属性“{values['attribute']}”不在可选范围内", extra={"field": "attribute"})
    if "main_cause" in values and values["main_cause"] not in Cause.values:
        raise ValidationError(f"主要致贫原因“{values['main_cause']}”不在可选范围内", extra={"field": "main_cause"})
    changes = {}
    for name, value in values.items():
        if getattr(household, name) != value:
            changes[name] = [getattr(household, name), value]
            setattr(household, name, value)
    if changes:
        household.save(update_fields=list(changes))
        household_audit(actor, household, "registry.household_update", changes)
    return household


@transaction.atomic
def member_add(*, actor: Actor | None, household: Household, id_number: str, **values: Any) -> Member:
    require(actor, "registry.edit", household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == Status.CANCELLED:
        raise ValidationError("已注销的户不能添加成员")
    try:
        ident = parse(id_number)
    except IdNumberError as exc:
        raise ValidationError(str(exc), extra={"field": "id_number"}) from exc
    taken = Member.objects.select_related("household").filter(id_number=ident.number).first()
    if taken is not None:
        raise ValidationError(id_taken_message(actor, taken.household.household_no), extra={"field": "id_number"})
    unknown = set(values) - set(MEMBER_EDITABLE)
    if unknown:
        raise ValidationError(f"不能在此填写：{'、'.join(sorted(unknown))}")
    values.setdefault("relation", "其他")
    _check_member_values(values)
    if values["relation"] == "户主" and household.members.filter(relation="户主").exists():
        raise ValidationError("该户已有户主", extra={"field": "relation"})
    member = Member.objects.create(
        household=household,
        village_id=household.village_id,
        id_number=ident.number,
        sex=ident.sex,
        birth_date=ident.birth_date,
        **values,
    )
    old_size = household.size
    household_refresh(household)
    household_audit(
        actor,
        household,
        "registry.member_add",
        {f"成员 {member.name}": [None, values["relation"]], "size": [old_size, household.size]},
    )
    return member


@transaction.atomic
def member_update(*, actor: Actor | None, member: Member, **values: Any) -> Member:
    require(actor, "registry.edit", member.village_id)
    member = Member.objects.select_for_update().get(pk=member.pk)
    unknown = set(values) - set(MEMBER_EDITABLE)
    if unknown:
        raise ValidationError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    _check_member_values(values)
    if (
        values.get("relation") == "户主"
        and member.relation != "户主"
        and Member.objects.filter(household_id=member.household_id, relation="户主").exists()
    ):
        raise ValidationError("该户已有户主；请先把原户主改为其他关系", extra={"field": "relation"})
    changes = {}
    for name, value in values.items():
        if getattr(member, name) != value:
            label = getattr(Member._meta.get_field(name), "verbose_name", name)
            changes[f"成员 {member.name}·{label}"] = [getattr(member, name), value]
            setattr(member, name, value)
    if changes:
        member.save(update_fields=list(values))
        household = Household.objects.select_for_update().get(pk=member.household_id)
        household_refresh(household)
        household_audit(actor, household, "registry.member_update", changes)
    return member


def _move_rows(household: Household, village_code: str) -> None:
    Member.objects.filter(household=household).update(village_id=village_code)
    HouseholdYear.objects.filter(household=household).update(village_id=village_code)
    Procedure.objects.filter(household=household).update(village_id=village_code)
    ProcedureStep.objects.filter(procedure__household=household).update(village_id=village_code)


@transaction.atomic
def household_transfer(*, actor: Actor | None, household: Household, to_village: str, reason: str) -> Household:
    """Move a household (with its members, years and procedures) to another village; both must be writable."""
    require(actor, "registry.edit", household.village_id)
    require(actor, "registry.edit", to_village)
    if not reason.strip():
        raise ValidationError("迁移须写明原因", extra={"field": "reason"})
    target = Area.objects.filter(code=codes.normalize(to_village), level=codes.VILLAGE).first()
    if target is None:
        raise ValidationError(f"{to_village} 不是村级区划代码", extra={"field": "to_village"})
    household = Household.objects.select_for_update().get(pk=household.pk)
    if target.code == household.village_id:
        raise ValidationError("迁入村与现所在村相同", extra={"field": "to_village"})
    old = household.village_id
    household.village = target
    household.save(update_fields=["village"])
    _move_rows(household, target.code)
    household_audit(
        actor, household, "registry.household_transfer", {"village": [old, target.code], "reason": [None, reason]}
    )
    # the receiving village sees the move in its own audit trail too
    audit_record(
        actor=actor,
        action="registry.household_transfer_in",
        entity=None,
        entity_type="registry.household",
        entity_id=household.household_no,
        area_code=target.code,
        changes={"village": [old, target.code], "reason": [None, reason]},
    )
    return household


@transaction.atomic
def member_move(*, actor: Actor | None, member: Member, to_household: Household, relation: str, reason: str) -> Member:
    """Move one person to another household (marriage, adoption, a split hukou)."""
    require(actor, "registry.edit", member.village_id)
    require(actor, "registry.edit", to_household.village_id)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.household_id == to_household.pk:
        raise ValidationError("迁入户与现所属户相同")
    if member.relation == "户主" and Member.objects.filter(household_id=member.household_id).count() > 1:
        raise ValidationError("户主迁出前须先为原户指定新户主", extra={"field": "relation"})
    if not reason.strip():
        raise ValidationError("迁移须写明原因", extra={"field": "reason"})
    _check_member_values({"relation": relation})
    if relation == "户主" and to_household.members.filter(relation="户主").exists():
        raise ValidationError("迁入户已有户主", extra={"field": "relation"})
    source = Household.objects.select_for_update().get(pk=member.household_id)
    target = Household.objects.select_for_update().get(pk=to_household.pk)
    old_relation = member.relation
    member.household, member.village_id, member.relation = target, target.village_id, relation
    member.save(update_fields=["household", "village", "relation"])
    household_refresh(source)
    household_refresh(target)
    change: dict[str, list[Any]] = {
        f"成员 {member.name}": [f"{source.household_no}·{old_relation}", f"{target.household_no}·{relation}"]
    }
    change["reason"] = [None, reason]
    household_audit(actor, source, "registry.member_move_out", change)
    household_audit(actor, target, "registry.member_move_in", change)
    return member


@transaction.atomic
def household_split(
    *, actor: Actor | None, household: Household, member_ids: list[int], new_head_id: int, reason: str
) -> Household:
    """分户: some members leave to form a new household in the same village with the same attributes."""
    require(actor, "registry.edit", household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    members = list(Member.objects.select_for_update().filter(household=household, pk__in=member_ids))
    if not members or len(members) != len(set(member_ids)):
        raise ValidationError("请选择本户的成员分出")
    if new_head_id not in {m.pk for m in members}:
        raise ValidationError("新户户主须是分出的成员之一")
    remaining = household.members.exclude(pk__in=member_ids)
    if not remaining.exists():
        raise ValidationError("不能分出全部成员；整户迁移请用迁移功能")
    if any(m.relation == "户主" for m in members):
        raise ValidationError("原户户主不能分出；请先为原户指定新户主")
    if not reason.strip():
        raise ValidationError("分户须写明原因", extra={"field": "reason"})
    new = Household.objects.create(
        household_no=_next_household_no(household.village_id),
        village_id=household.village_id,
        attribute=household.attribute,
        main_cause=household.main_cause,
        status=household.status,
        identified_year=household.identified_year,
        exit_year=household.exit_year,
        group_name=household.group_name,
        helper_id=household.helper_id,
    )
    for m in members:
        m.household, m.relation = new, "户主" if m.pk == new_head_id else m.relation
        m.save(update_fields=["household", "relation"])
    household_refresh(household)
    household_refresh(new)
    names = "、".join(m.name for m in members)
    change: dict[str, list[Any]] = {
        "split": [household.household_no, new.household_no],
        "members": [None, names],
        "reason": [None, reason],
    }
    household_audit(actor, household, "registry.household_split", change)
    household_audit(actor, new, "registry.household_split", change)
    return new
