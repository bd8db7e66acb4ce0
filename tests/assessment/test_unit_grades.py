"""A helping unit's yearly grade by the seed's rule, through the service: the cadres' ratings and the masses' scores
from field work, the villages at the bottom of the county's assessment, the reasons shown, the recurrence that
calls for an interview of the unit's head, and who may grade."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.areas.models import Area, AreaClassification
from fupin.assessment import selectors, services
from fupin.assessment.models import UnitGrade
from fupin.cadres.models import HelpingUnit
from fupin.core.errors import PermissionDeniedError
from fupin.fieldwork.models import Rating, RatingScore
from tests.factories import make_posting
from tests.support import COUNTY_A, make_user

pytestmark = pytest.mark.django_db
YEAR = 2017


def _villages(n: int) -> list[str]:
    lo, hi = COUNTY_A, COUNTY_A[:6] + "999999"
    return list(
        Area.objects.filter(code__gte=lo, code__lte=hi, kind="village")
        .order_by("code")
        .values_list("code", flat=True)[:n]
    )


def _unit(uid: str) -> HelpingUnit:
    return HelpingUnit.objects.create(unit_id=uid, name=f"单位{uid}", level="县", kind="机关", area_id=COUNTY_A)


def _cadre(unit: HelpingUnit, village: str, score: float, grade: str, masses: float | None = None) -> None:
    posting = make_posting(village)
    posting.cadre.unit = unit
    posting.cadre.save()
    Rating.objects.create(posting=posting, village_id=village, year=YEAR, score=Decimal(str(score)), grade=grade,
                          earned=grade)  # fmt: skip
    if masses is not None:
        RatingScore.objects.create(posting=posting, village_id=village, year=YEAR, period="year", rater="masses",
                                   score=Decimal(str(masses)), entered_by="t")  # fmt: skip


def test_units_are_graded_by_score_and_capped_by_the_seed_rule_with_reasons():
    v = _villages(4)
    good, weak_cadre, unloved, bottom_village = (_unit(u) for u in ("GOOD", "WEAK", "MASS", "LAST"))
    _cadre(good, v[0], 95, "优秀", masses=60)  # at the masses' line
    _cadre(weak_cadre, v[0], 96, "优秀")
    _cadre(weak_cadre, v[1], 90, "基本称职")  # capped by absences, score still high
    _cadre(unloved, v[1], 93, "优秀", masses=59.5)
    _cadre(bottom_village, v[3], 94, "优秀")
    # the county assesses its deep-poverty villages; v[3] comes last
    county_org = make_user("wn-zzb", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    for code in (v[2], v[3]):
        AreaClassification.objects.create(area_id=code, year=YEAR, kind="deep_poverty_village")
    scheme = services.scheme_create(actor=county_org, area_code=COUNTY_A, year=YEAR, title="深度贫困村考核",
                                    assessed="deep_poverty_villages", bottom=1, standard=False)  # fmt: skip
    services.indicator_add(actor=county_org, scheme_id=scheme.pk, source="entered", title="观摩", weight=100,
                           method="relative", higher_better=True)  # fmt: skip
    services.values_enter(actor=county_org, scheme_id=scheme.pk, order=1, values={v[2]: 90, v[3]: 50})
    services.scheme_run(actor=county_org, scheme_id=scheme.pk)

    township = make_user("t-zz", Role.TOWNSHIP_OFFICER, v[0][:9] + "000", department=Department.ORGANIZATION)
    with pytest.raises(PermissionDeniedError, match="须由"):
        services.unit_grades_run(actor=township, area_code=COUNTY_A, year=YEAR)
    result = services.unit_grades_run(actor=county_org, area_code=COUNTY_A, year=YEAR)
    got = {g.unit.unit_id: (g.cadres, g.score, g.earned, g.grade) for g in UnitGrade.objects.select_related("unit")}
    assert got == {
        "GOOD": (1, Decimal("95.00"), "一等奖", "一等奖"),
        "WEAK": (2, Decimal("93.00"), "一等奖", "二等奖"),
        "MASS": (1, Decimal("93.00"), "一等奖", "二等奖"),
        "LAST": (1, Decimal("94.00"), "一等奖", "二等奖"),
    }
    reasons = {g.unit.unit_id: g.reasons for g in UnitGrade.objects.select_related("unit")}
    assert reasons["WEAK"] == "1 名派驻干部年度考核为基本称职或不称职（县乡村评议不好）"
    assert reasons["MASS"] == "派驻干部群众满意度测评最低 59.5 分（群众反映差）"
    assert reasons["LAST"] == "1 个帮扶村在当年村级考核中排名末位（帮扶成效不好）"
    assert (result.units, result.capped, result.by_grade) == (4, 3, {"一等奖": 1, "二等奖": 3})
    assert selectors.unit_grades(viewer=county_org, year=YEAR).count() == 4
    assert selectors.unit_grades(viewer=township, year=YEAR).count() == 0  # the units sit at the county

    # the next year: the same unit capped again is called for an interview of its head; a re-run replaces
    UnitGrade.objects.filter(year=YEAR).update(year=YEAR - 1)
    again = services.unit_grades_run(actor=county_org, area_code=COUNTY_A, year=YEAR)
    assert again.recurring == ["LAST", "MASS", "WEAK"]
    assert UnitGrade.objects.get(year=YEAR, unit=weak_cadre).reasons.endswith(services.RECURRING)
    assert UnitGrade.objects.filter(year=YEAR).count() == 4
