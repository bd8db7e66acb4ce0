"""Loading village Party organizations in bulk (the synthetic province, or another system's export): the
organizations, the people of their two committees and reserve pools, the 10th election's seats and their later
changes, the yearly facts, reviews and guarantees, the approved adjustments; then the 2017 软弱涣散 list with its
rectifications' acceptance and the 2018 list, judged by the same rules as a county's own identification.
Villages that already have an organization are left alone, so a second load changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import transaction
from django.utils import timezone

from fupin.audit.labels import field_label
from fupin.audit.services import audit_record
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.bulk import bulk_insert
from fupin.core.permissions import require

from .choices import AdjustStatus, CaseStatus, ElectionStep, OrgKind
from .models import Election, PartyOrg, Seat, VillageCadre, WeakCase
from .services import acceptance_table, carry_failed, weak_identify

Echo = Callable[[str], None]
NAMES = ("party_orgs", "village_cadres", "seats", "reserves", "adjustments", "org_years", "reviews", "guarantees",
         "weak_cases")  # fmt: skip
KINDS = {"党支部": OrgKind.BRANCH, "党总支": OrgKind.GENERAL_BRANCH, "党委": OrgKind.COMMITTEE}
ROUND = 10
STAMP = pa.timestamp("us", tz="UTC")


def load_parquet_dir(out: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in NAMES if (out / f"{name}.parquet").exists()}


def _only(table: pa.Table, villages: pa.Array) -> pa.Table:
    return table.filter(pc.is_in(table.column("village_code"), villages))


def _map(keys: pa.ChunkedArray, mapping: dict[str, int]) -> pa.Array:
    return pa.array([mapping.get(k) for k in keys.to_pylist()], pa.int64())


def _const(value: Any, n: int, typ: pa.DataType) -> pa.Array:
    return pa.array([value] * n, typ)


@transaction.atomic
def partyorg_load(*, actor: Actor | None, tables: dict[str, pa.Table], source: str,
                  echo: Echo | None = None) -> dict[str, int]:  # fmt: skip
    """Load the tables' villages that have no organization yet (see the module's docstring); returns row counts."""
    say = echo or (lambda _: None)
    orgs = tables["party_orgs"]
    counties = sorted({v[:6] for v in orgs.column("village_code").to_pylist()})
    for county in counties:
        require(actor, "partyorg.manage", codes.normalize(county))
    present = set(PartyOrg.objects.filter(village_id__in=orgs.column("village_code").to_pylist())
                  .values_list("village_id", flat=True))  # fmt: skip
    fresh = pa.array(sorted(set(orgs.column("village_code").to_pylist()) - present), pa.string())
    counts: dict[str, int] = {"organizations": len(fresh)}
    if not len(fresh):
        say("村党组织数据已载入，跳过")
        return counts
    now = timezone.now()
    progress.report("村党组织和两委成员", 0, 4)
    orgs = _only(orgs, fresh)
    kinds = pa.array([KINDS.get(k, OrgKind.BRANCH).value for k in orgs.column("kind").to_pylist()], pa.string())
    bulk_insert(PartyOrg, pa.table({"village_id": orgs.column("village_code"), "kind": kinds,
                                    "members": orgs.column("members"),
                                    "updated_at": _const(now, len(orgs), STAMP)}))  # fmt: skip
    people = _only(tables["village_cadres"], fresh)
    n = people.num_rows
    bulk_insert(VillageCadre, pa.table({
        "ref": people.column("person_id"), "village_id": people.column("village_code"), "name": people.column("name"),
        "gender": people.column("gender"), "birth_year": people.column("birth_year"),
        "education": people.column("education"), "source": people.column("source"),
        "id_number": _id_numbers(people), "created_at": _const(now, n, STAMP),
    }))  # fmt: skip
    person_of = dict(VillageCadre.objects.filter(village_id__in=fresh.to_pylist()).values_list("ref", "pk"))
    counts["people"] = n
    seats = _only(tables["seats"], fresh)
    election_of = _elections(seats, now)
    round_ = seats.column("election_round")
    bulk_insert(Seat, pa.table({
        "person_id": _map(seats.column("person_id"), person_of), "village_id": seats.column("village_code"),
        "committee": seats.column("committee"), "post": seats.column("post"), "start": seats.column("start"),
        "end": seats.column("end"),
        "end_reason": pa.array(["" if e is None else ("调整" if r is None else "离任")
                                for e, r in zip(seats.column("end").to_pylist(), round_.to_pylist(), strict=True)]),
        "election_id": pa.array([election_of.get(v) if r == ROUND else None for v, r in
                                 zip(seats.column("village_code").to_pylist(), round_.to_pylist(), strict=True)],
                                pa.int64()),
        "new": seats.column("new"),
    }))  # fmt: skip
    counts["seats"] = seats.num_rows
    progress.report("后备力量、年度情况、评议和保障", 1, 4)
    counts.update(_yearly(tables, fresh, person_of, now))
    progress.report("软弱涣散村排查和整顿验收", 2, 4)
    counts.update(_weak(actor, tables, fresh, counties))
    audit_record(actor=actor, action="partyorg.load", entity=None, area_code=codes.normalize(counties[0]),
                 entity_type="partyorg.batch", entity_id=source[:64],
                 changes={"counties": [None, len(counties)], **{k: [None, v] for k, v in counts.items()}})  # fmt: skip
    progress.report("完成", 4, 4)
    say("村级党组织：" + "，".join(f"{field_label(k)} {v:,}" for k, v in counts.items()))
    return counts


def _id_numbers(people: pa.Table) -> pa.Array:
    """The people's ID numbers, blank where not recorded (a null, or a file written before the column existed)."""
    if "id_number" not in people.column_names:
        return _const("", people.num_rows, pa.string())
    return pc.fill_null(people.column("id_number").cast(pa.string()), "").combine_chunks()


