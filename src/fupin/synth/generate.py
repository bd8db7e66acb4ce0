"""Write the synthetic province (or one prefecture, or one county) as Parquet files plus a manifest."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import calibration as cal
from .allocate import largest_remainder
from .assessment import TABLES as ASSESSMENT_TABLES
from .assessment import assessment_tables
from .cadres import CadrePlan, generate_cadres, plan_cadres, promotions, temporary_posts
from .county import county_seed, generate_county
from .departments import SCHEMAS as DEPARTMENT_SCHEMAS
from .departments import TABLES as DEPARTMENT_TABLES
from .departments import department_tables
from .facts import plant_flag_faults
from .fieldwork import SCHEMAS as FIELDWORK_SCHEMAS
from .fieldwork import generate_fieldwork
from .integrity import SCHEMAS as INTEGRITY_SCHEMAS
from .integrity import cadre_seats, county_rows, plant_integrity
from .monitoring import SCHEMAS as MONITORING_SCHEMAS
from .monitoring import monitoring_tables
from .party import TABLES as PARTY_TABLES
from .party import party_orgs, party_tables
from .planted import plant, survey
from .province import ProvincePlan, plan_province

FILES = (
    "area_classifications", "county_targets", "households", "members", "household_years",
    "answers", "vehicles", "real_estate", "businesses", "state_payroll", "deaths", "hukou",
    "survey_households", "survey_members", "helping_units", "work_groups", "cadres", "party_orgs", "promotions",
    *DEPARTMENT_TABLES, *FIELDWORK_SCHEMAS, *PARTY_TABLES, *ASSESSMENT_TABLES, *INTEGRITY_SCHEMAS, *MONITORING_SCHEMAS,
)  # fmt: skip

SCHEMAS = {
    "answers": pa.schema(
        [("kind", pa.string()), ("household_id", pa.string()), ("person_id", pa.string()), ("year", pa.int16()),
         ("detail", pa.string())]
    ),
    "vehicles": pa.schema(
        [("owner_id", pa.string()), ("plate", pa.string()), ("vehicle_type", pa.string()), ("value_yuan", pa.int64()),
         ("registered_on", pa.date32())]
    ),
    "real_estate": pa.schema(
        [("owner_id", pa.string()), ("county_code", pa.string()), ("kind", pa.string()), ("location", pa.string()),
         ("floor_area_m2", pa.float64()), ("registered_on", pa.date32())]
    ),
    "businesses": pa.schema(
        [("legal_rep_id", pa.string()), ("name", pa.string()), ("status", pa.string()),
         ("registered_capital", pa.float64()), ("registered_on", pa.date32())]
    ),
    "state_payroll": pa.schema([("person_id", pa.string()), ("employer", pa.string()), ("monthly_pay", pa.float64())]),
    "deaths": pa.schema([("person_id", pa.string()), ("death_date", pa.date32())]),
    "hukou": pa.schema(
        [("person_id", pa.string()), ("household_id", pa.string()), ("village_code", pa.string()),
         ("status", pa.string())]
    ),
    **DEPARTMENT_SCHEMAS,
    **INTEGRITY_SCHEMAS,
}  # fmt: skip


def _progress(done: int, total: int, started: float, label: str) -> None:
    """A bar on a terminal; nothing when stderr is piped or redirected (scripts, CI, the tests)."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\r生成 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} 县  {elapsed:6.1f}s  {label}   ")
    sys.stderr.flush()


def counties_for(plan: ProvincePlan, scale: str) -> list[str]:
    spec = cal.SCALES[scale]
    if spec.counties is not None:
        return list(spec.counties)
    if spec.prefecture is not None:
        return sorted(c for c in plan.counties if c.startswith(spec.prefecture))
    return sorted(plan.counties)


