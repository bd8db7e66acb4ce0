"""The forms a device can fill in: each is a web form (the same fields and rules) with who may have it and what a
filled-in one does — the same service the web page calls."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django import forms

from fupin.core import codes, permissions
from fupin.core.actors import Actor
from fupin.core.errors import ValidationError
from fupin.fieldwork import selectors as field_selectors
from fupin.fieldwork.services import own_posting, worklog_add
from fupin.monitoring import services as monitoring_services
from fupin.registry import selectors as registry_selectors
from fupin.web.common.forms import form_errors_text
from fupin.web.fieldwork.forms import WorkLogForm
from fupin.web.fieldwork.views import log_input
from fupin.web.monitoring.forms import IntakeForm

from .xlsform import XForm, fields_of, xform_from_sheets, xlsform_of


@dataclass(frozen=True)
class DeviceForm:
    form_id: str
    title: str
    build: Callable[[Actor, dict[str, Any] | None], forms.Form | None]  # the viewer's form (bound to data when
    # given) with their households as choices; None: not theirs
    save: Callable[[Actor, dict[str, Any]], str]  # cleaned data → the service; returns what it made ("worklog:12")
    holders: str  # who may fill it in, for the refusal of anyone else


def _village_households(viewer: Actor) -> list[tuple[str, str]] | None:
    """A village role's households as choices (a township or county types the number: its lists are too long)."""
    area = getattr(viewer, "area_id", None)
    if not area or codes.level_of(area) != codes.VILLAGE:
        return None
    return field_selectors.household_choices(viewer=viewer, village=area)


def _worklog_form(viewer: Actor, data: dict[str, Any] | None) -> forms.Form | None:
    if not permissions.allowed(viewer, "fieldwork.log"):
        return None
    posting = own_posting(viewer)
    if posting is None:
        return None
    households = field_selectors.household_choices(viewer=viewer, village=posting.village_id)
    return WorkLogForm(data, households=households)


def _worklog_save(viewer: Actor, data: dict[str, Any]) -> str:
    log = worklog_add(actor=viewer, data=log_input(data))
    return f"worklog:{log.pk}"


def _report_form(viewer: Actor, data: dict[str, Any] | None) -> forms.Form | None:
    if not permissions.allowed(viewer, "monitoring.intake"):
        return None
    form = IntakeForm(data)
    households = _village_households(viewer)
    if households:
        old = form.fields["household_no"]
        form.fields["household_no"] = forms.ChoiceField(label="农户", choices=households, help_text=old.help_text)
    return form


def _report_save(viewer: Actor, data: dict[str, Any]) -> str:
    household = registry_selectors.household_get(viewer=viewer, household_no=str(data.pop("household_no")).strip())
    intake = monitoring_services.case_intake(actor=viewer, household=household, **data)
    return f"monitoring:{intake.case.pk}"


FORMS: dict[str, DeviceForm] = {
    "worklog": DeviceForm(
        "worklog", "民情日记（走访记录）", _worklog_form, _worklog_save, "在岗的驻村第一书记和工作队员"
    ),
    "monitoring_report": DeviceForm(
        "monitoring_report", "防返贫监测线索", _report_form, _report_save, "乡镇、村和扶贫部门的干部"
    ),
}


def forms_of(viewer: Actor) -> list[tuple[DeviceForm, XForm]]:
    """The forms this viewer may fill in, each as its XForm (its version follows its content)."""
    return [(spec, xform) for spec in FORMS.values() if (xform := xform_for(viewer, spec.form_id)) is not None]


def xform_for(viewer: Actor, form_id: str) -> XForm | None:
    """One form as this viewer's XForm (only that form's choices are read); None: no such form, or not theirs."""
    spec = FORMS.get(form_id)
    form = spec.build(viewer, None) if spec else None
    if spec is None or form is None:
        return None
    sheets = json.dumps(xlsform_of(form, form_id=spec.form_id, title=spec.title, version=""), sort_keys=True)
    return _xform(sheets, spec.form_id, spec.title)


@lru_cache(maxsize=256)
def _xform(sheets: str, form_id: str, title: str) -> XForm:
    """The XForm of an XLSForm's sheets (as JSON), its version a digest of them: converted once per content, not
    on every device's every request (a village's form changes when a household is added)."""
    version = hashlib.sha256(sheets.encode()).hexdigest()[:12]
    return xform_from_sheets(json.loads(sheets), form_id=form_id, title=title, version=version)


def save(viewer: Actor, form_id: str, values: dict[str, str]) -> str:
    """Bind a submission's values to the viewer's form and save it through the service; a refusal names the
    fields (in Chinese) like the web page does."""
    spec = FORMS.get(form_id)
    form = spec.build(viewer, None) if spec else None
    if spec is None:
        raise ValidationError("平台上没有这份表单，请在 ODK Collect 中重新下载空白表单")
    if form is None:
        raise ValidationError(f"您的账号不能填报“{spec.title}”（须由{spec.holders}填报）")
    # bound to the values now, as Django binds a form at construction (its fields, with the viewer's choices,
    # are needed first to read the values: a yes/no is a checkbox on the web); built once, queried once
    form.data, form.is_bound = fields_of(form, values), True
    if not form.is_valid():
        raise ValidationError("提交内容有误：" + form_errors_text(form))
    return spec.save(viewer, dict(form.cleaned_data))
