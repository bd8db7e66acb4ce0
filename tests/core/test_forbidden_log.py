"""A refused page (403) writes one line to the server log, never a traceback; startup warns about no static folder."""

from __future__ import annotations

import logging
import warnings

import pytest
from django.conf import settings

from fupin.accounts.models import Role
from tests.support import make_user

pytestmark = pytest.mark.django_db


def _formatted(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in records)


def test_a_403_is_logged_as_one_line_without_traceback(client, caplog):
    client.force_login(make_user("sec-log", Role.FIRST_SECRETARY, "520526004201"))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/audit/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    text = _formatted(records)
    assert text == "WARNING django.request Forbidden (Permission denied): /audit/"
    assert "Traceback" not in text
    assert "\n" not in text


def test_a_500_still_carries_its_traceback():
    from fupin.core.logfilters import ClientErrorsWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), exc_info)
    record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is not None
    forbidden = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden", (), exc_info)
    forbidden.status_code = 403
    assert ClientErrorsWithoutTraceback().filter(forbidden)
    assert forbidden.exc_info is None


def test_the_web_server_starts_without_a_missing_static_folder_warning():
    from whitenoise.middleware import WhiteNoiseMiddleware

    assert settings.STATIC_ROOT.is_dir()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WhiteNoiseMiddleware(lambda request: None)
