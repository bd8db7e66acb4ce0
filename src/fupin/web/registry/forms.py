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

    def __init__(self, *args: Any, kinds: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds or []  # type: ignore[attr-defined]


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

    def __init__(self, *args: Any, step_kind: str = "sign", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"on", "signer", "note"}
        keep |= {"vote": {"votes_total", "votes_present", "votes_for"}, "notice": {"notice_start", "notice_end"},
                 "review": {"approved"}}.get(step_kind, set())  # fmt: skip
        if step_kind == "notice":
            keep.discard("on")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


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
