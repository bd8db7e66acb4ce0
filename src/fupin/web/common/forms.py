"""What the forms of the domains share, and the forms of more than one domain's pages."""

from __future__ import annotations

from typing import Any

from django import forms

from fupin.core.errors import ApplicationError


def form_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on the form: on the field it names (``extra["field"]``) if the form has it, else
    above the form."""
    name = exc.extra.get("field")
    form.add_error(name if isinstance(name, str) and name in form.fields else None, exc.message)


class FindingTransitionForm(forms.Form):
    """Moving a finding on in its workflow: on the finding's page and on its household's page."""

    to = forms.ChoiceField(label="处理为", choices=[])
    reason = forms.CharField(label="核实情况/理由", required=False, max_length=300)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices or []  # type: ignore[attr-defined]
