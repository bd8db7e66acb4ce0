"""Recall and precision of the rules against the synthetic province's planted answers (answers.parquet)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .rules import RULES


@dataclass(frozen=True)
class Score:
    rule_id: str
    planted: int
    found: int
    true_positive: int

    @property
    def recall(self) -> float:
        return self.true_positive / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.true_positive / self.found if self.found else 1.0


def score(findings: pa.Table, answers: pa.Table) -> list[Score]:
    """A finding matches an answer of the same kind on the person (person rules) or the household."""
    out = []
    f_rows = findings.to_pylist()
    a_rows = answers.to_pylist()
    for rule in (r for r in RULES if r.planted):
        key = "person_id" if rule.subject == "person" else "household_id"
        planted = {a[key] for a in a_rows if a["kind"] == rule.id}
        found = {f[key] for f in f_rows if f["rule_id"] == rule.id}
        out.append(Score(rule.id, len(planted), len(found), len(planted & found)))
    return out
