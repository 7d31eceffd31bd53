"""Claiming the next case: the head of the queue for this checker, atomically, never twice.

Each function is one unit of work (``services/unit_of_work.py``). Leases, once taken, are
``leases.py``'s: renewal, release, expiry and the message a checker reads when theirs is gone.

Atomic claims: on PostgreSQL the next case is locked with ``FOR UPDATE SKIP LOCKED``, so
concurrent claimers pass over each other's rows instead of queueing behind them; on SQLite every
transaction is ``BEGIN IMMEDIATE`` (see ``store/db.py``), which serialises claimers. Either way
two checkers never hold the same case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Integer, literal, or_, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from checker_console.clock import utcnow
from checker_console.domain.decisions import DecisionOutcome, is_own_application
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.observability.metrics import observe_claim
from checker_console.services.lifecycle import apply_transition
from checker_console.services.queue.claim_statement import claim_queue_head
from checker_console.services.queue.leases import (
    LEASE_EXPIRED,
    lease_duration,
    lease_is_live,
    release_case,
    return_to_queue,
)
from checker_console.services.unit_of_work import fresh, unit_of_work
from checker_console.store.db import is_postgres
from checker_console.store.models import Application, Decision
from checker_console.store.types import UTCDateTime

#: The audit detail of a case handed straight back because it turned out to be the checker's own.
CONFLICTED = "conflict of interest: the checker's own application"

T = TypeVar("T")
#: (queue_band, sla_due_at, id): the queue hands out the lowest first.
QueueKey = tuple[int, datetime, int]


@dataclass(frozen=True)
class ClaimedCase:
    """The case a checker now holds. ``resumed`` is true when they already held it."""

    case_id: int
    status: str
    claimed_at: datetime
    lease_expires_at: datetime
    sla_due_at: datetime
    referred_by: str | None
    resumed: bool


@observe_claim
def claim_next_case(
    session: Session,
    *,
    checker_id: str,
    checker_email: str | None = None,
    checker_ni: str | None = None,
    include_referred: bool = False,
    now: datetime | None = None,
    lease: timedelta | None = None,
) -> ClaimedCase | None:
    """Lease the case due soonest that this checker may take, or None when there is none.

    A checker who already holds a live lease gets that case back (renewed) instead of a second
    one; a lease of theirs that has run out goes back to the queue first. A case is never given
    to a checker whose email or NI number it carries, nor a referral to the checker who made it.
    ``include_referred`` (leads and second checkers) also takes referred cases.
    """
    now = now or utcnow()
    lease = lease or lease_duration()
    claimant = Claimant(checker_id, checker_email, checker_ni, include_referred)
    try:
        return _claim_queue_head(session, claimant, now, lease) or _claim(
            session, claimant, now, lease
        )
    except IntegrityError as error:
        if not _is_second_lease(error):
            raise
        # Another tab of this checker claimed at the same moment: this time resumes that case.
        return _claim(session, claimant, now, lease)


@dataclass(frozen=True)
class Claimant:
    """Who is asking for a case, with what a conflict of interest is checked against."""

    checker_id: str
    email: str | None
    ni_number: str | None
    include_referred: bool

    def owns(self, applicant_email: str | None, applicant_ni_number: str | None) -> bool:
        """Whether an application with these details is this checker's own."""
        return is_own_application(
            checker_email=self.email,
            checker_ni_number=self.ni_number,
            applicant_email=applicant_email,
            applicant_ni_number=applicant_ni_number,
        )


