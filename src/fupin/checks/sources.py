"""The live database as the rules' canonical tables (Arrow), read through Django's connection and the scope."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from django.db import connection

from fupin.analytics.engines import canonical
from fupin.core import codes

# canonical column ← SQL expression, per table; the WHERE clause bounds households to the area
QUERIES: dict[str, tuple[str, list[tuple[str, pa.DataType]]]] = {
    "households": (
        # a household that returned to poverty counts as not exited; candidates, rejected and cancelled are not
        # on the register
        "SELECT household_no, village_id, attribute, main_cause, identified_year, "
        "CASE WHEN status = 'returned' THEN NULL ELSE exit_year END, size FROM registry_household h "
        "WHERE h.village_id BETWEEN %s AND %s AND h.status NOT IN ('candidate', 'rejected', 'cancelled')",
        [("household_id", pa.string()), ("village_code", pa.string()), ("attribute", pa.string()),
         ("main_cause", pa.string()), ("identified_year", pa.int32()), ("exit_year", pa.int32()), ("size", pa.int32())],
    ),
    "members": (
        "SELECT m.id_number, h.household_no, m.name, m.birth_date, m.relation, m.student, m.health, m.labour, "
        "m.migrant_months, m.medical_insurance, m.critical_illness_insurance FROM registry_member m "
        "JOIN registry_household h ON h.id = m.household_id WHERE m.village_id BETWEEN %s AND %s "
        "AND m.deceased_on IS NULL",
        [("person_id", pa.string()), ("household_id", pa.string()), ("name", pa.string()), ("birth_date", pa.date32()),
         ("relation", pa.string()), ("student", pa.bool_()), ("health", pa.string()), ("labour", pa.string()),
         ("migrant_months", pa.int32()), ("medical_insurance", pa.bool_()), ("critical_illness_insurance", pa.bool_())],
    ),
    "household_years": (
        "SELECT h.household_no, y.year, CAST(y.income_per_capita AS REAL), CAST(y.production_income AS REAL), "
        "y.food_ok, y.clothing_ok, y.education_ok, y.medical_ok, y.housing_grade, y.relocated, y.water_ok "
        "FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id "
        "WHERE y.village_id BETWEEN %s AND %s",
        [("household_id", pa.string()), ("year", pa.int32()), ("income_per_capita", pa.float64()),
         ("production_income", pa.float64()), ("food_ok", pa.bool_()), ("clothing_ok", pa.bool_()),
         ("education_ok", pa.bool_()), ("medical_ok", pa.bool_()), ("housing_grade", pa.string()),
         ("relocated", pa.bool_()), ("water_ok", pa.bool_())],
    ),
    "survey_households": (
        "SELECT household_id, village_id, size, income_per_capita FROM external_surveyhousehold "
        "WHERE village_id BETWEEN %s AND %s",
        [("household_id", pa.string()), ("village_code", pa.string()), ("size", pa.int32()),
         ("income_per_capita", pa.float64())],
    ),
    "vehicles": ("SELECT owner_id, plate, vehicle_type, value_yuan FROM external_vehicle",
                 [("owner_id", pa.string()), ("plate", pa.string()), ("vehicle_type", pa.string()),
                  ("value_yuan", pa.int64())]),
    "real_estate": ("SELECT owner_id, kind, location FROM external_realestate",
                    [("owner_id", pa.string()), ("kind", pa.string()), ("location", pa.string())]),
    "businesses": ("SELECT legal_rep_id, name, status FROM external_business",
                   [("legal_rep_id", pa.string()), ("name", pa.string()), ("status", pa.string())]),
    "state_payroll": ("SELECT person_id, employer FROM external_statepayroll",
                      [("person_id", pa.string()), ("employer", pa.string())]),
    "deaths": ("SELECT person_id, death_date FROM external_death",
               [("person_id", pa.string()), ("death_date", pa.date32())]),
}  # fmt: skip


def _convert(value: Any, typ: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_date32(typ) and isinstance(value, str):
        from datetime import date

        return date.fromisoformat(value[:10])
    if pa.types.is_boolean(typ):
        return bool(value)
    return value


def live_tables(area_code: str, only: tuple[str, ...] | None = None) -> dict[str, pa.Table]:
    lo, hi = codes.code_range(area_code)
    out = {}
    with connection.cursor() as cursor:
        for name, (sql, columns) in QUERIES.items():
            if only is not None and name not in only:
                continue
            cursor.execute(sql, [lo, hi] if "%s" in sql else [])
            rows = cursor.fetchall()
            arrays = []
            for k, (_, typ) in enumerate(columns):
                values = [r[k] for r in rows]
                if pa.types.is_date32(typ) or pa.types.is_boolean(typ):
                    values = [_convert(v, typ) for v in values]
                arrays.append(pa.array(values, typ))
            out[name] = canonical(name, pa.table(arrays, names=[c for c, _ in columns]))
    return out
