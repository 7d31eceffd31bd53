"""Reserve the case a checker will most likely get next, so their browser loads it early.

While a checker reviews one case, their page reserves the next case they could claim: it sets
``reserved_by``/``reserved_until`` on a queued case. That is not a lease and not a status: the
case stays in the queue, nobody's claim waits for it, and the only effects are that

- other checkers pass over it while the reservation is live, unless nothing else is left
  (``services.queue.claims.lock_first_claimable``), so it is usually still there when this checker
  finishes, and ``claim_next_case`` prefers it for them;
- the image route lets the reserving checker fetch its previews (audited as ``image.prefetch``),
  so the browser has both images before the checker presses N.

The lease stays the one guarantee that two checkers never hold the same case: a reservation
someone else claimed anyway just means a few wasted kilobytes. A page that stops sending
heartbeats lets its reservation lapse within ``reservation_seconds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.queue.claims import Claimant, lock_first_claimable, queue_key
from checker_console.services.unit_of_work import read_only, unit_of_work
from checker_console.settings import get_settings
from checker_console.store.models import Application, Document

#: Cases a reservation may be on: those a claim could take.
RESERVABLE = (CaseStatus.QUEUED, CaseStatus.REFERRED)


@dataclass(frozen=True)
class Reservation:
    case_id: int
    reserved_until: datetime
    #: The previews the browser should load now, in the order the workspace shows them.
    document_ids: list[int]


def reservation_duration() -> timedelta:
    return timedelta(seconds=get_settings().reservation_seconds)


def reserve_next_case(
    session: Session,
    *,
    checker_id: str,
    checker_email: str | None = None,
    checker_ni: str | None = None,
    include_referred: bool = False,
    now: datetime | None = None,
) -> Reservation | None:
    """Reserve (or renew) this checker's likely next case; None when the queue has nothing.

    A live reservation of theirs on a case still waiting is renewed rather than moved, so the
    images their browser already loaded stay the right ones.
    """
    now = now or utcnow()
    until = now + reservation_duration()
    claimant = Claimant(checker_id, checker_email, checker_ni, include_referred)
    statuses = [CaseStatus.QUEUED, CaseStatus.REFERRED] if include_referred else [CaseStatus.QUEUED]
    with unit_of_work(session):
        mine = session.exec(
            select(Application)
            .where(Application.reserved_by == checker_id)
            .order_by(col(Application.id))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).all()
        keep = next(
            (c for c in mine if c.status in statuses and _live(c.reserved_until, now)), None
        )
        for case in mine:
            if case is not keep:
                case.reserved_by = None
                case.reserved_until = None
                session.add(case)
        if keep is None:
            found = [
                lock_first_claimable(session, status, claimant, now, take_reserved=False)
                for status in statuses
            ]
            candidates = [c for c in found if c is not None]
            if not candidates:
                session.flush()
                return None
            keep = min(candidates, key=queue_key)
        keep.reserved_by = checker_id
        keep.reserved_until = until
        session.add(keep)
        session.flush()
        assert keep.id is not None
        return Reservation(keep.id, until, _preview_ids(session, keep.id))


def release_reservation(session: Session, *, checker_id: str) -> None:
    """Drop this checker's reservation (they signed out, or stopped working the queue)."""
    with unit_of_work(session):
        for case in session.exec(
            select(Application).where(Application.reserved_by == checker_id).with_for_update()
        ).all():
            case.reserved_by = None
            case.reserved_until = None
            session.add(case)


def reservation_is_held(
    session: Session, case_id: int, checker_id: str, now: datetime | None = None
) -> bool:
    """Whether ``checker_id`` has a live reservation on a case that is still waiting."""
    now = now or utcnow()
    with read_only(session):
        case = session.get(Application, case_id, populate_existing=True)
        return (
            case is not None
            and case.status in RESERVABLE
            and case.reserved_by == checker_id
            and _live(case.reserved_until, now)
        )


def _live(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def _preview_ids(session: Session, case_id: int) -> list[int]:
    """Every image of the case, photo ID first and the selfie last, as the workspace orders them."""
    ids = session.exec(
        select(col(Document.id))
        .where(Document.application_id == case_id)
        .order_by(col(Document.position))
    ).all()
    return [document_id for document_id in ids if document_id is not None]  # stored: never None
