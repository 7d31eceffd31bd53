"""Undo a decision within its short window: the case goes back to the checker who made it.

A decision's outbox messages (the profile request, the rejection emails) are written held back
until the window ends (``CHECKER_UNDO_SECONDS``, 10 by default), so no worker can send them
before the checker has had their chance to undo. Undoing, in one transaction:

- checks the decision is this checker's, the latest on the case, not undone, and inside its
  window (afterwards a team lead changes a decision, not the checker);
- deletes its outbox messages, which must still be waiting, never tried: a worker that claimed
  one first wins and the undo is refused, so nothing is ever both sent and undone;
- hands back any other case the checker holds (their next case, opened at once after the
  decision), since a checker holds one case at a time;
- marks the decision undone (it stays on the record) and moves the case back to ``in_review``,
  leased to the checker, with an audited ``undo`` transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.services.downstream.outbox import OutboxStatus
from checker_console.services.lifecycle import apply_transition
from checker_console.services.oversight.decision_record import withdraw_from_qa
from checker_console.services.queue.leases import lease_duration, return_to_queue
from checker_console.services.unit_of_work import fresh, unit_of_work
from checker_console.settings import get_settings
from checker_console.store.models import Application, Decision, OutboxMessage

UNDOABLE = frozenset(
    {CaseStatus.APPROVED, CaseStatus.PROFILE_PENDING, CaseStatus.REJECTED, CaseStatus.REFERRED}
)


class UndoRefused(Exception):
    """The decision cannot be undone by this checker now; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class UndoResult:
    case_id: int
    outcome: str


def undo_window() -> timedelta:
    return timedelta(seconds=max(0, get_settings().undo_seconds))


def undo_decision(
    session: Session, *, case_id: int, checker_id: str, now: datetime | None = None
) -> UndoResult:
    now = now or utcnow()
    with unit_of_work(session):
        case = session.exec(
            fresh(select(Application).where(Application.id == case_id).with_for_update())
        ).first()
        decision = _latest_decision(session, case_id)
        if case is None or decision is None or decision.checker_id != checker_id:
            raise UndoRefused(f"You have no decision on case {case_id} to undo.")
        if decision.undone_at is not None:
            raise UndoRefused(f"Your decision on case {case_id} was already undone.")
        if now >= decision.decided_at + undo_window() or case.status not in UNDOABLE:
            raise UndoRefused(
                f"The time to undo your decision on case {case_id} has passed: "
                "ask a team lead to change it."
            )
        _withdraw_messages(session, case_id)
        _hand_back_other_cases(session, checker_id, case_id, now)
        decision.undone_at = now
        session.add(decision)
        withdraw_from_qa(session, decision)
        if decision.outcome == DecisionOutcome.REFERRED:
            case.referred_by = _earlier_referrer(session, case_id, decision.id)
        case.decided_at = None
        case.lease_holder = checker_id
        case.claimed_at = now
        case.lease_expires_at = now + lease_duration()
        apply_transition(
            session,
            case,
            CaseEvent.UNDO,
            actor=checker_id,
            now=now,
            detail={"decision_id": decision.id, "outcome": decision.outcome},
        )
        return UndoResult(case_id=case_id, outcome=decision.outcome)


def _latest_decision(session: Session, case_id: int) -> Decision | None:
    return session.exec(
        select(Decision)
        .where(col(Decision.application_id) == case_id)
        .order_by(col(Decision.decided_at).desc(), col(Decision.id).desc())
        .with_for_update()
    ).first()


def _withdraw_messages(session: Session, case_id: int) -> None:
    """Delete the decision's held-back messages; refuse if any was already picked up."""
    messages = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.application_id) == case_id).with_for_update()
    ).all()
    for message in messages:
        if message.status != OutboxStatus.PENDING or message.attempts > 0:
            raise UndoRefused(
                f"Case {case_id}'s decision is already on its way to CIM or the applicant: "
                "ask a team lead to change it."
            )
    for message in messages:
        session.delete(message)
    session.flush()


def _hand_back_other_cases(session: Session, checker_id: str, case_id: int, now: datetime) -> None:
    held = session.exec(
        select(Application)
        .where(col(Application.lease_holder) == checker_id, col(Application.id) != case_id)
        .with_for_update()
    ).all()
    for other in held:
        if other.status == CaseStatus.IN_REVIEW:
            return_to_queue(session, other, actor=checker_id, reason="undo", now=now)


def _earlier_referrer(session: Session, case_id: int, undone_id: int | None) -> str | None:
    earlier = session.exec(
        select(Decision.checker_id)
        .where(
            col(Decision.application_id) == case_id,
            col(Decision.outcome) == DecisionOutcome.REFERRED,
            col(Decision.undone_at).is_(None),
            col(Decision.id) != undone_id,
        )
        .order_by(col(Decision.decided_at).desc())
    ).first()
    return earlier
