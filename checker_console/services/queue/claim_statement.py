"""Claiming the head of the queue on PostgreSQL in one statement that is its own transaction.

Every audit append waits its turn on the chain's single tip row and holds it until its
transaction commits. Claimed through the ORM, the tip stayed locked while the result travelled
back to Python, the session did its bookkeeping and a COMMIT travelled out again; with sixteen
claimers on two cores that wait, not the work, set the pace (86 claims a second, 0.15 of a bare
``SKIP LOCKED`` loop). Here one statement, run in autocommit, chooses the case, leases it,
moves the tip and inserts the event, and the server commits the moment it ends.

The statement also relaxes ``synchronous_commit`` for its own transaction, so the tip is not
held while the WAL is flushed to disk either. The cost: if the database server crashes, claims
from its last fraction of a second are gone, as if never made. That is safe for a claim and
only a claim: the case is simply back in the queue, the checker's page says they no longer
hold it, and the audit chain stays whole, because PostgreSQL loses such transactions only from
the end of the log. Anything written after the claim that depends on it (a decision) commits
synchronously and so makes the claim durable with it.

It takes the common paths only: a checker holding no case takes the queued case they reserved
while on their last one (with a team at work, nearly every claim), or, with no reservation, the
first queued case nobody else has reserved. It returns None whenever it did not claim, and
:func:`services.queue.claims.claim_next_case` then runs the general path, which resumes a held case,
takes a reservation the statement could not, falls back on someone else's, or finds the queue
empty.
The rules are the general path's rules, written in SQL; ``tests/services/queue/test_claims.py`` runs
every claim rule against both paths.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, bindparam, text
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from checker_console.domain.audit_chain import canonical_body_around_case
from checker_console.domain.decisions import DecisionOutcome, email_key, ni_key
from checker_console.domain.lifecycle import CaseEvent, CaseStatus, transition
from checker_console.services.audit import advance_head_pg, has_pending_audit
from checker_console.store.models import Application
from checker_console.store.types import UTCDateTime

#: The event's canonical body with the claimed case's id spliced in (canonical_body_around_case).
_BODY_WITH_CASE = ":body_before || CAST(claimed.id AS TEXT) || :body_after"

#: Who may be given case ``a``: the claim's rules, for the checker's reservation and the queue.
_MAY_CLAIM = (
    # Without the chain's tip the event could not be written: claim nothing rather than a case
    # without its audit event (the data-modifying CTEs below run whatever the final join finds).
    " AND EXISTS (SELECT 1 FROM audithead WHERE id = 1)"
    # Conflict of interest. Stored emails and NI numbers are already normalised, so this finds
    # every conflict in practice; claim_queue_head re-checks the case it got with
    # domain.decisions.is_own_application, whose normalisation SQL cannot copy exactly.
    " AND (:email = '' OR lower(btrim(a.email)) <> :email)"
    " AND (:ni_number = '' OR upper(regexp_replace(a.ni_number, '\\s', '', 'g')) <> :ni_number)"
    # Four eyes: never a case this checker has referred.
    " AND (a.referred_by IS NULL OR (a.referred_by <> :checker AND NOT EXISTS ("
    " SELECT 1 FROM decision d WHERE d.application_id = a.id"
    " AND d.outcome = :referred AND d.checker_id = :checker)))"
    # Queue order (claims.in_queue_order): a cohort a lead put first, then the soonest SLA.
    " ORDER BY a.queue_band, a.sla_due_at, a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED"
)

_CHOOSE_AND_LEASE = (
    # A case the checker already holds needs the general path (it is resumed, not claimed).
    "WITH held AS ("
    " SELECT 1 FROM application WHERE lease_holder = :checker AND status = :claimed_status"
    " LIMIT 1"
    "), reserving AS ("
    " SELECT 1 FROM application WHERE reserved_by = :checker AND reserved_until > :now LIMIT 1"
    # The case they reserved while on their last one: with a team at work, nearly every claim.
    "), own AS ("
    " SELECT a.id FROM application a"
    " WHERE a.reserved_by = :checker AND a.reserved_until > :now"
    # The status is written out, not bound: a plan kept for a prepared statement can then use
    # the partial indexes, which hold queued cases only.
    f" AND a.status = '{CaseStatus.QUEUED.value}' AND NOT EXISTS (SELECT 1 FROM held)"
    + _MAY_CLAIM
    # Otherwise the head of the queue, passing over colleagues' reservations; not while the
    # checker has a reservation the query above could not take (locked, or no longer theirs to
    # take): the general path decides that one.
    + "), head_of_queue AS ("
    " SELECT a.id FROM application a"
    f" WHERE a.status = '{CaseStatus.QUEUED.value}' AND NOT EXISTS (SELECT 1 FROM held)"
    " AND NOT EXISTS (SELECT 1 FROM reserving)"
    " AND (a.reserved_by IS NULL OR a.reserved_until IS NULL OR a.reserved_until <= :now)"
    + _MAY_CLAIM
    + "), candidate AS (SELECT id FROM own UNION ALL SELECT id FROM head_of_queue"
    "), claimed AS ("
    " UPDATE application a SET status = :claimed_status, lease_holder = :checker,"
    " claimed_at = :now, lease_expires_at = :until, reserved_by = NULL,"
    " reserved_until = NULL, updated_at = :now"
    " FROM candidate WHERE a.id = candidate.id"
    " RETURNING a.id, a.sla_due_at, a.referred_by, a.email, a.ni_number)"
)
# The tip moves only if a case was claimed: with no row in claimed, nothing is updated.
_AUDIT = (
    f", head AS ({advance_head_pg(_BODY_WITH_CASE, reading='claimed')}"
    " RETURNING sequence, prev_hash, hash"
    "), event AS ("
    " INSERT INTO auditevent (sequence, occurred_at, actor, action, application_id, detail,"
    " prev_hash, hash)"
    " SELECT head.sequence, :now, :checker, :action, claimed.id, CAST(:detail AS JSON),"
    " head.prev_hash, head.hash FROM head, claimed RETURNING id)"
)
_CLAIM = (
    text(
        _CHOOSE_AND_LEASE
        + _AUDIT
        # true: this transaction only (tests/services/queue/test_claims.py checks it ends there).
        + ", relaxed AS (SELECT set_config('synchronous_commit', 'off', true))"
        + " SELECT claimed.id, claimed.sla_due_at, claimed.referred_by, claimed.email,"
        + " claimed.ni_number FROM claimed, event, relaxed"
    )
    .bindparams(bindparam("now", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime()))
    .columns(
        id=Integer(),
        sla_due_at=UTCDateTime(),
        referred_by=String(),
        email=String(),
        ni_number=String(),
    )
)


@dataclass
class _QueuedCase:
    """What the domain's transition needs to name the claim's move, before a case is chosen."""

    status: str
    id: int | None = None
    referred_by: str | None = None


@dataclass(frozen=True)
class StatementClaim:
    case_id: int
    sla_due_at: datetime
    referred_by: str | None
    #: Whose application it is, for the caller's conflict-of-interest re-check.
    email: str
    ni_number: str


def claim_queue_head(
    session: Session,
    *,
    checker_id: str,
    checker_email: str | None,
    checker_ni: str | None,
    now: datetime,
    lease: timedelta,
) -> StatementClaim | None:
    """Lease the first queued case this checker may take, with its audit event; or None.

    Committed when it returns. Raises ``IntegrityError`` if another tab of the same checker
    claimed at the same moment (the one-lease-per-checker index), as the general path does.
    Returns None without touching the database if the session holds work not yet committed.
    """
    record = transition(
        _QueuedCase(status=CaseStatus.QUEUED),
        CaseEvent.CLAIM,
        actor=checker_id,
        now=now,
        detail={"lease_minutes": round(lease.total_seconds() / 60, 2)},
    )
    before, after = canonical_body_around_case(
        occurred_at=now, actor=checker_id, action=record.action, detail=record.detail
    )
    params: dict[str, Any] = {
        "checker": checker_id,
        "claimed_status": record.detail["to"],
        "referred": DecisionOutcome.REFERRED.value,
        "email": email_key(checker_email),
        "ni_number": ni_key(checker_ni),
        "now": now,
        "until": now + lease,
        "action": record.action,
        "detail": json.dumps(record.detail, default=str),
        "nl": "\n",
        "body_before": before,
        "body_after": after,
    }
    if session.new or session.dirty or session.deleted:
        return None  # work the caller has not committed belongs in the general path's transaction
    if session.in_transaction() or has_pending_audit(session):
        # Ends a read the caller began, and writes the audit events it appended (a lapsed
        # lease sent back): they happened first, so the chain must say so.
        session.commit()
    connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    try:
        row = connection.execute(_CLAIM, params).first()
    except BaseException:
        session.rollback()
        raise
    session.commit()  # hands the connection back, and with it the default isolation level
    if row is None:
        return None
    held_copy = session.identity_map.get(identity_key(Application, row.id))
    if held_copy is not None:
        session.expire(held_copy)  # the session's copy of the case still says it is queued
    return StatementClaim(
        case_id=row.id,
        sla_due_at=row.sla_due_at,
        referred_by=row.referred_by,
        email=row.email,
        ni_number=row.ni_number,
    )
