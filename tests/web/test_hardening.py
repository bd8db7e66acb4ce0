"""What probing a demo server found, as tests: CSP, the API's docs behind login, the password form, NUL bytes,
Unicode digits, the concurrent-import loser, and Django's deploy check under the production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from fupin.accounts.models import Role
from fupin.registry import importwrite
from fupin.registry.models import Household
from tests.registry.test_import_export import rows_for, write_csv
from tests.support import COUNTY_A, PASSWORD, first_village, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_content_security_policy(client):
    client.force_login(make_user("c", Role.COUNTY_OFFICER, COUNTY_A))
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_api_docs_and_schema_need_a_login(client):
    assert client.get("/api/docs").status_code == 302
    assert client.get("/api/openapi.json").status_code == 302
    client.force_login(make_user("c", Role.COUNTY_OFFICER, COUNTY_A))
    assert client.get("/api/openapi.json").status_code == 200


def test_the_password_form_refuses_the_same_password_and_throttles_wrong_old_ones(client):
    user = make_user("c", Role.COUNTY_OFFICER, COUNTY_A)
    client.force_login(user)
    same = {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    assert "新密码不能与原密码相同" in client.post("/password/", same).content.decode()
    wrong = {"old_password": "wrong", "new_password1": "Another-Pass-99", "new_password2": "Another-Pass-99"}
    for _ in range(5):
        assert "原密码不正确" in client.post("/password/", wrong).content.decode()
    right = {**wrong, "old_password": PASSWORD}
    assert "请 15 分钟后再试" in client.post("/password/", right).content.decode()  # even the right one, for now
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_nul_bytes_and_unicode_digits_are_answered_without_a_server_error(client):
    client.force_login(make_user("c", Role.COUNTY_OFFICER, COUNTY_A))
    assert client.get("/households/", {"q": "张\x00"}).status_code == 400
    assert client.get("/households/%00/").status_code == 400
    for query in ({"after": "²"}, {"year": "²"}, {"after": "١٢"}, {"q": "x" * 60_000}):
        assert client.get("/households/", query).status_code == 200


def test_the_loser_of_a_concurrent_import_is_told_in_chinese_and_exits_3(tmp_path, monkeypatch):
    village = first_village(COUNTY_A)
    path = write_csv(tmp_path / "a.csv", rows_for(village, households=1, size=2))

    def raced(*args, **kwargs):  # the other import committed the same rows a moment earlier
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importwrite, "bulk_insert", raced)
    with pytest.raises(CommandError, match="另一个导入同时写入") as refused:
        call_command("import", "households", str(path))
    assert refused.value.returncode == 3
    assert not Household.objects.exists()


def test_djangos_deploy_check_passes_with_the_production_settings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "FUPIN_SECRET_KEY": "deploy-check-Only-not-a-real-secret-7f3a9c2e5b8d1f4a6c0e9b2d5f8a1c4e",
           "FUPIN_AUDIT_KEY": "audit-key-for-the-deploy-check-only-3c9e1a7f5b2d8c4e", "FUPIN_DATABASE_URL":
           "postgres://nobody@127.0.0.1:1/none", "FUPIN_ALLOWED_HOSTS": "fupin.example.gov.cn"}  # fmt: skip
    fupin = str(Path(sys.executable).with_name("fupin"))
    done = subprocess.run([fupin, "check", "--deploy", "--fail-level", "WARNING"], env=env,  # noqa: S603
                          capture_output=True, text=True, check=False, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
