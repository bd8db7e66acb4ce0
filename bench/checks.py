"""The checks benchmark's child process: all rules on DuckDB over the synthetic province's Parquet files, against a
hand-written DuckDB SQL floor for the same work, and recall/precision against the planted answers.

Usage: python bench/checks.py DIR [--what rules|floor|loop] — prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

# Every rule written by hand in DuckDB SQL: the floor the Ibis rules are compared with.
FLOOR_SQL = {
    "poor": "CREATE TEMP VIEW poor AS SELECT household_id FROM households WHERE identified_year <= {y} "
    "AND (exit_year IS NULL OR exit_year = 0 OR exit_year > {y})",
    "poor_members": "CREATE TEMP VIEW pm AS SELECT m.person_id, m.household_id FROM members m "
    "JOIN poor USING (household_id)",
    "wrong_car": "SELECT pm.household_id, pm.person_id FROM vehicles v JOIN pm ON v.owner_id = pm.person_id "
    "WHERE v.value_yuan >= {car}",
    "wrong_town_housing": "SELECT pm.household_id, pm.person_id FROM real_estate r "
    "JOIN pm ON r.owner_id = pm.person_id WHERE r.kind = '商品住房'",
    "wrong_business": "SELECT pm.household_id, pm.person_id FROM businesses b JOIN pm ON b.legal_rep_id = pm.person_id "
    "WHERE b.status = '存续'",
    "wrong_state_payroll": "SELECT pm.household_id, pm.person_id FROM state_payroll s JOIN pm USING (person_id)",
    "deceased_member": "SELECT pm.household_id, pm.person_id FROM deaths d JOIN pm USING (person_id) "
    "WHERE d.death_date <= DATE '{y}-12-31'",
    "wrong_exit": "SELECT h.household_id FROM households h JOIN household_years y USING (household_id) "
    "WHERE h.exit_year = {y} AND y.year = {y} AND y.income_per_capita < {line}",
    "dq_id_checksum": "SELECT household_id, person_id FROM members WHERE length(person_id) = 18 "
    "AND regexp_matches(substr(person_id, 1, 17), '^[0-9]{{17}}$') AND upper(substr(person_id, 18, 1)) <> "
    "substr('10X98765432', (("
    + " + ".join(
        f"CAST(substr(person_id, {k + 1}, 1) AS INTEGER) * {w}"
        for k, w in enumerate((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2))
    )
    + ") % 11) + 1, 1)",
    "dq_cause_illness_all_healthy": "SELECT household_id FROM households h WHERE main_cause = '因病' AND NOT EXISTS "
    "(SELECT 1 FROM members m WHERE m.household_id = h.household_id AND m.health <> '健康')",
    "dq_migrant_months": "SELECT household_id, person_id FROM members WHERE migrant_months < 0 OR migrant_months > 12",
    "missed": "SELECT household_id FROM survey_households WHERE income_per_capita < {line}",
    "housing_unsafe": "SELECT y.household_id FROM poor JOIN household_years y USING (household_id) WHERE y.year = {y} "
    "AND y.housing_grade IN ('C', 'D') AND NOT coalesce(y.relocated, false)",
    "dq_student_age": "SELECT household_id, person_id FROM members WHERE coalesce(student, false) "
    "AND ({y} - year(birth_date) < 6 OR {y} - year(birth_date) > 23)",
    "dq_labour_age": "SELECT household_id, person_id FROM members WHERE {y} - year(birth_date) < 16 "
    "AND labour IN ('普通劳动力', '技能劳动力')",
    "dq_cause_school_no_student": "SELECT household_id FROM households h WHERE main_cause = '因学' AND NOT EXISTS "
    "(SELECT 1 FROM members m WHERE m.household_id = h.household_id AND coalesce(m.student, false))",
    "dq_cause_disability_none": "SELECT household_id FROM households h WHERE main_cause = '因残' AND NOT EXISTS "
    "(SELECT 1 FROM members m WHERE m.household_id = h.household_id AND m.health = '残疾')",
    "dq_income_range": "SELECT household_id FROM household_years WHERE year = {y} "
    "AND (income_per_capita < 0 OR income_per_capita > 100000)",
    "dq_duplicate_person": "SELECT household_id, person_id FROM members WHERE person_id IN "
    "(SELECT person_id FROM members GROUP BY 1 HAVING count(DISTINCT household_id) > 1)",
    # 两不愁三保障 from the facts: the gaps each guarantee's rules and the exit verdict share
    "yr": "CREATE TEMP VIEW yr AS SELECT * FROM household_years WHERE year = {y}",
    "pma": "CREATE TEMP VIEW pma AS SELECT m.*, h.attribute FROM members m JOIN households h USING (household_id) "
    "WHERE h.identified_year <= {y} AND (h.exit_year IS NULL OR h.exit_year = 0 OR h.exit_year > {y})",
    "edu_gap": "CREATE TEMP VIEW edu_gap AS SELECT DISTINCT household_id FROM members WHERE {y} - year(birth_date) "
    "BETWEEN 6 AND 15 AND NOT coalesce(student, false) AND NOT coalesce(home_schooled, false)",
    "med_gap": "CREATE TEMP VIEW med_gap AS SELECT DISTINCT household_id FROM members "
    "WHERE NOT (coalesce(medical_insurance, false) AND coalesce(critical_illness_insurance, false))",
    "water_gap": "CREATE TEMP VIEW water_gap AS SELECT household_id FROM yr WHERE water_litres < CASE WHEN "
    "coalesce(water_short_area, false) THEN 20 ELSE 35 END OR NOT coalesce(water_quality_ok, true) "
    "OR water_minutes > 20 OR water_cut_days > 36",
    "flag_education": "SELECT household_id FROM poor JOIN yr USING (household_id) WHERE (coalesce(education_ok, true) "
    "AND household_id IN (SELECT household_id FROM edu_gap)) OR (NOT coalesce(education_ok, true) "
    "AND household_id NOT IN (SELECT household_id FROM edu_gap))",
    "flag_medical": "SELECT household_id FROM poor JOIN yr USING (household_id) WHERE (coalesce(medical_ok, true) "
    "AND household_id IN (SELECT household_id FROM med_gap)) OR (NOT coalesce(medical_ok, true) "
    "AND household_id NOT IN (SELECT household_id FROM med_gap))",
    "flag_water": "SELECT DISTINCT household_id FROM poor JOIN yr USING (household_id) WHERE (coalesce(water_ok, true) "
    "AND household_id IN (SELECT household_id FROM water_gap)) OR (NOT coalesce(water_ok, true) "
    "AND household_id NOT IN (SELECT household_id FROM water_gap) AND (water_litres IS NOT NULL OR "
    "water_quality_ok IS NOT NULL OR water_minutes IS NOT NULL OR water_cut_days IS NOT NULL))",
    "exit_despite_vetoes": "SELECT h.household_id FROM households h LEFT JOIN yr y USING (household_id) "
    "WHERE h.exit_year = {y} AND (y.household_id IS NULL OR y.income_per_capita <= {exit_line} OR NOT y.food_ok "
    "OR NOT y.clothing_ok OR (y.housing_grade IN ('C', 'D') AND NOT coalesce(y.relocated, false)) "
    "OR h.identified_year = {y} OR h.household_id IN (SELECT household_id FROM edu_gap) "
    "OR h.household_id IN (SELECT household_id FROM med_gap) OR h.household_id IN (SELECT household_id FROM water_gap) "
    "OR (y.water_litres IS NULL AND y.water_quality_ok IS NULL AND y.water_minutes IS NULL "
    "AND y.water_cut_days IS NULL AND NOT coalesce(y.water_ok, true)))",
    # 部门比对
    "dept_dropout": "SELECT household_id, person_id FROM pma WHERE {y} - year(birth_date) BETWEEN 6 AND 15 "
    "AND coalesce(student, false) AND NOT coalesce(home_schooled, false) AND person_id NOT IN "
    "(SELECT person_id FROM school_enrolment WHERE year = {y} AND status <> '辍学') "
    "AND EXISTS (SELECT 1 FROM school_enrolment WHERE year = {y})",
    "dept_uninsured": "SELECT household_id, person_id FROM pma WHERE coalesce(medical_insurance, false) "
    "AND coalesce(critical_illness_insurance, false) AND person_id NOT IN (SELECT person_id FROM medical_insured "
    "WHERE year = {y} GROUP BY 1 HAVING bool_or(coalesce(basic, false)) AND bool_or(coalesce(critical, false))) "
    "AND EXISTS (SELECT 1 FROM medical_insured WHERE year = {y})",
    "dept_housing_grade": "SELECT DISTINCT m.household_id FROM (SELECT owner_id, arg_max(grade, appraised_on) g, "
    "arg_max(coalesce(renovated, false), appraised_on) r FROM housing_appraisal WHERE appraised_on <= DATE '{y}-12-31' "
    "GROUP BY 1) a JOIN members m ON m.person_id = a.owner_id AND m.relation = '户主' "
    "JOIN poor USING (household_id) JOIN yr y USING (household_id) WHERE a.g IN ('C', 'D') AND NOT a.r "
    "AND y.housing_grade IN ('A', 'B') AND NOT coalesce(y.relocated, false)",
    "dept_dibao": "WITH act AS (SELECT person_id, kind FROM assistance WHERE since <= DATE '{y}-12-31' "
    "AND (ended IS NULL OR ended >= DATE '{y}-12-31')) SELECT DISTINCT household_id FROM pma "
    "WHERE attribute = '低保贫困户' AND household_id NOT IN (SELECT household_id FROM pma JOIN act USING (person_id) "
    "WHERE kind = '低保') AND EXISTS (SELECT 1 FROM assistance) UNION SELECT DISTINCT household_id FROM pma "
    "JOIN act USING (person_id) WHERE kind = '特困供养' AND coalesce(attribute, '') <> '特困供养贫困户'",
    "dept_disability": "SELECT DISTINCT household_id, person_id FROM pma JOIN disability USING (person_id) "
    "WHERE coalesce(health, '') <> '残疾'",
    "seated": "CREATE TEMP VIEW seated AS SELECT DISTINCT person_id FROM cadre_seats "
    "WHERE seated_from <= DATE '{y}-12-31' AND (seated_until IS NULL OR seated_until > DATE '{y}-12-31')",
    "cadre_self_poor": "SELECT pm.household_id, pm.person_id FROM pm JOIN seated USING (person_id)",
    "cadre_relative_poor": "WITH k AS (SELECT DISTINCT s.person_id AS cadre_id, h2.person_id AS kin_id FROM seated s "
    "JOIN hukou h1 ON h1.person_id = s.person_id AND coalesce(h1.household_id, '') <> '' "
    "JOIN hukou h2 ON h2.household_id = h1.household_id AND h2.person_id <> s.person_id) "
    "SELECT DISTINCT pm.household_id FROM pm JOIN k ON pm.person_id = k.kin_id WHERE NOT EXISTS "
    "(SELECT 1 FROM pm p2 WHERE p2.person_id = k.cadre_id AND p2.household_id = pm.household_id)",
}
VIEWS = ("poor", "poor_members", "yr", "pma", "edu_gap", "med_gap", "water_gap", "seated")


def run_rules(directory: Path) -> dict[str, object]:
    from fupin.analytics import engines, truth
    from fupin.analytics.params import Params
    from fupin.analytics.run import run_rules as run

    tables = engines.read_parquet_dir(directory)
    rows = sum(t.num_rows for t in tables.values())
    started = time.perf_counter()
    with engines.load(tables, "duckdb") as inputs:
        result = run(inputs, Params.defaults(2017))
        from fupin.analytics.indicators import indicators

        indicators(inputs["households"], [2014, 2015, 2016, 2017])
    seconds = time.perf_counter() - started
    scores = truth.score(result.findings, pq.read_table(directory / "answers.parquet"))
    return {
        "seconds": seconds,
        "rows": rows,
        "findings": result.findings.num_rows,
        "counts": result.by_rule(),
        "scores": [
            {"rule": s.rule_id, "planted": s.planted, "found": s.found, "tp": s.true_positive,
             "recall": s.recall, "precision": s.precision}
            for s in scores
        ],
    }  # fmt: skip


def run_floor(directory: Path) -> dict[str, object]:
    import duckdb

    from fupin.analytics import engines

    tables = engines.read_parquet_dir(directory)
    started = time.perf_counter()
    con = duckdb.connect()
    for name, t in tables.items():
        con.register(f"{name}_arrow", t)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    found = 0
    fmt = {"y": 2017, "car": 30000, "line": 2952, "exit_line": 3335}
    counts = {}
    for key, sql in FLOOR_SQL.items():
        if key in VIEWS:
            con.execute(sql.format(**fmt))
            continue
        counts[key] = con.sql(sql.format(**fmt)).to_arrow_table().num_rows
        found += counts[key]
    # the indicators, hand-written: per village and year, then summed up by each code prefix
    for year in (2014, 2015, 2016, 2017):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE v AS SELECT village_code, "
            f"sum(CASE WHEN identified_year <= {year} AND (coalesce(exit_year, 0) = 0 OR exit_year > {year}) "
            f"THEN 1 ELSE 0 END) AS poor_households, "
            f"sum(CASE WHEN identified_year <= {year} AND (coalesce(exit_year, 0) = 0 OR exit_year > {year}) "
            f"THEN size ELSE 0 END) AS poor_people, "
            f"sum(CASE WHEN exit_year = {year} THEN 1 ELSE 0 END) AS exit_households, "
            f"sum(CASE WHEN exit_year = {year} THEN size ELSE 0 END) AS exit_people FROM households GROUP BY 1"
        )
        for k in (2, 4, 6, 9, 12):
            con.sql(
                f"SELECT substr(village_code, 1, {k}) AS p, sum(poor_households), sum(poor_people), "
                "sum(exit_households), sum(exit_people) FROM v GROUP BY 1"
            ).to_arrow_table()
    return {"seconds": time.perf_counter() - started, "findings": found, "counts": counts}


if __name__ == "__main__":
    path, what = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "rules"
    print(json.dumps(run_rules(path) if what == "rules" else run_floor(path)))  # noqa: T201
