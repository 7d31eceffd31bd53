"""Approve, reject or refer the case a checker holds: one transaction each.

Same convention as ``services/queue/claims.py``: each function commits its own unit of work and
rolls
back everything if any step fails, so a decision, its lifecycle transitions, their audit events
and its outbox message are written together or not at all. Each first checks that the checker
holds a live lease (``CaseNotLeasedToYou``), then the rules in ``domain/decisions.py``
(``DecisionRefused``, whose message is what the checker reads); both are importable from here.

A golden case (``Application.is_golden``) is decided like any other but writes no outbox
message: it never reaches CIM or Notify, and the outbox refuses it anyway (``refuse_golden_case``).
Every decision also records what the checker saw, and may be drawn for QA
(``services/oversight/decision_record.py``), in the same transaction.

Writes go in the order that keeps the audit chain's head row locked for the shortest time: the
decision and outbox rows first, the transitions (which lock the head) last, then commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.decisions import (
    DecisionOutcome,
    DecisionRefused,
    checked_text,
    checklist_answers,
    message_to_applicant,
    rejection_reasons,
    require_every_item_confirmed,
    require_four_eyes,
)
from checker_console.domain.lifecycle import CaseEvent
from checker_console.observability.metrics import observe_decision
from checker_console.services.downstream.outbox import (
    OutboxKind,
    message_key,
    refuse_golden_case,
)
from checker_console.services.lifecycle import apply_transition
from checker_console.services.oversight.decision_record import record_for_qa
from checker_console.services.queue.claims import referrers_of
from checker_console.services.queue.leases import CaseNotLeasedToYou, lock_leased_case
from checker_console.services.review.undo import undo_window
from checker_console.services.unit_of_work import unit_of_work
from checker_console.store.models import Application, Decision, OutboxMessage

__all__ = [
    "CaseNotLeasedToYou",
    "DecisionRefused",
    "DecisionResult",
    "approve_case",
    "refer_case",
    "reject_case",
]


@dataclass(frozen=True)
class DecisionResult:
    decision_id: int
    case_id: int
    outcome: DecisionOutcome
    #: The case's status after the decision: profile_pending, rejected or referred.
    status: str
    decided_at: datetime
    seconds_to_decide: float | None
    outbox_message_id: int | None


@observe_decision("approved")
def approve_case(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    checklist: Mapping[str, bool],
    now: datetime | None = None,
) -> DecisionResult:
    """Approve with every checklist item confirmed, and ask CIM for the profile."""
    now = now or utcnow()
    with unit_of_work(session):
        case = lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        require_four_eyes(checker_id, referrers_of(session, case))
        answers = checklist_answers(checklist)
        require_every_item_confirmed(answers)
        decision = _record(
            session, case, checker_id, DecisionOutcome.APPROVED, now, checklist=answers
        )
        record_for_qa(session, case, decision, now)
        if case.is_golden:  # scored against its known answer; never reaches CIM or Notify
            _transition(session, case, CaseEvent.APPROVE, checker_id, now, decision)
            return _result(case, decision, None)
        outbox = _outbox(
            session,
            case,
            kind=OutboxKind.CREATE_PROFILE,
            payload={"decision_id": decision.id, "checker_id": checker_id},
            now=now,
        )
        _transition(session, case, CaseEvent.APPROVE, checker_id, now, decision)
        _transition(session, case, CaseEvent.REQUEST_PROFILE, checker_id, now, decision)
        return _result(case, decision, outbox)


@observe_decision("rejected")
def reject_case(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    reasons: Sequence[str],
    applicant_message: str | None,
    internal_note: str,
    checklist: Mapping[str, bool] | None = None,
    now: datetime | None = None,
) -> DecisionResult:
    """Reject for one or more published reasons and tell the applicant why.

    ``applicant_message`` None or blank sends the default text for the chosen reasons.
    """
    now = now or utcnow()
    with unit_of_work(session):
        case = lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        chosen = rejection_reasons(reasons)
        message = message_to_applicant(chosen, applicant_message)
        note = checked_text(internal_note, field="internal_note", label="The internal note")
        decision = _record(
            session,
            case,
            checker_id,
            DecisionOutcome.REJECTED,
            now,
            checklist=checklist_answers(checklist),
            reasons=[reason.value for reason in chosen],
            applicant_message=message,
            internal_note=note,
        )
        outbox = None
        if not case.is_golden:
            outbox = _outbox(
                session,
                case,
                kind=OutboxKind.NOTIFY_REJECTED,
                payload={"reasons": decision.reasons, "message": message},
                now=now,
            )
        record_for_qa(session, case, decision, now)
        _transition(session, case, CaseEvent.REJECT, checker_id, now, decision)
        return _result(case, decision, outbox)


@observe_decision("referred")
def refer_case(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    note: str,
    checklist: Mapping[str, bool] | None = None,
    now: datetime | None = None,
) -> DecisionResult:
    """Refer for a second opinion or suspected fraud; whoever refers may never approve it."""
    now = now or utcnow()
    with unit_of_work(session):
        case = lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        clean_note = checked_text(
            note,
            field="note",
            label="The note",
            required_message="Enter a note saying why you are referring this case",
        )
        decision = _record(
            session,
            case,
            checker_id,
            DecisionOutcome.REFERRED,
            now,
            checklist=checklist_answers(checklist),
            internal_note=clean_note,
        )
        case.referred_by = checker_id
        record_for_qa(session, case, decision, now)
        _transition(session, case, CaseEvent.REFER, checker_id, now, decision)
        return _result(case, decision, None)


def _record(
    session: Session,
    case: Application,
    checker_id: str,
    outcome: DecisionOutcome,
    now: datetime,
    *,
    checklist: dict[str, bool],
    reasons: list[str] | None = None,
    applicant_message: str = "",
    internal_note: str = "",
) -> Decision:
    """The decision row, and the case's lease cleared: the checker is done with it."""
    assert case.id is not None
    decision = Decision(
        application_id=case.id,
        checker_id=checker_id,
        outcome=outcome,
        reasons=reasons or [],
        checklist=checklist,
        applicant_message=applicant_message,
        internal_note=internal_note,
        seconds_to_decide=(now - case.claimed_at).total_seconds() if case.claimed_at else None,
        decided_at=now,
    )
    session.add(decision)
    case.lease_holder = None
    case.lease_expires_at = None
    if outcome is not DecisionOutcome.REFERRED:
        case.decided_at = now
    session.flush()
    return decision


