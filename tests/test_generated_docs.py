"""docs/rules.md and docs/permissions.md are generated from the code and must say what the code says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rules_index_is_current():
    text = _generator().render()
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == text, "run scripts/gen_docs.py"


def test_the_permissions_table_is_current():
    text = _generator().render_permissions()
    assert (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8") == text, "run scripts/gen_docs.py"


def test_the_index_names_every_rule_with_its_source_and_file():
    from fupin.analytics.rules import RULES

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        row = next(line for line in text.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert rule.source in row
        assert "src/fupin/analytics/rules/" in row
