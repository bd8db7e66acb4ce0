"""Yearly records (年度动态调整) of one household: the service the web form calls, and the rules it shares with the
yearly import (:mod:`fupin.registry.yearimport`).

Household facts (incomes, 两不愁三保障 judgements, housing, water) are kept per year in ``HouseholdYear``; member
facts (schooling, health, disability, insurance) are the member's current facts and update the member. The per
capita net income is computed from the income sources and the household's living members, never typed: a typed
value is only checked against the computed one.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from fupin.core.actors import Actor
from fupin.core.errors import ValidationError
from fupin.core.permissions import require

from .choices import SchoolStage
from .history import household_audit
from .importspec import HEALTH
from .models import Household, HouseholdYear, Member
from .yearspec import FLAG_FIELDS, GRADES, MEMBER_YEAR_FIELDS, MONEY_FIELDS, MONEY_MAX, WATER_INTS, YEAR_FIELDS

CENT = Decimal("0.01")
FIRST_YEAR = 2013
TOLERANCE = Decimal("0.01")
YEAR_LABELS = {
    name: str(getattr(HouseholdYear._meta.get_field(name), "verbose_name", name)) for name in (*YEAR_FIELDS, "year")
}
YEAR_LABELS["income_per_capita_given"] = "人均纯收入"
YEAR_LABELS["income_per_capita"] = "人均纯收入"
YEAR_LABELS["poor"] = "年末未脱贫"


def per_capita_income(  # noqa: PLR0917 - the income sources in the order of the statistical definition
    wage: Decimal, production: Decimal, costs: Decimal, property: Decimal, transfer: Decimal, size: int
) -> Decimal:
    """(工资性 + 生产经营性 − 生产经营费用 + 财产性 + 转移性收入) ÷ 家庭人口, to the cent (half up)."""
    if size <= 0:
        raise ValueError("size must be positive")
    total = Decimal(wage) + Decimal(production) - Decimal(costs) + Decimal(property) + Decimal(transfer)
    return (total / Decimal(size)).quantize(CENT, rounding=ROUND_HALF_UP)


def per_capita_of(values: dict[str, Any], size: int) -> Decimal:
    """``per_capita_income`` of a record's income fields (MONEY_FIELDS, in the definition's order)."""
    wage, production, costs, prop, transfer = (values[name] for name in MONEY_FIELDS)
    return per_capita_income(wage, production, costs, prop, transfer, size)


def poor_in(exit_year: int | None, year: int) -> bool:
    """年末未脱贫: the household had not exited by the end of ``year``."""
    return exit_year is None or year < exit_year


def year_bounds(identified_year: int, today: date | None = None) -> tuple[int, int]:
    """The years a household's yearly record may be for: from the year before identification (the baseline the
    identification used), never before 2013, up to the current year."""
    return max(FIRST_YEAR, identified_year - 1), (today or date.today()).year  # noqa: DTZ011 - calendar year


def income_mismatch(given: Decimal, computed: Decimal) -> str:
    return f"填写的人均纯收入 {given} 元与按收入来源计算的 {computed} 元不符（相差超过 0.01 元）"


# --------------------------------------------------------------------------------------------------- validation


def _fail(name: str, message: str) -> ValidationError:
    return ValidationError(message, extra={"field": name})


def _money(name: str, value: Any) -> Decimal:
    label = YEAR_LABELS.get(name, name)
    if isinstance(value, bool) or value is None or value == "":
        raise _fail(name, f"{label}应为金额（元）")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _fail(name, f"{label}“{value}”不是金额（元）") from None
    if not amount.is_finite():
        raise _fail(name, f"{label}“{value}”不是金额（元）")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _fail(name, f"{label}最多两位小数，填写的是 {value}")
    if not 0 <= amount <= MONEY_MAX:
        raise _fail(name, f"{label}应在 0–{MONEY_MAX:,} 元之间，填写的是 {value}")
    return amount.quantize(CENT)


def _bool(name: str, value: Any, *, nullable: bool = False) -> bool | None:
    if value is None and nullable:
        return None
    if not isinstance(value, bool):
        raise _fail(name, f"{YEAR_LABELS.get(name, name)}应为“是”或“否”")
    return value


def _int(name: str, value: Any, lo: int, hi: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _fail(name, f"{YEAR_LABELS[name]}应为整数")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _fail(name, f"{YEAR_LABELS[name]}应为整数，填写的是“{value}”") from None
    if not lo <= number <= hi:
        raise _fail(name, f"{YEAR_LABELS[name]}应在 {lo}–{hi} 之间，填写的是 {number}")
    return number


def clean_year_values(values: dict[str, Any]) -> dict[str, Any]:
    """The typed, checked values of a yearly record (only the keys given); raises ValidationError naming the field."""
    allowed = {*YEAR_FIELDS, "poor", "income_per_capita_given"}
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValidationError(f"不能在年度记录中填写：{'、'.join(unknown)}", extra={"field": unknown[0]})
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in MONEY_FIELDS:  # blank is 0, as in the yearly file
            out[name] = Decimal("0.00") if value is None or value == "" else _money(name, value)
        elif name in FLAG_FIELDS and value is None:  # 易地扶贫搬迁, 属缺水地区: blank is 否, as in the file
            out[name] = False
        elif name == "income_per_capita_given":
            out[name] = None if value is None or value == "" else _money(name, value)
        elif name in WATER_INTS:
            out[name] = _int(name, value, *WATER_INTS[name])
        elif name == "housing_grade":
            grade = str(value or "").strip().upper()
            if grade not in GRADES:
                raise _fail(name, f"住房等级应为 A、B、C、D 之一，填写的是“{value or ''}”")
            out[name] = grade
        elif name == "water_quality_ok":
            out[name] = _bool(name, value, nullable=True)
        elif name == "poor":
            out[name] = None if value is None else _bool(name, value)
        else:
            out[name] = _bool(name, value)
    return out


MEMBER_LABELS = {name: str(getattr(Member._meta.get_field(name), "verbose_name", name)) for name in MEMBER_YEAR_FIELDS}


def clean_member_values(name: str, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A member's facts after ``values`` (merged over ``current``), checked; raises ValidationError."""
    unknown = sorted(set(values) - set(MEMBER_YEAR_FIELDS))
    if unknown:
        raise ValidationError(f"成员 {name}：不能在此填写 {'、'.join(unknown)}", extra={"field": unknown[0]})
    merged = {**current, **values}
    for key in ("student", "home_schooled", "medical_insurance", "critical_illness_insurance"):
        if not isinstance(merged[key], bool):
            raise _fail(key, f"成员 {name}：{MEMBER_LABELS[key]}应为“是”或“否”")
    merged["school_stage"] = str(merged["school_stage"] or "").strip()
    if merged["school_stage"] and merged["school_stage"] not in SchoolStage.values:
        choices = "、".join(SchoolStage.values)
        raise _fail("school_stage", f"成员 {name}：在校阶段应为 {choices} 之一，填写的是“{merged['school_stage']}”")
    if merged["school_stage"] and not merged["student"]:
        raise _fail("school_stage", f"成员 {name}：填写了在校阶段“{merged['school_stage']}”，在校生须为“是”")
    merged["health"] = str(merged["health"] or "").strip()
    if merged["health"] and merged["health"] not in HEALTH:
        raise _fail("health", f"成员 {name}：健康状况应为 {'、'.join(HEALTH)} 之一，填写的是“{merged['health']}”")
    merged["disability"] = str(merged["disability"] or "").strip()
    if len(merged["disability"]) > 16:
        raise _fail("disability", f"成员 {name}：残疾情况超过 16 个字")
    return merged


