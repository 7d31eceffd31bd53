"""Append to and verify the tamper-evident audit log.

Every append extends one global chain. The chain's tip lives in the single ``AuditHead`` row;
appending updates that row and inserts the event in one statement on PostgreSQL (two on SQLite),
the database computing the new hash with ``sha256()``. Concurrent writers queue on that row's
lock, which is held from this statement to the end of the surrounding transaction, so the chain
never forks and the lock costs each transaction one round trip, not three.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.audit_chain import (
    GENESIS_HASH,
    ChainBreak,
    canonical_body,
    chain_hash,
)
from checker_console.domain.lifecycle import AuditRecord
from checker_console.store.models import AuditEvent, AuditHead


def advance_head_pg(body_sql: str, *, reading: str = "") -> str:
    """The PostgreSQL UPDATE that moves the chain's tip past an event whose body is ``body_sql``.

    sequence + 1 and the new hash are computed from the row's current values, after any wait
    for the lock; prev_hash = hash keeps the old tip, since every SET reads the row as it was.
    The claim statement (``services/queue/claim_statement.py``) embeds it, ``reading`` the row it
    claimed (a FROM list) to splice the case id into the body.
    """
    from_list = f" FROM {reading}" if reading else ""
    return (
        "UPDATE audithead SET prev_hash = hash, sequence = sequence + 1,"
        " hash = encode(sha256(convert_to(hash || :nl || CAST(sequence + 1 AS TEXT) || :nl || "
        f"{body_sql}, 'UTF8')), 'hex'){from_list} WHERE audithead.id = 1"
    )


_ADVANCE_HEAD_PG = text(
    f"WITH head AS ({advance_head_pg(':body')} RETURNING sequence, prev_hash, hash)"
    " INSERT INTO auditevent (sequence, occurred_at, actor, action, application_id, detail,"
    " prev_hash, hash)"
    " SELECT sequence, :occurred_at, :actor, :action, :application_id, CAST(:detail AS JSON),"
    " prev_hash, hash FROM head RETURNING id, sequence, prev_hash, hash"
)
_ADVANCE_HEAD_SQLITE = text(
    "UPDATE audithead SET prev_hash = hash, sequence = sequence + 1,"
    " hash = lower(hex(sha256(hash || :nl || CAST(sequence + 1 AS TEXT) || :nl || :body)))"
    " WHERE id = 1 RETURNING sequence, prev_hash, hash"
)
_INSERT_EVENT_SQLITE = text(
    "INSERT INTO auditevent (sequence, occurred_at, actor, action, application_id, detail,"
    " prev_hash, hash) VALUES (:sequence, :occurred_at, :actor, :action, :application_id,"
    " :detail, :prev_hash, :hash) RETURNING id"
)


def _stored_time(value: datetime) -> datetime:
    """What ``UTCDateTime`` stores: naive UTC (raw SQL bypasses the column type)."""
    return value.astimezone(UTC).replace(tzinfo=None)


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
    when = occurred_at or utcnow()
    clean_detail = detail or {}
    body = canonical_body(
        occurred_at=when,
        actor=actor,
        action=action,
        application_id=application_id,
        detail=clean_detail,
    )
    params: dict[str, Any] = {
        "nl": "\n",
        "body": body,
        "occurred_at": _stored_time(when),
        "actor": actor,
        "action": action,
        "application_id": application_id,
        "detail": json.dumps(clean_detail, default=str),
    }
    session.flush()  # pending ORM changes first, so the event follows what it describes
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(_ADVANCE_HEAD_PG, params).one()
        event_id, sequence, prev_hash, digest = row
    else:
        sequence, prev_hash, digest = session.execute(_ADVANCE_HEAD_SQLITE, params).one()
        params.update(
            sequence=sequence,
            prev_hash=prev_hash,
            hash=digest,
            occurred_at=_stored_time(when).strftime("%Y-%m-%d %H:%M:%S.%f"),
        )
        event_id = session.execute(_INSERT_EVENT_SQLITE, params).scalar_one()
    return AuditEvent(
        id=event_id,
        sequence=sequence,
        occurred_at=when,
        actor=actor,
        action=action,
        application_id=application_id,
        detail=clean_detail,
        prev_hash=prev_hash,
        hash=digest,
    )


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
            select(AuditEvent)
            .where(col(AuditEvent.sequence) > last)
            .order_by(col(AuditEvent.sequence))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].sequence


def content_holds(event: AuditEvent) -> bool:
    """Whether the row's stored hash still matches what the row says (not its link)."""
    body = canonical_body(
        occurred_at=event.occurred_at,
        actor=event.actor,
        action=event.action,
        application_id=event.application_id,
        detail=event.detail,
    )
    return chain_hash(event.prev_hash, event.sequence, body) == event.hash


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
        if not content_holds(event):
            breaks.append(ChainBreak(event.sequence, "content was changed after it was written"))
        prev_hash = event.hash
        expected_sequence = event.sequence + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.sequence != expected_sequence - 1 or head.hash != prev_hash):
        breaks.append(ChainBreak(head.sequence, "the newest events are missing"))
    return VerifyResult(events_checked=checked, breaks=breaks)
