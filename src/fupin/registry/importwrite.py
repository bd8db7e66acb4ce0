"""Writing a checked households file: new households and members inserted column-wise (COPY on PostgreSQL),
changed ones updated in bulk and audited old→new on their households, helpers got or created per county."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.audit.services import Change, audit_record_many
from fupin.core.actors import Actor
from fupin.core.bulk import bulk_insert, fetch_by_key
from fupin.lib import tabular as tb

from .history import household_refresh
from .importspec import MEMBER_FIELDS, ImportReport
from .models import Helper, Household, Member, Status


def write_import(  # noqa: PLR0915
    *,
    actor: Actor | None,
    report: ImportReport,
    v: dict[str, pa.Array],
    derived: dict[str, pa.Array],
    take: np.ndarray,
    new_hh: np.ndarray,
    existing_hh: dict[str, tuple[Any, ...]],
    existing_m: dict[str, tuple[Any, ...]],
) -> None:
    """Write the rows marked ``take`` of a checked file (``v``: typed columns; ``derived``: sex and birth date from
    the ID numbers; ``new_hh``: rows of households not yet registered; ``existing_*``: what the database holds, by
    household number and ID number). Fills ``report.created``/``updated``/``unchanged``; audits every change."""
    n = len(take)
    hh = v["household_no"]
    hh_np = hh.to_numpy(zero_copy_only=False).astype(str)
    # one row per household: its first row in the file
    _, first = np.unique(hh_np, return_index=True)
    first = first[take[first]]
    helper_ids = _helpers(v, first)
    # -------- new households
    new_first = first[new_hh[first]]
    is_head = tb.np_bool(pc.equal(v["relation"], "户主"))
    head_name = dict(
        zip(hh_np[is_head & take], np.asarray(v["name"].to_pylist(), dtype=object)[is_head & take], strict=True)
    )
    sizes = dict(zip(*np.unique(hh_np[take], return_counts=True), strict=True))
    exit_year = v.get("exit_year", pa.nulls(n, pa.int64()))
    if len(new_first):
        idx = pa.array(new_first)
        nos = hh_np[new_first]
        households = pa.table(
            {
                "household_no": hh.take(idx),
                "village_id": v["village_code"].take(idx),
                "attribute": v["attribute"].take(idx),
                "main_cause": v["main_cause"].take(idx),
                "status": pa.array(
                    np.where(
                        pc.is_valid(exit_year.take(idx)).to_numpy(zero_copy_only=False),
                        Status.EXITED.value,
                        Status.POOR.value,
                    )
                ),
                "identified_year": v["identified_year"].take(idx),
                "exit_year": exit_year.take(idx),
                "head_name": pa.array([head_name.get(h, "") for h in nos], pa.string()),
                "size": pa.array([int(sizes[h]) for h in nos], pa.int64()),
                "group_name": _col(v, "group_name", n).take(idx),
                "phone": _col(v, "phone", n).take(idx),
                "helper_id": pa.array([helper_ids.get(int(i)) for i in new_first], pa.int64()),
                "monitoring_group": pa.array([""] * len(new_first), pa.string()),
            }
        )
        bulk_insert(Household, households)
    report.created["households"] = len(new_first)
    # -------- changed households
    changes: list[Change] = []
    updated_hh = 0
    old_first = first[~new_hh[first]]
    if len(old_first):
        cols = {
            name: _col(v, name, n).take(pa.array(old_first)).to_pylist()
            for name in ("attribute", "main_cause", "group_name", "phone")
        }
        objs = []
        for j, i in enumerate(old_first.tolist()):
            no = hh_np[i]
            old = existing_hh[no]
            old_values = {
                "attribute": old[4],
                "main_cause": old[5],
                "group_name": old[6],
                "phone": old[7],
                "helper_id": old[8],
            }
            new_values = {name: cols[name][j] for name in ("attribute", "main_cause", "group_name", "phone")}
            new_values["helper_id"] = helper_ids.get(i, old[8])
            diff = {k: [old_values[k], new_values[k]] for k in new_values if old_values[k] != new_values[k]}
            if diff:
                objs.append(Household(pk=old[0], **new_values))
                changes.append(Change("registry.import_update", None, diff, old[1], "registry.household", no))
        if objs:
            Household.objects.bulk_update(
                objs, ["attribute", "main_cause", "group_name", "phone", "helper_id"], batch_size=2000
            )
        updated_hh = len(objs)
    report.updated["households"] = updated_hh
    # -------- members: new ones inserted, existing ones compared
    hh_ids = {no: row[0] for no, row in fetch_by_key(Household, "household_no", hh_np[first].tolist(), ["id"]).items()}
    id_np = np.asarray(v["id_number"].to_pylist(), dtype=object)
    is_new_member = (
        np.array([pid not in existing_m for pid in id_np], dtype=bool) if existing_m else np.ones(n, dtype=bool)
    )
    insert = take & is_new_member
    if insert.any():
        mask = pa.array(insert)
        member_hh = hh_np[insert]
        village_of = dict(zip(hh_np[first], v["village_code"].take(pa.array(first)).to_pylist(), strict=True))
        members = pa.table(
            {
                "id_number": pc.filter(v["id_number"], mask),
                "household_id": pa.array([hh_ids[h] for h in member_hh], pa.int64()),
                "village_id": pa.array([village_of[h] for h in member_hh], pa.string()),
                "name": pc.filter(v["name"], mask),
                "sex": pc.filter(derived["sex"], mask),
                "birth_date": pc.filter(derived["birth_date"], mask),
                "relation": pc.filter(v["relation"], mask),
                "education": pc.filter(_col(v, "education", n), mask),
                "student": pc.filter(_col(v, "student", n, False), mask),
                "health": pc.filter(_col(v, "health", n), mask),
                "labour": pc.filter(_col(v, "labour", n), mask),
                "disability": pc.filter(_col(v, "disability", n), mask),
                "migrant_months": pc.filter(pc.fill_null(_col(v, "migrant_months", n, 0), 0), mask),
                "medical_insurance": pc.filter(_col(v, "medical_insurance", n, False), mask),
                "critical_illness_insurance": pc.filter(_col(v, "critical_illness_insurance", n, False), mask),
            }
        )
        bulk_insert(Member, members)
    report.created["members"] = int(insert.sum())
    unchanged, updated_m, touched = _update_members(v, take & ~is_new_member, existing_m, hh_np, changes)
    report.updated["members"] = updated_m
    report.unchanged = unchanged
    report.created["helpers"] = helper_ids.get(-1, 0)
    # households that existed and got members or member changes: head and size again
    old_touched = {hh_np[i] for i in np.flatnonzero(take & ~new_hh).tolist() if is_new_member[i]} | touched
    for no in sorted(old_touched):
        household_refresh(Household.objects.get(household_no=no))
    if changes:
        audit_record_many(actor=actor, changes=changes)


def _col(v: dict[str, pa.Array], name: str, n: int, default: Any = "") -> pa.Array:
    arr = v.get(name)
    if arr is None:
        return pa.array([default] * n)
    return arr


def _update_members(
    v: dict[str, pa.Array],
    rows: np.ndarray,
    existing_m: dict[str, tuple[Any, ...]],
    hh_np: np.ndarray,
    changes: list[Change],
) -> tuple[int, int, set[str]]:
    if not rows.any():
        return 0, 0, set()
    idx = pa.array(np.flatnonzero(rows))
    n = len(hh_np)
    file_values = {
        name: _col(v, name, n, False if name in {"student", "medical_insurance", "critical_illness_insurance"} else "")
        .take(idx)
        .to_pylist()
        for name in MEMBER_FIELDS
    }
    if "migrant_months" in v:
        file_values["migrant_months"] = [x or 0 for x in file_values["migrant_months"]]
    else:
        file_values["migrant_months"] = [0] * len(idx)
    ids = v["id_number"].take(idx).to_pylist()
    objs = []
    unchanged = 0
    touched: set[str] = set()
    per_household: dict[str, dict[str, list[Any]]] = defaultdict(dict)
    for j, pid in enumerate(ids):
        old = existing_m[pid]
        old_values = dict(zip(MEMBER_FIELDS, old[2:], strict=True))
        new_values = {name: file_values[name][j] for name in MEMBER_FIELDS}
        diff = {k: [old_values[k], new_values[k]] for k in MEMBER_FIELDS if old_values[k] != new_values[k]}
        if not diff:
            unchanged += 1
            continue
        objs.append(Member(pk=old[0], **new_values))
        no = old[1]
        touched.add(no)
        for k, pair in diff.items():
            label = getattr(Member._meta.get_field(k), "verbose_name", k)
            per_household[no][f"成员 {old_values['name']}·{label}"] = pair
    if objs:
        Member.objects.bulk_update(objs, list(MEMBER_FIELDS), batch_size=2000)
    villages = dict(
        Household.objects.filter(household_no__in=list(per_household)).values_list("household_no", "village_id")
    )
    for no, diff in per_household.items():
        changes.append(Change("registry.import_update", None, diff, villages[no], "registry.household", no))
    return unchanged, len(objs), touched


def _helpers(v: dict[str, pa.Array], first: np.ndarray) -> dict[int, Any]:
    """Row index (first row of each household) → helper id; get-or-create helpers per (county, name, phone).
    The count of helpers created is returned under key -1."""
    if "helper_name" not in v or not len(first):
        return {}
    idx = pa.array(first)
    names = v["helper_name"].take(idx).to_pylist()
    units = _col(v, "helper_unit", len(v["helper_name"])).take(idx).to_pylist()
    phones = _col(v, "helper_phone", len(v["helper_name"])).take(idx).to_pylist()
    counties = [c[:6] + "000000" for c in v["village_code"].take(idx).to_pylist()]
    wanted = {(c, nm, ph): u for c, nm, u, ph in zip(counties, names, units, phones, strict=True) if nm}
    if not wanted:
        return {}
    existing = {
        (h.county_id, h.name, h.phone): h.pk
        for h in Helper.objects.filter(county_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted})
    }
    missing = [
        Helper(county_id=c, name=nm, phone=ph, unit=u)
        for (c, nm, ph), u in wanted.items()
        if (c, nm, ph) not in existing
    ]
    if missing:
        Helper.objects.bulk_create(missing, batch_size=2000)
        existing = {
            (h.county_id, h.name, h.phone): h.pk
            for h in Helper.objects.filter(county_id__in={k[0] for k in wanted}, name__in={k[1] for k in wanted})
        }
    out: dict[int, Any] = {-1: len(missing)}
    for i, c, nm, ph in zip(first.tolist(), counties, names, phones, strict=True):
        if nm:
            out[i] = existing[(c, nm, ph)]
    return out
