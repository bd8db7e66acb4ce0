"""Procedures on a household and the households import."""

from __future__ import annotations

from typing import Any

from django import forms


class ProcedureOpenForm(forms.Form):
    kind = forms.ChoiceField(label="程序", choices=[])
    on = forms.DateField(label="启动日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="事由", required=False, max_length=200, help_text="注销：死亡/错评/自然消亡/其他；监测：对象类型"
    )

    override_reason = forms.CharField(
        label="县级批准理由（仅在该户不符合标准而确需办理时填写）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不符合标准时系统会列出全部否决项；写明理由即由您批准带否决项办理，记入审计和户页面",
    )

    def __init__(
        self, *args: Any, kinds: list[tuple[str, str]] | None = None, can_override: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds or []  # type: ignore[attr-defined]
        if not can_override:
            del self.fields["override_reason"]


class ProcedureStepForm(forms.Form):
    """The next step of an open procedure; fields not used by the step's kind are dropped in __init__."""

    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label="签字人", max_length=64)
    votes_total = forms.IntegerField(label="应到代表", min_value=0, required=False)
    votes_present = forms.IntegerField(label="实到代表", min_value=0, required=False)
    votes_for = forms.IntegerField(label="赞成票", min_value=0, required=False)
    notice_start = forms.DateField(label="公示开始", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notice_end = forms.DateField(label="公示结束", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    approved = forms.BooleanField(label="审核通过", required=False, initial=True)
    note = forms.CharField(label="意见/记录", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    override_reason = ProcedureOpenForm.base_fields["override_reason"]

    def __init__(self, *args: Any, step_kind: str = "sign", can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"on", "signer", "note"} | ({"override_reason"} if can_override else set())
        keep |= {"vote": {"votes_total", "votes_present", "votes_for"}, "notice": {"notice_start", "notice_end"},
                 "review": {"approved"}}.get(step_kind, set())  # fmt: skip
        if step_kind == "notice":
            keep.discard("on")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


YES_NO = [("", "—"), ("1", "是"), ("0", "否")]
GRADES = [("A", "A 级（安全）"), ("B", "B 级（基本安全）"), ("C", "C 级（局部危险）"), ("D", "D 级（整体危险）")]


def _money(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=12, decimal_places=2)


class HouseholdYearForm(forms.Form):
    """A household's year (年度动态调整): income by source, 两不愁三保障's facts and judgements, and each member's
    schooling, health and insurance (fields ``m<id>-<name>``, added per member)."""

    wage_income = _money("工资性收入（全户，元）")
    production_income = _money("生产经营性收入（全户，元）")
    production_costs = _money("生产经营费用（全户，元）")
    property_income = _money("财产性收入（全户，元）")
    transfer_income = _money("转移性收入（全户，元）")
    income_per_capita_given = _money("人均纯收入（可不填，系统按各项收入和家庭人口计算；填写则核对）")
    food_ok = forms.BooleanField(label="不愁吃", required=False)
    clothing_ok = forms.BooleanField(label="不愁穿", required=False)
    education_ok = forms.BooleanField(label="义务教育有保障（登记判断，与成员在校信息核对）", required=False)
    medical_ok = forms.BooleanField(label="基本医疗有保障（登记判断，与成员参保信息核对）", required=False)
    housing_grade = forms.ChoiceField(label="住房安全等级", choices=GRADES)
    relocated = forms.BooleanField(label="易地扶贫搬迁", required=False)
    water_ok = forms.BooleanField(label="饮水安全（登记判断）", required=False)
    water_litres = forms.IntegerField(label="人均日供水量（升）", required=False, min_value=0, max_value=1000)
    water_quality_ok = forms.TypedChoiceField(
        label="水质达标", choices=YES_NO, required=False, coerce=lambda v: v == "1", empty_value=None
    )
    water_minutes = forms.IntegerField(label="人力取水往返时间（分钟）", required=False, min_value=0, max_value=1440)
    water_cut_days = forms.IntegerField(label="全年停水天数", required=False, min_value=0, max_value=366)
    water_short_area = forms.BooleanField(label="属缺水地区（水量标准按 20 升）", required=False)

    MEMBER_FIELDS = ("student", "school_stage", "home_schooled", "health", "disability", "medical_insurance",
                     "critical_illness_insurance")  # fmt: skip

    def __init__(
        self,
        *args: Any,
        members: list[Any] | None = None,
        stages: list[tuple[str, str]] | None = None,
        health: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members or []
        for m in self.members:
            p = f"m{m.pk}-"
            self.fields[p + "student"] = forms.BooleanField(label="在校生", required=False)
            self.fields[p + "school_stage"] = forms.ChoiceField(
                label="在校阶段", choices=[("", "不在校"), *(stages or [])], required=False
            )
            self.fields[p + "home_schooled"] = forms.BooleanField(label="送教上门", required=False)
            self.fields[p + "health"] = forms.ChoiceField(
                label="健康状况", choices=[("", "—"), *((h, h) for h in health)], required=False
            )
            self.fields[p + "disability"] = forms.CharField(label="残疾情况", required=False, max_length=16)
            self.fields[p + "medical_insurance"] = forms.BooleanField(label="基本医疗保险", required=False)
            self.fields[p + "critical_illness_insurance"] = forms.BooleanField(label="大病保险", required=False)

    GROUPS = (
        ("收入（全户全年，元）", ("wage_income", "production_income", "production_costs", "property_income",
                               "transfer_income", "income_per_capita_given")),
        ("两不愁三保障", ("food_ok", "clothing_ok", "education_ok", "medical_ok", "housing_grade", "relocated")),
        ("饮水", ("water_ok", "water_litres", "water_quality_ok", "water_minutes", "water_cut_days",
                  "water_short_area")),
    )  # fmt: skip

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The household fields by fieldset, bound."""
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def member_rows(self) -> list[tuple[Any, list[Any]]]:
        """Each member with its bound fields, in the order of MEMBER_FIELDS (for a table row per member)."""
        return [(m, [self[f"m{m.pk}-{name}"] for name in self.MEMBER_FIELDS]) for m in self.members]

    def household_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.base_fields}

    def member_values(self) -> dict[str, dict[str, Any]]:
        return {
            m.id_number: {name: self.cleaned_data[f"m{m.pk}-{name}"] for name in self.MEMBER_FIELDS}
            for m in self.members
        }


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（xlsx / xls / csv）")
    partial = forms.BooleanField(label="只导入无错的户（不勾选：有任何错误则整个文件不导入）", required=False)
    dry_run = forms.BooleanField(label="只检查，不写入", required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".xlsx", ".xls", ".xlsm", ".csv")):
            raise forms.ValidationError("请上传 .xlsx、.xls 或 .csv 文件")
        if f.size > 200 * 1024 * 1024:
            raise forms.ValidationError("文件超过 200 MB，请按县拆分后导入")
        return f
