"""An accountability case's steps as data: the states each leads from and to, and its title. 整改 is planned and
reported by the held-to-account area; 销号 and 容错免责 are the opening authority's (or above)."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import CaseStatus


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    sources: frozenset[CaseStatus]
    target: CaseStatus


STEPS: tuple[Step, ...] = (
    Step("plan", "制定整改措施", frozenset({CaseStatus.OPEN}), CaseStatus.RECTIFYING),
    Step("progress", "登记整改进展", frozenset({CaseStatus.RECTIFYING}), CaseStatus.RECTIFYING),
    Step("close", "销号", frozenset({CaseStatus.RECTIFYING}), CaseStatus.CLOSED),
    Step("exempt", "容错免责", frozenset({CaseStatus.OPEN, CaseStatus.RECTIFYING}), CaseStatus.EXEMPTED),
)
BY_NAME = {s.name: s for s in STEPS}
STEP_TITLES = {"open": "立案", **{s.name: s.title for s in STEPS}}