def _claim_queue_head(
    session: Session, claimant: Claimant, now: datetime, lease: timedelta
) -> ClaimedCase | None:
    """The one-statement claim on PostgreSQL, for the common case; None leaves it to ``_claim``."""
    if claimant.include_referred or not is_postgres(session):
        return None
    claimed = claim_queue_head(
        session,
        checker_id=claimant.checker_id,
        checker_email=claimant.email,
        checker_ni=claimant.ni_number,
        now=now,
        lease=lease,
    )
    if claimed is None:
        return None
    if claimant.owns(claimed.email, claimed.ni_number):
        # Stored details the SQL could not see through (odd whitespace or case): hand it back.
        release_case(
            session,
            case_id=claimed.case_id,
            checker_id=claimant.checker_id,
            reason=CONFLICTED,
            now=now,
        )
        return None
    return ClaimedCase(
        case_id=claimed.case_id,
        status=CaseStatus.IN_REVIEW,
        claimed_at=now,
        lease_expires_at=now + lease,
        sla_due_at=claimed.sla_due_at,
        referred_by=claimed.referred_by,
        resumed=False,
    )


def _claim(
    session: Session, claimant: Claimant, now: datetime, lease: timedelta
) -> ClaimedCase | None:
    with unit_of_work(session):
        held = session.exec(
            fresh(select(Application))
            .where(Application.lease_holder == claimant.checker_id)
            .where(Application.status == CaseStatus.IN_REVIEW)
            .with_for_update()
        ).first()
        if held is not None:
            if lease_is_live(held, claimant.checker_id, now):
                held.lease_expires_at = now + lease
                session.add(held)
                session.flush()
                return _claimed(held, resumed=True)
            return_to_queue(session, held, actor="system", reason=LEASE_EXPIRED, now=now)

        statuses = [CaseStatus.QUEUED]
        if claimant.include_referred:
            statuses.append(CaseStatus.REFERRED)
        case = _lock_own_reservation(session, statuses, claimant, now)
        if case is None:
            found = [lock_first_claimable(session, s, claimant, now) for s in statuses]
            candidates = [c for c in found if c is not None]
            if not candidates:
                return None
            # A case someone else has reserved is taken only when nothing else is left.
            case = min(
                candidates, key=lambda c: (_reserved_by_other(c, claimant, now), queue_key(c))
            )
        case.reserved_by = None
        case.reserved_until = None
        case.lease_holder = claimant.checker_id
        case.claimed_at = now
        case.lease_expires_at = now + lease
        apply_transition(
            session,
            case,
            CaseEvent.CLAIM,
            actor=claimant.checker_id,
            now=now,
            detail={"lease_minutes": round(lease.total_seconds() / 60, 2)},
        )
        return _claimed(case, resumed=False)


def _is_second_lease(error: IntegrityError) -> bool:
    """Whether ``error`` is the one-case-per-checker index refusing a second lease."""
    message = str(error.orig)  # PostgreSQL names the index, SQLite the column
    return "uq_application_lease_holder" in message or "application.lease_holder" in message


def lock_first_claimable(
    session: Session,
    status: CaseStatus,
    claimant: Claimant,
    now: datetime,
    *,
    take_reserved: bool = True,
) -> Application | None:
    """Lock the first case in ``status`` by SLA that this checker may take.

    Cases another checker has reserved (``services/queue/reservations.py``) are left out by the
    query itself: with a team at work nearly every case at the head of the queue is someone's
    next one, and stepping over them one row (and one round trip, and one row lock) at a time
    made each claim's cost grow with the size of the team. A reservation is a hint, never a
    hold: with ``take_reserved``, if nothing unreserved is left, the first reserved case this
    checker may take is locked and returned instead.
    """
    case = _lock_first_may_claim(session, status, claimant, not_reserved_by_others(claimant, now))
    if case is not None or not take_reserved:
        return case
    return _lock_first_may_claim(session, status, claimant, None)


def _lock_first_may_claim(
    session: Session,
    status: CaseStatus,
    claimant: Claimant,
    condition: ColumnElement[bool] | None,
) -> Application | None:
    """One row at a time with ``SKIP LOCKED``: almost always the first is fine; a case the
    checker is conflicted on stays locked until commit and the scan carries on after it."""
    after: QueueKey | None = None
    while True:
        statement = in_queue_order(select(Application), status, after).limit(1)
        if condition is not None:
            statement = statement.where(condition)
        case = session.exec(fresh(statement.with_for_update(skip_locked=True))).first()
        if case is None or may_claim(session, case, claimant):
            return case
        after = queue_key(case)


