"""Append to and verify the tamper-evident audit log.

Every append extends one global chain. The chain's tip lives in the single ``AuditHead`` row,
and concurrent writers queue on that row's lock, which is held from the statement that moves
the tip to the end of the transaction. So a transaction's events are not written where it
appends them: they wait in the session and are all written by its last statement before
COMMIT (``write_pending_audit``, run by the session's ``before_commit``). On PostgreSQL that is
one statement for up to eight events, the database computing each new hash with ``sha256()``:
the tip is held for that statement and the COMMIT, not for the rest of the use case, with its
other statements and the Python between them. (A decision held it across four round trips and
whatever its process did in between; with a team at work every claim and decision waited.)

Until then the events are the transaction's own: a rollback drops them with everything else,
and a read of the audit log in the same transaction writes them first, so it sees them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy import event as orm_events
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlalchemy.orm import Session as OrmSession
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


#: Events written by one statement at most: the statement's size grows with the square.
BATCH = 8
_PENDING = "checker_console.pending_audit"


def _extended(hash_sql: str, sequence_sql: str, count: int) -> str:
    """SQL for the tip after ``count`` more events (bodies ``:body_1``..) past a tip whose hash
    and sequence are ``hash_sql`` and ``sequence_sql``: the formula of ``chain_hash``."""
    digest = hash_sql
    for n in range(1, count + 1):
        digest = (
            f"encode(sha256(convert_to({digest} || :nl || CAST({sequence_sql} + {n} AS TEXT)"
            f" || :nl || :body_{n}, 'UTF8')), 'hex')"
        )
    return digest


@cache
def _append_pg(count: int) -> TextClause:
    """Move the tip past ``count`` events and insert them, in one PostgreSQL statement.

    The UPDATE computes the new tip from the row as it is after any wait for its lock, and
    keeps the old tip in ``prev_hash``; the INSERT recomputes each event's link from that.
    """
    rows = " UNION ALL ".join(
        f"SELECT head.start + {n}, CAST(:occurred_at_{n} AS TIMESTAMP), CAST(:actor_{n} AS TEXT),"
        f" CAST(:action_{n} AS TEXT), CAST(:application_id_{n} AS INTEGER),"
        f" CAST(:detail_{n} AS JSON),"
        f" {_extended('head.start_hash', 'head.start', n - 1)},"
        f" {_extended('head.start_hash', 'head.start', n)} FROM head"
        for n in range(1, count + 1)
    )
    return text(
        f"WITH head AS (UPDATE audithead SET prev_hash = hash, sequence = sequence + {count},"
        f" hash = {_extended('hash', 'sequence', count)} WHERE audithead.id = 1"
        f" RETURNING sequence - {count} AS start, prev_hash AS start_hash)"
        " INSERT INTO auditevent (sequence, occurred_at, actor, action, application_id, detail,"
        f" prev_hash, hash) {rows} RETURNING sequence"
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
) -> None:
    """Add one event to the chain in the caller's transaction: written when it commits."""
    when = occurred_at or utcnow()
    clean_detail = detail or {}
    body = canonical_body(
        occurred_at=when,
        actor=actor,
        action=action,
        application_id=application_id,
        detail=clean_detail,
    )
    if not session.in_transaction():
        session.begin()  # so that a rollback, which ends it, takes this event with it
    session.info.setdefault(_PENDING, []).append(
        {
            "body": body,
            "occurred_at": _stored_time(when),
            "actor": actor,
            "action": action,
            "application_id": application_id,
            "detail": json.dumps(clean_detail, default=str),
        }
    )


def append_record(session: Session, record: AuditRecord) -> None:
    append_audit(
        session,
        actor=record.actor,
        action=record.action,
        application_id=record.application_id,
        detail=record.detail,
        occurred_at=record.occurred_at,
    )


def has_pending_audit(session: OrmSession) -> bool:
    """Whether this transaction appended events that are not written yet."""
    return bool(session.info.get(_PENDING))


def write_pending_audit(session: OrmSession) -> None:
    """Write the events this transaction appended, in order; the tip stays locked until it ends.

    Runs before every commit. Anything that moves the tip itself (the claim statement) calls it
    first, so the chain keeps the order in which things happened.
    """
    pending: list[dict[str, Any]] = session.info.get(_PENDING, [])
    if not pending:
        return
    session.info[_PENDING] = []  # what this call writes; a failed write puts it back
    try:
        _write(session, pending)
    except BaseException:
        session.info[_PENDING] = pending + session.info.get(_PENDING, [])
        raise


def _write(session: OrmSession, pending: list[dict[str, Any]]) -> None:
    session.flush()  # the ORM's changes first, so every event follows what it describes
    if session.get_bind().dialect.name == "postgresql":
        for start in range(0, len(pending), BATCH):
            chunk = pending[start : start + BATCH]
            params: dict[str, Any] = {"nl": "\n"}
            for n, one in enumerate(chunk, start=1):
                params.update({f"{name}_{n}": value for name, value in one.items()})
            written = session.execute(_append_pg(len(chunk)), params).all()
            if len(written) != len(chunk):  # no tip row: the transaction must not commit
                raise NoResultFound("the audit chain's tip (audithead) is missing")
        return
    for one in pending:
        sequence, prev_hash, digest = session.execute(
            _ADVANCE_HEAD_SQLITE, {"nl": "\n", "body": one["body"]}
        ).one()
        session.execute(
            _INSERT_EVENT_SQLITE,
            {
                **one,
                "sequence": sequence,
                "prev_hash": prev_hash,
                "hash": digest,
                "occurred_at": one["occurred_at"].strftime("%Y-%m-%d %H:%M:%S.%f"),
            },
        )


@orm_events.listens_for(OrmSession, "before_commit")
def _write_before_commit(session: OrmSession) -> None:
    write_pending_audit(session)


@orm_events.listens_for(OrmSession, "after_transaction_end")
def _forget_when_rolled_back(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: its unwritten events go too
        session.info.pop(_PENDING, None)


@orm_events.listens_for(OrmSession, "do_orm_execute")
def _write_before_reading_the_log(state: ORMExecuteState) -> None:
    """A read of the audit log in the transaction that appended sees what it appended."""
    if not state.session.info.get(_PENDING):
        return
    if isinstance(state.statement, TextClause):  # raw SQL: judged by what it names
        if "audit" in state.statement.text.lower():
            write_pending_audit(state.session)
        return
    if state.is_select and any(m.class_ in (AuditEvent, AuditHead) for m in state.all_mappers):
        write_pending_audit(state.session)


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