# --------------------------------------------------------------------------------------------------- the service


def _member_key(name: str, field: str) -> str:
    return f"成员 {name}·{MEMBER_LABELS[field]}"


@transaction.atomic
def household_year_save(  # noqa: PLR0912, PLR0915 - checks, then writes, in the order of the form
    *,
    actor: Actor | None,
    household: Household,
    year: int,
    values: dict[str, Any],
    members: dict[str, dict[str, Any]] | None = None,
) -> HouseholdYear:
    """Create or update ``household``'s record of ``year`` and update its members' current facts, audited old→new
    on the household (only what changed; nothing changed, nothing written). Every value is checked first: a
    refused call writes nothing."""
    require(actor, "registry.edit", household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if isinstance(year, bool) or not isinstance(year, int):
        raise _fail("year", f"年度应为整数，填写的是“{year}”")
    lo, hi = year_bounds(household.identified_year)
    if not lo <= year <= hi:
        raise _fail(
            "year",
            f"年度应在 {lo}–{hi} 年之间（2013 年起，不早于识别年度 {household.identified_year} 的前一年，不晚于今年），"
            f"填写的是 {year}",
        )
    clean = clean_year_values(values)
    row = HouseholdYear.objects.select_for_update().filter(household=household, year=year).first()
    if row is None and "housing_grade" not in clean:
        raise _fail("housing_grade", "新建年度记录须填写住房等级")
    size = household.size
    if size <= 0:
        raise _fail("income_per_capita", "该户没有在世的家庭成员，无法计算人均纯收入")
    # the record after the change: stored values (or the defaults) with the given ones over them
    current: dict[str, Any] = (
        {name: getattr(row, name) for name in (*YEAR_FIELDS, "poor", "income_per_capita")}
        if row is not None
        else {f.name: f.get_default() for f in HouseholdYear._meta.concrete_fields if f.name in YEAR_FIELDS}
    )
    if row is None:
        current.update(poor=None, income_per_capita=None)
    new = {**current}
    for name in YEAR_FIELDS:
        if name in clean:
            new[name] = clean[name]
    for name in MONEY_FIELDS:
        new[name] = Decimal(new[name] or 0).quantize(CENT)
    computed = per_capita_of(new, size)
    given = clean.get("income_per_capita_given")
    if given is not None and abs(given - computed) > TOLERANCE:
        raise _fail("income_per_capita", income_mismatch(given, computed))
    new["income_per_capita"] = computed
    poor = clean.get("poor")
    new["poor"] = poor if poor is not None else poor_in(household.exit_year, year)
    # members: checked in full before anything is written
    member_changes: list[tuple[Member, dict[str, list[Any]]]] = []
    if members:
        by_id = {m.id_number: m for m in Member.objects.select_for_update().filter(household=household)}
        for id_number, given_values in members.items():
            member = by_id.get(str(id_number).strip().upper())
            if member is None:
                raise _fail("id_number", f"身份证号 {id_number} 不是该户的成员")
            old = {name: getattr(member, name) for name in MEMBER_YEAR_FIELDS}
            after = clean_member_values(member.name, old, given_values)
            diff = {name: [old[name], after[name]] for name in MEMBER_YEAR_FIELDS if old[name] != after[name]}
            if diff:
                member_changes.append((member, diff))
    changes: dict[str, list[Any]] = {}
    fields = (*YEAR_FIELDS, "income_per_capita", "poor")
    if row is None:
        row = HouseholdYear(household=household, village_id=household.village_id, year=year)
        changes["year"] = [None, year]
    for name in fields:
        old_value = None if row.pk is None else current[name]
        if row.pk is None or old_value != new[name]:
            changes[name] = [old_value, new[name]]
            setattr(row, name, new[name])
    if row.pk is None:
        row.save()
    elif changes:
        row.save(update_fields=list(changes))
    for member, diff in member_changes:
        for name, (_, value) in diff.items():
            setattr(member, name, value)
            changes[_member_key(member.name, name)] = diff[name]
        member.save(update_fields=list(diff))
    household_audit(actor, household, "registry.year_save", changes)
    return row
