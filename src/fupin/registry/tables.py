"""The registry as the rules' canonical tables (Arrow): the selector checks and statistics read it through.

Bounded to an area by the village code; no scope check here — callers are services that have already checked
the actor's right to the area (a check run, an indicator refresh)."""

from __future__ import annotations

import pyarrow as pa

from fupin.analytics.engines import canonical
from fupin.core import codes
from fupin.core.arrow import Columns, query_table

# canonical column ← SQL expression, per table; the WHERE clause bounds rows to the area's code range (each
# joined table by its own village code too, so that PostgreSQL reads one county's households through their index
# instead of scanning the province's for every county; ``area_bounds`` gives the parameters)
QUERIES: dict[str, tuple[str, Columns]] = {
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
        "SELECT m.id_number, h.household_no, m.name, m.birth_date, m.relation, m.student, m.home_schooled, m.health, "
        "m.labour, "
        "m.migrant_months, m.medical_insurance, m.critical_illness_insurance FROM registry_member m "
        "JOIN registry_household h ON h.id = m.household_id WHERE m.village_id BETWEEN %s AND %s "
        "AND h.village_id BETWEEN %s AND %s "
        "AND m.deceased_on IS NULL",
        [("person_id", pa.string()), ("household_id", pa.string()), ("name", pa.string()), ("birth_date", pa.date32()),
         ("relation", pa.string()), ("student", pa.bool_()), ("home_schooled", pa.bool_()),
         ("health", pa.string()), ("labour", pa.string()),
         ("migrant_months", pa.int32()), ("medical_insurance", pa.bool_()), ("critical_illness_insurance", pa.bool_())],
    ),
    "household_years": (
        "SELECT h.household_no, y.year, CAST(y.income_per_capita AS DOUBLE PRECISION), "
        "CAST(y.production_income AS DOUBLE PRECISION), "
        "y.food_ok, y.clothing_ok, y.education_ok, y.medical_ok, y.housing_grade, y.relocated, y.water_ok, "
        "y.water_litres, y.water_quality_ok, y.water_minutes, y.water_cut_days, y.water_short_area "
        "FROM registry_householdyear y JOIN registry_household h ON h.id = y.household_id "
        "WHERE y.village_id BETWEEN %s AND %s AND h.village_id BETWEEN %s AND %s",
        [("household_id", pa.string()), ("year", pa.int32()), ("income_per_capita", pa.float64()),
         ("production_income", pa.float64()), ("food_ok", pa.bool_()), ("clothing_ok", pa.bool_()),
         ("education_ok", pa.bool_()), ("medical_ok", pa.bool_()), ("housing_grade", pa.string()),
         ("relocated", pa.bool_()), ("water_ok", pa.bool_()), ("water_litres", pa.int32()),
         ("water_quality_ok", pa.bool_()), ("water_minutes", pa.int32()), ("water_cut_days", pa.int32()),
         ("water_short_area", pa.bool_())],
    ),
}  # fmt: skip
TABLES = tuple(QUERIES)


def area_bounds(sql: str, lo: str, hi: str) -> list[str]:
    """The parameters of an area-bound query: the code range once for each ``BETWEEN %s AND %s`` in it."""
    return [lo, hi] * (sql.count("%s") // 2)


def registry_tables(area_code: str, only: tuple[str, ...] | None = None) -> dict[str, pa.Table]:
    """The area's households, members and yearly records (or ``only`` some of them) as canonical tables."""
    lo, hi = codes.code_range(area_code)
    return {
        name: canonical(name, query_table(sql, area_bounds(sql, lo, hi), columns))
        for name, (sql, columns) in QUERIES.items()
        if only is None or name in only
    }
