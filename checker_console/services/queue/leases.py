"""Leases: a checker's hold on the case they review, kept alive by heartbeat, and its end.

A lease ends in one of four ways: the checker decides (``services/review/decisions.py``), they
release the case, it runs out (:func:`expire_leases`, from the sweeper and the queue page), or
they sign out (``hand_back.py``). Every way out goes through :func:`return_to_queue` or a
decision, so the case and its audit trail always agree on who held it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from checker_console.clock import london, utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.observability.metrics import LEASE_EXPIRIES
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.lifecycle import apply_transition
from checker_console.services.unit_of_work import fresh, read_only, unit_of_work
from checker_console.settings import get_settings
from checker_console.store.models import Application, AuditEvent

#: The audit detail of a case that went back to the queue because nobody renewed its lease.
LEASE_EXPIRED = "lease expired"
#: In a release's audit detail: a team lead handed the case back, and its reason is for the checker.
HANDED_BACK_BY_LEAD = "handed_back_by_lead"


class CaseNotLeasedToYou(Exception):
    """The checker acted on a case they no longer hold; the message says what happened."""

    def __init__(self, case_id: int, message: str) -> None:
        super().__init__(message)
        self.case_id = case_id
        self.message = message


def lease_duration() -> timedelta:
    settings = get_settings()
    if settings.lease_seconds > 0:
        return timedelta(seconds=settings.lease_seconds)
    return timedelta(minutes=settings.lease_minutes)


def renew_lease(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    now: datetime | None = None,
    lease: timedelta | None = None,
) -> datetime:
    """The heartbeat of an open review page: extend the lease, return its new end."""
    now = now or utcnow()
    with unit_of_work(session):
        case = lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        case.lease_expires_at = now + (lease or lease_duration())
        session.add(case)
        session.flush()
        return case.lease_expires_at


def release_case(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    reason: str = "released by checker",
    now: datetime | None = None,
) -> None:
    """The checker hands the case back; it returns to the queue it came from."""
    now = now or utcnow()
    with unit_of_work(session):
        case = _lock_case(session, case_id)
        if case.status != CaseStatus.IN_REVIEW or case.lease_holder != checker_id:
            raise CaseNotLeasedToYou(case_id, _why_not_yours(case, checker_id, now))
        return_to_queue(session, case, actor=checker_id, reason=reason, now=now)


def expire_leases(session: Session, *, now: datetime | None = None, batch: int = 200) -> int:
    """Return every case whose lease ran out to the queue; how many it returned.

    Safe to run from many processes at once: each takes only rows nobody else has locked, and
    a lease renewed meanwhile is re-checked after the lock. Each batch is its own transaction.
    """
    now = now or utcnow()
    returned = 0
    while True:
        with unit_of_work(session):
            statement = (
                fresh(select(Application))
                .where(Application.status == CaseStatus.IN_REVIEW)
                .where(col(Application.lease_expires_at) < now)
                .order_by(col(Application.id))
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            expired = [c for c in session.exec(statement).all() if not _lease_still_running(c, now)]
            for case in expired:
                return_to_queue(session, case, actor="system", reason=LEASE_EXPIRED, now=now)
        returned += len(expired)
        LEASE_EXPIRIES.inc(len(expired))
        if len(expired) < batch:
            return returned


def return_to_queue(
    session: Session,
    case: Application,
    *,
    actor: str,
    reason: str,
    now: datetime,
    handed_back_by_lead: bool = False,
) -> None:
    """Clear the lease and RELEASE the case, with the reason in its audit event.

    ``handed_back_by_lead``: a team lead took the case off its checker, who is told ``reason``.
    """
    holder = case.lease_holder
    case.lease_holder = None
    case.lease_expires_at = None
    case.claimed_at = None
    apply_transition(
        session,
        case,
        CaseEvent.RELEASE,
        actor=actor,
        now=now,
        detail={"reason": reason, "holder": holder}
        | ({HANDED_BACK_BY_LEAD: True} if handed_back_by_lead else {}),
    )


def lease_is_held(
    session: Session, case_id: int, checker_id: str, now: datetime | None = None
) -> bool:
    """Whether ``checker_id`` holds a live lease on the case (the image route asks this)."""
    now = now or utcnow()
    with read_only(session):
        case = session.get(Application, case_id, populate_existing=True)
        return case is not None and lease_is_live(case, checker_id, now)


def lock_leased_case(
    session: Session, *, case_id: int, checker_id: str, now: datetime
) -> Application:
    """The case, row-locked, if this checker holds a live lease on it; else CaseNotLeasedToYou."""
    case = _lock_case(session, case_id)
    if not lease_is_live(case, checker_id, now):
        handed_back = _handed_back_by_lead(session, case, checker_id)
        raise CaseNotLeasedToYou(case_id, handed_back or _why_not_yours(case, checker_id, now))
    return case


def _handed_back_by_lead(session: Session, case: Application, checker_id: str) -> str | None:
    """What the checker reads if a team lead took this case off them, with the lead's reason."""
    if case.status == CaseStatus.IN_REVIEW and case.lease_holder == checker_id:
        return None
    last = session.exec(
        select(AuditEvent)
        .where(AuditEvent.application_id == case.id)
        .where(AuditEvent.action == f"case.{CaseEvent.RELEASE.value}")
        .order_by(col(AuditEvent.sequence).desc())
        .limit(1)
    ).first()
    if last is None or last.detail.get("holder") != checker_id:
        return None
    if not last.detail.get(HANDED_BACK_BY_LEAD):
        return None
    lead = name_or_id(display_names(session, [last.actor]), last.actor)
    return (
        f"{lead} handed case {case.id} back to the queue at "
        f"{london(last.occurred_at).strftime('%H:%M')}: "
        f"{str(last.detail.get('reason', '')).rstrip('.')}. "
        "Claim the next case to carry on."
    )


