import os
import subprocess
import sys
from pathlib import Path

FUPIN = Path(sys.executable).with_name("fupin")


def test_fupin_help_lists_its_commands():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([str(FUPIN), "--help"], capture_output=True, text=True, env=env, check=True)  # noqa: S603
    for command in ("areas", "audit", "users", "demo"):
        assert f"  {command} " in out.stdout


# ---- what a command says when there is nothing to show (whatif, checks, indicators) ------------------------------

import pytest  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402

from tests.support import COUNTY_A, COUNTY_B, first_village  # noqa: E402


def _refused(*args: str) -> str:
    with pytest.raises(CommandError) as failed:
        call_command(*args)
    assert failed.value.returncode == 1, args
    return str(failed.value)


@pytest.mark.django_db
def test_whatif_and_checks_say_why_a_year_or_area_has_nothing():
    from tests.factories import make_household

    make_household(first_village(COUNTY_A))
    assert "年度超出范围：2030 年" in _refused("whatif", "--year", "2030", "--set", "exit_line=4000")
    assert "区划不存在：999999000000" in _refused(
        "whatif", "--year", "2017", "--area", "999999", "--set", "exit_line=1"
    )
    assert "该区划暂无建档立卡数据" in _refused(
        "whatif", "--year", "2017", "--area", COUNTY_B[:6], "--set", "exit_line=4000"
    )
    message = _refused("whatif", "--year", "2017", "--area", COUNTY_A, "--set", "exit_line=abc")
    assert "参数 exit_line（省定脱贫退出收入线）的值“abc”不是数值：请写成 exit_line=数值（单位：元/人·年）" in message
    assert "不能假设的参数：quorum" in _refused("whatif", "--year", "2017", "--set", "quorum=1")
    assert "年度超出范围：2030 年" in _refused("checks", "--year", "2030", "--area", COUNTY_A)
    assert "该区划暂无建档立卡数据" in _refused("checks", "--year", "2017", "--area", COUNTY_B)


@pytest.mark.django_db
def test_whatif_prints_a_table_per_county(capsys):
    from fupin.registry.models import Household
    from tests.factories import make_household

    village = first_village(COUNTY_A)
    make_household(village, number=1)
    exited = make_household(village, number=2)
    Household.objects.filter(pk=exited.pk).update(exit_year=2017, status="exited")  # income 2,000.50
    call_command("whatif", "--year", "2017", "--area", COUNTY_A, "--set", "poverty_line=2000")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2017 年假设：国家扶贫标准(现价) ")
    assert out[1].split() == ["县（市、区）", "符合退出条件·现行", "假设", "增减", "核查发现·现行", "假设", "增减"]
    county = out[2].split()
    assert county[0] == "威宁彝族回族苗族自治县"
    assert len(county) == 7
    assert out[3].split()[0] == "合计"
    assert any("错退：当年脱贫但人均纯收入低于国家扶贫标准 1 → 0" in line for line in out)


@pytest.mark.django_db
def test_indicators_print_in_a_fixed_order_with_the_look_alikes_explained(capsys):
    from fupin.checks.services import check_run
    from fupin.registry.models import Household
    from fupin.stats.models import AreaStatistic
    from tests.factories import make_household

    village = first_village(COUNTY_A)
    make_household(village, number=1, size=3)
    wrong = make_household(village, number=2, size=2)
    Household.objects.filter(pk=wrong.pk).update(exit_year=2017, status="exited")
    AreaStatistic.objects.create(area_id=COUNTY_A, year=2017, rural_population=1000)
    check_run(actor=None, year=2017, area_code=COUNTY_A)
    call_command("indicators", "--refresh", "--area", COUNTY_A, "--year", "2017")
    lines = capsys.readouterr().out.splitlines()
    labels = [line.rsplit("：", 1)[0] for line in lines]
    assert labels[:2] == ["年末贫困户", "年末贫困人口"]
    assert (
        labels.index("贫困发生率")
        < labels.index("综合贫困发生率")
        < labels.index("错退：当年脱贫但人均纯收入低于国家扶贫标准")
    )
    assert labels.index("错退：当年脱贫但人均纯收入低于国家扶贫标准") < labels.index("核查发现·待分派")
    assert "贫困发生率：0.30%（= 年末建档立卡贫困人口 ÷ 农村人口）" in lines
    assert any(
        line.startswith("综合贫困发生率：0.50%（= (年末贫困人口 + 漏评人口 + 错退人口) ÷ 农村人口") for line in lines
    )
    assert "该区划没有 2030 年的指标：已有 2014—" in _refused("indicators", "--area", COUNTY_A, "--year", "2030")
