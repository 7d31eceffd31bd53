"""The transactional outbox: work for the outside world, handed to workers under a lease.

A message is written in the same transaction as the decision that causes it (approve writes
``create_profile``, reject writes ``notify_rejected``), so there is never a decision without its
message nor a message without its decision. Then::

    pending --claim--> in_flight --done--> done
                           |  \\--give up--> failed        (a lead can reopen it)
                           \\--retry later--> pending (next_attempt_at = now + backoff)

A worker that dies leaves its messages ``in_flight``; when their lease expires any worker claims
them again. Attempts are counted when a message is claimed, so even a message that kills its
worker every time runs out of attempts instead of looping forever.

Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers take different rows
without waiting; on SQLite every transaction is ``BEGIN IMMEDIATE`` (``store/db.py``), which
serialises claimers. Outcomes are written under a row lock (:func:`lock_message`), and a worker
whose lease was taken over only records its calls: see ``services/downstream/worker.py``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from checker_console.adapters.cim import CallRecord
from checker_console.clock import utcnow
from checker_console.store.db import is_postgres
from checker_console.store.models import Application, OutboxAttempt, OutboxMessage

MAX_RETRY_DELAY_S = 15 * 60


class OutboxStatus(StrEnum):
    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    FAILED = "failed"


class OutboxKind(StrEnum):
    CREATE_PROFILE = "create_profile"
    #: Written by reject; the worker turns it into the two emails below.
    NOTIFY_REJECTED = "notify_rejected"
    NOTIFY_PROFILE_CREATED = "notify_profile_created"
    NOTIFY_REJECTED_APPLICANT = "notify_rejected_applicant"
    NOTIFY_RA_REINVITE = "notify_ra_reinvite"


class GoldenCaseRefused(Exception):
    """A golden case (synthetic, known answer) must never reach CIM or Notify."""

    def __init__(self, case_id: int | None) -> None:
        super().__init__(
            f"Case {case_id} is a golden case: the outbox never sends anything for it."
        )
        self.case_id = case_id


def refuse_golden_case(case: Application | None) -> None:
    """Raise :class:`GoldenCaseRefused` for a golden case: the one gate to the outside world."""
    if case is not None and case.is_golden:
        raise GoldenCaseRefused(case.id)


def message_key(kind: OutboxKind | str, case_id: int) -> str:
    """The idempotency key of a case's message of this kind: one message per case and kind."""
    return f"{OutboxKind(kind).value}:{case_id}"


@dataclass(frozen=True)
class ClaimedMessage:
    """A message as a worker holds it, detached from any session."""

    id: int
    kind: str
    application_id: int | None
    idempotency_key: str
    payload: dict[str, Any]
    attempts: int
    lease_holder: str
    lease_expires_at: datetime

    @classmethod
    def of(cls, row: OutboxMessage) -> ClaimedMessage:
        assert row.id is not None and row.lease_holder and row.lease_expires_at
        return cls(
            id=row.id,
            kind=row.kind,
            application_id=row.application_id,
            idempotency_key=row.idempotency_key,
            payload=dict(row.payload or {}),
            attempts=row.attempts,
            lease_holder=row.lease_holder,
            lease_expires_at=row.lease_expires_at,
        )


def enqueue(
    session: Session,
    *,
    kind: OutboxKind | str,
    idempotency_key: str,
    application_id: int | None = None,
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message in the caller's transaction; a second one with the same key is not added."""
    existing = session.exec(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
    ).first()
    if existing is not None:
        return existing
    if application_id is not None:
        refuse_golden_case(session.get(Application, application_id))
    when = now or utcnow()
    message = OutboxMessage(
        application_id=application_id,
        kind=str(kind),
        idempotency_key=idempotency_key,
        payload=payload or {},
        status=OutboxStatus.PENDING,
        next_attempt_at=when,
        created_at=when,
    )
    session.add(message)
    session.flush()
    return message


def claim_due(
    session: Session,
    *,
    worker_id: str,
    limit: int,
    lease_seconds: float,
    now: datetime | None = None,
) -> list[ClaimedMessage]:
    """Lease up to ``limit`` due messages to ``worker_id``: pending ones whose time has come and
    in-flight ones whose worker's lease ran out. The caller commits."""
    when = now or utcnow()
    due = or_(
        and_(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= when,
        ),
        and_(
            col(OutboxMessage.status) == OutboxStatus.IN_FLIGHT,
            col(OutboxMessage.lease_expires_at) <= when,
        ),
    )
    query = (
        select(OutboxMessage)
        .where(due)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    rows = session.exec(query).all()
    for row in rows:
        row.status = OutboxStatus.IN_FLIGHT
        row.lease_holder = worker_id
        row.lease_expires_at = when + timedelta(seconds=lease_seconds)
        row.attempts += 1
        session.add(row)
    session.flush()
    return [ClaimedMessage.of(row) for row in rows]


def lock_message(session: Session, message_id: int) -> OutboxMessage:
    """The message, locked until the caller's transaction ends, to write its outcome."""
    row = session.exec(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    ).first()
    if row is None:
        raise LookupError(f"outbox message {message_id} does not exist")
    return row


def holds_lease(message: OutboxMessage, worker_id: str) -> bool:
    """Does ``worker_id`` still own this message (nobody took it over after its lease ran out)?"""
    return message.status == OutboxStatus.IN_FLIGHT and message.lease_holder == worker_id


def record_calls(session: Session, message_id: int, calls: Iterable[CallRecord]) -> None:
    for call in calls:
        session.add(
            OutboxAttempt(
                outbox_id=message_id,
                started_at=call.started_at,
                finished_at=call.finished_at,
                outcome=call.outcome[:32],
                http_status=call.http_status,
                error=(call.error or None) and call.error[:2000],
            )
        )


def mark_done(message: OutboxMessage, now: datetime) -> None:
    message.status = OutboxStatus.DONE
    message.completed_at = now
    message.lease_holder = None
    message.lease_expires_at = None
    message.last_error = None


def mark_failed(message: OutboxMessage, *, error: str, now: datetime) -> None:
    message.status = OutboxStatus.FAILED
    message.completed_at = now
    message.lease_holder = None
    message.lease_expires_at = None
    message.last_error = error[:2000]


def retry_delay_seconds(attempts: int, base_s: float, rng: random.Random) -> float:
    """Exponential backoff with jitter: half of ``base * 2**(attempts-1)`` plus up to as much
    again at random (never an immediate retry, never in lock-step), capped at 15 minutes."""
    ceiling = min(MAX_RETRY_DELAY_S, base_s * 2 ** max(0, attempts - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def schedule_retry(
    message: OutboxMessage, *, error: str, now: datetime, base_s: float, rng: random.Random
) -> datetime:
    message.status = OutboxStatus.PENDING
    message.lease_holder = None
    message.lease_expires_at = None
    message.last_error = error[:2000]
    message.next_attempt_at = now + timedelta(
        seconds=retry_delay_seconds(message.attempts, base_s, rng)
    )
    return message.next_attempt_at


def reopen(message: OutboxMessage, *, now: datetime) -> None:
    """A lead's "try again": a fresh budget of attempts, due now. The attempt history stays."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.lease_holder = None
    message.lease_expires_at = None
    message.completed_at = None
    message.last_error = None
