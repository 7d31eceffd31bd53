"""Golden cases: synthetic cases with a known answer, in the live queue, scoring the checkers.

A golden case is an ``Application`` with ``is_golden`` set and a ``SampleTruth`` row (the
sample generator's ground truth). In the queue and the workspace it looks like any other case.
Deciding it never creates a CIS profile and never sends an email: ``services/review/decisions.py``
writes no outbox message for it, and the outbox refuses one anyway
(``services/downstream/outbox.refuse_golden_case``). Each decision on it is scored here against
the known answer; a referral is counted apart (it is neither right nor wrong).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.unit_of_work import read_only, unit_of_work
from checker_console.store.models import Application, Decision, SampleTruth

#: SampleTruth says "approve" or "reject"; a decision says "approved" or "rejected".
EXPECTED = {"approve": DecisionOutcome.APPROVED, "reject": DecisionOutcome.REJECTED}


@dataclass(frozen=True)
class GoldenScore:
    checker_id: str
    scored: int
    correct: int
    referred: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.scored if self.scored else None


def golden_scores(session: Session, start: datetime, end: datetime) -> dict[str, GoldenScore]:
    """Per checker: golden decisions in [start, end) scored against the known answer."""
    with read_only(session):
        rows = session.exec(
            select(Decision.checker_id, Decision.outcome, SampleTruth.expected_outcome)
            .join(Application, col(Application.id) == Decision.application_id)
            .join(SampleTruth, col(SampleTruth.application_id) == Decision.application_id)
            .where(col(Application.is_golden).is_(True))
            .where(col(Decision.decided_at) >= start)
            .where(col(Decision.decided_at) < end)
        ).all()
    tally: dict[str, list[int]] = {}
    for checker_id, outcome, expected in rows:
        counts = tally.setdefault(checker_id, [0, 0, 0])
        if outcome == DecisionOutcome.REFERRED:
            counts[2] += 1
            continue
        counts[0] += 1
        counts[1] += int(EXPECTED.get(expected) == outcome)
    return {c: GoldenScore(c, *counts) for c, counts in sorted(tally.items())}


def mark_golden(session: Session, case_ids: Iterable[int]) -> int:
    """Make sample cases golden (each must have a known answer and not be decided yet)."""
    with unit_of_work(session):
        marked = 0
        for case_id in case_ids:
            case = session.get(Application, case_id)
            if case is None or session.get(SampleTruth, case_id) is None:
                raise ValueError(f"case {case_id} is not a sample case with a known answer")
            if case.status not in (CaseStatus.SUBMITTED, CaseStatus.QUEUED):
                raise ValueError(f"case {case_id} is {case.status}: only a waiting case can be")
            case.is_golden = True
            session.add(case)
            marked += 1
        return marked


def golden_needed(session: Session, one_in: int) -> int:
    """How many more golden cases the queue needs to hold one in ``one_in`` (0: golden is off)."""
    if one_in <= 0:
        return 0
    with read_only(session):
        queued = session.exec(
            select(Application.is_golden, func.count())
            .where(Application.status == CaseStatus.QUEUED)
            .group_by(col(Application.is_golden))
        ).all()
    counts = {bool(golden): count for golden, count in queued}
    real, golden = counts.get(False, 0), counts.get(True, 0)
    return max(0, math.floor(real / max(1, one_in - 1)) - golden)
