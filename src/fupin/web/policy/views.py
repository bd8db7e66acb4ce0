"""Policy parameters: the values of a year with their source; province administrators change them (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fupin.core.errors import ApplicationError
from fupin.policy import selectors as policy_selectors
from fupin.policy.defaults import SPECS, defaults_text, format_value
from fupin.policy.services import parameter_set
from fupin.web.common.forms import form_error
from fupin.web.common.params import viewer_of, year_param

from .forms import ParameterForm


def _typed(value: Any) -> Any:
    """The value as the edit field shows it: 2952, not 2952.0 (a fraction such as 2/3 stays exact)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@login_required
def policy_page(request: HttpRequest) -> HttpResponse:
    """Policy parameters of a year with their source; province administrators change them here (audited)."""
    viewer = viewer_of(request)
    year = year_param(request)
    can_edit = policy_selectors.parameter_editable(viewer)
    bound = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("政策参数只能由省级管理员修改")
        bound = ParameterForm(request.POST, prefix=request.POST.get("which", ""))
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                parameter_set(actor=viewer, key=data["key"], year=data["year"], value=data["value"], note=data["note"])
                messages.success(request, f"已修改：{SPECS[data['key']].title}")
                return redirect(f"{request.path}?year={data['year']}")
            except ApplicationError as exc:
                form_error(bound, exc)
    rows: list[dict[str, Any]] = []
    for key, spec in SPECS.items():
        value = policy_selectors.param(key, year)
        form = None
        if can_edit:
            form = bound if bound is not None and bound.prefix == key else ParameterForm(
                prefix=key, initial={"key": key, "year": year, "value": _typed(value)}
            )  # fmt: skip
        stored = policy_selectors.parameter_stored(key, year)
        rows.append(
            {
                "key": key,
                "spec": spec,
                "value": format_value(key, value),
                "defaults": defaults_text(key) if len(set(spec.by_year.values())) > 1 else "",
                "stored": stored,
                "stored_value": format_value(key, stored.value) if stored is not None else "",
                "form": form,
            }
        )
    history = policy_selectors.parameter_history(viewer=viewer)
    return render(
        request,
        "web/policy/policy.html",
        {"rows": rows, "year": year, "history": history, "can_edit": can_edit},
        status=400 if bound is not None and bound.errors else 200,
    )
