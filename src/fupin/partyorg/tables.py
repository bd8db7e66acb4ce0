"""The village Party organizations' rows as the rules' Arrow tables (``analytics.partyorg``), one SQL query each,
bounded to an area's village code range and read through ``core.arrow`` (COPY on PostgreSQL)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from fupin.analytics import partyorg as rules
from fupin.analytics.engines import canonical
from fupin.core import codes
from fupin.core.arrow import Columns, query_table
from fupin.registry.tables import area_bounds

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


# What the 优亲厚友 checks read (``analytics.rules.integrity``), as canonical tables beside the registry's: the seats
# of the area's committee members who have an ID number, and the hukou households (户号) that hold one of them —
# only those: the rule joins nothing else, and the whole register is the province's population.
CHECK_QUERIES: dict[str, tuple[str, Columns]] = {
    "cadre_seats": (
        'SELECT v.id_number, v.name, s.village_id, s.post, s.start, s."end" FROM partyorg_seat s'
        " JOIN partyorg_villagecadre v ON v.id = s.person_id"
        " WHERE s.village_id BETWEEN %s AND %s AND v.id_number <> ''",
        [("person_id", pa.string()), ("name", pa.string()), ("village_code", pa.string()), ("post", pa.string()),
         ("seated_from", pa.date32()), ("seated_until", pa.date32())],
    ),
    "hukou": (
        "SELECT h.person_id, h.household_id FROM external_hukou h WHERE h.household_id IN ("
        "SELECT c.household_id FROM external_hukou c JOIN partyorg_villagecadre v ON v.id_number = c.person_id"
        " WHERE v.village_id BETWEEN %s AND %s AND c.household_id <> '')",
        [("person_id", pa.string()), ("household_id", pa.string())],
    ),
}  # fmt: skip


def check_tables(area_code: str) -> dict[str, pa.Table]:
    """The committees' seats and the cadres' hukou households of the area as the rules' canonical tables."""
    lo, hi = codes.code_range(area_code)
    return {
        name: canonical(name, query_table(sql, area_bounds(sql, lo, hi), columns))
        for name, (sql, columns) in CHECK_QUERIES.items()
    }


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
