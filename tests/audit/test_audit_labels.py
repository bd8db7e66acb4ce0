"""Audit entries read in Chinese: every action has a label, fields their verbose names, values their labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fupin.audit.labels import ACTIONS, action_label, change_lines, value_text

SRC = Path(__file__).resolve().parents[2] / "src" / "fupin"
LITERAL = r'"([a-z]+\.[a-z_]+)"'
PATTERNS = [
    re.compile(r"action=\s*" + LITERAL + r"(?:\s+if [^\n]*? else " + LITERAL + ")?"),
    re.compile(r"Change\(\s*" + LITERAL),
    re.compile(r"household_audit\(\s*\w+,\s*[\w.]+,\s*" + LITERAL),
]


def _actions_in_source() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "audit" not in text:
            continue
        for pattern in PATTERNS:
            for match in pattern.finditer(text):
                found.update(g for g in match.groups() if g)
    return found


def test_every_audited_action_in_the_source_has_a_chinese_label():
    found = _actions_in_source()
    assert {"registry.procedure_step", "user.password_reset", "checks.finding_transition"} <= found
    assert not found - set(ACTIONS), f"actions without a label in fupin.audit.labels.ACTIONS: {found - set(ACTIONS)}"
    assert all(not re.search(r"[a-z]", label) for label in ACTIONS.values())


def test_unknown_action_reads_as_words_not_a_code():
    assert action_label("registry.procedure_step") == "办理程序环节"
    assert "." not in action_label("someapp.new_thing")


@pytest.mark.django_db
def test_fields_are_named_by_verbose_name_and_values_by_their_choice_labels():
    lines = change_lines(
        {"status": ["poor", "exited"], "procedure": ["进行中", "已办结"], "income_per_capita": [None, "3500.00"]},
        entity_type="registry.household",
        action="registry.procedure_step",
    )
    assert [(c.field, c.old, c.new) for c in lines] == [
        ("状态", "未脱贫", "已脱贫"),
        ("程序", "进行中", "已办结"),
        ("人均纯收入(元)", "—", "3500"),
    ]
    finding = change_lines(
        {"status": ["open", "assigned"]}, entity_type="registry.household", action="checks.finding_transition"
    )
    assert (finding[0].field, finding[0].old, finding[0].new) == ("处理状态", "待分派", "已分派至村")


@pytest.mark.django_db
def test_dicts_lists_and_numbers_never_show_as_python():
    text = value_text({"households": 3, "people": 10}, key="created", entity_type="registry.importbatch")
    assert text == "户 3，人 10"
    assert value_text(2952.0) == "2952"
    assert value_text(True) == "是"
    assert value_text(["a", "b"]) == "a、b"
    lines = change_lines({"counts": [None, {"some_rule": 4}]}, entity_type="checks.checkrun", action="checks.run")
    assert "{" not in lines[0].new
    assert "'" not in lines[0].new
