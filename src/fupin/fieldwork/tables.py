"""The field work's rows as the rules' Arrow tables (``analytics.fieldwork``), one SQL query each, bounded to an
area's village code range and a period; read through ``core.arrow`` (COPY on PostgreSQL). Dates come back as
date32 and become epoch days by a cast (date32 *is* days since 1970-01-01)."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from fupin.analytics import fieldwork as rules
from fupin.core import codes
from fupin.core.arrow import query_table

from .choices import IN_VILLAGE_LEAVE, RANK, LeaveStatus

POSTINGS = (
    'SELECT p.id, p.start, p."end" FROM cadres_posting p'
    ' WHERE p.village_id BETWEEN %s AND %s AND p.start <= %s AND (p."end" IS NULL OR p."end" >= %s)'
)
LEAVES = (
    'SELECT l.posting_id, l.start, l."end", l.kind FROM fieldwork_leaverequest l'
    ' WHERE l.village_id BETWEEN %s AND %s AND l.status = %s AND l.start <= %s AND l."end" >= %s'
)
LOG_DAYS = (
    "SELECT DISTINCT g.posting_id, g.date FROM fieldwork_worklog g"
    " WHERE g.village_id BETWEEN %s AND %s AND g.date BETWEEN %s AND %s"
)


def _days(table: pa.Table, column: str) -> pa.Array:
    return pc.cast(table.column(column), pa.int32())


def period_tables(area_code: str, first: date, last: date) -> dict[str, pa.Table]:
    """Postings, approved leave and days with a log entry of the area's villages overlapping [first, last]."""
    lo, hi = codes.code_range(area_code)
    p = query_table(
        POSTINGS, [lo, hi, last, first], [("posting_id", pa.int64()), ("start", pa.date32()), ("end", pa.date32())]
    )
    postings = pa.table([p.column("posting_id"), _days(p, "start"), _days(p, "end")], schema=rules.POSTINGS)
    leave = query_table(
        LEAVES,
        [lo, hi, LeaveStatus.APPROVED, last, first],
        [("posting_id", pa.int64()), ("start", pa.date32()), ("end", pa.date32()), ("kind", pa.string())],
    )
    in_village = pc.is_in(leave.column("kind"), pa.array(sorted(IN_VILLAGE_LEAVE), pa.string()))
    leaves = pa.table(
        [leave.column("posting_id"), _days(leave, "start"), _days(leave, "end"), in_village], schema=rules.LEAVES
    )
    g = query_table(LOG_DAYS, [lo, hi, first, last], [("posting_id", pa.int64()), ("date", pa.date32())])
    logs = pa.table([g.column("posting_id"), _days(g, "date")], schema=rules.LOGS)
    return {"postings": postings, "leaves": leaves, "logs": logs}


SCORES = (
    "SELECT s.posting_id, s.period, s.rater, CAST(s.score AS DOUBLE PRECISION) FROM fieldwork_ratingscore s"
    " WHERE s.village_id BETWEEN %s AND %s AND s.year = %s"
)
INSPECTIONS = (
    "SELECT i.posting_id, i.date, i.present FROM fieldwork_inspection i"
    " WHERE i.village_id BETWEEN %s AND %s AND i.date BETWEEN %s AND %s"
)
VIOLATIONS = (
    "SELECT v.posting_id, v.date, r.rating_cap, r.severity FROM fieldwork_violation v"
    " JOIN fieldwork_redline r ON r.id = v.red_line_id"
    " WHERE v.village_id BETWEEN %s AND %s AND v.date BETWEEN %s AND %s"
)


def rating_tables(area_code: str, year: int) -> dict[str, pa.Table]:
    """What the year's ratings read for the area's villages: the postings of the year, the raters' scores, the
    spot checks, approved leave (any kind excuses an absence; the leave limit counts only time away from the
    village) and the red lines crossed, with their caps as ranks and whether they recall."""
    lo, hi = codes.code_range(area_code)
    first, last = date(year, 1, 1), date(year, 12, 31)
    tables = period_tables(area_code, first, last)
    scores = query_table(SCORES, [lo, hi, year], [(f.name, f.type) for f in rules.SCORES])
    i = query_table(INSPECTIONS, [lo, hi, first, last],
                    [("posting_id", pa.int64()), ("date", pa.date32()), ("present", pa.bool_())])  # fmt: skip
    inspections = pa.table([i.column("posting_id"), _days(i, "date"), i.column("present")], schema=rules.INSPECTIONS)
    v = query_table(VIOLATIONS, [lo, hi, first, last],
                    [("posting_id", pa.int64()), ("date", pa.date32()), ("cap", pa.string()),
                     ("severity", pa.string())])  # fmt: skip
    ranks = [RANK.get(c) if c else None for c in v.column("cap").to_pylist()]
    recall = pc.equal(v.column("severity"), "recall")
    violations = pa.table([v.column("posting_id"), _days(v, "date"), pa.array(ranks, pa.int32()), recall],
                          schema=rules.VIOLATIONS)  # fmt: skip
    return {"postings": tables["postings"], "scores": scores, "inspections": inspections, "leaves": tables["leaves"],
            "violations": violations}  # fmt: skip