def _reserved_by_other(case: Application, claimant: Claimant, now: datetime) -> bool:
    return (
        case.reserved_by is not None
        and case.reserved_by != claimant.checker_id
        and case.reserved_until is not None
        and case.reserved_until > now
    )


def not_reserved_by_others(claimant: Claimant, now: datetime) -> ColumnElement[bool]:
    """No live reservation, or this checker's own."""
    return or_(
        col(Application.reserved_by).is_(None),
        col(Application.reserved_by) == claimant.checker_id,
        col(Application.reserved_until).is_(None),
        col(Application.reserved_until) <= now,
    )


def may_claim(session: Session, case: Application, claimant: Claimant) -> bool:
    """Whether this checker may take this case: not their own application, not their referral."""
    if claimant.owns(case.email, case.ni_number):
        return False
    return claimant.checker_id not in referrers_of(session, case)


def _lock_own_reservation(
    session: Session, statuses: list[CaseStatus], claimant: Claimant, now: datetime
) -> Application | None:
    """The case this checker reserved while on their last one, if it is still theirs to take.

    Their browser has already loaded its images, so taking it makes the next case appear at once.
    Only ``reserved_by`` is in the query, so both databases read ``ix_application_reserved_by``
    (partial, see the model): with the status and the queue order in it too, SQLite walked the
    whole queue by ``ix_application_queue`` instead (36 ms a claim at 20,000 cases).
    """
    reserved = session.exec(
        fresh(select(Application))
        .where(Application.reserved_by == claimant.checker_id)
        .with_for_update(skip_locked=True)
    ).all()
    takeable = [
        case
        for case in reserved
        if case.status in statuses and case.reserved_until and case.reserved_until > now
    ]
    case = min(takeable, key=queue_key, default=None)
    return case if case is not None and may_claim(session, case, claimant) else None


def in_queue_order(
    statement: SelectOfScalar[T], status: str, after: QueueKey | None
) -> SelectOfScalar[T]:
    """``statement`` limited to ``status`` in queue order, after the keyset ``after``.

    Queue order is the band first (0: a cohort a lead put first, see ``CohortPriority``), then
    the soonest SLA, then the id. The shape ``status = ? AND (queue_band, sla_due_at, id) >
    (?, ?, ?) ORDER BY queue_band, sla_due_at, id`` is a range scan of ``ix_application_queue``
    on both databases: no sort, however long the queue.
    """
    statement = statement.where(Application.status == status)
    if after is not None:
        statement = statement.where(
            tuple_(col(Application.queue_band), col(Application.sla_due_at), col(Application.id))
            > tuple_(
                literal(after[0], Integer()),
                literal(after[1], UTCDateTime()),
                literal(after[2], Integer()),
            )
        )
    return statement.order_by(
        col(Application.queue_band), col(Application.sla_due_at), col(Application.id)
    )


def queue_key(case: Application) -> QueueKey:
    """Where ``case`` stands in the queue: lower goes first."""
    return (case.queue_band, case.sla_due_at, case.id or 0)


def referrers_of(session: Session, case: Application) -> set[str]:
    """Everyone who ever referred this case: none of them may approve it."""
    if case.referred_by is None:
        return set()
    earlier = session.exec(
        select(Decision.checker_id)
        .where(Decision.application_id == case.id)
        .where(Decision.outcome == DecisionOutcome.REFERRED)
        .where(col(Decision.undone_at).is_(None))
    ).all()
    return {case.referred_by, *earlier}


def _claimed(case: Application, *, resumed: bool) -> ClaimedCase:
    assert case.id is not None and case.claimed_at and case.lease_expires_at
    return ClaimedCase(
        case_id=case.id,
        status=case.status,
        claimed_at=case.claimed_at,
        lease_expires_at=case.lease_expires_at,
        sla_due_at=case.sla_due_at,
        referred_by=case.referred_by,
        resumed=resumed,
    )