def _outbox(
    session: Session,
    case: Application,
    *,
    kind: OutboxKind,
    payload: dict[str, Any],
    now: datetime,
) -> OutboxMessage:
    """Work for the outbox worker, keyed so that the same case can never send it twice, and
    held back until the decision's undo window has passed (``services/review/undo.py``).

    Inserted rather than ``outbox.enqueue``d (which returns a message already there): a message
    of this kind for this case can only exist if the data is inconsistent, and then the decision
    must fail whole rather than lean on a stale message.
    """
    assert case.id is not None
    refuse_golden_case(case)
    message = OutboxMessage(
        application_id=case.id,
        kind=kind.value,
        idempotency_key=message_key(kind, case.id),
        payload=payload,
        created_at=now,
        next_attempt_at=now + undo_window(),
    )
    session.add(message)
    session.flush()
    return message


def _transition(
    session: Session,
    case: Application,
    event: CaseEvent,
    checker_id: str,
    now: datetime,
    decision: Decision,
) -> None:
    apply_transition(
        session, case, event, actor=checker_id, now=now, detail={"decision_id": decision.id}
    )


def _result(case: Application, decision: Decision, outbox: OutboxMessage | None) -> DecisionResult:
    assert case.id is not None and decision.id is not None
    return DecisionResult(
        decision_id=decision.id,
        case_id=case.id,
        outcome=DecisionOutcome(decision.outcome),
        status=case.status,
        decided_at=decision.decided_at,
        seconds_to_decide=decision.seconds_to_decide,
        outbox_message_id=outbox.id if outbox else None,
    )
