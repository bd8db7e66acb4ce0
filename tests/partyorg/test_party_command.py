"""`fupin party`: the year's identification, an area's summary, the election's tallies, vacancies and guarantees —
from the command line, on the synthetic county loaded through the loader, with Chinese errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.accounts.choices import Department
from fupin.accounts.models import Role
from fupin.partyorg.loading import partyorg_load
from fupin.partyorg.models import IdentifyRun, WeakCase
from fupin.synth.party import party_orgs, party_tables
from fupin.synth.province import plan_province
from tests.support import COUNTY_B, make_user

pytestmark = pytest.mark.django_db
TINY = "520325"  # 道真


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("party", *args, stdout=out)
    return out.getvalue()


def test_the_commands_on_the_tiny_county():
    plan = plan_province(2017)
    tables = {"party_orgs": party_orgs(plan, 2017, [TINY]), **party_tables(plan, 2017, [TINY])}
    partyorg_load(actor=None, tables=tables, source="test")
    area = f"{TINY}000000"
    orgs = tables["party_orgs"].num_rows
    assert f"村党组织 {orgs:,} 个" in _run("summary", "--area", area, "--year", "2018")
    secretaries = sum(1 for r in tables["seats"].to_pylist() if r["post"] == "secretary" and r["election_round"] == 10)
    assert f"村党组织书记 {secretaries:,} 人" in _run("election", "--area", area)
    with pytest.raises(CommandError, match="请用 --year 指定排查年度"):
        _run("identify", "--area", area)
    out = _run("identify", "--area", area, "--year", "2018")
    assert f"排查村党组织 {orgs:,} 个" in out
    assert IdentifyRun.objects.filter(area_code=area, year=2018).count() == 2  # the loader's and this one
    assert WeakCase.objects.filter(year=2018).exists() == ("认定软弱涣散 0 个" not in out)
    assert "书记空缺的村" in _run("vacancies", "--area", area)
    assert "2018 年基层保障低于标准的村" in _run("guarantees", "--area", area, "--year", "2018")
    # as a user: another county's organization department may not identify here
    make_user("zz-other", Role.COUNTY_OFFICER, COUNTY_B, department=Department.ORGANIZATION)
    with pytest.raises(CommandError):
        _run("identify", "--area", area, "--year", "2018", "--user", "zz-other")
