"""Append to and verify the tamper-evident audit log.

Appends take a lock on the single ``AuditHead`` row (``FOR UPDATE`` on PostgreSQL; SQLite's
write transaction already serialises), so concurrent writers extend one chain, never fork it.
The lock is held only until the surrounding transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.audit_chain import (
    GENESIS_HASH,
    ChainBreak,
    canonical_payload,
    chain_hash,
)
from checker_console.domain.lifecycle import AuditRecord
from checker_console.store.models import AuditEvent, AuditHead


def _lock_head(session: Session) -> AuditHead:
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, sequence=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def append_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    application_id: int | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction (the caller commits)."""
    head = _lock_head(session)
    when = occurred_at or utcnow()
    sequence = head.sequence + 1
    clean_detail = detail or {}
    payload = canonical_payload(
        sequence=sequence,
        occurred_at=when,
        actor=actor,
        action=action,
        application_id=application_id,
        detail=clean_detail,
    )
    digest = chain_hash(head.hash, payload)
    event = AuditEvent(
        sequence=sequence,
        occurred_at=when,
        actor=actor,
        action=action,
        application_id=application_id,
        detail=clean_detail,
        prev_hash=head.hash,
        hash=digest,
    )
    head.sequence = sequence
    head.hash = digest
    session.add(event)
    session.add(head)
    session.flush()
    return event


def append_record(session: Session, record: AuditRecord) -> AuditEvent:
    return append_audit(
        session,
        actor=record.actor,
        action=record.action,
        application_id=record.application_id,
        detail=record.detail,
        occurred_at=record.occurred_at,
    )


@dataclass(frozen=True)
class VerifyResult:
    events_checked: int
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _events_in_order(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.sequence > last).order_by(AuditEvent.sequence).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].sequence


def verify_audit_chain(session: Session) -> VerifyResult:
    """Walk the whole chain; report every row whose hash or link does not hold."""
    breaks: list[ChainBreak] = []
    prev_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in _events_in_order(session):
        checked += 1
        if event.sequence != expected_sequence:
            breaks.append(
                ChainBreak(event.sequence, f"expected event {expected_sequence}: rows are missing")
            )
        if event.prev_hash != prev_hash:
            breaks.append(ChainBreak(event.sequence, "link to the previous event does not match"))
        payload = canonical_payload(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor=event.actor,
            action=event.action,
            application_id=event.application_id,
            detail=event.detail,
        )
        if chain_hash(event.prev_hash, payload) != event.hash:
            breaks.append(ChainBreak(event.sequence, "content was changed after it was written"))
        prev_hash = event.hash
        expected_sequence = event.sequence + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.sequence != expected_sequence - 1 or head.hash != prev_hash):
        breaks.append(ChainBreak(head.sequence, "the newest events are missing"))
    return VerifyResult(events_checked=checked, breaks=breaks)
