"""The review page's one call for the next case: lapsed leases back, claim, open."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.next_case import open_next_case
from checker_console.store.models import Application
from tests.factories import make_case


def test_the_next_case_opens_leased_to_the_checker_who_asked(session: Session) -> None:
    case = make_case(session, CaseStatus.QUEUED)
    session.commit()

    workspace = open_next_case(session, checker_id="checker.two")

    assert workspace is not None and workspace.case_id == case.id
    held = session.get(Application, case.id, populate_existing=True)
    assert held is not None and held.lease_holder == "checker.two"


def test_a_case_a_colleague_walked_away_from_is_offered_without_waiting_for_the_sweep(
    session: Session,
) -> None:
    case = make_case(session, CaseStatus.QUEUED)
    session.commit()
    claim_next_case(session, checker_id="checker.one", lease=timedelta(seconds=1))
    abandoned = session.get(Application, case.id, populate_existing=True)
    assert abandoned is not None
    abandoned.lease_expires_at = utcnow() - timedelta(minutes=1)
    session.add(abandoned)
    session.commit()

    workspace = open_next_case(session, checker_id="checker.two")

    assert workspace is not None and workspace.case_id == case.id


def test_with_nothing_left_the_checker_is_told_the_queue_is_empty(session: Session) -> None:
    make_case(session, CaseStatus.APPROVED)
    session.commit()

    assert open_next_case(session, checker_id="checker.two") is None
