"""Other departments' snapshots and the survey sample as the rules' canonical tables (Arrow).

The survey sample is bounded to the area; department snapshots are province-wide (matched by ID number)."""

from __future__ import annotations

import pyarrow as pa

from fupin.analytics.engines import canonical
from fupin.core import codes
from fupin.core.arrow import Columns, query_table
from fupin.registry.tables import area_bounds

QUERIES: dict[str, tuple[str, Columns]] = {
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
    "school_enrolment": ("SELECT person_id, school, stage, year, status FROM external_schoolenrolment",
                         [("person_id", pa.string()), ("school", pa.string()), ("stage", pa.string()),
                          ("year", pa.int16()), ("status", pa.string())]),
    "medical_insured": ("SELECT person_id, year, basic, critical FROM external_medicalinsured",
                        [("person_id", pa.string()), ("year", pa.int16()), ("basic", pa.bool_()),
                         ("critical", pa.bool_())]),
    "housing_appraisal": ("SELECT owner_id, grade, appraised_on, renovated FROM external_housingappraisal",
                          [("owner_id", pa.string()), ("grade", pa.string()), ("appraised_on", pa.date32()),
                           ("renovated", pa.bool_())]),
    "assistance": ("SELECT person_id, kind, since, ended FROM external_assistance",
                   [("person_id", pa.string()), ("kind", pa.string()), ("since", pa.date32()),
                    ("ended", pa.date32())]),
    "disability": ("SELECT person_id, category, grade FROM external_disabilitycertificate",
                   [("person_id", pa.string()), ("category", pa.string()), ("grade", pa.string())]),
}  # fmt: skip
TABLES = tuple(QUERIES)


def external_tables(area_code: str, only: tuple[str, ...] | None = None) -> dict[str, pa.Table]:
    """The survey sample of the area and every department snapshot (or ``only`` some) as canonical tables."""
    lo, hi = codes.code_range(area_code)
    return {
        name: canonical(name, query_table(sql, area_bounds(sql, lo, hi), columns))
        for name, (sql, columns) in QUERIES.items()
        if only is None or name in only
    }
