"""The monitoring's rows as the rules' Arrow tables (``analytics.monitoring``), one SQL query each, bounded to an
area's villages (department alerts are province-wide: they are matched to the area's people by ID number)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from fupin.analytics import monitoring as rules
from fupin.analytics.fieldwork import epoch_day
from fupin.core import codes
from fupin.core.arrow import query_table

from .choices import OPEN_STATUSES

# the open statuses, written out in the SQL below (a literal: no query is built from values)
assert {"identifying", "monitored"} == set(OPEN_STATUSES)
_CODE_OF_LABEL = {label: code for code, label in rules.ALERT_KINDS.items()}


def _days(table: pa.Table, column: str, name: str) -> pa.Table:
    i = table.column_names.index(column)
    return table.set_column(i, name, pc.cast(pc.cast(table.column(column), pa.date32()), pa.int32()))


def alerts(*, until: date, since: date) -> pa.Table:
    """Department alerts that happened in [since, until], with their number and department (for the sources)."""
    t = query_table(
        "SELECT id, person_id, kind, occurred_on, amount, alert_no, department, detail FROM external_riskalert "
        "WHERE occurred_on BETWEEN %s AND %s",
        [since, until],
        [
            ("alert_id", pa.int64()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("day", pa.date32()),
            ("amount", pa.float64()),
            ("alert_no", pa.string()),
            ("department", pa.string()),
            ("detail", pa.string()),
        ],
    )
    kinds = pa.array([_CODE_OF_LABEL.get(k, k) for k in t.column("kind").to_pylist()], pa.string())
    t = t.set_column(t.column_names.index("kind"), "kind", kinds)
    return _days(t, "day", "day")


def people(area_code: str, *, since: date, until: date) -> pa.Table:
    """The area's living registered people that an alert of [since, until] names: ID number → household (its
    database id, as a string). Only they can match: the province's millions of others are not read."""
    lo, hi = codes.code_range(area_code)
    return query_table(
        "SELECT id_number, CAST(household_id AS VARCHAR(20)) FROM registry_member "
        "WHERE village_id BETWEEN %s AND %s AND deceased_on IS NULL AND id_number IN "
        "(SELECT person_id FROM external_riskalert WHERE occurred_on BETWEEN %s AND %s)",
        [lo, hi, since, until],
        [("person_id", pa.string()), ("household_id", pa.string())],
    )


CASE_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("case_id", pa.int64()), ("household_id", pa.string()), ("village_code", pa.string()), ("status", pa.string()),
    ("opened_day", pa.date32()), ("decided_day", pa.date32()),
]  # fmt: skip
CASES_SQL = (
    "SELECT id, CAST(household_id AS VARCHAR(20)), village_id, status, opened_on, decided_on FROM monitoring_case "
    "WHERE "
)
# the facts of households (两不愁三保障 as recorded: food, clothing, schooling, medical care, safe water, a house
# graded A/B or relocation); the year's record and the year before as the first two parameters
FACTS_SQL = (
    "SELECT CAST(h.id AS VARCHAR(20)), h.size, CAST(y.income_per_capita AS DOUBLE PRECISION), "
    "CAST(z.income_per_capita AS DOUBLE PRECISION), "
    "CASE WHEN y.id IS NULL THEN NULL ELSE (y.food_ok AND y.clothing_ok AND y.education_ok AND y.medical_ok "
    "AND y.water_ok AND (y.housing_grade IN ('A', 'B') OR y.relocated)) END, "
    "(SELECT COUNT(*) FROM registry_member m WHERE m.household_id = h.id AND m.disability <> '' "
    "AND m.deceased_on IS NULL) "
    "FROM registry_household h "
    "LEFT JOIN registry_householdyear y ON y.household_id = h.id AND y.year = %s "
    "LEFT JOIN registry_householdyear z ON z.household_id = h.id AND z.year = %s WHERE "
)
FOLLOW_UP_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("case_id", pa.int64()), ("day", pa.date32()), ("income", pa.float64()), ("rigid_spending", pa.float64()),
    ("guarantees_ok", pa.bool_()),
]  # fmt: skip
FOLLOW_UPS_SQL = (
    "SELECT f.case_id, f.visited_on, CAST(f.income_per_capita AS DOUBLE PRECISION), "
    "CAST(f.rigid_spending AS DOUBLE PRECISION), f.guarantees_ok FROM monitoring_followup f WHERE "
)
FACT_COLUMNS = [(f.name, f.type) for f in rules.FACTS]


def _cases(where: str, params: list[Any]) -> pa.Table:
    t = query_table(CASES_SQL + where, params, CASE_COLUMNS)
    return _days(_days(t, "opened_day", "opened_day"), "decided_day", "decided_day")


def cases(area_code: str) -> pa.Table:
    return _cases("village_id BETWEEN %s AND %s", list(codes.code_range(area_code)))


def facts(area_code: str, year: int) -> pa.Table:
    """The facts of the households with an open case in the area: the year's record and the year before, size,
    disabled members."""
    lo, hi = codes.code_range(area_code)
    where = ("h.id IN (SELECT household_id FROM monitoring_case WHERE status IN ('identifying', 'monitored') "
             "AND village_id BETWEEN %s AND %s)")  # fmt: skip
    return query_table(FACTS_SQL + where, [year, year - 1, lo, hi], FACT_COLUMNS)


def follow_ups(area_code: str) -> pa.Table:
    """The visits of the area's open cases."""
    where = ("f.case_id IN (SELECT id FROM monitoring_case WHERE status IN ('identifying', 'monitored')) "
             "AND f.village_id BETWEEN %s AND %s")  # fmt: skip
    t = query_table(FOLLOW_UPS_SQL + where, list(codes.code_range(area_code)), FOLLOW_UP_COLUMNS)
    return _days(t, "day", "day")


def one_case(case_id: int, household_id: int, year: int) -> dict[str, pa.Table]:
    """One case's tables (the verdicts a procedure consults), its household's alerts included."""
    c = _cases("id = %s", [case_id])
    f = query_table(FACTS_SQL + "h.id = %s", [year, year - 1, household_id], FACT_COLUMNS)
    fu = query_table(FOLLOW_UPS_SQL + "f.case_id = %s", [case_id], FOLLOW_UP_COLUMNS)
    a = query_table(
        "SELECT a.id, a.person_id, a.kind, a.occurred_on, a.amount FROM external_riskalert a "
        "JOIN registry_member m ON m.id_number = a.person_id WHERE m.household_id = %s",
        [household_id],
        [
            ("alert_id", pa.int64()),
            ("person_id", pa.string()),
            ("kind", pa.string()),
            ("day", pa.date32()),
            ("amount", pa.float64()),
        ],
    )
    kinds = pa.array([_CODE_OF_LABEL.get(k, k) for k in a.column("kind").to_pylist()], pa.string())
    a = _days(a.set_column(2, "kind", kinds), "day", "day")
    p = pa.table(
        {"person_id": a.column("person_id"), "household_id": pa.array([str(household_id)] * a.num_rows, pa.string())}
    )
    return {
        "cases": c,
        "facts": f,
        "follow_ups": _days(fu, "day", "day"),
        "alerts": a,
        "people": p,
    }


def today_day(on: date) -> int:
    return epoch_day(on)