def _lock_case(session: Session, case_id: int) -> Application:
    case = session.exec(
        fresh(select(Application).where(Application.id == case_id).with_for_update())
    ).first()
    if case is None:
        raise CaseNotLeasedToYou(case_id, f"Case {case_id} does not exist. Go back to the queue.")
    return case


def _lease_still_running(case: Application, now: datetime) -> bool:
    return case.lease_expires_at is not None and case.lease_expires_at > now


def lease_is_live(case: Application, checker_id: str, now: datetime) -> bool:
    return (
        case.status == CaseStatus.IN_REVIEW
        and case.lease_holder == checker_id
        and _lease_still_running(case, now)
    )


def _why_not_yours(case: Application, checker_id: str, now: datetime) -> str:
    """What the checker reads when they act on a case they no longer hold."""
    next_step = "Claim the next case to carry on."
    if case.status == CaseStatus.IN_REVIEW and case.lease_holder == checker_id:
        ended = london(case.lease_expires_at or now).strftime("%H:%M")
        return (
            f"Your hold on case {case.id} ran out at {ended} after "
            f"{_lease_words(lease_duration())} without activity, so it is going back to the "
            f"queue. {next_step}"
        )
    if case.status == CaseStatus.IN_REVIEW:
        return f"Case {case.id} is being reviewed by {case.lease_holder}. {next_step}"
    if case.status in (CaseStatus.QUEUED, CaseStatus.REFERRED):
        return (
            f"You no longer hold case {case.id}: it went back to the queue, because it was "
            f"released or its hold ran out. {next_step}"
        )
    return f"Case {case.id} has already been decided (it is {case.status}). {next_step}"


def _lease_words(lease: timedelta) -> str:
    """ "10 minutes", or "20 seconds" for the short leases tests use."""
    seconds = round(lease.total_seconds())
    if seconds % 60:
        return f"{seconds} seconds"
    return f"{seconds // 60} minute{'s' if seconds != 60 else ''}"
