"""Changing a policy parameter."""

from __future__ import annotations

from django import forms


class ParameterForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    year = forms.IntegerField(label="自年度起", min_value=2013, max_value=2100)
    value = forms.CharField(label="取值", max_length=32)
    note = forms.CharField(label="依据/说明", max_length=200)
