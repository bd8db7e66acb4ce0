"""Loading a province's field work in bulk (the synthetic province, or another system's export): work logs,
leave, spot checks, red lines crossed and the raters' scores of the cadres posted to the counties loaded; then
the monthly tallies, the year's ratings and the year-end review. Only postings without any field work in the
year are loaded, so a second load changes nothing and never touches what people entered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fupin.audit.services import audit_record
from fupin.cadres.models import Posting, PostingStatus
from fupin.core import codes, progress
from fupin.core.actors import Actor
from fupin.core.bulk import bulk_insert
from fupin.core.permissions import require
from fupin.registry.models import Household

from .models import Inspection, LeaveRequest, LogTally, RatingScore, RedLine, Violation, WorkLog
from .services import adjustments_review, ratings_compute

Echo = Callable[[str], None]


def _ids(keys: pa.Array, mapping: dict[str, int]) -> pa.Array:
    return pa.array([mapping.get(k) for k in keys.to_pylist()], pa.int64())


def _keep(table: pa.Table, posting_of: dict[str, int], village_of: dict[int, str]) -> pa.Table:
    """The rows whose cadre has a fresh posting, with its id; their village is the posting's, whatever the file
    says (nothing lands outside the areas checked)."""
    table = table.append_column("posting_id", _ids(table.column("person_id"), posting_of))
    table = table.filter(pc.is_valid(table.column("posting_id")))
    villages = pa.array([village_of[p] for p in table.column("posting_id").to_pylist()], pa.string())
    return table.set_column(table.column_names.index("village_code"), "village_code", villages)


def _evening(dates: pa.Array) -> pa.Array:
    """Entered on the evening of the day they record (20:00 in China, 12:00 UTC)."""
    ts = pc.cast(dates, pa.timestamp("us"))
    return pc.cast(pc.add(ts, pa.scalar(12 * 3600 * 1_000_000, pa.duration("us"))), pa.timestamp("us", tz="UTC"))


@transaction.atomic
def fieldwork_load(*, actor: Actor | None, tables: dict[str, pa.Table], year: int, source: str,
                   echo: Echo | None = None) -> dict[str, int]:  # fmt: skip
    """Load the field work of ``year`` for the counties the tables cover (see the module's docstring)."""
    say = echo or (lambda _: None)
    logs = tables["work_logs"]
    counties = sorted({str(v)[:6] for v in pc.unique(logs.column("village_code")).to_pylist()})
    for county in counties:
        require(actor, "cadres.manage", codes.normalize(county))
    posting_of, village_of, household_of = _fresh(counties, year)
    progress.report("民情日记")
    logs = _keep(logs, posting_of, village_of)
    when = _evening(logs.column("date"))
    amount = logs.column("amount_wan")
    bulk_insert(WorkLog, pa.table({
        "posting_id": logs.column("posting_id"), "village_id": logs.column("village_code"),
        "kind": logs.column("kind"), "date": logs.column("date"),
        "household_id": _ids(logs.column("household_id"), household_of),
        "purpose": pa.array([""] * logs.num_rows, pa.string()), "content": logs.column("content"),
        "amount": amount, "funds_source": pc.fill_null(logs.column("funds_source"), ""),
        "created_at": when, "updated_at": when,
    }))  # fmt: skip
    _tallies(logs, year)
    progress.report("请假、暗访抽查、负面清单、考核评分")
    leave = tables["leave_requests"]
    leave = _keep(leave, posting_of, village_of)
    span = pc.add(pc.cast(pc.subtract(pc.cast(leave.column("end"), pa.int32()),
                                      pc.cast(leave.column("start"), pa.int32())), pa.int32()), 1)  # fmt: skip
    decided = _evening(leave.column("start"))
    approved = pc.equal(leave.column("status"), "approved")
    by = pc.if_else(pc.equal(leave.column("status"), "cancelled"), "", "乡镇党委")
    bulk_insert(LeaveRequest, pa.table({
        "posting_id": leave.column("posting_id"), "village_id": leave.column("village_code"),
        "kind": leave.column("kind"), "start": leave.column("start"), "end": leave.column("end"), "days": span,
        "reason": pa.array(["个人事务"] * leave.num_rows, pa.string()), "status": leave.column("status"),
        "township_decision": pc.if_else(approved, "同意", pc.if_else(pc.equal(by, ""), "", "不同意")),
        "township_by": by, "county_decision": pa.array([""] * leave.num_rows, pa.string()),
        "county_by": pa.array([""] * leave.num_rows, pa.string()), "decided_at": decided, "created_at": decided,
    }))  # fmt: skip
    checks = tables["inspections"]
    checks = _keep(checks, posting_of, village_of)
    at = _evening(checks.column("date"))
    bulk_insert(Inspection, pa.table({
        "posting_id": checks.column("posting_id"), "village_id": checks.column("village_code"),
        "date": checks.column("date"), "kind": checks.column("kind"), "present": checks.column("present"),
        "note": pc.if_else(checks.column("present"), "", "村委会和住处均不在，未请假"),
        "inspector": pa.array(["县委组织部"] * checks.num_rows, pa.string()), "created_at": at,
    }))  # fmt: skip
    lines = dict(RedLine.objects.values_list("code", "pk"))
    crossed = tables["violations"]
    crossed = _keep(crossed, posting_of, village_of)
    bulk_insert(Violation, pa.table({
        "posting_id": crossed.column("posting_id"), "village_id": crossed.column("village_code"),
        "red_line_id": _ids(crossed.column("red_line"), lines), "date": crossed.column("date"),
        "evidence": pa.array(["暗访核实"] * crossed.num_rows, pa.string()),
        "statement": pa.array([""] * crossed.num_rows, pa.string()),
        "recorded_by": pa.array(["县纪委监委"] * crossed.num_rows, pa.string()),
        "created_at": _evening(crossed.column("date")),
    }))  # fmt: skip
    scores = tables["rating_scores"]
    scores = _keep(scores, posting_of, village_of)
    now = pa.array([timezone.now()] * scores.num_rows, pa.timestamp("us", tz="UTC"))
    bulk_insert(RatingScore, pa.table({
        "posting_id": scores.column("posting_id"), "village_id": scores.column("village_code"),
        "year": pa.array([year] * scores.num_rows, pa.int16()), "period": scores.column("period"),
        "rater": scores.column("rater"), "score": scores.column("score"),
        "entered_by": pa.array(["县委组织部"] * scores.num_rows, pa.string()), "entered_at": now,
    }))  # fmt: skip
    counts = {"logs": logs.num_rows, "leave": leave.num_rows, "inspections": checks.num_rows,
              "violations": crossed.num_rows, "scores": scores.num_rows, "rated": 0, "proposed": 0}  # fmt: skip
    audit_record(actor=actor, action="fieldwork.load", entity=None, entity_type="fieldwork.batch",
                 entity_id=source[:64], area_code=codes.normalize(counties[0][:2]) if counties else "520000000000",
                 changes={k: [None, v] for k, v in counts.items() if v})  # fmt: skip
    for k, county in enumerate(counties):
        progress.report("年度考核和调整", k, len(counties))
        counts["rated"] += ratings_compute(actor=actor, area_code=county, year=year).rated
        counts["proposed"] += adjustments_review(actor=actor, area_code=county, year=year)
    say(f"民情日记 {counts['logs']:,} 条，请假 {counts['leave']:,} 条，暗访抽查 {counts['inspections']:,} 次，"
        f"违反负面清单 {counts['violations']} 起，考核评分 {counts['scores']:,} 项；{year} 年度考核评定 "
        f"{counts['rated']:,} 人，提出调整建议 {counts['proposed']} 人")  # fmt: skip
    return counts


def _fresh(counties: list[str], year: int) -> tuple[dict[str, int], dict[int, str], dict[str, int]]:
    """The counties' active postings without any field work of ``year`` yet (by the cadre's ID number), their
    villages, and the counties' households by number."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    posting_of: dict[str, int] = {}
    village_of: dict[int, str] = {}
    household_of: dict[str, int] = {}
    for county in counties:
        lo, hi = codes.code_range(county)
        active = Posting.objects.filter(status=PostingStatus.ACTIVE, village_id__gte=lo, village_id__lte=hi)
        touched: set[int] = set()  # postings with any field work of the year already: never loaded again
        for model, day in ((WorkLog, "date"), (LeaveRequest, "start"), (Inspection, "date"), (Violation, "date")):
            span = {f"{day}__gte": first, f"{day}__lte": last}
            rows = model.objects.filter(village_id__gte=lo, village_id__lte=hi, **span)
            touched.update(rows.values_list("posting_id", flat=True).distinct())
        touched.update(RatingScore.objects.filter(village_id__gte=lo, village_id__lte=hi, year=year)
                       .values_list("posting_id", flat=True).distinct())  # fmt: skip
        for pid, pk, village in active.values_list("cadre__person_id", "pk", "village_id"):
            if pk not in touched:
                posting_of[pid], village_of[pk] = pk, village
        household_of.update(
            Household.objects.filter(village_id__gte=lo, village_id__lte=hi).values_list("household_no", "pk")
        )
    return posting_of, village_of, household_of


def _tallies(logs: pa.Table, year: int) -> None:
    """Add the loaded entries to the villages' monthly tallies (new rows in bulk, existing ones updated)."""
    month = pc.month(logs.column("date"))
    t = pa.table({"village_id": logs.column("village_code"), "month": month, "kind": logs.column("kind"),
                  "amount": pc.fill_null(logs.column("amount_wan"), 0.0)})  # fmt: skip
    g = t.group_by(["village_id", "month", "kind"]).aggregate([("kind", "count"), ("amount", "sum")])
    rows: dict[tuple[str, int, str], tuple[int, float]] = {
        (v, m, k): (n, a)
        for v, m, k, n, a in zip(*(g.column(c).to_pylist() for c in ("village_id", "month", "kind", "kind_count",
                                                                      "amount_sum")), strict=True)
    }  # fmt: skip
    villages = sorted({v for v, _, _ in rows})
    existing: dict[tuple[str, int, str], LogTally] = {}
    for start in range(0, len(villages), 500):
        for tally in LogTally.objects.filter(year=year, village_id__in=villages[start : start + 500]):
            existing[(tally.village_id, tally.month, tally.kind)] = tally
    new = [key for key in rows if key not in existing]
    bulk_insert(LogTally, pa.table({
        "village_id": pa.array([k[0] for k in new], pa.string()), "year": pa.array([year] * len(new), pa.int16()),
        "month": pa.array([k[1] for k in new], pa.int16()), "kind": pa.array([k[2] for k in new], pa.string()),
        "count": pa.array([rows[k][0] for k in new], pa.int64()),
        "amount": pa.array([round(rows[k][1], 2) for k in new], pa.float64()),
    }))  # fmt: skip
    for key, tally in existing.items():  # rows entered meanwhile on the web: add, never overwrite
        n, a = rows[key]
        LogTally.objects.filter(pk=tally.pk).update(count=F("count") + n, amount=F("amount") + round(a, 2))


def load_parquet_dir(out: Any) -> dict[str, pa.Table]:
    import pyarrow.parquet as pq

    names = ("work_logs", "leave_requests", "inspections", "violations", "rating_scores")
    return {name: pq.read_table(out / f"{name}.parquet") for name in names}
