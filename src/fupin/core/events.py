"""Domains announce what changed; the layers above subscribe. Dependencies point one way.

A domain (checks, cadres, registry, …) never calls the statistics above it: it calls :func:`announce` with an
event name and a payload, and whoever cares has subscribed in its ``AppConfig.ready``. ``on_commit=True`` defers
the subscribers until the surrounding transaction commits (nothing runs for a write that is rolled back).

Events (name → payload):

- ``checks.run_finished`` → ``actor``, ``area_code``, ``year``, ``engine``, ``households`` (the canonical table
  the run read, so a subscriber need not read it again)
- ``cadres.postings_changed`` → ``area_code``, ``year``
- ``registry.procedure_closed`` (in the procedure's transaction) → ``actor``, ``procedure``: a procedure completed,
  refused or withdrawn (the monitoring's case follows its identification and risk elimination)
- ``audit.recorded`` (always after commit) → ``entries``: the sorted distinct (action, area code) pairs of one
  service call's audit entries. Every write goes through a service that audits it, so this is the change feed:
  the statistics mark those areas' indicators due (``stats.services.on_audit_recorded``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

Subscriber = Callable[..., object]
_SUBSCRIBERS: dict[str, list[Subscriber]] = defaultdict(list)


def subscribe(event: str, subscriber: Subscriber) -> None:
    """Call ``subscriber(**payload)`` whenever ``event`` is announced (idempotent per subscriber)."""
    if subscriber not in _SUBSCRIBERS[event]:
        _SUBSCRIBERS[event].append(subscriber)


def subscribers(event: str) -> list[Subscriber]:
    return list(_SUBSCRIBERS.get(event, ()))


def announce(event: str, *, on_commit: bool = False, **payload: Any) -> None:
    """Tell the subscribers of ``event``; now, or after the current transaction commits."""

    def deliver() -> None:
        for subscriber in subscribers(event):
            subscriber(**payload)

    if on_commit:
        transaction.on_commit(deliver)
    else:
        deliver()
