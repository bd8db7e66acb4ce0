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
    ),
    "survey_households": ("household_id", "village_code", "size", "income_per_capita"),
    "vehicles": ("owner_id", "plate", "vehicle_type", "value_yuan"),
    "real_estate": ("owner_id", "kind", "location"),
    "businesses": ("legal_rep_id", "name", "status"),
    "state_payroll": ("person_id", "employer"),
    "deaths": ("person_id", "death_date"),
}