def generate(  # noqa: PLR0912, PLR0915 - one linear recipe
    *,
    scale: str,
    seed: int,
    out: Path,
    year: int = 2017,
    progress: Callable[[int, int, float, str], None] | None = _progress,
) -> dict[str, Any]:
    if year != 2017:
        raise ValueError("the synthetic province is calibrated to the end of 2017 (--year 2017)")
    if scale not in cal.SCALES:
        raise ValueError(f"unknown scale {scale!r}: {', '.join(cal.SCALES)}")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    plan = plan_province(seed)
    counties = counties_for(plan, scale)
    targets = [plan.counties[c] for c in counties]

    cadre_plan = plan_cadres(plan, seed)
    adjusted = adjusted_per_county(cadre_plan)
    promoted = promoted_per_county(cadre_plan)
    groups, teams = _write_plan_tables(plan, cadre_plan, counties, out)
    writers: dict[str, pq.ParquetWriter] = {}
    counts = dict.fromkeys(FILES[2:], 0)
    counts["work_groups"] = len(groups)
    counts["helping_units"] = cadre_plan.units.num_rows
    counts["county_work_teams"] = len({v[:6] for v in groups} & teams)
    orgs = party_orgs(plan, seed, counties)
    pq.write_table(orgs, out / "party_orgs.parquet")
    counts["party_orgs"] = orgs.num_rows
    party = party_tables(plan, seed, counties)
    for name, table in party.items():  # the organizations' people and yearly facts
        if name != "village_cadres":  # the people once the counties have drawn their ID numbers (below)
            pq.write_table(table, out / f"{name}.parquet")
            counts[name] = table.num_rows
    committees: dict[str, pa.Table] = {}
    for name, table in assessment_tables(plan, seed, counties).items():  # leaders, schemes' scores, cases
        pq.write_table(table, out / f"{name}.parquet")
        counts[name] = table.num_rows

    def write(name: str, table: pa.Table) -> None:
        if name not in writers:
            writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema, compression="zstd")
        writers[name].write_table(table)
        counts[name] += table.num_rows

    try:
        for i, code in enumerate(counties):
            county = plan.counties[code]
            households, members, years = generate_county(county, plan.village_weight, seed)
            rng = county_seed(seed, code, salt=1)
            households, members, years, planted = plant(rng, code, households, members, years)
            members, years = plant_flag_faults(county_seed(seed, code, salt=3), households, members, years, planted)
            dept = department_tables(county_seed(seed, code, salt=4), households, members, years, planted)
            for name, table in dept.items():
                write(name, table)
            s_households, s_members, missed = survey(rng, code, county.rural_villages)
            cadres = pa.concat_tables([generate_cadres(cadre_plan, code, seed),
                                       temporary_posts(plan, cadre_plan, code, seed)])  # fmt: skip
            # 优亲厚友: the committees' members' ID numbers and hukou households, with planted cases
            integrity = plant_integrity(
                county_seed(seed, code, salt=8),
                code,
                people=county_rows(party["village_cadres"], code),
                seats=county_rows(party["seats"], code),
                households=households,
                members=members,
                others=[s_members["person_id"], cadres["person_id"]],
                planted=planted,
            )
            committees[code] = integrity.people
            write("households", households)
            write("members", members)
            write("household_years", years)
            write("answers", pa.Table.from_pylist(planted.answers + missed, SCHEMAS["answers"]))
            write("vehicles", pa.Table.from_pylist(planted.vehicles, SCHEMAS["vehicles"]))
            write("real_estate", pa.Table.from_pylist(planted.real_estate, SCHEMAS["real_estate"]))
            write("businesses", pa.Table.from_pylist(planted.businesses, SCHEMAS["businesses"]))
            write("state_payroll", pa.Table.from_pylist(planted.payroll, SCHEMAS["state_payroll"]))
            write("deaths", pa.Table.from_pylist(planted.deaths, SCHEMAS["deaths"]))
            hukou = _hukou(households, members, s_members, planted)
            write("hukou", pa.concat_tables([hukou, pa.Table.from_pylist(integrity.hukou, SCHEMAS["hukou"])]))
            write("cadres", cadres)
            write("promotions", promotions(cadres, promoted.get(code, 0), county_seed(seed, code, salt=7)))
            field = generate_fieldwork(cadres, households, adjusted=adjusted.get(code, 0),
                                       rng=county_seed(seed, code, salt=5))  # fmt: skip
            for name, table in field.items():
                write(name, table)
            # 防止返贫动态监测: alerts, cases, sources, follow-ups and their answers (salt 9, after everything else)
            monitoring = monitoring_tables(
                county_seed(seed, code, salt=9),
                code,
                kind=county.kind,
                year=year,
                households=households,
                members=members,
                years=years,
                planted=planted,
                survey=s_members,
                others=[s_members["person_id"], cadres["person_id"], integrity.people["id_number"]],
            )
            for name, table in monitoring.items():
                write(name, table)
            if s_households.num_rows:
                write("survey_households", s_households)
                write("survey_members", s_members)
            if progress:
                progress(i + 1, len(counties), started, plan.counties[code].name)
    finally:
        for w in writers.values():
            w.close()
    if progress and sys.stderr.isatty():
        sys.stderr.write("\n")
    people = _committees(party["village_cadres"], committees)
    for name, table in (("village_cadres", people), ("cadre_seats", cadre_seats(people, party["seats"]))):
        pq.write_table(table, out / f"{name}.parquet")
        counts[name] = table.num_rows
    manifest = {
        "scale": scale,
        "seed": seed,
        "year": year,
        "counties": len(counties),
        "rows": counts,
        "registered_poor_remaining": {str(y): sum(c.remaining[y] for c in targets) for y in cal.YEARS},
        "rural_population": sum(c.rural_population for c in targets),
        "files": {f"{n}.parquet": _sha256(out / f"{n}.parquet") for n in FILES if (out / f"{n}.parquet").exists()},
        "seconds": round(time.monotonic() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def adjusted_per_county(cadre_plan: CadrePlan) -> dict[str, int]:
    """The article's 387 first secretaries adjusted in 2018, shared among the counties by their first secretaries
    (largest remainder, so the province's total is exact at every scale that includes every county)."""
    per: dict[str, int] = {}
    for v in cadre_plan.first_secretary_villages:
        per[v[:6]] = per.get(v[:6], 0) + 1
    counties = sorted(per)
    shares = largest_remainder(cal.FIRST_SECRETARIES_ADJUSTED_2018, np.array([per[c] for c in counties], float))
    return dict(zip(counties, shares.tolist(), strict=True))


def promoted_per_county(cadre_plan: CadrePlan) -> dict[str, int]:
    """The article's 4,200 cadres promoted since 2013, shared among the counties by their posted cadres."""
    per: dict[str, int] = {}
    for v, n in cadre_plan.resident_cadres.items():
        per[v[:6]] = per.get(v[:6], 0) + n + (v in cadre_plan.first_secretary_villages)
    counties = sorted(per)
    shares = largest_remainder(cal.PROMOTED_SINCE_2013, np.array([per[c] for c in counties], float))
    return dict(zip(counties, shares.tolist(), strict=True))


def _write_plan_tables(
    plan: ProvincePlan, cadre_plan: CadrePlan, counties: list[str], out: Path
) -> tuple[list[str], set[str]]:
    """Area classifications, county targets, helping units and work groups of the counties generated."""
    wanted = set(counties)
    classes = [c for c in plan.classifications if c[0][:6] in wanted or c[0][:6] not in plan.counties]
    pq.write_table(
        pa.table(
            {
                "area_code": [c[0] for c in classes],
                "year": pa.array([c[1] for c in classes], pa.int16()),
                "kind": [c[2] for c in classes],
            }
        ),
        out / "area_classifications.parquet",
    )
    targets = [plan.counties[c] for c in counties]
    pq.write_table(
        pa.table(
            {
                "county_code": [c.code + "000000" for c in targets],
                "name": [c.name for c in targets],
                "kind": [c.kind for c in targets],
                "rural_population": pa.array([c.rural_population for c in targets], pa.int64()),
                **{f"remaining_{y}": pa.array([c.remaining[y] for c in targets], pa.int64()) for y in cal.YEARS},
            }
        ),
        out / "county_targets.parquet",
    )
    pq.write_table(cadre_plan.units, out / "helping_units.parquet")
    groups = [v for v in cadre_plan.group_villages if v[:6] in wanted]
    teams = set(cadre_plan.team_counties)
    pq.write_table(
        pa.table(
            {
                "village_code": groups,
                "county_code": [v[:6] + "000000" for v in groups],
                "has_first_secretary": [v in cadre_plan.first_secretary_villages for v in groups],
                "resident_cadres": pa.array([cadre_plan.resident_cadres[v] for v in groups], pa.int16()),
                "county_work_team": [v[:6] in teams for v in groups],
            }
        ),
        out / "work_groups.parquet",
    )
    return groups, teams


def _hukou(households: pa.Table, members: pa.Table, s_members: pa.Table, planted: Any) -> pa.Table:
    """The public-security household register: every person of the county we generated, with status."""
    dead = {d["person_id"] for d in planted.deaths if d["death_date"].year <= 2017}
    village_of = dict(zip(households["household_id"].to_pylist(), households["village_code"].to_pylist(), strict=True))
    rows = []
    for table in (members, s_members):
        if not table.num_rows:
            continue
        for p, h in zip(table["person_id"].to_pylist(), table["household_id"].to_pylist(), strict=True):
            village = village_of.get(h, h[:12])
            rows.append({"person_id": p, "household_id": h, "village_code": village,
                         "status": "死亡注销" if p in dead else "正常"})  # fmt: skip
    return pa.Table.from_pylist(rows, SCHEMAS["hukou"])


def _committees(people: pa.Table, by_county: dict[str, pa.Table]) -> pa.Table:
    """The committees' people in ``party_tables``' order, each county's as ``plant_integrity`` left them."""
    if not by_county:
        return people
    drawn = pa.concat_tables([by_county[c] for c in sorted(by_county)])
    return drawn.take(pc.index_in(people["person_id"], drawn["person_id"]))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
