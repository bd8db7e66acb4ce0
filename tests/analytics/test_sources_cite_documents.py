"""What users read as a source cites official documents, never this repository's files or its developer markers.

A rule's source is shown on a finding's page and in docs/rules.md; a policy parameter's source on the policy page
and in ``fupin policy show``. They name documents as users know them (title and number), so a file name
(``POLICY.md``), a section sign or a note marker (``[K]``, ``[S]``) must never appear in them.
"""

from __future__ import annotations

import pytest

from fupin.analytics.rules import RULES
from fupin.policy.defaults import SPECS

MARKERS = (".md", "§", "[K]", "[S]")


def _leaks(text: str) -> list[str]:
    return [m for m in MARKERS if m in text]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_source_cites_documents(rule):
    assert rule.source.strip(), f"{rule.id} has no source"
    assert not _leaks(rule.source), f"{rule.id}: {rule.source}"


@pytest.mark.parametrize("spec", list(SPECS.values()), ids=lambda s: s.key)
def test_every_policy_parameter_source_cites_documents(spec):
    assert spec.source.strip(), f"{spec.key} has no source"
    assert not _leaks(spec.source), f"{spec.key}: {spec.source}"


def test_the_markers_are_caught():
    assert _leaks("POLICY.md §4 公安交管车辆比对") == [".md", "§"]
    assert _leaks("2014 2800[K]·2015 2855[S]") == ["[K]", "[S]"]
    assert not _leaks("《关于建立贫困退出机制的意见》（厅字〔2016〕16号）")