def _elections(seats: pa.Table, now: Any) -> dict[str, int]:
    """One filed 10th election per village, dated from its seats: recommended a month before the vote, inspected
    two weeks before, filed ten days after; its seats are the elected ones."""
    tenth = seats.filter(pc.equal(seats.column("election_round"), ROUND))
    by_village: dict[str, dict[str, Any]] = {}
    columns = (tenth.column(n).to_pylist() for n in ("village_code", "committee", "start"))
    for village, committee, start in zip(*columns, strict=True):
        row = by_village.setdefault(village, {"on": start, "branch": 0, "villagers": 0})
        row["on"] = min(row["on"], start)
        row[committee] += 1
    villages = sorted(by_village)
    days = [by_village[v]["on"] for v in villages]
    bulk_insert(Election, pa.table({
        "village_id": pa.array(villages, pa.string()), "round": _const(ROUND, len(villages), pa.int16()),
        "step": _const(ElectionStep.FILED.value, len(villages), pa.string()),
        "branch_seats": pa.array([max(by_village[v]["branch"], 3) for v in villages], pa.int16()),
        "villagers_seats": pa.array([max(by_village[v]["villagers"], 3) for v in villages], pa.int16()),
        "recommended_on": pa.array([d - timedelta(days=30) for d in days], pa.date32()),
        "inspected_on": pa.array([d - timedelta(days=14) for d in days], pa.date32()),
        "elected_on": pa.array(days, pa.date32()),
        "filed_on": pa.array([d + timedelta(days=10) for d in days], pa.date32()),
        "created_by_id": pa.nulls(len(villages), pa.int64()),
        "created_at": _const(now, len(villages), STAMP),
    }))  # fmt: skip
    return dict(Election.objects.filter(village_id__in=villages, round=ROUND).values_list("village_id", "pk"))


