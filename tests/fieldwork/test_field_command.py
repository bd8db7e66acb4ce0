"""`fupin field`: the year-end review, the tallies (and their rebuild from the log), who is short of days in the
village, and linking a cadre's account — from the command line, with Chinese errors."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.fieldwork.models import Adjustment, LogTally, Rating, WorkLog
from fupin.fieldwork.services import LogInput, rating_scores_set, worklog_add
from tests.factories import make_posting
from tests.support import COUNTY_A, first_village, make_user

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("field", *args, stdout=out)
    return out.getvalue()


def test_review_rates_and_proposes_and_tallies_rebuild_to_the_same_counts():
    village = first_village(COUNTY_A)
    secretary = make_user("fs-c", Role.FIRST_SECRETARY, village)
    posting = make_posting(village, account=secretary, start=date(2018, 3, 1))
    county = make_user("cz-c", Role.COUNTY_OFFICER, COUNTY_A, department=Department.ORGANIZATION)
    rating_scores_set(actor=county, posting=posting, year=2018, period="year",
                      scores={"sending_unit": 55, "township": 55, "masses": 55})  # fmt: skip
    out = _run("review", "--area", COUNTY_A, "--year", "2018", "--user", "cz-c")
    assert "评定 1 人（不称职 1 人）" in out
    assert "新提出调整建议 1 人" in out
    assert Rating.objects.get().grade == "不称职"
    assert Adjustment.objects.get().reason.startswith("2018 年度考核不称职（综合得分 55.00）")
    with pytest.raises(CommandError, match="请用 --year 指定考核年度"):
        _run("review", "--area", COUNTY_A)

    worklog_add(actor=secretary, data=LogInput(kind="meeting", date=date.today(), content="村民大会"))  # noqa: DTZ011
    worklog_add(actor=secretary, data=LogInput(kind="project", date=date.today(), content="茶园", amount="12.5",  # noqa: DTZ011
                                               funds_source="派出单位"))  # fmt: skip
    kept = set(LogTally.objects.values_list("village_id", "year", "month", "kind", "count", "amount"))
    LogTally.objects.update(count=99)  # damaged
    out = _run("tallies", "--area", COUNTY_A, "--year", str(date.today().year), "--rebuild")  # noqa: DTZ011
    assert "已重新汇总 2 行" in out
    assert "引进项目资金：1（12.50 万元）" in out
    assert set(LogTally.objects.values_list("village_id", "year", "month", "kind", "count", "amount")) == kept
    assert WorkLog.objects.count() == 2


def test_link_by_id_number_and_presence():
    village = first_village(COUNTY_A)
    posting = make_posting(village)
    make_user("fs-l", Role.FIRST_SECRETARY, village)
    assert "已关联账号 fs-l" in _run("link", "--cadre", posting.cadre.person_id, "--account", "fs-l")
    posting.cadre.refresh_from_db()
    assert posting.cadre.account.username == "fs-l"
    with pytest.raises(CommandError, match="没有该身份证号的干部"):
        _run("link", "--cadre", "110101199001011234", "--account", "fs-l")
    out = _run("presence", "--area", COUNTY_A, "--year", "2018", "--month", "4")
    assert "2018 年 4 月：在岗 1 人，在村天数不足 0 人" in out
