"""What every decision leaves for QA, written in the decision's own transaction.

``services/review/decisions.py`` calls :func:`record_for_qa` once the decision row exists: the
snapshot of what the checker saw, and the QA draw if the sampling policy takes the decision.
Nothing here commits; if the decision fails, none of it is written either. The draw is its own
record (``QaSample``, with the policy and the number drawn), so it adds no audit event and the
decision holds the audit chain's head no longer than before.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from checker_console.services.oversight.sampling import SamplingPolicy, draw_for_qa
from checker_console.services.oversight.snapshots import record_snapshot
from checker_console.store.models import Application, Decision
from checker_console.store.qa_models import QaSample


def withdraw_from_qa(session: Session, decision: Decision) -> None:
    """An undone decision is not QA's to replay: its draw, if any, is kept but withdrawn."""
    sample = session.exec(select(QaSample).where(QaSample.decision_id == decision.id)).first()
    if sample is not None and sample.status == "waiting":
        sample.status = "withdrawn"
        session.add(sample)


def record_for_qa(
    session: Session,
    case: Application,
    decision: Decision,
    now: datetime,
    *,
    policy: SamplingPolicy | None = None,
) -> None:
    snapshot = record_snapshot(session, case, decision, now)
    draw_for_qa(
        session,
        case=case,
        decision=decision,
        snapshot=snapshot,
        policy=policy or SamplingPolicy.from_settings(),
        now=now,
    )
