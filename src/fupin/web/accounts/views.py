"""One's own account: changing the password, one's API tokens (login and logout are Django's views, see ``urls``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fupin.accounts import tokens
from fupin.accounts.services import user_password_change
from fupin.core.errors import ApplicationError
from fupin.core.parsing import ascii_int
from fupin.web.common.forms import form_error

from .forms import PasswordChangeForm, TokenForm


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                actor=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            form.add_error(str(exc.extra.get("field", "new_password1")), exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return render(request, "registration/password_change.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """One's tokens, a form for a new one (its secret shown on this response only, never again) and revocation."""
    user: Any = request.user
    form = TokenForm(request.POST if request.POST.get("form") == "create" else None, read_only=user.is_read_only)
    secret = ""
    if request.method == "POST" and request.POST.get("form") == "revoke":
        try:
            token = tokens.token_revoke(actor=user, pk=ascii_int(request.POST.get("token"), hi=2**62) or 0)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"令牌“{token.name}”已吊销，使用它的应用将无法再访问")
        return redirect("token-list")
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = tokens.token_create(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            form_error(form, exc)
        else:
            form = TokenForm(read_only=user.is_read_only)
    now = timezone.now()
    context = {
        "form": form,
        "secret": secret,
        "rows": [(t, t.state(now)) for t in tokens.tokens_of(viewer=user)],
        "rate": _rate_in_words(settings.FUPIN_API_TOKEN_RATE),
    }
    return render(request, "web/accounts/tokens.html", context)


PERIODS = {"s": "秒", "sec": "秒", "m": "分钟", "min": "分钟", "h": "小时", "hour": "小时", "d": "天", "day": "天"}


def _rate_in_words(rate: str) -> str:
    """ "600/min" → "每分钟 600 次" (the setting's form, as ninja reads it)."""
    count, _, period = rate.partition("/")
    return f"每{PERIODS.get(period, period)} {count} 次"
