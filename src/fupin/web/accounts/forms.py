"""Changing one's own password."""

from __future__ import annotations

from typing import Any

from django import forms


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(label="新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(
        label="确认新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=64, help_text="例如“驻村手机”“县级对接系统”，便于日后辨认和吊销")
    days = forms.TypedChoiceField(
        label="有效期", coerce=int, initial=90, choices=[(d, f"{d} 天") for d in (30, 90, 180, 365)]
    )
    scope = forms.ChoiceField(
        label="权限",
        initial="read",
        choices=[("read", "只读（查询）"), ("write", "读写（查询并提交走访、申报等）")],
    )

    def __init__(self, *args: Any, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if read_only:  # inspectors: a read-only token is all they may hold, so that is all the form offers
            self.fields["scope"].choices = [("read", "只读（查询）")]  # type: ignore[attr-defined]
