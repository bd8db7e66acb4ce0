"""POLICY.md's figures as the defaults of the policy parameters (no Django here).

Each parameter has a Chinese title, a unit, its source ([S] seen in an official text, [K] common knowledge not
re-checked — see ../shared/POLICY.md) and values by year: a year without its own value takes the latest earlier
one. Province administrators override any of them per year (``fupin.policy.services.parameter_set``); the stored
value wins over these defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GUIZHOU = "520000000000"


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    title: str
    unit: str
    source: str
    kind: type
    by_year: dict[int, Any] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None


SPECS: dict[str, ParameterSpec] = {
    spec.key: spec
    for spec in [
        ParameterSpec(
            "poverty_line",
            "国家扶贫标准(现价)",
            "元/人·年",
            "POLICY.md §1：2014 2800[K]·2015 2855[S]·2016/2017 2952·2018 2995·2019 3218·2020≈4000[K]",
            float,
            {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000},
            minimum=0,
        ),
        ParameterSpec(
            "exit_line",
            "省定脱贫退出收入线",
            "元/人·年",
            "POLICY.md §1：省可高于国家线（黔西南州 2017 年 3335 元[S]）；默认取国家线",
            float,
            {2014: 2800, 2015: 2855, 2016: 2952, 2017: 3335, 2018: 3335, 2019: 3400, 2020: 4000},
            minimum=0,
        ),
        ParameterSpec(
            "vote_quorum",
            "村民代表评议到会比例下限",
            "比例",
            "POLICY.md §1：到会代表不少于三分之二",
            float,
            {2014: 2 / 3},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "vote_pass",
            "评议通过所需赞成票比例(占到会)",
            "比例",
            "惯例：过半数（可配置）",
            float,
            {2014: 0.5},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "identification_notice_days",
            "识别公示最少天数",
            "天",
            "POLICY.md §1：村内公示约 7 天",
            int,
            {2014: 7},
            minimum=1,
            maximum=60,
        ),
        ParameterSpec(
            "exit_notice_days",
            "退出公示最少天数",
            "天",
            "POLICY.md §3：公示不少于一周",
            int,
            {2014: 7},
            minimum=1,
            maximum=60,
        ),
        ParameterSpec(
            "village_exit_incidence",
            "贫困村退出贫困发生率上限(西部)",
            "比例",
            "POLICY.md §3：西部省份 < 3%",
            float,
            {2014: 0.03},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_exit_incidence",
            "贫困县退出：综合贫困发生率上限(西部)",
            "比例",
            "POLICY.md §3 三率一度：< 3%",
            float,
            {2014: 0.03},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_wrong_exit_rate",
            "贫困县退出：错退率上限",
            "比例",
            "POLICY.md §3 三率一度：≤ 2%",
            float,
            {2014: 0.02},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_missed_rate",
            "贫困县退出：漏评率上限",
            "比例",
            "POLICY.md §3 三率一度：≤ 2%",
            float,
            {2014: 0.02},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_approval_min",
            "贫困县退出：群众认可度下限",
            "比例",
            "POLICY.md §3 三率一度：≥ 90%",
            float,
            {2014: 0.90},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "first_secretary_min_years",
            "第一书记最低工作年限",
            "年",
            "DESIGN/文章：第一书记须有 2 年以上工作经历",
            int,
            {2014: 2},
            minimum=0,
            maximum=40,
        ),
        ParameterSpec(
            "team_min_size",
            "驻村工作队(组)最少人数",
            "人",
            "POLICY.md §5：每队不少于 3 人",
            int,
            {2014: 3},
            minimum=1,
            maximum=20,
        ),
        ParameterSpec(
            "team_young_age",
            "工作队须有一名此年龄以下的队员",
            "岁",
            "POLICY.md §5：至少一名 35 岁以下",
            int,
            {2014: 35},
            minimum=18,
            maximum=60,
        ),
        ParameterSpec(
            "car_value",
            "错评：家庭成员名下车辆价值下限",
            "元",
            "POLICY.md §4：有的规则为价值 3 万元及以上的车辆[K]",
            float,
            {2014: 30_000},
            minimum=0,
        ),
        ParameterSpec(
            "max_migrant_months",
            "务工时间上限(数据质量)",
            "月",
            "POLICY.md §4：务工月数 0–12",
            int,
            {2014: 12},
            minimum=1,
            maximum=12,
        ),
        ParameterSpec(
            "monitoring_drop_ratio",
            "防返贫监测：收入较上年下降比例触发线",
            "比例",
            "POLICY.md §6：收入骤降触发监测（比例未公开，取 50%[K]）",
            float,
            {2014: 0.5},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "monitoring_income_line",
            "防返贫监测收入线",
            "元/人·年",
            "POLICY.md §6：2020 约为国家线 1.5 倍；2021 约 6000、2022 约 6600[K]",
            float,
            {2014: 4200, 2020: 6000, 2021: 6000, 2022: 6600},
            minimum=0,
        ),
        ParameterSpec(
            "school_age_min",
            "义务教育有保障：适龄儿童起始年龄",
            "岁",
            "《中华人民共和国义务教育法》第十一条：年满六周岁的儿童应当入学接受并完成义务教育",
            int,
            {2014: 6},
            minimum=3,
            maximum=10,
        ),
        ParameterSpec(
            "school_age_max",
            "义务教育有保障：适龄儿童截止年龄",
            "岁",
            "《中华人民共和国义务教育法》第二条：九年义务教育，六周岁入学者至十五周岁（年末年龄）",
            int,
            {2014: 15},
            minimum=12,
            maximum=18,
        ),
        ParameterSpec(
            "water_litres_min",
            "饮水安全：人均日供水量下限",
            "升/人·天",
            "《农村饮水安全评价准则》（T/CHES 18-2018）：水量不低于 35 升/人·天",
            int,
            {2014: 35},
            minimum=0,
            maximum=500,
        ),
        ParameterSpec(
            "water_litres_min_short",
            "饮水安全：缺水地区人均日供水量下限",
            "升/人·天",
            "《农村饮水安全评价准则》（T/CHES 18-2018）：年均降水不足 800 毫米的缺水地区不低于 20 升/人·天",
            int,
            {2014: 20},
            minimum=0,
            maximum=500,
        ),
        ParameterSpec(
            "water_minutes_max",
            "饮水安全：人力取水往返时间上限",
            "分钟",
            "《农村饮水安全评价准则》（T/CHES 18-2018）：人力取水往返时间不超过 20 分钟",
            int,
            {2014: 20},
            minimum=1,
            maximum=240,
        ),
        ParameterSpec(
            "water_cut_days_max",
            "饮水安全：全年停水天数上限",
            "天",
            "《农村饮水安全评价准则》（T/CHES 18-2018）：供水保证率不低于 90%（基本安全），即全年停水不超过 36 天",
            int,
            {2014: 36},
            minimum=0,
            maximum=365,
        ),
    ]
}


def default_value(key: str, year: int) -> Any:
    spec = SPECS[key]
    years = sorted(y for y in spec.by_year if y <= year)
    if not years:
        return spec.by_year[min(spec.by_year)]
    return spec.by_year[years[-1]]
