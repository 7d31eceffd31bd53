"""Signing out hands the checker's work back at once, unless they are still signed in elsewhere."""

from __future__ import annotations

from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import create_session, end_session
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.hand_back import SIGNED_OUT, hand_back_work
from checker_console.services.queue.reservations import reserve_next_case
from checker_console.store.models import Application, AuditEvent
from tests.factories import make_case


def _signed_in(session: Session, user_id: str = "checker.one") -> str:
    cookie, _ = create_session(session, user_id=user_id, display_name="Sam", roles=["checker"])
    session.commit()
    return cookie


def _holding_a_case_and_a_reservation(session: Session) -> tuple[int, int]:
    for _ in range(3):
        make_case(session, CaseStatus.QUEUED)
    session.commit()
    held = claim_next_case(session, checker_id="checker.one")
    reserved = reserve_next_case(session, checker_id="checker.one")
    assert held is not None and reserved is not None
    return held.case_id, reserved.case_id


def test_signing_out_returns_the_held_case_and_drops_the_reservation(session: Session) -> None:
    cookie = _signed_in(session)
    held, reserved = _holding_a_case_and_a_reservation(session)
    end_session(session, cookie)
    session.commit()

    assert hand_back_work(session, user_id="checker.one") == held

    case = session.get(Application, held, populate_existing=True)
    assert (case.status, case.lease_holder) == (CaseStatus.QUEUED, None)
    assert session.get(Application, reserved, populate_existing=True).reserved_by is None
    release = session.exec(
        select(AuditEvent)
        .where(AuditEvent.application_id == held, AuditEvent.action == "case.release")
        .order_by(AuditEvent.sequence.desc())  # type: ignore[attr-defined]
    ).first()
    assert release is not None and release.detail["reason"] == SIGNED_OUT
    assert release.actor == "checker.one"


def test_a_checker_still_signed_in_on_another_device_keeps_their_work(session: Session) -> None:
    laptop = _signed_in(session)
    _signed_in(session)  # the tablet
    held, reserved = _holding_a_case_and_a_reservation(session)
    end_session(session, laptop)
    session.commit()

    assert hand_back_work(session, user_id="checker.one") is None

    assert session.get(Application, held, populate_existing=True).lease_holder == "checker.one"
    assert session.get(Application, reserved, populate_existing=True).reserved_by == "checker.one"


def test_signing_out_with_nothing_held_changes_nothing_else(session: Session) -> None:
    make_case(session, CaseStatus.QUEUED)
    session.commit()
    claim_next_case(session, checker_id="checker.two")
    cookie = _signed_in(session)
    end_session(session, cookie)
    session.commit()

    assert hand_back_work(session, user_id="checker.one", now=utcnow()) is None
    in_review = session.exec(select(Application).where(Application.status == "in_review")).one()
    assert in_review.lease_holder == "checker.two"
