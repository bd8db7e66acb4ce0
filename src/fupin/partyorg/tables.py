"""The village Party organizations' rows as the rules' Arrow tables (``analytics.partyorg``), one SQL query each,
bounded to an area's village code range and read through ``core.arrow`` (COPY on PostgreSQL)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from fupin.analytics import partyorg as rules
from fupin.core import codes
from fupin.core.arrow import query_table

ORGS = "SELECT o.village_id FROM partyorg_partyorg o WHERE o.village_id BETWEEN %s AND %s"
SEATS = (
    'SELECT s.village_id, s.committee, s.post, s.start, s."end" FROM partyorg_seat s'
    " WHERE s.village_id BETWEEN %s AND %s AND s.post = %s"
)
ORG_YEARS = (
    "SELECT y.village_id, y.year, y.new_members, CAST(y.satisfaction AS DOUBLE PRECISION) FROM partyorg_orgyear y"
    " WHERE y.village_id BETWEEN %s AND %s AND y.year BETWEEN %s AND %s"
)
REVIEWS = (
    "SELECT r.village_id, r.year, r.grade, r.township_rank, r.township_size FROM partyorg_review r"
    " WHERE r.village_id BETWEEN %s AND %s AND r.year = %s"
)
GUARANTEES = (
    "SELECT g.village_id, g.year, CAST(g.secretary_pay AS DOUBLE PRECISION), g.pay_paid,"
    " CAST(g.office_funds AS DOUBLE PRECISION), g.funds_paid FROM partyorg_guarantee g"
    " WHERE g.village_id BETWEEN %s AND %s AND g.year = %s"
)


def _typed(schema: pa.Schema) -> list[tuple[str, pa.DataType]]:
    return [(f.name, f.type) for f in schema]


def weak_tables(area_code: str, year: int, no_member_years: int) -> dict[str, pa.Table]:
    """What the year's 软弱涣散 criteria read for the area's villages: the organizations, the secretaries' seats
    (as epoch days), the yearly facts of the span and the year's reviews."""
    lo, hi = codes.code_range(area_code)
    orgs = query_table(ORGS, [lo, hi], _typed(rules.ORGS))
    s = query_table(
        SEATS, [lo, hi, rules.SECRETARY],
        [("village_code", pa.string()), ("committee", pa.string()), ("post", pa.string()), ("start", pa.date32()),
         ("end", pa.date32())],
    )  # fmt: skip
    seats = pa.table(
        [s.column(0), s.column(1), s.column(2), pc.cast(s.column(3), pa.int32()), pc.cast(s.column(4), pa.int32())],
        schema=rules.SEATS,
    )
    years = query_table(ORG_YEARS, [lo, hi, year - no_member_years + 1, year], _typed(rules.ORG_YEARS))
    reviews = query_table(REVIEWS, [lo, hi, year], _typed(rules.REVIEWS))
    return {"orgs": orgs, "seats": seats, "org_years": years, "reviews": reviews}


def guarantee_table(area_code: str, year: int) -> pa.Table:
    lo, hi = codes.code_range(area_code)
    return query_table(GUARANTEES, [lo, hi, year], _typed(rules.GUARANTEES))
