"""What a team lead does to steer the queue: hand a held case back, take a referred case, and
put a cohort first in the queue.

Each is one unit of work with its audit event; the UI re-checks the lead's role before calling.
A refusal raises :class:`LeadActionRefused`, whose message says what happened and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.decisions import DecisionRefused, checked_text
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.services.audit import append_audit
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.lifecycle import apply_transition
from checker_console.services.queue.claims import Claimant, may_claim
from checker_console.services.queue.leases import lease_duration, return_to_queue
from checker_console.services.queue.listing import OPEN_STATUSES
from checker_console.services.queue.priority import FIRST, NORMAL
from checker_console.services.unit_of_work import fresh, read_only, unit_of_work
from checker_console.store.models import Application, CohortPriority, Invitation, Organisation


class LeadActionRefused(Exception):
    """A lead action that cannot be done; ``field`` says where the UI shows ``message``."""

    def __init__(self, message: str, field: str = "action") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class HandedBack:
    case_id: int
    checker_id: str
    status: str


@dataclass(frozen=True)
class TakenCase:
    case_id: int
    lease_expires_at: datetime


def hand_back_case(
    session: Session,
    *,
    case_id: int,
    lead_id: str,
    reason: str,
    now: datetime | None = None,
) -> HandedBack:
    """Take a case off the checker reviewing it; it goes back to its queue, and the checker's
    page tells them ``reason`` the next time it checks its hold."""
    now = now or utcnow()
    try:
        why = checked_text(
            reason,
            field="reason",
            label="The reason",
            required_message="Enter a reason: the checker who holds the case will read it",
        )
    except DecisionRefused as refused:
        raise LeadActionRefused(refused.message, "reason") from None
    with unit_of_work(session):
        case = _lock(session, case_id)
        if case.status != CaseStatus.IN_REVIEW or case.lease_holder is None:
            raise LeadActionRefused(
                f"Case {case_id} is no longer being reviewed, so nothing was changed. "
                "The board shows who holds what now."
            )
        holder = case.lease_holder
        return_to_queue(session, case, actor=lead_id, reason=why, now=now, handed_back_by_lead=True)
        return HandedBack(case_id=case_id, checker_id=holder, status=case.status)


def take_referred_case(
    session: Session,
    *,
    case_id: int,
    lead_id: str,
    lead_email: str | None = None,
    now: datetime | None = None,
    lease: timedelta | None = None,
) -> TakenCase:
    """Lease one chosen referred case to the lead, who then decides it on the review page."""
    now = now or utcnow()
    lease = lease or lease_duration()
    with unit_of_work(session):
        held = session.exec(
            select(Application.id)
            .where(Application.lease_holder == lead_id)
            .where(Application.status == CaseStatus.IN_REVIEW)
        ).first()
        if held is not None and held != case_id:
            raise LeadActionRefused(
                f"You are reviewing case {held}. Decide it or release it, then take this one."
            )
        case = _lock(session, case_id)
        if case.status != CaseStatus.REFERRED:
            raise LeadActionRefused(
                f"Case {case_id} is no longer waiting as a referral (it is "
                f"{case.status.replace('_', ' ')}), so it was not given to you."
            )
        if not may_claim(session, case, Claimant(lead_id, lead_email, None, True)):
            raise LeadActionRefused(
                f"You referred case {case_id} or it is your own application, so another lead "
                "must take it."
            )
        case.reserved_by = None
        case.reserved_until = None
        case.lease_holder = lead_id
        case.claimed_at = now
        case.lease_expires_at = now + lease
        apply_transition(
            session,
            case,
            CaseEvent.CLAIM,
            actor=lead_id,
            now=now,
            detail={"lease_minutes": round(lease.total_seconds() / 60, 2), "chosen_by_lead": True},
        )
        return TakenCase(case_id=case_id, lease_expires_at=case.lease_expires_at)


def _lock(session: Session, case_id: int) -> Application:
    case = session.exec(
        fresh(select(Application).where(Application.id == case_id).with_for_update())
    ).first()
    if case is None:
        raise LeadActionRefused(f"There is no case {case_id}. Check the number and try again.")
    return case


@dataclass(frozen=True)
class CohortFirst:
    organisation_id: int
    organisation_name: str
    cohort: str
    set_by: str
    set_at: datetime


def set_cohort_priority(
    session: Session,
    *,
    organisation_id: int,
    cohort: str,
    first: bool,
    lead_id: str,
    now: datetime | None = None,
) -> int:
    """Put a cohort's cases first in the queue (``first``) or back in SLA order.

    Its open cases move at once, and new arrivals join the same band while it lasts (intake
    asks ``queue.priority.queue_band_for``). Returns how many cases moved; audited as
    ``lead.cohort_priority``.
    """
    now = now or utcnow()
    with unit_of_work(session):
        organisation = session.get(Organisation, organisation_id)
        known = session.exec(
            select(Invitation.id)
            .where(Invitation.organisation_id == organisation_id)
            .where(Invitation.cohort == cohort)
            .limit(1)
        ).first()
        if organisation is None or known is None:
            raise LeadActionRefused(
                "There is no such cohort at that organisation. Choose one from the list.", "cohort"
            )
        current = session.get(CohortPriority, (organisation_id, cohort))
        if first and current is None:
            session.add(
                CohortPriority(
                    organisation_id=organisation_id, cohort=cohort, set_by=lead_id, set_at=now
                )
            )
        elif not first and current is not None:
            session.delete(current)
        band = FIRST if first else NORMAL
        moved = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
            update(Application)
            .where(col(Application.organisation_id) == organisation_id)
            .where(col(Application.cohort) == cohort)
            .where(col(Application.status).in_(OPEN_STATUSES))
            .where(col(Application.queue_band) != band)
            .values(queue_band=band)
        ).rowcount
        append_audit(
            session,
            actor=lead_id,
            action="lead.cohort_priority",
            detail={
                "organisation": organisation.code,
                "cohort": cohort,
                "first": first,
                "cases_moved": moved,
            },
            occurred_at=now,
        )
        return int(moved or 0)


def cohorts_first(session: Session) -> list[CohortFirst]:
    """The cohorts leads have put first, oldest first."""
    with read_only(session):
        rows = session.exec(
            select(CohortPriority, Organisation.name)
            .join(Organisation, col(Organisation.id) == col(CohortPriority.organisation_id))
            .order_by(col(CohortPriority.set_at))
        ).all()
        names = display_names(session, [row.set_by for row, _ in rows])
        return [
            CohortFirst(
                row.organisation_id,
                name,
                row.cohort,
                name_or_id(names, row.set_by) or row.set_by,
                row.set_at,
            )
            for row, name in rows
        ]


def cohort_choices(session: Session) -> list[tuple[int, str, str]]:
    """(organisation id, organisation name, cohort) for every cohort anyone was invited to."""
    with read_only(session):
        rows = session.exec(
            select(Organisation.id, Organisation.name, Invitation.cohort)
            .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
            .where(col(Invitation.cohort) != "")
            .distinct()
            .order_by(col(Organisation.name), col(Invitation.cohort))
        ).all()
        return [(int(org_id or 0), name, cohort) for org_id, name, cohort in rows]
