"""The village Party organizations' forms: the organization, a person, an election and its results, a review, an
adjustment and its decision, the 软弱涣散 identification and a rectification, a visit, the basic guarantees."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.partyorg.choices import AdjustReason, Education, Gender, Grade, OrgKind, Source

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
YEAR = forms.NumberInput(attrs={"inputmode": "numeric"})

# an elected seat as one choice: "committee/post"
SEAT_CHOICES = [
    ("", "—"),
    ("branch/secretary", "村党组织书记"),
    ("branch/deputy", "村党组织副书记"),
    ("branch/member", "村党组织委员"),
    ("villagers/director", "村委会主任"),
    ("villagers/deputy", "村委会副主任"),
    ("villagers/member", "村委会委员"),
]
RESULT_ROWS = 12


def _decimal(label: str, places: int, **kwargs: Any) -> forms.DecimalField:
    """A decimal field whose errors are Chinese sentences (Django's own end in an English full stop)."""
    return forms.DecimalField(label=label, decimal_places=places, error_messages={
        "max_decimal_places": f"{label}最多 {places} 位小数", "invalid": f"{label}须为数字",
        "max_digits": f"{label}位数过多",
    }, **kwargs)  # fmt: skip


class OrgForm(forms.Form):
    kind = forms.ChoiceField(label="组织类型", choices=OrgKind.choices)
    members = forms.IntegerField(label="党员人数", min_value=0, widget=YEAR)


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    birth_year = forms.IntegerField(label="出生年份", widget=YEAR)
    education = forms.ChoiceField(label="文化程度", choices=Education.choices)
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    id_number = forms.CharField(label="身份证号（优亲厚友比对用，可后补）", max_length=20, required=False)
    reserve = forms.BooleanField(label="列入后备力量", required=False, initial=True)


class IdNumberForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=20)


class ElectionOpenForm(forms.Form):
    round = forms.IntegerField(label="届次", min_value=1, max_value=99, widget=YEAR)
    branch_seats = forms.IntegerField(label="村党组织委员职数", min_value=1, max_value=15, initial=5, widget=YEAR)
    villagers_seats = forms.IntegerField(label="村委会成员职数", min_value=1, max_value=15, initial=5, widget=YEAR)


class StepForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)


class ResultsForm(forms.Form):
    """The elected: up to ``RESULT_ROWS`` rows of a person and a seat (a person may hold one seat on each
    committee — 一肩挑)."""

    on = forms.DateField(label="选举日期", widget=DATE)

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((str(pk), name) for pk, name in (people or []))]
        for i in range(RESULT_ROWS):
            self.fields[f"person_{i}"] = forms.ChoiceField(label=f"第 {i + 1} 人", choices=choices, required=False)
            self.fields[f"seat_{i}"] = forms.ChoiceField(label="职务", choices=SEAT_CHOICES, required=False)

    def rows(self) -> list[tuple[int, str, str, int]]:
        """(person id, committee, post, row number) of the filled rows."""
        out = []
        for i in range(RESULT_ROWS):
            person, seat = self.cleaned_data.get(f"person_{i}"), self.cleaned_data.get(f"seat_{i}")
            if not person and not seat:
                continue
            if not person or not seat:
                self.add_error(f"seat_{i}" if person else f"person_{i}", f"第 {i + 1} 行：人员和职务须同时选择")
                continue
            committee, post = seat.split("/")
            out.append((int(person), committee, post, i + 1))
        return out


class SeatEndForm(forms.Form):
    on = forms.DateField(label="离任日期", widget=DATE)
    reason = forms.CharField(label="离任原因", max_length=100)


class ReviewForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)
    grade = forms.ChoiceField(label="评议等次", choices=Grade.choices)
    township_rank = forms.IntegerField(label="乡镇排名", required=False, min_value=1, widget=YEAR)
    township_size = forms.IntegerField(label="参评村数", required=False, min_value=1, widget=YEAR)
    findings = forms.CharField(label="研判意见", required=False, max_length=2000, widget=TEXT)


class ProposeForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)
    reason = forms.ChoiceField(label="调整原因", choices=AdjustReason.choices)
    evidence = forms.CharField(label="研判依据", max_length=2000, widget=TEXT)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="意见", choices=[("approve", "同意"), ("reject", "不同意")])
    note = forms.CharField(label="审批意见（不同意时必填）", required=False, max_length=200)
    replacement = forms.ChoiceField(label="接任人选（县委组织部审批时从后备力量中选定）", required=False, choices=[])
    on = forms.DateField(label="调整日期", required=False, widget=DATE)

    def __init__(self, *args: Any, reserves: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replacement"]
        field.choices = [("", "—"), *((str(pk), name) for pk, name in (reserves or []))]  # type: ignore[attr-defined]
        if reserves is None:
            del self.fields["replacement"]
            del self.fields["on"]


class IdentifyForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)


class ManualWeakForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)
    reason = forms.CharField(label="认定理由（其他情形，如宗族宗教势力干扰、村务长期混乱）", max_length=200)


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=200)


class PlanForm(forms.Form):
    measures = forms.CharField(label="整顿措施（一村一策）", max_length=4000, widget=TEXT)
    leader = forms.CharField(label="联系领导", max_length=60)
    first_secretary_part = forms.CharField(label="第一书记职责", required=False, max_length=2000, widget=TEXT)
    deadline = forms.DateField(label="整顿时限", widget=DATE)


class ProgressForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="整顿进展", max_length=500)


class AcceptForm(forms.Form):
    score = _decimal("验收得分", 1, min_value=0, max_value=100)
    surveyed = forms.IntegerField(label="群众测评人数", min_value=1, widget=YEAR)
    dissatisfied = forms.IntegerField(label="其中“不满意”人数", min_value=0, widget=YEAR)
    on = forms.DateField(label="验收日期", widget=DATE)


class VisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE)
    visitor = forms.CharField(label="走访领导", max_length=60)
    visitor_title = forms.CharField(label="职务", max_length=60)
    committees = forms.CharField(label="村两委班子分析", max_length=2000, widget=TEXT)
    team = forms.CharField(label="驻村工作队分析", max_length=2000, widget=TEXT)
    three_people = forms.CharField(label="书记、主任、第一书记分析", max_length=2000, widget=TEXT)


class GuaranteeForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)
    secretary_pay = _decimal("书记报酬（元/年）", 2, min_value=0)
    pay_paid = forms.BooleanField(label="报酬已发放", required=False)
    office_funds = _decimal("办公经费（万元/年）", 2, min_value=0)
    funds_paid = forms.BooleanField(label="经费已拨付", required=False)


class OrgYearForm(forms.Form):
    year = forms.IntegerField(label="年度", widget=YEAR)
    new_members = forms.IntegerField(label="发展党员数", min_value=0, widget=YEAR)
    satisfaction = _decimal("群众满意度（%）", 1, required=False, min_value=0, max_value=100)
