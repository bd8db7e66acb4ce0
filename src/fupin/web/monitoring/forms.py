"""The monitoring's forms: a report (农户申报、干部走访), a help measure, a follow-up visit, starting the risk
elimination."""

from __future__ import annotations

from django import forms

from fupin.monitoring.choices import Channel, MeasureKind, RiskType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.TextInput(attrs={"inputmode": "decimal"})

# a person reports through a cadre or the web; a department's alert comes through the monitoring run
REPORT_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.DEPARTMENT]


class IntakeForm(forms.Form):
    household_no = forms.CharField(
        label="户编号", max_length=24, help_text="建档立卡户编号（非建档户先在贫困户页面登记为申请户）"
    )
    channel = forms.ChoiceField(label="线索来源", choices=REPORT_CHANNELS)
    risk = forms.ChoiceField(label="主要风险类型", choices=RiskType.choices)
    on = forms.DateField(label="发现日期", widget=DATE)
    detail = forms.CharField(
        label="情况说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅监测工作人员可见，不上公示",
    )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶措施", choices=MeasureKind.choices)
    content = forms.CharField(label="措施内容", max_length=300)
    responsible = forms.CharField(label="责任人", max_length=40)
    started_on = forms.DateField(label="开始日期", widget=DATE)


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label="回访日期", widget=DATE)
    visitor = forms.CharField(label="回访人", max_length=40)
    income_per_capita = forms.CharField(label="人均纯收入（预估，元/年）", max_length=16, widget=MONEY)
    rigid_spending = forms.CharField(label="医疗、教育等刚性支出（元/年）", max_length=16, widget=MONEY, initial="0")
    guarantees_ok = forms.BooleanField(label="两不愁三保障及饮水安全有保障", required=False)
    note = forms.CharField(label="回访情况", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EliminationForm(forms.Form):
    on = forms.DateField(label="启动日期", widget=DATE)
    override_reason = forms.CharField(
        label="不符合条件时县级批准理由",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="符合风险消除条件时不必填写",
    )
