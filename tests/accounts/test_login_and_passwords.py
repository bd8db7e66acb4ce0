import os
import subprocess
import sys

import pytest
from django.test import Client

from fupin.accounts.models import Role, User
from fupin.audit.models import AuditEntry
from tests.support import COUNTY_A, PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_lands_on_own_area_and_logout_ends_session(client):
    make_user("c", Role.COUNTY_OFFICER, COUNTY_A, display_name="县扶贫办")
    response = _login(client, "c", PASSWORD)
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "威宁彝族回族苗族自治县" in page
    assert "县扶贫办" in page
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_chinese(client):
    make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    page = _login(client, "c", "wrong-password").content.decode()
    assert "请输入一个正确的" in page
    assert "密码" in page


def test_ten_wrong_passwords_lock_the_account(client):
    make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    for _ in range(10):
        _login(client, "c", "wrong-password")
    response = _login(Client(), "c", PASSWORD)  # even the right password, from a fresh browser
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert _login(Client(), "c", PASSWORD).status_code == 429  # and it stays locked


def test_nine_wrong_passwords_do_not_lock(client):
    make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    for _ in range(9):
        _login(client, "c", "wrong-password")
    assert _login(client, "c", PASSWORD).status_code == 302


def test_login_form_requires_csrf_token():
    make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "c", "password": PASSWORD})
    assert response.status_code == 403


def test_password_change_checks_old_password_and_is_audited(client):
    user = make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(user)
    bad = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "Another-Pass-77", "new_password2": "Another-Pass-77"},
    )
    assert "原密码不正确" in bad.content.decode()
    short = client.post("/password/", {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert "密码不符合要求" in short.content.decode()
    assert not AuditEntry.objects.filter(action="user.password_change").exists()
    ok = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Another-Pass-77", "new_password2": "Another-Pass-77"},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Pass-77")
    entry = AuditEntry.objects.get(action="user.password_change")
    assert "Another" not in str(entry.changes)
    assert client.get("/").status_code == 200  # session kept


def test_role_must_match_area_level():
    from fupin.core.errors import ValidationError

    with pytest.raises(ValidationError, match="须绑定到县"):
        make_user("x", Role.COUNTY_OFFICER, "520500000000")
    assert not User.objects.filter(username="x").exists()


def test_county_officer_manages_users_below_not_beside():
    from fupin.accounts.services import user_create
    from fupin.core.errors import NotFoundError, PermissionDeniedError

    officer = make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    user_create(actor=officer, username="t", password=PASSWORD, role=Role.TOWNSHIP_OFFICER, area_code="520526004")
    with pytest.raises(NotFoundError):
        user_create(actor=officer, username="u", password=PASSWORD, role=Role.COUNTY_OFFICER, area_code="522633")
    with pytest.raises(PermissionDeniedError):
        user_create(actor=officer, username="v", password=PASSWORD, role=Role.COUNTY_OFFICER, area_code=COUNTY_A)
    assert set(User.objects.values_list("username", flat=True)) == {"c", "t"}


def test_production_settings_use_secure_cookies_and_refuse_missing_secrets():
    code = (
        "import django.conf, importlib; s = importlib.import_module('config.settings.production');"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG, s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {**os.environ, "FUPIN_SECRET_KEY": "x" * 50, "FUPIN_AUDIT_KEY": "k" * 40,
           "FUPIN_DATABASE_URL": "postgres://u@h/db"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.split() == ["True", "True", "False", "True"]
    env.pop("FUPIN_SECRET_KEY")
    failed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert failed.returncode != 0
    assert "FUPIN_SECRET_KEY" in failed.stderr
    env["FUPIN_SECRET_KEY"] = "x" * 50
    env.pop("FUPIN_AUDIT_KEY")
    failed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert "FUPIN_AUDIT_KEY" in failed.stderr
