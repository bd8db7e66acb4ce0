"""The assessment's forms: a scheme and its indicators, an accountability case and its steps."""

from __future__ import annotations

from django import forms

from fupin.assessment.choices import (
    Accountability,
    Assessed,
    CaseKind,
    Consequence,
    ContactKind,
    Lead,
    LeaderPost,
    Method,
    Problem,
    Source,
    Step,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
NUMBER = forms.TextInput(attrs={"inputmode": "decimal"})


class SchemeForm(forms.Form):
    title = forms.CharField(label="方案名称", max_length=100)
    year = forms.IntegerField(label="考核年度", min_value=2014, max_value=2100, widget=forms.NumberInput())
    assessed = forms.ChoiceField(label="考核对象", choices=Assessed.choices)
    bottom = forms.IntegerField(label="末位数（排名最后几名）", min_value=0, max_value=50, initial=1)
    consequence = forms.ChoiceField(label="末位处理", choices=Consequence.choices)
    standard = forms.BooleanField(label="采用标准指标体系（可再增删）", required=False, initial=True)


class IndicatorForm(forms.Form):
    source = forms.ChoiceField(label="数据来源", choices=Source.choices)
    title = forms.CharField(label="指标名称（不填用数据来源名称）", max_length=60, required=False)
    weight = forms.CharField(label="权重(分)", max_length=8, widget=NUMBER)
    method = forms.ChoiceField(label="计分方法", choices=Method.choices)
    higher_better = forms.TypedChoiceField(
        label="数值越大越好还是越小越好（录入评分时选择；其他来源按指标本身）",
        choices=[("1", "越大越好"), ("0", "越小越好")],
        coerce=lambda v: v == "1",
        required=False, initial="1",
    )  # fmt: skip
    target = forms.CharField(label="目标值（达标法）", max_length=12, required=False, widget=NUMBER)
    step = forms.CharField(label="每单位扣分（扣分法）", max_length=8, required=False, widget=NUMBER)
    veto = forms.CharField(label="一票否决线（可不填）", max_length=12, required=False, widget=NUMBER)


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=CaseKind.choices)
    accountability = forms.ChoiceField(
        label="问责方式（问责时填）", choices=[("", "—"), *Accountability.choices], required=False
    )
    subject = forms.CharField(label="对象（单位、职务、姓名）", max_length=100)
    reason = forms.CharField(label="事由", max_length=300, widget=TEXT)
    opened_on = forms.DateField(label="约谈/问责日期", widget=DATE)


# problems a lead (信访举报, 监督检查) raises: the assessment's own grounds are opened from a ranking or a grade
LEAD_PROBLEMS = [(v, label) for v, label in Problem.choices if v not in (Problem.RANKING, Problem.RESULTS)]


class CaseRecordForm(CaseOpenForm):
    """A lead received (信访举报: 吃拿卡要, 虚报冒领…; a supervision's finding) recorded as a case against an area."""

    area = forms.CharField(label="被约谈/问责单位（区划代码或名称）", max_length=40)
    problem = forms.ChoiceField(label="问题类型", choices=LEAD_PROBLEMS)
    lead = forms.ChoiceField(label="线索来源", choices=[(Lead.COMPLAINT, Lead.COMPLAINT.label),
                                                   (Lead.SUPERVISION, Lead.SUPERVISION.label)])  # fmt: skip
    field_order = ["area", "problem", "lead", "kind", "accountability", "subject", "reason", "opened_on"]


class PlanForm(forms.Form):
    measures = forms.CharField(label="整改措施", max_length=2000, widget=TEXT)
    deadline = forms.DateField(label="整改时限", widget=DATE)
    on = forms.DateField(label="制定日期", widget=DATE)


class StepTextForm(forms.Form):
    text = forms.CharField(label="内容", max_length=2000, widget=TEXT)
    on = forms.DateField(label="日期", widget=DATE)

    def __init__(self, *args: object, label: str = "内容", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].label = label


class AppointForm(forms.Form):
    area = forms.ChoiceField(label="地区", choices=[])
    name = forms.CharField(label="姓名", max_length=32)
    post = forms.ChoiceField(label="岗位", choices=LeaderPost.choices)
    title = forms.CharField(label="职务", max_length=60)
    on = forms.DateField(label="任职日期", widget=DATE)
    reason = forms.CharField(label="调整理由（替换党政正职时填写）", max_length=300, required=False)

    def __init__(self, *args: object, areas: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas or []  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    leader = forms.ChoiceField(label="领导", choices=[])
    area = forms.CharField(label="联系乡镇或村（区划代码或名称）", max_length=64)
    kind = forms.ChoiceField(label="方式", choices=ContactKind.choices)
    start = forms.DateField(label="开始日期", widget=DATE)

    def __init__(self, *args: object, leaders: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["leader"].choices = leaders or []  # type: ignore[attr-defined]


class VisitForm(forms.Form):
    on = forms.DateField(label="走访日期", widget=DATE)
    note = forms.CharField(label="调研和解决问题情况", max_length=2000, widget=TEXT)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="审批", choices=[("approve", "批准调整"), ("reject", "不予批准")])
    note = forms.CharField(label="审批意见（不予批准时必填）", max_length=200, required=False)


class DebriefForm(forms.Form):
    area = forms.ChoiceField(label="地区", choices=[])
    name = forms.CharField(label="述职人（不填按在任党委书记）", max_length=32, required=False)
    held_on = forms.DateField(label="述职日期", widget=DATE)
    good = forms.IntegerField(label="“好”票数", min_value=0, initial=0)
    fairly_good = forms.IntegerField(label="“较好”票数", min_value=0, initial=0)
    average = forms.IntegerField(label="“一般”票数", min_value=0, initial=0)
    poor = forms.IntegerField(label="“差”票数", min_value=0, initial=0)
    comments = forms.CharField(label="主要问题和评议意见", max_length=2000, required=False, widget=TEXT)

    def __init__(self, *args: object, areas: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = areas or []  # type: ignore[attr-defined]


class CampaignForm(forms.Form):
    name = forms.CharField(label="名称（如 2018 年春季攻势）", max_length=60)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    goals = forms.CharField(label="目标任务", max_length=2000, widget=TEXT)


class TaskForm(forms.Form):
    step = forms.ChoiceField(label="步骤", choices=Step.choices)
    title = forms.CharField(label="任务", max_length=100)
    due = forms.DateField(label="完成时限", widget=DATE)
    level = forms.ChoiceField(label="责任单位", choices=[], required=False)

    def __init__(self, *args: object, levels: list[tuple[str, str]] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["level"].choices = levels or []  # type: ignore[attr-defined]


class TaskDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DATE)
    note = forms.CharField(label="完成情况", max_length=300)
    attendance = forms.IntegerField(label="参训人数（干部培训填写）", min_value=1, required=False)
