"""What a checker learns from QA: their decisions QA disagreed with, once a lead has ruled.

Shown to the checker only after adjudication, so they never see a disagreement a lead might
still overturn; each line says what they decided, what QA would have decided, whom the lead
upheld and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from checker_console.services.oversight.replay import reason_label
from checker_console.services.unit_of_work import read_only
from checker_console.store.models import Decision
from checker_console.store.qa_models import Adjudication, QaSample, QaVerdict


@dataclass(frozen=True)
class Feedback:
    case_id: int
    decided_at: datetime
    your_outcome: str
    your_reasons: list[str]
    qa_outcome: str
    qa_reasons: list[str]
    qa_note: str
    upheld: str
    lead_note: str
    ruled_at: datetime


def feedback_for_checker(session: Session, checker_id: str) -> list[Feedback]:
    """The checker's adjudicated disagreements, newest ruling first."""
    with read_only(session):
        rows = session.exec(
            select(QaSample, Decision, QaVerdict, Adjudication)
            .join(Decision, col(Decision.id) == QaSample.decision_id)
            .join(QaVerdict, col(QaVerdict.sample_id) == QaSample.id)
            .join(Adjudication, col(Adjudication.verdict_id) == QaVerdict.id)
            .where(QaSample.checker_id == checker_id)
            .order_by(col(Adjudication.decided_at).desc(), col(Adjudication.id).desc())
        ).all()
    return [
        Feedback(
            case_id=sample.application_id,
            decided_at=decision.decided_at,
            your_outcome=decision.outcome,
            your_reasons=[reason_label(r) for r in decision.reasons],
            qa_outcome=verdict.outcome,
            qa_reasons=[reason_label(r) for r in verdict.reasons],
            qa_note=verdict.note,
            upheld=ruling.upheld,
            lead_note=ruling.note,
            ruled_at=ruling.decided_at,
        )
        for sample, decision, verdict, ruling in rows
    ]
