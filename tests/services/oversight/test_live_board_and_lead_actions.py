"""The live board follows the database, and a lead's actions steer it and tell the checker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import create_session
from checker_console.services.oversight.lead_actions import (
    LeadActionRefused,
    hand_back_case,
    take_referred_case,
)
from checker_console.services.oversight.live_board import board_version, idle_warning, live_board
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import CaseNotLeasedToYou, lease_duration, renew_lease
from checker_console.services.review.decisions import refer_case
from checker_console.store.db import make_engine
from checker_console.store.models import AuditEvent
from tests.factories import make_case


def _sign_in(session: Session, user_id: str, name: str, role: str) -> None:
    create_session(session, user_id=user_id, display_name=name, roles=[role])
    session.commit()


def test_a_claim_moves_the_board_version_and_shows_who_holds_the_case(session: Session) -> None:
    _sign_in(session, "checker.one", "Sam Patel", "checker")
    make_case(session, CaseStatus.QUEUED)
    make_case(session, CaseStatus.QUEUED)
    session.commit()
    before = board_version(session)

    claimed = claim_next_case(session, checker_id="checker.one")

    assert claimed is not None
    assert board_version(session) > before
    board = live_board(session)
    (held,) = board.held
    assert (held.case_id, held.checker_name) == (claimed.case_id, "Sam Patel")
    assert timedelta(0) < held.lease_left <= lease_duration()
    assert held.warning == ""
    assert (board.tiles.waiting, board.tiles.in_review) == (1, 1)


def test_a_quiet_review_page_and_a_long_hold_are_flagged() -> None:
    now = utcnow()
    lease = lease_duration()
    assert (
        idle_warning(
            since=now - timedelta(minutes=3),
            lease_expires_at=now + lease - timedelta(minutes=3),
            now=now,
        )
        == "Idle: no activity for 3 minutes"
    )
    assert (
        idle_warning(since=now - timedelta(minutes=25), lease_expires_at=now + lease, now=now)
        == "Held for 25 minutes"
    )
    assert idle_warning(since=now, lease_expires_at=now + lease, now=now) == ""


def test_a_lead_hands_a_case_back_and_the_checker_reads_why(session: Session) -> None:
    _sign_in(session, "lead.one", "Jordan Lee", "lead")
    make_case(session, CaseStatus.QUEUED)
    session.commit()
    claimed = claim_next_case(session, checker_id="checker.one")
    assert claimed is not None

    result = hand_back_case(
        session,
        case_id=claimed.case_id,
        lead_id="lead.one",
        reason="Held for an hour; Alex will take it",
    )

    assert (result.checker_id, result.status) == ("checker.one", CaseStatus.QUEUED)
    assert live_board(session).held == []
    with pytest.raises(CaseNotLeasedToYou) as lost:
        renew_lease(session, case_id=claimed.case_id, checker_id="checker.one")
    assert lost.value.message.startswith(f"Jordan Lee handed case {claimed.case_id} back")
    assert "Held for an hour; Alex will take it. Claim the next case" in lost.value.message
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.release")).one()
    assert event.actor == "lead.one" and event.detail["holder"] == "checker.one"


def test_handing_back_needs_a_reason_and_a_case_still_in_review(session: Session) -> None:
    case = make_case(session, CaseStatus.QUEUED)
    session.commit()
    with pytest.raises(LeadActionRefused, match="Enter a reason"):
        hand_back_case(session, case_id=case.id, lead_id="lead.one", reason="  ")
    with pytest.raises(LeadActionRefused, match="no longer being reviewed"):
        hand_back_case(session, case_id=case.id, lead_id="lead.one", reason="stuck")


def test_a_lead_takes_a_chosen_referral_but_never_one_they_referred(session: Session) -> None:
    make_case(session, CaseStatus.QUEUED)
    make_case(session, CaseStatus.QUEUED)
    session.commit()
    ids = []
    for checker in ("checker.one", "lead.one"):
        claimed = claim_next_case(session, checker_id=checker)
        assert claimed is not None
        refer_case(session, case_id=claimed.case_id, checker_id=checker, note="Face unclear")
        ids.append(claimed.case_id)
    by_checker, by_lead = ids

    with pytest.raises(LeadActionRefused, match="another lead must take it"):
        take_referred_case(session, case_id=by_lead, lead_id="lead.one")
    taken = take_referred_case(session, case_id=by_checker, lead_id="lead.one")

    assert taken.case_id == by_checker
    assert [h.case_id for h in live_board(session).held] == [by_checker]
    with pytest.raises(LeadActionRefused, match="no longer waiting as a referral"):
        take_referred_case(session, case_id=by_checker, lead_id="lead.two")


def test_a_claim_through_another_worker_s_connection_moves_this_board(
    session: Session, engine: Engine
) -> None:
    make_case(session, CaseStatus.QUEUED)
    session.commit()
    before = live_board(session)
    other_worker = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with Session(other_worker) as elsewhere:
            claimed = claim_next_case(elsewhere, checker_id="checker.two")
    finally:
        other_worker.dispose()

    assert claimed is not None
    assert board_version(session) > before.version
    assert [h.case_id for h in live_board(session).held] == [claimed.case_id]
