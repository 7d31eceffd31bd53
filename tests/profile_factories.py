"""Approved cases part-way through CIS profile creation, made the legal way: each status change
through ``apply_transition`` (with its audit event), and the case's ``create_profile`` outbox
message in the state the worker would have left it in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.services.downstream.outbox import (
    OutboxKind,
    enqueue,
    mark_done,
    mark_failed,
    message_key,
)
from checker_console.services.lifecycle import apply_transition
from checker_console.store.models import Application, OutboxMessage
from tests.factories import make_case

WORKER = "system.outbox"


def request_profile(
    session: Session, case: Application, *, approved_at: datetime | None = None
) -> OutboxMessage:
    """An approved case handed to the outbox: ``profile_pending`` with its request waiting."""
    assert case.id is not None
    case.decided_at = approved_at or case.decided_at or utcnow()
    apply_transition(session, case, CaseEvent.REQUEST_PROFILE, actor="test.checker")
    return enqueue(
        session,
        kind=OutboxKind.CREATE_PROFILE,
        idempotency_key=message_key(OutboxKind.CREATE_PROFILE, case.id),
        application_id=case.id,
        now=case.decided_at,
    )


def fail_profile(
    session: Session,
    case: Application,
    *,
    reason: str = "CIM refused the request: the photo does not meet the smartcard rules",
    existing_uuid: str | None = None,
    attempts: int = 1,
    approved_at: datetime | None = None,
) -> Application:
    """An approved case whose profile CIM would not create: ``profile_failed``, as the worker
    leaves it (a duplicate person keeps CIM's existing UUID)."""
    message = request_profile(session, case, approved_at=approved_at)
    message.attempts = attempts
    mark_failed(message, error=reason, now=utcnow())
    session.add(message)
    case.profile_error = reason
    case.existing_profile_uuid = existing_uuid
    apply_transition(
        session, case, CaseEvent.PROFILE_FAILED, actor=WORKER, detail={"reason": reason}
    )
    session.flush()
    return case


def make_downstream_case(
    session: Session,
    status: CaseStatus,
    *,
    approved_hours_ago: float = 1,
    **case_fields: object,
) -> Application:
    """A case approved ``approved_hours_ago`` that reached a downstream ``status``."""
    case = make_case(session, CaseStatus.APPROVED, **case_fields)  # type: ignore[arg-type]
    approved_at = utcnow() - timedelta(hours=approved_hours_ago)
    if status == CaseStatus.APPROVED:
        case.decided_at = approved_at
        session.add(case)
    elif status == CaseStatus.PROFILE_PENDING:
        request_profile(session, case, approved_at=approved_at)
    elif status == CaseStatus.PROFILE_FAILED:
        fail_profile(session, case, approved_at=approved_at)
    elif status == CaseStatus.PROFILE_CREATED:
        message = request_profile(session, case, approved_at=approved_at)
        message.attempts = 1
        mark_done(message, utcnow())
        session.add(message)
        case.cim_uuid = f"{555100000000 + (case.id or 0):012d}"
        apply_transition(session, case, CaseEvent.PROFILE_CREATED, actor=WORKER)
    else:
        raise ValueError(f"{status} is not a downstream status")
    session.flush()
    return case
