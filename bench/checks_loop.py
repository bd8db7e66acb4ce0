"""The per-household Python/ORM loop the checks replace: the ten planted rules (a lower bound for all of them),
one household at a time, through the
Django ORM on a sample of the loaded county. Prints seconds per household (JSON). Run with FUPIN_DATA_DIR set to a
directory holding a database loaded by `fupin synth --scale tiny --into-db`."""

from __future__ import annotations

import json
import sys
import time
from datetime import date

import django

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def main(sample: int) -> None:
    django.setup()
    from fupin.external.models import Business, Death, RealEstate, StatePayroll, SurveyHousehold, Vehicle
    from fupin.registry.models import Household, HouseholdYear, Member

    year, line, car = 2017, 2952.0, 30_000
    ids = list(Household.objects.order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // sample)
    chosen = ids[::step][:sample]
    hits = 0
    started = time.perf_counter()
    for pk in chosen:
        h = Household.objects.get(pk=pk)
        members = list(Member.objects.filter(household=h))
        poor = h.identified_year <= year and (h.exit_year is None or h.exit_year > year)
        for m in members:
            pid = m.id_number
            if poor:
                hits += Vehicle.objects.filter(owner_id=pid, value_yuan__gte=car).count()
                hits += RealEstate.objects.filter(owner_id=pid, kind="商品住房").count()
                hits += Business.objects.filter(legal_rep_id=pid, status="存续").count()
                hits += StatePayroll.objects.filter(person_id=pid).count()
                hits += Death.objects.filter(person_id=pid, death_date__lte=date(year, 12, 31)).count()
            if len(pid) == 18 and pid[:17].isdigit():
                s = sum(int(pid[k]) * w for k, w in enumerate(ID_WEIGHTS))
                hits += "10X98765432"[s % 11] != pid[17].upper()
            hits += not 0 <= m.migrant_months <= 12
        if h.exit_year == year:
            y = HouseholdYear.objects.filter(household=h, year=year).first()
            hits += bool(y and float(y.income_per_capita) < line)
        if h.main_cause == "因病":
            hits += all(m.health == "健康" for m in members)
    per_household = (time.perf_counter() - started) / len(chosen)
    surveys = list(SurveyHousehold.objects.all())
    hits += sum(s.income_per_capita < line for s in surveys)
    print(json.dumps({"per_household": per_household, "sample": len(chosen), "hits": hits}))  # noqa: T201


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
