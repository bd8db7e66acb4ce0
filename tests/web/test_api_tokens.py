"""Personal access tokens (issue 22): made on the account page and shown once, kept only as a digest, acting as
their user within the user's area; expired, revoked, read-only-on-write and an inactive user's tokens refused with
a Chinese problem details body; a rate limit per token; the API docs page served from static files."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from fupin.accounts import tokens
from fupin.accounts.models import AccessToken, Role
from fupin.audit.models import AuditEntry
from fupin.core.errors import PermissionDeniedError, ValidationError
from fupin.monitoring.models import Case
from fupin.registry.models import Household, Status
from tests.factories import make_household
from tests.support import COUNTY_A, COUNTY_B, first_village, make_user

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_acts_as_its_user_and_is_kept_as_a_digest_only(client):
    user = make_user("tok-sec", Role.FIRST_SECRETARY, first_village(COUNTY_A))
    token, secret = tokens.token_create(actor=user, name="驻村手机", days=90)
    assert secret.startswith("fp_")
    assert len(secret) > 40
    stored = AccessToken.objects.get(pk=token.pk)
    assert secret not in {stored.digest, stored.prefix}
    assert stored.digest == tokens.digest_of(secret)
    assert secret.startswith(stored.prefix)
    assert len(stored.prefix) < 12
    me = client.get("/api/me", **_bearer(secret))
    assert me.status_code == 200
    assert me.json()["username"] == "tok-sec"
    assert AccessToken.objects.get(pk=token.pk).last_used_at is not None
    # the user's area bounds it, as for the session
    assert client.get(f"/api/areas/{COUNTY_B}", **_bearer(secret)).status_code == 404
    # the audit records the token's making, never its secret
    entry = AuditEntry.objects.get(action="token.create")
    assert secret not in str(entry.changes)
    assert "驻村手机" in str(entry.changes)


@pytest.mark.parametrize("case", ["unknown", "malformed", "expired", "revoked", "inactive"])
def test_a_token_that_opens_nothing_is_a_401_saying_why(client, case):
    user = make_user("tok-bad", Role.COUNTY_OFFICER, COUNTY_A)
    token, secret = tokens.token_create(actor=user, name="对接", days=30)
    if case == "unknown":
        secret = "fp_" + "x" * 43
    elif case == "malformed":
        secret = "not-a-token"
    elif case == "expired":
        AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif case == "revoked":
        tokens.token_revoke(actor=user, pk=token.pk)
    else:
        user.is_active = False
        user.save()
    response = client.get("/api/me", **_bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "invalid_token"
    assert body["title"] == "未认证"
    expected = {"expired": "过期", "revoked": "吊销", "inactive": "停用"}.get(case, "令牌无效")
    assert expected in body["detail"]
    assert body["detail"] == body["message"]


def test_a_read_only_token_cannot_write_and_a_write_token_needs_no_csrf(client):
    village = first_village(COUNTY_A)
    user = make_user("tok-write", Role.FIRST_SECRETARY, village)
    _, read = tokens.token_create(actor=user, name="查询", days=30)
    _, write = tokens.token_create(actor=user, name="采集", days=30, scope="write")
    household = make_household(village, number=61, size=2)
    Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
    payload = {"household_no": household.household_no, "channel": "visit", "risk": "illness",
               "on": timezone.localdate().isoformat(), "detail": "走访发现户主患病"}  # fmt: skip
    refused = client.post("/api/monitoring/reports", payload, content_type="application/json", **_bearer(read))
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_token"
    assert "只读" in refused.json()["detail"]
    assert not Case.objects.exists()
    # A write token needs no CSRF token; the report goes through the service and is recorded as the token's user's
    passed = client.post("/api/monitoring/reports", payload, content_type="application/json", **_bearer(write))
    assert passed.status_code == 201, passed.content
    assert Case.objects.get().sources.get().reported_by == str(user)


def test_an_inspector_holds_read_only_tokens_only():
    inspector = make_user("tok-insp", Role.INSPECTOR, COUNTY_A)
    tokens.token_create(actor=inspector, name="审计", days=30)
    with pytest.raises(PermissionDeniedError, match="只读"):
        tokens.token_create(actor=inspector, name="审计", days=30, scope="write")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"name": " "}, "用途"), ({"name": "x", "days": 1000}, "有效期"), ({"name": "x", "scope": "admin"}, "权限")],
)
def test_bad_token_requests_are_refused_in_chinese(kwargs, message):
    user = make_user("tok-val", Role.COUNTY_OFFICER, COUNTY_A)
    with pytest.raises(ValidationError, match=message):
        tokens.token_create(actor=user, **{"days": 30, **kwargs})
    assert not AccessToken.objects.exists()


def test_nobody_revokes_another_persons_token():
    owner = make_user("tok-own", Role.COUNTY_OFFICER, COUNTY_A)
    other = make_user("tok-oth", Role.PREFECTURE_OFFICER, COUNTY_A[:4] + "00000000")
    token, _ = tokens.token_create(actor=owner, name="对接", days=30)
    with pytest.raises(Exception, match="令牌不存在"):
        tokens.token_revoke(actor=other, pk=token.pk)
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


@override_settings(FUPIN_API_TOKEN_RATE="3/min")
def test_each_token_has_its_own_rate_limit(client):
    from django.core.cache import caches

    caches["throttle"].clear()
    user = make_user("tok-rate", Role.COUNTY_OFFICER, COUNTY_A)
    _, first = tokens.token_create(actor=user, name="一", days=30)
    _, second = tokens.token_create(actor=user, name="二", days=30)
    assert [client.get("/api/me", **_bearer(first)).status_code for _ in range(3)] == [200] * 3
    limited = client.get("/api/me", **_bearer(first))
    assert limited.status_code == 429
    assert "频繁" in limited.json()["detail"]
    assert int(limited["Retry-After"]) > 0
    assert client.get("/api/me", **_bearer(second)).status_code == 200  # another token is not limited
    client.force_login(user)
    assert client.get("/api/me").status_code == 200  # nor the browser's session


def test_the_account_page_shows_a_new_token_once_and_revokes_it(client):
    user = make_user("tok-web", Role.TOWNSHIP_OFFICER, first_village(COUNTY_A)[:9] + "000")
    client.force_login(user)
    empty = client.get("/tokens/").content.decode()
    assert "您还没有申请过令牌" in empty
    made = client.post("/tokens/", {"form": "create", "name": "乡镇平板", "days": "90", "scope": "read"})
    page = made.content.decode()
    secret = re.search(r'value="(fp_[^"]+)"', page).group(1)
    assert "无法再次查看" in page
    assert client.get("/api/me", **_bearer(secret)).status_code == 200
    again = client.get("/tokens/").content.decode()
    assert secret not in again
    assert "乡镇平板" in again
    assert secret[:9] in again
    assert made["Cache-Control"].startswith("max-age=0") or "no-cache" in made["Cache-Control"]
    token = AccessToken.objects.get(user=user)
    client.post("/tokens/", {"form": "revoke", "token": str(token.pk)})
    assert "已吊销" in client.get("/tokens/").content.decode()
    assert client.get("/api/me", **_bearer(secret)).status_code == 401
    refused = client.post("/tokens/", {"form": "create", "name": "", "days": "90", "scope": "read"})
    assert "field-error" in refused.content.decode()


def test_problem_details_for_the_apis_own_refusals(client):
    assert client.get("/api/me").json()["code"] == "not_authenticated"
    user = make_user("tok-pd", Role.FIRST_SECRETARY, first_village(COUNTY_A))
    client.force_login(user)
    missing = client.post("/api/monitoring/reports", {}, content_type="application/json")
    assert missing.status_code == 422
    assert missing["Content-Type"].startswith("application/problem+json")
    assert "必填" in missing.json()["detail"]
    assert missing.json()["errors"]
    csrf = type(client)(enforce_csrf_checks=True)
    csrf.force_login(user)
    refused = csrf.post("/api/monitoring/reports", {}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_the_docs_page_loads_swagger_from_static_files(client):
    client.force_login(make_user("tok-docs", Role.COUNTY_OFFICER, COUNTY_A))
    page = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    schema = client.get("/api/openapi.json").json()
    assert "TokenAuth" in schema["components"]["securitySchemes"]


def test_lists_page_by_cursor_and_an_unchanged_read_is_a_304(client):
    from fupin.monitoring.choices import Channel
    from fupin.monitoring.services import case_intake

    officer = make_user("tok-page", Role.COUNTY_OFFICER, COUNTY_A)
    village = first_village(COUNTY_A)
    for number in (101, 203, 307, 409, 511):
        household = make_household(village, number=number)
        Household.objects.filter(pk=household.pk).update(status=Status.EXITED, exit_year=2019)
        household.refresh_from_db()
        case_intake(actor=officer, household=household, channel=Channel.VISIT, on=timezone.localdate(),
                    risk="illness", detail="住院")  # fmt: skip
    _, secret = tokens.token_create(actor=officer, name="同步", days=30)
    for order in ("risk", "opened"):
        seen, url = [], f"/api/monitoring/cases?order={order}&limit=2"
        while url:
            response = client.get(url, **_bearer(secret))
            assert response.status_code == 200
            seen += [c["id"] for c in response.json()]
            link = response.get("Link", "")
            url = link[1 : link.index(">")] if link else ""
        assert sorted(seen) == sorted(Case.objects.values_list("pk", flat=True))  # each case once, none missed
        assert len(seen) == 5
    first = client.get("/api/monitoring/cases", **_bearer(secret))
    etag = first["ETag"]
    assert "private" in first["Cache-Control"]
    assert "Authorization" in first["Vary"]
    unchanged = client.get("/api/monitoring/cases", HTTP_IF_NONE_MATCH=etag, **_bearer(secret))
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    Case.objects.update(group="突发严重困难户")
    changed = client.get("/api/monitoring/cases", HTTP_IF_NONE_MATCH=etag, **_bearer(secret))
    assert changed.status_code == 200
