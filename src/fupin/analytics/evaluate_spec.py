"""The columns of `fupin evaluate`'s spreadsheet, its help text and its template (no Django, no Ibis).

One row per household — or, when member columns are filled, one row per person with the household columns
repeated on each of the household's rows. The help text and the template's 填写说明 are written from ``SPEC``, so
every column read is documented and every column documented is read.
"""

from __future__ import annotations

from pathlib import Path

from fupin.lib import tabular as tb
from fupin.lib.templates import workbook_template

H, M = "household", "member"
TEMPLATE_COMMAND = "fupin template evaluate"
TEMPLATE_HINT = f"模板与填写说明：`{TEMPLATE_COMMAND}`"
SHEET_TITLE = "退出评估"
RESULT_SHEET = "退出评估结果"
RESULT_COLUMNS = ("户编号", "退出结论", "原因", "数据不一致")
OK, NOT_OK = "符合退出标准", "不符合"

YES_NO = "是/否"
SOURCES = ("wage_income", "business_income", "business_cost", "property_income", "transfer_income")

SPEC: list[tb.Col] = [
    tb.Col("户编号", "household_id", H, "text", True, max_len=24, example="52052610100100001",
           help="同一户的各行相同"),
    tb.Col("识别年度", "identified_year", H, "int", True, lo=2013, hi=2035, example="2014",
           help="识别为贫困户的年度；晚于评估年度的户不作判定（报错），等于评估年度的户当年不能退出"),
    tb.Col("人均纯收入", "income_given", H, "float", lo=-10_000_000, hi=10_000_000, example="5250",
           help="元/人·年，须高于退出标准（等于不算高于）；可空，空白时按下面各项收入与家庭人口计算；"
                "两者都填时相差不得超过 0.01 元"),
    tb.Col("工资性收入", "wage_income", H, "float", lo=0, hi=100_000_000, example="8000",
           help="元/户·年；各项收入空白视为 0（至少填一项才按各项计算）"),
    tb.Col("生产经营性收入", "business_income", H, "float", lo=0, hi=100_000_000, example="3000", help="元/户·年"),
    tb.Col("生产经营费用", "business_cost", H, "float", lo=0, hi=100_000_000, example="1000",
           help="元/户·年，从收入中扣除"),
    tb.Col("财产性收入", "property_income", H, "float", lo=0, hi=100_000_000, example="0", help="元/户·年"),
    tb.Col("转移性收入", "transfer_income", H, "float", lo=0, hi=100_000_000, example="500", help="元/户·年"),
    tb.Col("家庭人口", "size", H, "int", lo=1, hi=50, example="2",
           help="人；填写了各项收入时必填：人均纯收入 =（工资性 + 生产经营性 − 生产经营费用 + 财产性 + 转移性）"
                "÷ 家庭人口，保留两位小数"),
    tb.Col("不愁吃", "food_ok", H, "bool", True, example="是", help=YES_NO),
    tb.Col("不愁穿", "clothing_ok", H, "bool", True, example="是", help=YES_NO),
    tb.Col("住房等级", "housing_grade", H, "choice", True, ("A", "B", "C", "D"), example="B",
           help="A/B 为安全住房；C/D 级危房未搬迁则住房无保障"),
    tb.Col("易地扶贫搬迁", "relocated", H, "bool", example="否", help="是/否，空白视为否；已搬迁的户住房视为安全"),
    tb.Col("饮水安全", "water_ok", H, "bool", example="是",
           help="登记的判断，是/否；只在下面四项饮水事实都空白时采用；四项事实和本列都空白视为安全"),
    tb.Col("人均日供水量(升)", "water_litres", H, "float", lo=0, hi=100_000, example="60",
           help="升/人·日；低于标准（缺水地区较低）为饮水不安全；空白为未调查"),
    tb.Col("水质达标", "water_quality_ok", H, "bool", example="是", help="是/否；否为饮水不安全；空白为未调查"),
    tb.Col("往返取水时间(分钟)", "water_minutes", H, "int", lo=0, hi=1440, example="5",
           help="人力取水往返分钟数；超过标准为饮水不安全；空白为未调查"),
    tb.Col("年停水天数", "water_cut_days", H, "int", lo=0, hi=366, example="0",
           help="全年停水天数；超过标准为饮水不安全；空白为未调查"),
    tb.Col("属缺水地区", "water_short_area", H, "bool", example="否",
           help="是/否，空白视为否；缺水地区适用较低的供水量标准"),
    tb.Col("义务教育有保障", "education_ok", H, "bool", example="是",
           help="登记的判断，是/否；该户有成员行且表中有在校生或送教上门列时按成员信息判定（与本列不符时记入数据不一致），"
                "否则按本列：否为“义务教育无保障（评估表登记）”，空白视为有保障"),
    tb.Col("基本医疗有保障", "medical_ok", H, "bool", example="是",
           help="登记的判断，是/否；该户有成员行且表中有基本医疗保险或大病保险列时按成员参保信息判定（与本列不符时记入数据不一致），"
                "否则按本列：否为“基本医疗无保障（评估表登记）”，空白视为有保障"),
    tb.Col("姓名", "name", M, "text", max_len=32, example="王德发", help="成员行须填写姓名或身份证号"),
    tb.Col("身份证号", "id_number", M, "idnumber", example="520526197803120028",
           help="设为文本格式；15 位旧号自动升位；同一文件内不得重复"),
    tb.Col("出生日期", "birth_given", M, "date", example="1978-03-12",
           help="可空，空白时取身份证号中的出生日期（两者都填须一致）；判定义务教育时每名成员须有其一"),
    tb.Col("在校生", "student", M, "bool", example="否",
           help="是/否，空白视为否；义务教育年龄段的成员须在校或送教上门"),
    tb.Col("送教上门", "home_schooled", M, "bool", example="否", help="是/否，空白视为否；不能到校、由学校送教上门"),
    tb.Col("基本医疗保险", "medical_insurance", M, "bool", example="是",
           help="是/否，空白视为否；每名成员须参加基本医疗保险和大病保险"),
    tb.Col("大病保险", "critical_illness_insurance", M, "bool", example="是", help="是/否，空白视为否"),
]  # fmt: skip
BY_FIELD = {c.field: c for c in SPEC}
MEMBER_HEADERS = tuple(c.header for c in SPEC if c.level == M)
EDUCATION_HEADERS = ("在校生", "送教上门")
MEDICAL_HEADERS = ("基本医疗保险", "大病保险")

