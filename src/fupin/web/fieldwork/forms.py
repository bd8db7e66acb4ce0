"""The field work's forms: a work log entry, a resident's request and its answer, leave and its decision."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from fupin.fieldwork.choices import (
    Grade,
    GuidanceKind,
    InspectionKind,
    LeaveKind,
    LogKind,
    Period,
    Rater,
    RequestCategory,
    Severity,
)
from fupin.fieldwork.services import ItemInput
from fupin.monitoring.choices import RiskType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkLogForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=LogKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    household = forms.ChoiceField(label="农户（走访农户必选）", required=False, choices=[])
    purpose = forms.CharField(label="事由", required=False, max_length=100)
    content = forms.CharField(label="情况记录", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    amount = forms.DecimalField(
        label="金额（万元，引进项目资金填写）",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    funds_source = forms.CharField(label="资金来源（引进项目资金填写）", required=False, max_length=100)
    risk = forms.ChoiceField(
        label="发现返贫致贫风险（走访农户时填写）",
        required=False,
        choices=[("", "未发现"), *RiskType.choices],
        help_text="选择风险类型即登记为防返贫监测线索，启动认定程序",
    )

    def __init__(self, *args: Any, households: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", "—"), *(households or [])]  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    requester = forms.CharField(label="诉求人", max_length=32)
    household = forms.CharField(label="户编号（可不填）", required=False, max_length=40)
    category = forms.ChoiceField(label="类别", choices=RequestCategory.choices)
    content = forms.CharField(label="诉求内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    received = forms.DateField(label="受理日期", widget=DATE)
    deadline = forms.DateField(label="办理时限", widget=DATE)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="办理结果（向群众反馈的内容）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answered_on = forms.DateField(label="答复日期", widget=DATE)


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=LeaveKind.choices, help_text="为村办事外出、参加会议培训计入在村时间"
    )
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)
    reason = forms.CharField(label="事由", max_length=200)


class DecisionForm(forms.Form):
    note = forms.CharField(label="意见（不同意时必填）", required=False, max_length=200)


class AdjustmentForm(forms.Form):
    reason = forms.CharField(label="调整理由", max_length=200)
    evidence = forms.CharField(
        label="依据（走访、暗访、群众反映等）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InspectionForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="方式", choices=InspectionKind.choices)
    present = forms.TypedChoiceField(label="是否在岗", choices=[("1", "在岗"), ("0", "不在岗")],
                                     coerce=lambda v: v == "1")  # fmt: skip
    note = forms.CharField(label="情况（不在岗时必填）", required=False, max_length=300)


class ViolationForm(forms.Form):
    red_line = forms.ChoiceField(label="负面清单事项", choices=[])
    date = forms.DateField(label="发生日期", widget=DATE)
    evidence = forms.CharField(label="事实和依据", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, red_lines: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["red_line"].choices = [(str(k), v) for k, v in red_lines or []]  # type: ignore[attr-defined]


class ScoresForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    period = forms.ChoiceField(label="期间", choices=Period.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rater, label in Rater.choices:
            self.fields[rater] = forms.CharField(label=f"{label}（0–100，未评留空）", required=False, max_length=10,
                                                 widget=forms.TextInput(attrs={"inputmode": "decimal"}))  # fmt: skip


class StatementForm(forms.Form):
    statement = forms.CharField(label="本人说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RedLineForm(forms.Form):
    code = forms.CharField(label="编号", max_length=16)
    title = forms.CharField(label="内容", max_length=100)
    severity = forms.ChoiceField(label="处理", choices=Severity.choices)
    rating_cap = forms.ChoiceField(label="当年考核最高等次", choices=[("", "不限制"), *Grade.choices], required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)


class GuidanceForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=GuidanceKind.choices)
    title = forms.CharField(label="标题", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2014, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度（工作指导要点）", required=False, coerce=int, empty_value=None,
                                     choices=[("", "—"), (1, "一"), (2, "二"), (3, "三"), (4, "四")])  # fmt: skip
    items = forms.CharField(
        label="事项（每行一项；可在“｜”后写完成时限，如：走访全部贫困户｜2018-06-30）", max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )  # fmt: skip

    def clean_items(self) -> list[ItemInput]:
        out = []
        for k, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _, due = line.replace("|", "｜").partition("｜")
            try:
                when = date.fromisoformat(due.strip()) if due.strip() else None
            except ValueError:
                raise forms.ValidationError(f"第 {k} 行的完成时限“{due.strip()[:20]}”应写成 年-月-日") from None
            out.append(ItemInput(title.strip(), when))
        return out


class DoneForm(forms.Form):
    log = forms.ChoiceField(label="佐证（本人的民情日记）", choices=[])

    def __init__(self, *args: Any, logs: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["log"].choices = [(str(k), v) for k, v in logs or []]  # type: ignore[attr-defined]
