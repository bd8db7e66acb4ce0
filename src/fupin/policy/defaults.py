"""The defaults of the policy parameters (no Django here).

Each parameter has a Chinese title, a unit, its source — the official documents it comes from, named as users know
them — and values by year: a year without its own value takes the latest earlier one. ``assumption`` marks a value
no official text fixes (a modelling choice); the pages say so in words. Province administrators override any of
them per year (``fupin.policy.services.parameter_set``); the stored value wins over these defaults.
:func:`format_value` writes a value as people do (66.67%, 2,952 元) for the web page and ``fupin policy show``.
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
    assumption: bool = False  # no official text fixes the value: 本系统默认值（可由省级管理员调整）


ASSUMPTION = "本系统默认值（可由省级管理员调整）"
RATIO = "比例"

# The documents the sources cite, as they are titled and numbered.
DECISION_2015 = "《中共中央 国务院关于打赢脱贫攻坚战的决定》（中发〔2015〕34号）"
EXIT_2016 = "《关于建立贫困退出机制的意见》（中共中央办公厅、国务院办公厅，厅字〔2016〕16号）"
FILING_2014 = "国务院扶贫办《扶贫开发建档立卡工作方案》（2014 年）"
VILLAGE_LAW = "《中华人民共和国村民委员会组织法》第二十六条"
COUNTY_CHECK_2017 = "国务院扶贫开发领导小组《贫困县退出专项评估检查实施办法（试行）》（2017 年）"
TEAMS_2017 = "《关于加强贫困村驻村工作队选派管理工作的指导意见》（中共中央办公厅、国务院办公厅，2017 年）"
MONITORING_2021 = "中央农村工作领导小组《关于健全防止返贫动态监测和帮扶机制的指导意见》（2021 年）"
MONITORING_2020 = "国务院扶贫开发领导小组《关于建立防止返贫监测和帮扶机制的指导意见》（2020 年）"
ARTICLE = "《贵州：抓好党建促脱贫 感恩奋进奔小康》（2018 年）"
DEBRIEF = "《党委（党组）书记抓基层党建工作述职评议考核办法（试行）》"
WEAK_ORGS = "中共中央组织部《关于持续整顿软弱涣散村党组织的通知》及各省软弱涣散村党组织认定标准（3 类 17 项）"
GUIZHOU_2018 = "贵州省同步小康驻村工作要求（见《贵州：抓好党建促脱贫 感恩奋进奔小康》，2018 年）"


SPECS: dict[str, ParameterSpec] = {
    spec.key: spec
    for spec in [
        ParameterSpec(
            "poverty_line",
            "国家扶贫标准(现价)",
            "元/人·年",
            f"{DECISION_2015}：农民年人均纯收入 2,300 元（2010 年不变价），各年按现价折算（国家统计局公布）；"
            f"2014、2020 年的现价数为{ASSUMPTION}",
            float,
            {2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000},
            minimum=0,
        ),
        ParameterSpec(
            "exit_line",
            "省定脱贫退出收入线",
            "元/人·年",
            f"{EXIT_2016}：贫困户年人均纯收入稳定超过国家扶贫标准方可退出，省可定更高的退出线。"
            "2014–2016 年取国家扶贫标准；2017、2018 年取 3,335 元（贵州省黔西南州 2017 年脱贫标准）；"
            f"2019、2020 年为{ASSUMPTION}",
            float,
            {2014: 2800, 2015: 2855, 2016: 2952, 2017: 3335, 2018: 3335, 2019: 3400, 2020: 4000},
            minimum=0,
        ),
        ParameterSpec(
            "vote_quorum",
            "村民代表评议到会比例下限",
            "比例",
            f"{VILLAGE_LAW}：村民代表会议有三分之二以上的组成人员参加方可召开；识别评议程序见{FILING_2014}",
            float,
            {2014: 2 / 3},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "vote_pass",
            "评议通过所需赞成票比例(占到会)",
            "比例",
            f"{VILLAGE_LAW}：所作决定应当经到会人员的过半数同意",
            float,
            {2014: 0.5},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "identification_notice_days",
            "识别公示最少天数",
            "天",
            f"{FILING_2014}：村内公示、乡镇审核后再公示；公示天数为{ASSUMPTION}",
            int,
            {2014: 7},
            minimum=1,
            maximum=60,
        ),
        ParameterSpec(
            "exit_notice_days",
            "退出公示最少天数",
            "天",
            f"{EXIT_2016}：村内公示无异议后公告退出；公示天数为{ASSUMPTION}",
            int,
            {2014: 7},
            minimum=1,
            maximum=60,
        ),
        ParameterSpec(
            "village_exit_incidence",
            "贫困村退出贫困发生率上限(西部)",
            "比例",
            f"{EXIT_2016}：贫困村退出原则上贫困发生率降至 2% 以下（西部地区降至 3% 以下）",
            float,
            {2014: 0.03},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_exit_incidence",
            "贫困县退出：综合贫困发生率上限(西部)",
            "比例",
            f"{EXIT_2016}：贫困县退出原则上贫困发生率降至 2% 以下（西部地区降至 3% 以下）；"
            f"综合贫困发生率的算法见{COUNTY_CHECK_2017}",
            float,
            {2014: 0.03},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_wrong_exit_rate",
            "贫困县退出：错退率上限",
            "比例",
            f"{COUNTY_CHECK_2017}：错退率低于 2%",
            float,
            {2014: 0.02},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_missed_rate",
            "贫困县退出：漏评率上限",
            "比例",
            f"{COUNTY_CHECK_2017}：漏评率低于 2%",
            float,
            {2014: 0.02},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "county_approval_min",
            "贫困县退出：群众认可度下限",
            "比例",
            f"{COUNTY_CHECK_2017}：群众认可度原则上应达到 90%",
            float,
            {2014: 0.90},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "first_secretary_min_years",
            "第一书记最低工作年限",
            "年",
            f"{GUIZHOU_2018}：第一书记必须有 2 年以上工作经验",
            int,
            {2014: 2},
            minimum=0,
            maximum=40,
        ),
        ParameterSpec(
            "team_min_size",
            "驻村工作队(组)最少人数",
            "人",
            f"{TEAMS_2017}：每个驻村工作队一般不少于 3 人",
            int,
            {2014: 3},
            minimum=1,
            maximum=20,
        ),
        ParameterSpec(
            "worklog_edit_days",
            "民情日记可补记、修改的天数",
            "天",
            f"驻村工作记录应及时填写，逾期锁定备查：{ASSUMPTION}",
            int,
            {2014: 7},
            minimum=0,
            maximum=60,
            assumption=True,
        ),
        ParameterSpec(
            "leave_township_max_days",
            "乡镇党委可审批的驻村干部请假天数上限",
            "天",
            f"{TEAMS_2017}：建立请销假制度；分级审批的天数为{ASSUMPTION}（超过者报县委组织部审批）",
            int,
            {2014: 3},
            minimum=0,
            maximum=30,
            assumption=True,
        ),
        ParameterSpec(
            "village_days_month_min",
            "驻村干部每月在村天数标准",
            "天",
            f"{TEAMS_2017}：驻村工作队员原则上吃住在村；每月在村天数为{ASSUMPTION}（到岗不满一月的按比例折算）",
            int,
            {2014: 20},
            minimum=0,
            maximum=31,
            assumption=True,
        ),
        ParameterSpec(
            "leave_days_year_max",
            "驻村干部一年请假天数上限（超过的提出召回调整）",
            "天",
            f"{TEAMS_2017}：对不胜任、不在岗的及时召回调整；天数为{ASSUMPTION}（为村办事外出、参加会议培训不计）",
            int,
            {2014: 30},
            minimum=0,
            maximum=366,
            assumption=True,
        ),
        ParameterSpec(
            "rating_weight_sending_unit",
            "驻村干部考核权重：派出单位",
            RATIO,
            f"{TEAMS_2017}：考核由县级党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见；权重为{ASSUMPTION}",
            float,
            {2014: 0.25},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_weight_township",
            "驻村干部考核权重：乡镇党委",
            RATIO,
            f"{TEAMS_2017}：考核由县级党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见；权重为{ASSUMPTION}",
            float,
            {2014: 0.25},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_weight_village_org",
            "驻村干部考核权重：村党组织",
            RATIO,
            f"{TEAMS_2017}：考核由县级党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见；权重为{ASSUMPTION}",
            float,
            {2014: 0.15},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_weight_masses",
            "驻村干部考核权重：党员群众代表（群众满意度测评）",
            RATIO,
            f"{TEAMS_2017}：考核由县级党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见；权重为{ASSUMPTION}",
            float,
            {2014: 0.25},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_weight_third_party",
            "驻村干部考核权重：第三方评估",
            RATIO,
            f"{TEAMS_2017}：考核由县级党委组织部牵头，乡镇党委、派出单位参与，听取村党组织和群众意见；权重为{ASSUMPTION}",
            float,
            {2014: 0.1},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_quarters_weight",
            "驻村干部年度得分中季度考核的权重（其余为年终考核）",
            RATIO,
            f"{TEAMS_2017}：平时考核与年度考核相结合；权重为{ASSUMPTION}",
            float,
            {2014: 0.4},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "rating_excellent_min",
            "驻村干部考核“优秀”最低得分",
            "分",
            f"{TEAMS_2017}：考核结果分优秀、称职、基本称职、不称职四个等次；分数线为{ASSUMPTION}",
            float,
            {2014: 90},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "rating_competent_min",
            "驻村干部考核“称职”最低得分",
            "分",
            f"{TEAMS_2017}：考核结果分优秀、称职、基本称职、不称职四个等次；分数线为{ASSUMPTION}",
            float,
            {2014: 75},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "rating_basic_min",
            "驻村干部考核“基本称职”最低得分",
            "分",
            f"{TEAMS_2017}：考核结果分优秀、称职、基本称职、不称职四个等次；分数线为{ASSUMPTION}",
            float,
            {2014: 60},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "absence_cap_excellent",
            "暗访抽查无故不在岗达此次数，当年不得评为优秀",
            "次",
            f"{TEAMS_2017}：对工作不在状态、不胜任的及时调整；次数为{ASSUMPTION}",
            int,
            {2014: 1},
            minimum=1,
            maximum=20,
            assumption=True,
        ),
        ParameterSpec(
            "absence_cap_competent",
            "暗访抽查无故不在岗达此次数，当年最高评为基本称职",
            "次",
            f"{TEAMS_2017}：对工作不在状态、不胜任的及时调整；次数为{ASSUMPTION}",
            int,
            {2014: 2},
            minimum=1,
            maximum=20,
            assumption=True,
        ),
        ParameterSpec(
            "absence_cap_basic",
            "暗访抽查无故不在岗达此次数，当年评为不称职",
            "次",
            f"{TEAMS_2017}：对工作不在状态、不胜任的及时调整；次数为{ASSUMPTION}",
            int,
            {2014: 3},
            minimum=1,
            maximum=20,
            assumption=True,
        ),
        ParameterSpec(
            "team_young_age",
            "工作队须有一名此年龄以下的队员",
            "岁",
            f"工作队中至少一名 35 岁以下的年轻干部：{ASSUMPTION}",
            int,
            {2014: 35},
            minimum=18,
            maximum=60,
            assumption=True,
        ),
        ParameterSpec(
            "car_value",
            "错评：家庭成员名下车辆价值下限",
            "元",
            f"部分地区识别规则：家庭成员名下有价值 3 万元及以上车辆的不得识别为贫困户；金额为{ASSUMPTION}",
            float,
            {2014: 30_000},
            minimum=0,
            assumption=True,
        ),
        ParameterSpec(
            "max_migrant_months",
            "务工时间上限(数据质量)",
            "个月",
            "数据质量校验：一年务工时间不超过 12 个月",
            int,
            {2014: 12},
            minimum=1,
            maximum=12,
        ),
        ParameterSpec(
            "monitoring_drop_ratio",
            "防返贫监测：收入较上年下降比例触发线",
            "比例",
            f"{MONITORING_2020}：因病、因残、因灾等收入骤减的纳入监测；下降比例未见公开规定，为{ASSUMPTION}",
            float,
            {2014: 0.5},
            minimum=0,
            maximum=1,
            assumption=True,
        ),
        ParameterSpec(
            "monitoring_income_line",
            "防返贫监测收入线",
            "元/人·年",
            f"{MONITORING_2020}：监测范围以国家扶贫标准的 1.5 倍左右为底线（2014–2019 年取 4,200 元，2020、2021 年"
            f" 6,000 元）；2022 年 6,600 元为各省调整后的常见取值，为{ASSUMPTION}",
            float,
            {2014: 4200, 2020: 6000, 2021: 6000, 2022: 6600},
            minimum=0,
        ),
        ParameterSpec(
            "monitoring_notice_days",
            "防返贫监测：认定和风险消除公示最少天数",
            "天",
            f"{MONITORING_2021}：民主评议后公示；天数为{ASSUMPTION}",
            int,
            {2014: 5},
            minimum=1,
            maximum=30,
            assumption=True,
        ),
        ParameterSpec(
            "monitoring_decision_days",
            "防返贫监测：从发现到县级确定的时限",
            "天",
            f"{MONITORING_2021}：简化识别程序，及时纳入；各地实施办法多规定从农户申请到确定为监测对象原则上"
            f"不超过 15 天，为{ASSUMPTION}",
            int,
            {2014: 15},
            minimum=1,
            maximum=90,
            assumption=True,
        ),
        ParameterSpec(
            "monitoring_follow_up_days",
            "防返贫监测：乡镇回访最长间隔",
            "天",
            f"{MONITORING_2021}：对监测对象定期跟踪回访；按月回访为{ASSUMPTION}",
            int,
            {2014: 31},
            minimum=1,
            maximum=366,
            assumption=True,
        ),
        ParameterSpec(
            "monitoring_stable_months",
            "防返贫监测：风险消除前收入稳定的最短月数",
            "个月",
            f"{MONITORING_2021}：收入持续稳定、两不愁三保障及饮水安全持续巩固、返贫致贫风险稳定消除的，履行程序后"
            f"标注风险消除；月数为{ASSUMPTION}",
            int,
            {2014: 6},
            minimum=1,
            maximum=36,
            assumption=True,
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
        ParameterSpec(
            "secretary_vacancy_days_max",
            "村党组织书记空缺预警天数",
            "天",
            f"{WEAK_ORGS}：村党组织书记长期缺职的列为软弱涣散；超过本天数即预警，天数为{ASSUMPTION}",
            int,
            {2014: 30},
            minimum=0,
            maximum=365,
            assumption=True,
        ),
        ParameterSpec(
            "weak_vacancy_days",
            "软弱涣散：村党组织书记空缺天数",
            "天",
            f"{WEAK_ORGS}：村党组织书记缺职 3 个月以上（超过本天数）",
            int,
            {2014: 90},
            minimum=0,
            maximum=730,
        ),
        ParameterSpec(
            "weak_no_member_years",
            "软弱涣散：连续未发展党员年数",
            "年",
            f"{WEAK_ORGS}：连续 2 年以上未发展党员",
            int,
            {2014: 2},
            minimum=1,
            maximum=10,
        ),
        ParameterSpec(
            "weak_satisfaction_min",
            "软弱涣散：群众满意度下限",
            "%",
            f"{WEAK_ORGS}：群众对村党组织满意度低于 60%",
            float,
            {2014: 60},
            minimum=0,
            maximum=100,
        ),
        ParameterSpec(
            "weak_accept_score_min",
            "软弱涣散村整顿验收合格分数线",
            "分",
            f"{WEAK_ORGS}：整顿验收得分 70 分以上为合格",
            float,
            {2014: 70},
            minimum=0,
            maximum=100,
        ),
        ParameterSpec(
            "weak_accept_dissatisfied_max",
            "软弱涣散村整顿验收：不满意比例上限（超过即不合格）",
            RATIO,
            f"{WEAK_ORGS}：群众测评“不满意”超过半数的，直接认定为不合格",
            float,
            {2014: 0.5},
            minimum=0,
            maximum=1,
        ),
        ParameterSpec(
            "secretary_pay_min",
            "村党组织书记基本报酬下限",
            "元/年",
            "各省村干部报酬保障规定：村党组织书记基本报酬一般不低于当地上年度农村居民人均可支配收入的 2 倍"
            "（贵州 2017 年农村居民人均可支配收入 8,869 元）",
            float,
            {2014: 17738},
            minimum=0,
            maximum=1_000_000,
        ),
        ParameterSpec(
            "village_office_funds_min",
            "村级组织办公经费下限",
            "万元/年",
            f"村级组织运转经费保障制度（以本省文件为准）；数额为{ASSUMPTION}",
            float,
            {2014: 2.0},
            minimum=0,
            maximum=1000,
            assumption=True,
        ),
        ParameterSpec(
            "unit_first_min",
            "帮扶单位年度目标考核“一等奖”最低得分",
            "分",
            f"{ARTICLE}：单位年度目标考核分等次；得分为派驻干部年度考核得分的平均，分数线为{ASSUMPTION}",
            float,
            {2014: 90},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "unit_second_min",
            "帮扶单位年度目标考核“二等奖”最低得分",
            "分",
            f"{ARTICLE}：单位年度目标考核分等次；得分为派驻干部年度考核得分的平均，分数线为{ASSUMPTION}",
            float,
            {2014: 80},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "unit_third_min",
            "帮扶单位年度目标考核“三等奖”最低得分",
            "分",
            f"{ARTICLE}：单位年度目标考核分等次；得分为派驻干部年度考核得分的平均，分数线为{ASSUMPTION}",
            float,
            {2014: 70},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_weight_good",
            "述职评议“好”票的分值",
            "分",
            f"{DEBRIEF}：评议分好、较好、一般、差四个等次；按票数加权计分，分值为{ASSUMPTION}",
            float,
            {2014: 100},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_weight_fairly_good",
            "述职评议“较好”票的分值",
            "分",
            f"{DEBRIEF}：评议分好、较好、一般、差四个等次；按票数加权计分，分值为{ASSUMPTION}",
            float,
            {2014: 85},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_weight_average",
            "述职评议“一般”票的分值",
            "分",
            f"{DEBRIEF}：评议分好、较好、一般、差四个等次；按票数加权计分，分值为{ASSUMPTION}",
            float,
            {2014: 60},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_weight_poor",
            "述职评议“差”票的分值",
            "分",
            f"{DEBRIEF}：评议分好、较好、一般、差四个等次；按票数加权计分，分值为{ASSUMPTION}",
            float,
            {2014: 0},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_good_min",
            "述职评议“好”等次最低得分",
            "分",
            f"{DEBRIEF}：评议结果作为领导班子评价和干部选拔任用的重要参考；分数线为{ASSUMPTION}",
            float,
            {2014: 90},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_fairly_good_min",
            "述职评议“较好”等次最低得分",
            "分",
            f"{DEBRIEF}：评议结果作为领导班子评价和干部选拔任用的重要参考；分数线为{ASSUMPTION}",
            float,
            {2014: 80},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "debrief_average_min",
            "述职评议“一般”等次最低得分",
            "分",
            f"{DEBRIEF}：评议结果作为领导班子评价和干部选拔任用的重要参考；分数线为{ASSUMPTION}",
            float,
            {2014: 60},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
        ParameterSpec(
            "unit_masses_min",
            "帮扶单位评一等奖：派驻干部群众满意度测评最低得分",
            "分",
            f"{ARTICLE}：所选派的第一书记和驻村干部群众反映差的，单位年度目标考核不能评为一等奖；分数线为{ASSUMPTION}",
            float,
            {2014: 60},
            minimum=0,
            maximum=100,
            assumption=True,
        ),
    ]
}


def default_value(key: str, year: int) -> Any:
    spec = SPECS[key]
    years = sorted(y for y in spec.by_year if y <= year)
    if not years:
        return spec.by_year[min(spec.by_year)]
    return spec.by_year[years[-1]]


def _plain_number(value: float, places: int) -> str:
    """``value`` with thousands separators and at most ``places`` decimals, no trailing zeros (2952.0 → 2,952)."""
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(key: str, value: Any) -> str:
    """A parameter's value as people write it, with its unit: 66.67%, 2,952 元/人·年, 7 天."""
    spec = SPECS[key]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"{value} {spec.unit}"
    if spec.unit == RATIO:
        return _plain_number(number * 100, 2) + "%"
    places = 2 if "元" in spec.unit else 4
    return f"{_plain_number(number, places)} {spec.unit}"


def defaults_text(key: str) -> str:
    """The defaults by year in words, from the values themselves (so the text cannot drift from them):
    "2014–2016 年 2,952 元/人·年；2017 年起 3,335 元/人·年"."""
    spec = SPECS[key]
    years = sorted(spec.by_year)
    spans: list[tuple[int, int, Any]] = []
    for year in years:
        value = spec.by_year[year]
        if spans and spans[-1][2] == value:
            spans[-1] = (spans[-1][0], year, value)
        else:
            spans.append((year, year, value))
    parts = []
    for i, (lo, hi, value) in enumerate(spans):
        last = i == len(spans) - 1
        when = f"{lo} 年起" if last else (f"{lo} 年" if lo == hi else f"{lo}–{hi} 年")
        parts.append(f"{when} {format_value(key, value)}")
    return "；".join(parts)