# the template's example: one household of two, the head and a child of school age in school (passes 2015–2023)
EXAMPLE_ROWS: list[dict[str, str]] = [
    {c.header: c.example for c in SPEC},
    {c.header: c.example for c in SPEC if c.level == H}
    | {"姓名": "王小明", "身份证号": "520526200809010035", "出生日期": "2008-09-01", "在校生": "是", "送教上门": "否",
       "基本医疗保险": "是", "大病保险": "是"},
]  # fmt: skip

NOTES = [
    "每户一行；或填写成员列（姓名至大病保险），每名成员一行，同一户的各行户编号及户级各列（户编号至基本医疗有保障）相同。",
    "判定与系统中的退出判定相同：人均纯收入高于退出标准（等于不算高于），不愁吃、不愁穿，义务教育、基本医疗、"
    "住房安全和饮水安全有保障，且不是评估年度当年识别的户。",
    "退出标准取数据库中省级政策参数（该年度或之前最近一次设定），未设定时取默认值；可用 --exit-line 指定。",
    "义务教育、基本医疗、饮水安全：有事实（成员信息、饮水四项）时按事实判定，与登记的判断不符时在结果的“数据不一致”列说明；"
    "没有事实时按登记的判断，空白视为有保障。",
    "有错误的行（及同一户的其他行）不作判定，错误逐条列出；其余户照常判定。",
]


def help_text() -> str:
    """Every column of the spreadsheet with its meaning and what a blank means (the command's --help epilog)."""
    lines = ["表格各列（* 为必填）："]
    for level, title in ((H, "户级各列"), (M, "成员列（可选；填写时每名成员一行，户级各列在该户各行重复）")):
        lines.append(f"  {title}：")
        for c in SPEC:
            if c.level == level:
                choices = f"（{'/'.join(c.choices)}）" if c.choices else ""
                lines.append(f"    {c.header}{'*' if c.required else ''}{choices}：{c.help or YES_NO}")
    lines.append("说明：")
    lines.extend(f"  {note}" for note in NOTES)
    lines.append(f"结果：工作表“{RESULT_SHEET}”，列为 {'、'.join(RESULT_COLUMNS)}（{OK}/{NOT_OK}）。")
    lines.append(f"退出码：0 全部判定；1 有行数据有误（其余户已判定）；2 文件无法读取。{TEMPLATE_HINT}")
    return "\n".join(lines)


def _cell(col: tb.Col, text: str) -> str | int | float | None:
    """An example value as the cell a user would type: numbers as numbers, text as text."""
    if not text:
        return None
    if col.kind == "int":
        return int(text)
    if col.kind == "float":
        return float(text) if "." in text else int(text)
    return text


def write_template(path: Path) -> Path:
    """The evaluation template: headers (required ones marked *), drop-downs, the example rows (they pass), and a
    填写说明 sheet listing every column with its meaning."""
    rows = [[_cell(c, example.get(c.header, "")) for c in SPEC] for example in EXAMPLE_ROWS]
    return workbook_template(path, SPEC, sheet=SHEET_TITLE, rows=rows, notes=NOTES, bool_lists=True)
