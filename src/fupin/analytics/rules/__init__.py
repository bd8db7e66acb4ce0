"""Every check as an Ibis expression over the canonical tables (schema.py), one module per family.

A rule is one row (``base.Rule``) with its source; a family module lists its rules in ``RULES``. A new family
joins by adding its module here. ``docs/rules.md`` is generated from these rows (``scripts/gen_docs.py``).
"""

from __future__ import annotations

from . import data_quality, departments, exit, guarantees, housing, integrity, misclassification
from .base import Inputs, Rule, out, poor_members, registered_poor

FAMILIES = {
    "misclassification": misclassification,
    "exit": exit,
    "housing": housing,
    "guarantees": guarantees,
    "data_quality": data_quality,
    "departments": departments,
    "integrity": integrity,
}
RULES: list[Rule] = [rule for family in FAMILIES.values() for rule in family.RULES]
BY_ID = {r.id: r for r in RULES}
PLANTED = frozenset(r.id for r in RULES if r.planted)

__all__ = ["BY_ID", "FAMILIES", "PLANTED", "RULES", "Inputs", "Rule", "out", "poor_members", "registered_poor"]
