"""Domains announce what changed; subscribers run now or on commit, never for a rolled-back write."""

from __future__ import annotations

import pytest
from django.db import transaction

from fupin.core import events


@pytest.fixture
def heard(monkeypatch):
    monkeypatch.setattr(events, "_SUBSCRIBERS", events.defaultdict(list))
    got: list[dict] = []
    events.subscribe("thing.changed", lambda **payload: got.append(payload))
    return got


def test_an_announcement_reaches_each_subscriber_once_with_its_payload(heard):
    def second(**payload):  # a second subscriber …
        heard.append(payload)

    events.subscribe("thing.changed", second)
    events.subscribe("thing.changed", second)  # … subscribed twice is still called once
    events.announce("thing.changed", area_code="520325000000")
    assert heard == [{"area_code": "520325000000"}, {"area_code": "520325000000"}]


def test_an_event_nobody_subscribed_to_is_a_no_op(heard):
    events.announce("nobody.listens", x=1)
    assert heard == []


@pytest.mark.django_db
def test_on_commit_waits_for_the_commit_and_skips_a_rollback(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.announce("thing.changed", on_commit=True, n=1)
        assert heard == []  # not yet: the outer transaction is still open

        def failing_write() -> None:
            with transaction.atomic():
                events.announce("thing.changed", on_commit=True, n=2)
                raise RuntimeError

        with pytest.raises(RuntimeError):
            failing_write()
    assert heard == [{"n": 1}]  # delivered on commit; the rolled-back write's announcement never


def test_stats_subscribes_to_the_domains_events():
    from fupin.stats import services

    assert services.on_check_run_finished in events.subscribers("checks.run_finished")
    assert services.on_postings_changed in events.subscribers("cadres.postings_changed")
