"""The 换届 procedure as data: each step, the state it leads from and to, the date it records and its title.
A step is taken in order, dated no earlier than the step before it and never in the future; results are recorded
with the 选举 step (``services.election_results``)."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import ElectionStep


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    source: ElectionStep
    target: ElectionStep
    date_field: str


STEPS: tuple[Step, ...] = (
    Step("recommend", "推荐", ElectionStep.OPENED, ElectionStep.RECOMMENDED, "recommended_on"),
    Step("inspect", "考察", ElectionStep.RECOMMENDED, ElectionStep.INSPECTED, "inspected_on"),
    Step("elect", "选举", ElectionStep.INSPECTED, ElectionStep.ELECTED, "elected_on"),
    Step("file", "报备", ElectionStep.ELECTED, ElectionStep.FILED, "filed_on"),
)
BY_NAME = {s.name: s for s in STEPS}
NEXT = {s.source: s for s in STEPS}
