"""Registry writes. Bulk loads are audited per batch (source, hash, counts); edits per row (old→new)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from fupin.accounts.permissions import require_can_write
from fupin.audit.services import audit_record
from fupin.core import codes
from fupin.core.errors import ValidationError

from .idnumbers import IdNumberError, parse
from .models import Household, HouseholdYear, Member, Status


@dataclass
class BulkResult:
    households: int = 0
    members: int = 0
    years: int = 0


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2)))


@transaction.atomic
def registry_bulk_load(
    *,
    actor: Any,
    area_code: str,
    households: Iterable[dict[str, Any]],
    members: Iterable[dict[str, Any]],
    years: Iterable[dict[str, Any]],
    source: str,
    validate_ids: bool = True,
) -> BulkResult:
    """Insert a whole batch (e.g. one county of the synthetic province) in one transaction, or nothing.

    Households already present (by household number) are refused: a bulk load is for an empty area; the import
    command of the registry issue handles updates row by row.
    """
    require_can_write(actor, area_code)
    lo, hi = codes.code_range(area_code)
    hh_rows = list(households)
    if Household.objects.filter(household_no__in=[h["household_id"] for h in hh_rows[:1000]]).exists():
        raise ValidationError(f"区划 {area_code} 已有建档立卡数据，批量载入只用于空白区域")
    objs = []
    for h in hh_rows:
        if not lo <= h["village_code"] <= hi:
            raise ValidationError(f"户 {h['household_id']} 的村 {h['village_code']} 不在 {area_code} 范围内")
        exit_year = h.get("exit_year")
        objs.append(
            Household(
                household_no=h["household_id"],
                village_id=h["village_code"],
                attribute=h["attribute"],
                main_cause=h["main_cause"],
                status=Status.EXITED if exit_year else Status.POOR,
                identified_year=h["identified_year"],
                exit_year=exit_year,
                size=h["size"],
            )
        )
    Household.objects.bulk_create(objs, batch_size=5000)
    ids = dict(
        Household.objects.filter(household_no__in=[o.household_no for o in objs]).values_list("household_no", "id")
    )
    village_of = {o.household_no: o.village_id for o in objs}
    head_names: dict[str, str] = {}
    member_objs = []
    for m in members:
        number = m["person_id"]
        if validate_ids:
            try:
                number = parse(number).number
            except IdNumberError as exc:
                raise ValidationError(f"户 {m['household_id']} 成员 {m['name']}：{exc}") from exc
        if m["relation"] == "户主":
            head_names[m["household_id"]] = m["name"]
        member_objs.append(
            Member(
                id_number=number,
                household_id=ids[m["household_id"]],
                village_id=village_of[m["household_id"]],
                name=m["name"],
                sex=m["sex"],
                birth_date=m["birth_date"],
                relation=m["relation"],
                education=m["education"],
                student=m["student"],
                health=m["health"],
                labour=m["labour"],
                migrant_months=m["migrant_months"],
                medical_insurance=m["medical_insurance"],
                critical_illness_insurance=m["critical_illness_insurance"],
            )
        )
    Member.objects.bulk_create(member_objs, batch_size=5000)
    for o in objs:
        o.head_name = head_names.get(o.household_no, "")
        o.pk = ids[o.household_no]
    Household.objects.bulk_update(objs, ["head_name"], batch_size=5000)
    year_objs = [
        HouseholdYear(
            household_id=ids[y["household_id"]],
            village_id=village_of[y["household_id"]],
            year=y["year"],
            poor=y["poor"],
            income_per_capita=_money(y["income_per_capita"]),
            wage_income=_money(y["wage_income"]),
            production_income=_money(y["production_income"]),
            property_income=_money(y["property_income"]),
            transfer_income=_money(y["transfer_income"]),
            food_ok=y["food_ok"],
            clothing_ok=y["clothing_ok"],
            education_ok=y["education_ok"],
            medical_ok=y["medical_ok"],
            housing_grade=y["housing_grade"],
            relocated=y["relocated"],
            water_ok=y["water_ok"],
        )
        for y in years
    ]
    HouseholdYear.objects.bulk_create(year_objs, batch_size=5000)
    result = BulkResult(len(objs), len(member_objs), len(year_objs))
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
