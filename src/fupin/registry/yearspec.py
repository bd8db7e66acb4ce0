"""The yearly-records file (年度动态调整) columns: what its template, import and export share.

One row per person; the household columns (户编号 to 属缺水地区) repeat on each row of the household. Household
facts go into that year's ``HouseholdYear``; member facts are the member's current facts and update the member.

A column left out of the file is not touched. A column in the file states the value: a blank money cell is 0, a
blank 是/否 cell of a member or of 易地扶贫搬迁 / 属缺水地区 is 否, a blank water measurement is "not measured";
the recorded judgements (不愁吃 … 饮水安全) and 住房等级 must be filled in when their column is present.
"""

from __future__ import annotations

from fupin.lib import tabular as tb

from .choices import SchoolStage
from .importspec import EXAMPLE_VILLAGE, HEALTH, example_id_number

H, M = "household", "member"
GRADES = ("A", "B", "C", "D")
MONEY_MAX = 10_000_000
YES_NO = "是/否"

MONEY_FIELDS = ("wage_income", "production_income", "production_costs", "property_income", "transfer_income")
JUDGEMENT_FIELDS = ("food_ok", "clothing_ok", "education_ok", "medical_ok", "water_ok")
FLAG_FIELDS = ("relocated", "water_short_area")
WATER_INTS = {"water_litres": (0, 1000), "water_minutes": (0, 1440), "water_cut_days": (0, 366)}
# every HouseholdYear field the file may set (income_per_capita is computed, poor follows the exit year)
YEAR_FIELDS = (
    *MONEY_FIELDS,
    "food_ok",
    "clothing_ok",
    "education_ok",
    "medical_ok",
    "housing_grade",
    "relocated",
    "water_ok",
    "water_litres",
    "water_quality_ok",
    "water_minutes",
    "water_cut_days",
    "water_short_area",
)
MEMBER_YEAR_FIELDS = (
    "student",
    "school_stage",
    "home_schooled",
    "disability",
    "health",
    "medical_insurance",
    "critical_illness_insurance",
)


def _money(header: str, field: str, example: str, help_text: str = "") -> tb.Col:
    return tb.Col(
        header,
        field,
        H,
        "money",
        example=example,
        help=help_text or f"元，0–{MONEY_MAX:,}，最多两位小数；空白视为 0",
    )


YEARLY: list[tb.Col] = [
    tb.Col(
        "户编号", "household_no", H, "text", True, max_len=24, example=EXAMPLE_VILLAGE + "99001", help="须为已登记的户"
    ),
    tb.Col(
        "年度",
        "year",
        H,
        "int",
        True,
        lo=2013,
        hi=2100,
        example="2019",
        help="2013 年至今年；不早于该户识别年度的前一年",
    ),
    _money("工资性收入", "wage_income", "12000"),
    _money("生产经营性收入", "production_income", "6000"),
    _money("生产经营费用", "production_costs", "2000"),
    _money("财产性收入", "property_income", "0"),
    _money("转移性收入", "transfer_income", "2000"),
    _money(
        "人均纯收入",
        "income_per_capita_given",
        "",
        "元；可空。系统按（工资性＋生产经营性－生产经营费用＋财产性＋转移性收入）÷ 家庭在世人口计算，"
        "填写时须与计算值相差不超过 0.01 元",
    ),
    tb.Col("不愁吃", "food_ok", H, "bool", example="是", help=YES_NO + "（核实的判断）；有此列时必填"),
    tb.Col("不愁穿", "clothing_ok", H, "bool", example="是", help=YES_NO + "；有此列时必填"),
    tb.Col("义务教育有保障", "education_ok", H, "bool", example="是", help=YES_NO + "；有此列时必填"),
    tb.Col("基本医疗有保障", "medical_ok", H, "bool", example="是", help=YES_NO + "；有此列时必填"),
    tb.Col(
        "住房等级", "housing_grade", H, "choice", choices=GRADES, example="B", help="A、B 级为安全住房；有此列时必填"
    ),
    tb.Col("易地扶贫搬迁", "relocated", H, "bool", example="否", help=YES_NO + "，空白视为否"),
    tb.Col("饮水安全", "water_ok", H, "bool", example="是", help=YES_NO + "；有此列时必填"),
    tb.Col("人均日供水量(升)", "water_litres", H, "int", lo=0, hi=1000, example="60", help="0–1000；未测留空"),
    tb.Col("水质达标", "water_quality_ok", H, "bool", example="是", help=YES_NO + "；未检测留空"),
    tb.Col("往返取水时间(分钟)", "water_minutes", H, "int", lo=0, hi=1440, example="10", help="0–1440；未测留空"),
    tb.Col("年停水天数", "water_cut_days", H, "int", lo=0, hi=366, example="0", help="0–366；未测留空"),
    tb.Col("属缺水地区", "water_short_area", H, "bool", example="否", help=YES_NO + "，空白视为否"),
    tb.Col(
        "身份证号",
        "id_number",
        M,
        "idnumber",
        True,
        example=example_id_number(EXAMPLE_VILLAGE),
        help="须为该户已登记的成员；设为文本格式。导出文件中被遮挡的身份证号不能再导入",
    ),
    tb.Col("姓名", "name", M, "text", max_len=32, example="王德发", help="可空；填写时须与登记的姓名一致"),
    tb.Col("在校生", "student", M, "bool", example="否", help=YES_NO + "，空白视为否"),
    tb.Col(
        "在校阶段",
        "school_stage",
        M,
        "choice",
        choices=tuple(SchoolStage.values),
        aliases=(("高职", "高等教育"), ("大专", "高等教育"), ("本科", "高等教育")),
        example="",
        help="在校生须填写；非在校生留空",
    ),
    tb.Col("送教上门", "home_schooled", M, "bool", example="否", help=YES_NO + "，空白视为否"),
    tb.Col("残疾情况", "disability", M, "text", max_len=16, example="", help="如：肢体三级；无则留空"),
    tb.Col("健康状况", "health", M, "choice", choices=HEALTH, example="健康"),
    tb.Col("基本医疗保险", "medical_insurance", M, "bool", example="是", help=YES_NO + "，空白视为否"),
    tb.Col("大病保险", "critical_illness_insurance", M, "bool", example="是", help=YES_NO + "，空白视为否"),
]

YEARLY_NOTES = (
    "每行一名家庭成员；同一户同一年度的各行户编号、年度及户级各列（户编号至属缺水地区）须一致。",
    "户级各列记入该户该年度的年度记录（没有则新建）；成员各列为成员的当前情况，导入后直接更新成员信息（留有修改记录）。",
    "人均纯收入由系统计算；文件中未出现的列不作修改。重复导入同一文件不会产生任何修改。",
)
