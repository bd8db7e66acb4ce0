"""Whether a cadre may be sent to a village (POLICY §5), shared by the dispatch optimiser and the cadre pages."""

from __future__ import annotations

LOW_RATINGS = ("基本称职", "不称职")


def eligibility_reasons(
    *, staff_status: str, years_of_work: int, ratings: tuple[str, ...], first_secretary: bool, min_years: int
) -> list[str]:
    """Why a cadre may not be sent (empty = eligible): permanent staff, years of work for a first secretary, no
    基本称职/不称职 in the last two years (《关于加强贫困村驻村工作队选派管理工作的指导意见》, 2017;
    贵州省同步小康驻村：第一书记须有 2 年以上工作经验)."""
    reasons = []
    if staff_status != "在编":
        reasons.append("非在编人员")
    if first_secretary and years_of_work < min_years:
        reasons.append(f"工作年限 {years_of_work} 年，第一书记须满 {min_years} 年")
    low = [r for r in ratings if r in LOW_RATINGS]
    if low:
        reasons.append(f"近两年考核有“{low[0]}”")
    return reasons
