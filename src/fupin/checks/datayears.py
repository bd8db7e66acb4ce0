"""Which area and year a check or a what-if may run on: an existing area, with registry (建档立卡) data, in a year
the data covers. Said in Chinese before anything runs, rather than an empty result."""

from __future__ import annotations

from django.db.models import Max, Min
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import codes
from fupin.core.errors import NotFoundError, ValidationError
from fupin.registry.models import Household, HouseholdYear

FIRST_YEAR = 2013  # the registry's first year: the 2014 identification's baseline


def data_years(area_code: str) -> tuple[int, int] | None:
    """The years the area's registry covers: from the year before its first identification (the baseline) to the
    current year (the registry is live: a household not yet exited is poor this year too), or a later year already
    recorded; None without any household."""
    lo, hi = codes.code_range(area_code)
    households = Household.objects.filter(village_id__gte=lo, village_id__lte=hi)
    agg = households.aggregate(first=Min("identified_year"), last=Max("identified_year"), exit=Max("exit_year"))
    if agg["first"] is None:
        return None
    recorded = HouseholdYear.objects.filter(household__village_id__gte=lo, household__village_id__lte=hi).aggregate(
        last=Max("year")
    )["last"]
    last = max(y for y in (agg["last"], agg["exit"], recorded, timezone.localdate().year) if y is not None)
    return max(FIRST_YEAR, agg["first"] - 1), last


def require_data(area_code: str, year: int) -> tuple[int, int]:
    """The area's data years, or the reason nothing can run: 区划不存在, 该区划暂无建档立卡数据, 年度超出范围."""
    area_code = codes.normalize(area_code)
    if not Area.objects.filter(code=area_code).exists():
        raise NotFoundError(f"区划不存在：{area_code}（请用 fupin areas 查看区划代码）")
    years = data_years(area_code)
    if years is None:
        name = Area.objects.filter(code=area_code).values_list("name", flat=True).first()
        raise ValidationError(f"该区划暂无建档立卡数据：{name}（{area_code}）还没有导入贫困户")
    first, last = years
    if not first <= year <= last:
        raise ValidationError(f"年度超出范围：{year} 年；该区划的建档立卡数据为 {first}—{last} 年")
    return years
