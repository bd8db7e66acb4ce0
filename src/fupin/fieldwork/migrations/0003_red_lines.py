"""The province's list of red lines for posted cadres, seeded with common items (Guizhou's "12 red lines" are not
public); province administrators change it (``fupin.fieldwork.services.red_line_set``)."""

from django.db import migrations

RED_LINES = [
    ("RL01", "走读，不按规定吃住在村", "cap", "基本称职"),
    ("RL02", "挂名不驻村、“两头跑”", "recall", "不称职"),
    ("RL03", "无故擅离岗位、不请假或超假不归", "cap", "基本称职"),
    ("RL04", "收受礼品礼金、接受宴请", "referral", "不称职"),
    ("RL05", "参与赌博", "referral", "不称职"),
    ("RL06", "在识别、退出、救助中优亲厚友", "referral", "不称职"),
    ("RL07", "弄虚作假、虚报扶贫数据和成效", "recall", "不称职"),
    ("RL08", "向村里报销个人费用、吃拿卡要", "referral", "不称职"),
    ("RL09", "插手村级工程项目、违规干预资金使用", "referral", "不称职"),
    ("RL10", "工作日饮酒、酒后驾车", "cap", "基本称职"),
    ("RL11", "对群众态度生硬、推诿扯皮", "warning", "称职"),
    ("RL12", "泄露群众个人信息", "cap", "基本称职"),
]


def seed(apps, schema_editor):
    RedLine = apps.get_model("fieldwork", "RedLine")
    for order, (code, title, severity, cap) in enumerate(RED_LINES, start=1):
        RedLine.objects.get_or_create(
            code=code, defaults={"title": title, "severity": severity, "rating_cap": cap, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0002_redline_violation_inspection_rating_ratingscore")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
