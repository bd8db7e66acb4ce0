"""No input makes a 500: every URL of the web and the API, with hostile path parts, query strings and forms.

Hypothesis draws the values (Unicode digits such as '²', NUL bytes, 60 KB strings, numbers beyond 64 bits,
'nan'/'inf'/'1e309', SQL and template syntax); each is sent as a county officer and as a province administrator,
on SQLite and on PostgreSQL (the suite runs on both). The figures go into docs/security.md.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.accounts.models import Role
from tests.factories import make_household
from tests.support import COUNTY_A, PROVINCE, first_village, make_user

NASTY = st.one_of(
    st.sampled_from(["²", "١٢", "0" * 40, "9" * 25, "-1", "nan", "inf", "1e309", "\x00", "a\x00b", "%00",
                     "' OR 1=1 --", "{{ 7*7 }}", "../../etc/passwd", "５２０５", "x" * 61_000, "", " "]),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)  # fmt: skip
QUERY_KEYS = ["year", "after", "before", "q", "text", "area", "rule", "status", "sort", "page", "entity_type",
              "entity_id", "fmt", "round", "name", "role", "in_post"]  # fmt: skip
FORM_KEYS = ["value", "year", "key", "note", "kind", "on", "reason", "to", "round", "item", "cadre", "step",
             "date", "total", "present", "votes_for", "old_password", "new_password1", "new_password2"]  # fmt: skip


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(("admin/", "static/")):
                out += _patterns(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(("admin", "logout")):
            out.append(route)
    return out


def _fill(route: str, value: str) -> str:
    import re
    from urllib.parse import quote

    return "/" + re.sub(r"<(?:\w+:)?\w+>", lambda m: quote(value, safe="") or "x", route).lstrip("^").rstrip("$")


ROUTES = _patterns()


@pytest.fixture
def users(db: Any) -> list[Any]:
    make_household(first_village(COUNTY_A))
    return [make_user("fz-county", Role.COUNTY_OFFICER, COUNTY_A), make_user("fz-admin", Role.PROVINCE_ADMIN, PROVINCE)]


def test_the_fuzzed_routes_are_every_route():
    assert len(ROUTES) >= 25
    assert any("households/<str:household_no>/procedures/" in r for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.tuples(NASTY, st.dictionaries(st.sampled_from(QUERY_KEYS), NASTY, max_size=4),
                      st.dictionaries(st.sampled_from(FORM_KEYS), NASTY, max_size=6)))  # fmt: skip
def test_no_input_gives_a_server_error(client, users, route, case):
    part, query, form = case
    url = _fill(route, part)
    for user in users:
        client.force_login(user)
        for response in (client.get(url, query), client.post(url, form)):
            assert response.status_code < 500, (url, query, form, response.status_code)
