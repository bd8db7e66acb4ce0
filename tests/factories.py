"""A small real household written through the registry service, for tests."""

from __future__ import annotations

from datetime import date

import numpy as np

from fupin.registry.models import Household, HouseholdYear
from fupin.registry.services import registry_bulk_load
from fupin.synth.people import id_numbers, unique_sequences


def person_ids(county: str, n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    birth = np.array(["1970-01-01"] * n, dtype="datetime64[D]") + (np.arange(n) % 15000).astype("timedelta64[D]")
    return id_numbers(county, birth, unique_sequences(rng, birth, np.ones(n, dtype=bool))).to_pylist()


def make_household(village: str, number: int = 1, head: str = "张明华", size: int = 2) -> Household:
    household_no = f"{village}{number:05d}"
    ids = person_ids(village[:6], size, seed=number)
    members = [
        {
            "person_id": pid,
            "household_id": household_no,
            "name": head if i == 0 else f"张{i}",
            "sex": "男",
            "birth_date": date(1970, 1, 1 + i),
            "relation": "户主" if i == 0 else "子女",
            "education": "初中",
            "student": False,
            "health": "健康",
            "labour": "普通劳动力",
            "migrant_months": 0,
            "medical_insurance": True,
            "critical_illness_insurance": True,
        }
        for i, pid in enumerate(ids)
    ]
    years = [
        {
            "household_id": household_no,
            "year": 2017,
            "poor": True,
            "income_per_capita": 2000.5,
            "wage_income": 1000,
            "production_income": 2000,
            "property_income": 0,
            "transfer_income": 1001,
            "food_ok": True,
            "clothing_ok": True,
            "education_ok": True,
            "medical_ok": True,
            "housing_grade": "C",
            "relocated": False,
            "water_ok": True,
        }
    ]
    household = {
        "household_id": household_no,
        "village_code": village,
        "attribute": "一般贫困户",
        "main_cause": "缺资金",
        "identified_year": 2014,
        "exit_year": None,
        "size": size,
    }
    registry_bulk_load(
        actor=None, area_code=village, households=[household], members=members, years=years, source="test"
    )
    return Household.objects.get(household_no=household_no)


def set_year(household: Household, year: int, *, income: float = 5000.0, **facts: object) -> HouseholdYear:
    """The household's record of ``year``: by default one that passes every exit test (income well above the exit
    line, safe house, water within the standard); ``income`` and ``facts`` change what a test needs."""
    values: dict[str, object] = {
        "village_id": household.village_id,
        "poor": True,
        "income_per_capita": income,
        "wage_income": income * household.size,
        "housing_grade": "B",
        "water_ok": True,
        "water_litres": 60,
        "water_quality_ok": True,
        "water_minutes": 5,
        "water_cut_days": 0,
    }
    values.update(facts)
    row, _ = HouseholdYear.objects.update_or_create(household=household, year=year, defaults=values)
    return row


_CADRE_SEQ = iter(range(1, 10**6))


def _cadre_id(county: str, k: int) -> str:
    """A valid ID number of a man born in 1985 (the day from ``k``), unique per ``k`` below 180,000."""
    birth = np.array(["1985-01-01"], dtype="datetime64[D]") + np.array([k // 500], dtype="timedelta64[D]")
    return str(id_numbers(county, birth, np.array([(k % 500) * 2 + 1])).to_pylist()[0])


def make_posting(village: str, *, role: str = "first_secretary", start: date = date(2017, 3, 1), account=None):  # type: ignore[no-untyped-def]
    """A cadre of a county unit posted to ``village`` (active), optionally linked to a login ``account``."""
    from fupin.cadres.models import Cadre, HelpingUnit, Posting

    county = village[:6] + "000000"
    unit, _ = HelpingUnit.objects.get_or_create(
        unit_id=f"T{village[:6]}", defaults={"name": "县农业农村局", "level": "县", "kind": "机关", "area_id": county}
    )
    k = next(_CADRE_SEQ)
    cadre = Cadre.objects.create(
        person_id=_cadre_id(village[:6], k), name=f"驻村干部{k}", sex="男",
        birth_date=date(1985, 1, 1), unit=unit, area_id=county, rank="科员", cadre_type="农业", years_of_work=8,
        staff_status="在编", rating_prev="称职", rating_last="称职", account=account,
    )  # fmt: skip
    return Posting.objects.create(cadre=cadre, village_id=village, role=role, round=start.year, start=start)
