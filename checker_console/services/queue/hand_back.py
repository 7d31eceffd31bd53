"""Signing out hands a checker's work back: the case they held and the one reserved for them.

Otherwise a case held at sign-out would stay out of everyone's reach until its lease ran out
(10 minutes by default), and the next case reserved for them for the reservation's 150 s. A
checker still signed in on another device keeps both: they may carry on there.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import is_signed_in_anywhere
from checker_console.services.queue.leases import CaseNotLeasedToYou, release_case
from checker_console.services.queue.reservations import release_reservation
from checker_console.services.unit_of_work import read_only
from checker_console.store.models import Application

#: The reason the audit event of a case handed back at sign-out gives.
SIGNED_OUT = "checker signed out"


def hand_back_work(session: Session, *, user_id: str, now: datetime | None = None) -> int | None:
    """After ``user_id`` signed out: return their case to the queue, drop their reservation.

    Returns the case handed back, if any. Run it after the sign-out has committed.
    """
    now = now or utcnow()
    with read_only(session):
        if is_signed_in_anywhere(session, user_id, now=now):
            return None
        held = session.exec(
            select(Application.id).where(
                Application.lease_holder == user_id, Application.status == CaseStatus.IN_REVIEW
            )
        ).first()
    release_reservation(session, checker_id=user_id)
    if held is None:
        return None
    try:
        release_case(session, case_id=held, checker_id=user_id, reason=SIGNED_OUT, now=now)
    except CaseNotLeasedToYou:
        return None  # it went back or on meanwhile: nothing of theirs left to hand back
    return held
