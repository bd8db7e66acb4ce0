"""Canonical tables and columns the rules read. Sources map their own names onto these."""

from __future__ import annotations

TABLES: dict[str, tuple[str, ...]] = {
    "households": ("household_id", "village_code", "attribute", "main_cause", "identified_year", "exit_year", "size"),
    "members": (
        "person_id",
        "household_id",
        "name",
        "birth_date",
        "relation",
        "student",
        "home_schooled",
        "health",
        "labour",
        "migrant_months",
        "medical_insurance",
        "critical_illness_insurance",
    ),
    "household_years": (
        "household_id",
        "year",
        "income_per_capita",
        "production_income",
        "food_ok",
        "clothing_ok",
        "education_ok",
        "medical_ok",
        "housing_grade",
        "relocated",
        "water_ok",
        "water_litres",
        "water_quality_ok",
        "water_minutes",
        "water_cut_days",
        "water_short_area",
    ),
    "survey_households": ("household_id", "village_code", "size", "income_per_capita"),
    "vehicles": ("owner_id", "plate", "vehicle_type", "value_yuan"),
    "real_estate": ("owner_id", "kind", "location"),
    "businesses": ("legal_rep_id", "name", "status"),
    "state_payroll": ("person_id", "employer"),
    "deaths": ("person_id", "death_date"),
    "school_enrolment": ("person_id", "school", "stage", "year", "status"),
    "medical_insured": ("person_id", "year", "basic", "critical"),
    "housing_appraisal": ("owner_id", "grade", "appraised_on", "renovated"),
    "assistance": ("person_id", "kind", "since", "ended"),
    "disability": ("person_id", "category", "grade"),
    # the village committees' members with an ID number, one row per seat (organization department, 组织部门)
    "cadre_seats": ("person_id", "name", "village_code", "post", "seated_from", "seated_until"),
    # the public-security register's household number (户号) of each person; a source may give only the
    # households that hold a village cadre (the one rule reading it needs no other)
    "hukou": ("person_id", "household_id"),
}

# Columns added after layouts were already written (older Parquet files, sources that do not record them): absent,
# they read as nulls of this type — an unknown fact, which the rules treat as such (e.g. water judged by the
# recorded judgement, a member not taught at home).
OPTIONAL: dict[str, dict[str, str]] = {
    "members": {"home_schooled": "boolean"},
    "household_years": {
        "water_litres": "int32",
        "water_quality_ok": "boolean",
        "water_minutes": "int32",
        "water_cut_days": "int32",
        "water_short_area": "boolean",
    },
}

# Tables the rules read for the checked year only (each rule filters them on ``year == p.year``): a source may hand
# over just that year's rows. A rule that needs another year must drop its table from here;
# tests/analytics/test_rules_on_every_engine.py runs every rule on the whole table and on the year's rows alone.
ONE_YEAR: tuple[str, ...] = ("household_years", "school_enrolment", "medical_insured")
