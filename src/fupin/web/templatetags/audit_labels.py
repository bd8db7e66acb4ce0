"""Audit entries in Chinese on the pages: ``{% load audit_labels %}``, then ``e|action_label``, ``e|entity_text``
and ``e|change_lines`` (the words come from ``fupin.audit.labels``; policy parameters are named by their title)."""

from __future__ import annotations

from typing import Any

from django import template

from fupin.audit import labels
from fupin.policy.defaults import SPECS, format_value

register = template.Library()

POLICY = "policy.parameter"


@register.filter
def action_label(entry: Any) -> str:
    return labels.action_label(getattr(entry, "action", str(entry)))


def _policy_key(entry: Any) -> tuple[str, str]:
    key, _, year = str(entry.entity_id).partition("@")
    return key, year


@register.filter
def entity_text(entry: Any) -> str:
    """What the entry is about: its kind in Chinese and its identifier (a household number, a parameter's title)."""
    if entry.entity_type == POLICY:
        key, year = _policy_key(entry)
        spec = SPECS.get(key)
        return f"政策参数：{spec.title if spec else key}" + (f"（{year} 年起）" if year else "")
    kind = labels.entity_label(entry.entity_type)
    return f"{kind} {entry.entity_id}" if entry.entity_id else kind


@register.filter
def change_lines(entry: Any) -> list[labels.ChangeLine]:
    if entry.entity_type == POLICY:
        key, _ = _policy_key(entry)
        if key in SPECS and isinstance(entry.changes, dict) and "value" in entry.changes:
            old, new = [*entry.changes["value"], None, None][:2]
            return [
                labels.ChangeLine(
                    "取值",
                    labels.EMPTY if old is None else format_value(key, old),
                    labels.EMPTY if new is None else format_value(key, new),
                )
            ]
    return labels.entry_lines(entry)
