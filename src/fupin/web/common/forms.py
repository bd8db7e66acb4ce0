"""What the forms of the domains share, and the forms of more than one domain's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from fupin.core.errors import ApplicationError


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on the field it names (``extra["field"]``) if the form has it, else
    above the form."""
    name = exc.extra.get("field")
    form.add_error(name if isinstance(name, str) and name in form.fields else None, exc.message)


def form_submit(request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], done: str) -> bool:
    """Validate ``form``, call the service with its cleaned data and say ``done``; a refusal lands on the form (on
    the field it names) and nothing is written. True when the service went through (the view then redirects)."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        form_error(form, exc)
        return False
    messages.success(request, done)
    return True


def form_errors_text(form: forms.Form) -> str:
    """A form's errors in one sentence, each after its field's label (for a message above a page)."""
    parts = []
    for name, errs in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}：{e}" if label else str(e) for e in errs]
    return "；".join(parts)


class FindingTransitionForm(forms.Form):
    """Moving a finding on in its workflow: on the finding's page and on its household's page."""

    to = forms.ChoiceField(label="处理为", choices=[])
    reason = forms.CharField(label="核实情况/理由", required=False, max_length=300)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices or []  # type: ignore[attr-defined]
