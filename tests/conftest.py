"""Shared fixtures. The real division tree (19,572 units) is loaded once per test session into the test DB."""

from __future__ import annotations

from typing import Any

import pytest

from fupin.accounts.models import Role, User

from .support import COUNTY_A, PROVINCE, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from fupin.areas.services import areas_load

    with django_db_blocker.unblock():
        areas_load(actor=None)


@pytest.fixture
def province_admin(db: Any) -> User:
    return make_user("padmin", Role.PROVINCE_ADMIN, PROVINCE)


@pytest.fixture
def county_officer(db: Any) -> User:
    return make_user("county-a", Role.COUNTY_OFFICER, COUNTY_A)


@pytest.fixture
def inspector(db: Any) -> User:
    return make_user("insp", Role.INSPECTOR, PROVINCE)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    """Failed-password counters live in a process-wide cache: each test starts with none."""
    from django.core.cache import caches

    caches["throttle"].clear()
