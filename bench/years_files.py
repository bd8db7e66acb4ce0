"""Yearly-records files (CSV and xlsx, one row per person) of the first N people of a loaded registry, for `fupin
import years`: the households' records of the year after their last stored one (so the import creates records)
with incomes that change per household. Run with the benchmark's DJANGO_SETTINGS_MODULE and data directory."""

from __future__ import annotations

import sys
from pathlib import Path

import django


def main(limit: int, out: Path) -> int:
    django.setup()
    from fupin.lib import tabular as tb
    from fupin.registry.models import Household, Member
    from fupin.registry.yearspec import YEARLY

    out.mkdir(parents=True, exist_ok=True)
    headers = [c.header for c in YEARLY]
    rows: list[list[object]] = []
    households = (
        Household.objects.filter(size__gt=0)
        .order_by("household_no")
        .values_list("id", "household_no", "identified_year")
    )
    for hid, no, identified in households.iterator(chunk_size=2000):
        people = list(Member.objects.filter(household_id=hid, deceased_on__isnull=True).order_by("id"))
        if len(rows) + len(people) > limit:
            break
        year = max(identified, 2019)
        wage = 6000 + hid % 5000
        for m in people:
            rows.append(
                [no, year, wage, 3000, 800, 0, 1200, "", "是", "是", "是", "是", "B", "否", "是", 60, "是", 10, 0,
                 "否", m.id_number, m.name, "是" if m.school_stage else "否", m.school_stage,
                 "是" if m.home_schooled else "否", m.disability, m.health, "是", "是"]
            )  # fmt: skip
    tb.write_rows(out / "years.csv", headers, rows, sheet="年度动态调整")
    tb.write_rows(out / "years.xlsx", headers, rows, sheet="年度动态调整")
    return len(rows)


if __name__ == "__main__":
    print(main(int(sys.argv[1]), Path(sys.argv[2])))  # noqa: T201