def _yearly(tables: dict[str, pa.Table], fresh: pa.Array, person_of: dict[str, int], now: Any) -> dict[str, int]:
    from .models import Guarantee, OrgYear, Reserve, Review, SecretaryAdjustment

    r = _only(tables["reserves"], fresh)
    bulk_insert(Reserve, pa.table({"person_id": _map(r.column("person_id"), person_of),
                                   "village_id": r.column("village_code"),
                                   "added": r.column("added"), "promoted": r.column("promoted"),
                                   "removed": pa.nulls(r.num_rows, pa.date32())}))  # fmt: skip
    y = _only(tables["org_years"], fresh)
    bulk_insert(OrgYear, pa.table({"village_id": y.column("village_code"), "year": y.column("year"),
                                   "new_members": y.column("new_members"),
                                   "satisfaction": y.column("satisfaction")}))  # fmt: skip
    v = _only(tables["reviews"], fresh)
    bulk_insert(Review, pa.table({
        "village_id": v.column("village_code"), "year": v.column("year"),
        "person_id": _map(v.column("person_id"), person_of), "grade": v.column("grade"),
        "township_rank": v.column("township_rank"), "township_size": v.column("township_size"),
        "findings": _const("", v.num_rows, pa.string()), "by_id": pa.nulls(v.num_rows, pa.int64()),
        "updated_at": _const(now, v.num_rows, STAMP),
    }))  # fmt: skip
    g = _only(tables["guarantees"], fresh)
    bulk_insert(Guarantee, pa.table({
        "village_id": g.column("village_code"), "year": g.column("year"),
        "secretary_pay": g.column("secretary_pay"), "pay_paid": g.column("pay_paid"),
        "office_funds": g.column("office_funds"), "funds_paid": g.column("funds_paid"),
    }))  # fmt: skip
    a = _only(tables["adjustments"], fresh)
    n = a.num_rows
    bulk_insert(SecretaryAdjustment, pa.table({
        "village_id": a.column("village_code"), "year": a.column("year"),
        "person_id": _map(a.column("person_id"), person_of), "reason": a.column("reason"),
        "evidence": _const("年度排查研判", n, pa.string()),
        "status": _const(AdjustStatus.APPROVED.value, n, pa.string()),
        "replacement_id": _map(a.column("replacement_id"), person_of),
        "proposed_by": _const("乡镇党委", n, pa.string()), "township_by": _const("乡镇党委", n, pa.string()),
        "county_by": _const("县委组织部", n, pa.string()), "note": _const("同意", n, pa.string()),
        "township_note": _const("同意", n, pa.string()),
        "decided_on": a.column("decided"), "created_at": _const(now, n, STAMP),
    }))  # fmt: skip
    return {"reserves": r.num_rows, "org_years": y.num_rows, "reviews": v.num_rows, "guarantees": g.num_rows,
            "adjustments": n}  # fmt: skip


def _common_area(counties: list[str]) -> str:
    """The smallest area holding every county: the county itself, their prefecture or the province."""
    for width in (6, 4, 2):
        if len({c[:width] for c in counties}) == 1:
            return codes.normalize(counties[0][:width])
    return codes.normalize("52")


def _weak(actor: Actor | None, tables: dict[str, pa.Table], fresh: pa.Array, counties: list[str]) -> dict[str, int]:
    """The 2017 list by the rules, its acceptance results from the file (each judged by the acceptance rule; a
    failed village classified 软弱涣散 for 2018), then the 2018 list."""
    area = _common_area(counties)  # one identification over the loaded counties (idempotent elsewhere)
    listed = weak_identify(actor=actor, area_code=area, year=2017).weak
    results = _only(tables["weak_cases"], fresh) if "weak_cases" in tables else None
    cases = {c.village_id: c for c in WeakCase.objects.filter(village_id__in=fresh.to_pylist(), year=2017)}
    failed = []
    if results is not None and results.num_rows:
        judged = {r["village_code"]: r["passed"] for r in acceptance_table(results, 2017).to_pylist()}
        for row in results.to_pylist():
            case = cases.get(row["village_code"])
            if case is None or case.status != CaseStatus.RECTIFYING or row["village_code"] not in judged:
                continue
            passed = judged[row["village_code"]]
            case.status = CaseStatus.PASSED if passed else CaseStatus.FAILED
            case.score, case.surveyed, case.dissatisfied = row["score"], row["surveyed"], row["dissatisfied"]
            case.accepted_on = row["accepted"]
            if not passed:
                failed.append(case.village_id)
    WeakCase.objects.bulk_update(list(cases.values()), ["status", "score", "surveyed", "dissatisfied", "accepted_on"],
                                 batch_size=2000)  # fmt: skip
    carry_failed(actor=actor, villages=failed, year=2017)
    listed_2018 = weak_identify(actor=actor, area_code=area, year=2018).weak
    return {"weak_2017": listed, "accept_failed": len(failed), "weak_2018": listed_2018}
