"""XLSForms from the web's own forms: the same fields, labels, choices, limits and hints, converted by pyxform.

A Django form field becomes one survey row: a choice field a ``select_one`` with its choices, a date a ``date``,
a decimal a ``decimal`` (with its minimum), text a ``text`` (multiline for a textarea) with its length limit; the
help text is the hint and a required field is required. What the device sends back is bound to the same form
again, so the web's validation and the service's rules decide, whatever the device checked.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django import forms
from pyxform.xls2xform import convert


@dataclass(frozen=True)
class XForm:
    form_id: str
    title: str
    version: str
    xml: str

    @property
    def hash(self) -> str:
        return "md5:" + hashlib.md5(self.xml.encode(), usedforsecurity=False).hexdigest()


def _row(name: str, field: forms.Field, choices: dict[str, list[dict[str, str]]]) -> dict[str, str]:
    row = {"name": name, "label": str(field.label or name)}
    if field.help_text:
        row["hint"] = str(field.help_text)
    if field.required:
        row["required"] = "yes"
        row["required_message"] = f"请填写{row['label']}"
    return _typed(row, name, field, choices)


def _typed(row: dict[str, str], name: str, field: forms.Field, choices: dict[str, Any]) -> dict[str, str]:
    """The row's type (and the constraint that goes with it) from the field's class."""
    if isinstance(field, forms.ChoiceField):
        pairs: Any = field.choices
        options = [{"list_name": name, "name": str(v), "label": str(label)} for v, label in pairs if str(v) != ""]
        if not options:  # an empty list cannot be a select: the device types the value instead
            row["type"] = "text"
            return row
        choices[name] = options
        row["type"] = f"select_one {name}"
        if len(options) > 20:
            row["appearance"] = "autocomplete"  # a village's households: typed to filter
    elif isinstance(field, forms.DateField):
        row["type"] = "date"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        row["type"] = "decimal"
        if field.min_value is not None:
            row["constraint"] = f". >= {field.min_value}"
            row["constraint_message"] = f"{row['label']}不能小于 {field.min_value}"
    elif isinstance(field, forms.IntegerField):
        row["type"] = "integer"
    elif isinstance(field, forms.BooleanField):
        row["type"] = "select_one yes_no"
        choices["yes_no"] = [{"list_name": "yes_no", "name": "1", "label": "是"},
                             {"list_name": "yes_no", "name": "0", "label": "否"}]  # fmt: skip
    else:
        row["type"] = "text"
        if isinstance(field.widget, forms.Textarea):
            row["appearance"] = "multiline"
        max_length = getattr(field, "max_length", None)
        if max_length:
            row["constraint"] = f"string-length(.) <= {max_length}"
            row["constraint_message"] = f"{row['label']}最多 {max_length} 字"
    return row


def xlsform_of(form: forms.Form, *, form_id: str, title: str, version: str) -> dict[str, list[dict[str, str]]]:
    """The XLSForm (as pyxform's sheets) of a bound-or-not web form's fields, in their order."""
    choices: dict[str, list[dict[str, str]]] = {}
    survey = [_row(name, field, choices) for name, field in form.fields.items()]
    return {
        "survey": survey,
        "choices": [c for options in choices.values() for c in options],
        "settings": [{"form_title": title, "form_id": form_id, "version": version, "default_language": "zh"}],
    }


def xform_from_sheets(sheets: dict[str, Any], *, form_id: str, title: str, version: str) -> XForm:
    """pyxform's conversion of the sheets, with ``version`` set in them."""
    sheets = {**sheets, "settings": [{**sheets["settings"][0], "version": version}]}
    result = convert(sheets, form_name="data")
    return XForm(form_id, title, version, result.xform)


def fields_of(form: forms.Form, values: dict[str, str]) -> dict[str, str]:
    """A submission's values as the web form's POST data (a yes/no as the checkbox's "on" or nothing)."""
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = values.get(name, "")
        if isinstance(field, forms.BooleanField):
            if value == "1":
                data[name] = "on"
        elif value != "":
            data[name] = value
    return data
