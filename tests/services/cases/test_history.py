"""A decided case's record: who decided what and why, and its audit timeline, chain-checked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from checker_console.domain.reasons import ChecklistItem
from checker_console.services.audit import append_audit
from checker_console.services.cases.history import case_history
from checker_console.services.identity.sessions import create_session
from checker_console.services.review.decisions import reject_case
from tests.services.queue.test_claims import T0
from tests.services.review.test_decisions import claimed_case

ALL_TICKED = {item.value: True for item in ChecklistItem}


def _rejected_case(session: Session) -> int:
    create_session(session, user_id="checker.one", display_name="Sam Patel", roles=["checker"])
    case_id = claimed_case(session)
    for _ in range(3):  # three image views in a row: one line of the timeline
        append_audit(session, actor="checker.one", action="image.view", application_id=case_id)
    reject_case(
        session,
        case_id=case_id,
        checker_id="checker.one",
        reasons=["face_mismatch"],
        applicant_message=None,
        internal_note="Selfie is of someone else.",
        checklist={**ALL_TICKED, "face_matches": False},
        now=T0 + timedelta(seconds=95),
    )
    session.commit()
    return case_id


def test_a_decided_case_says_who_decided_what_why_and_how_long_it_took(session: Session) -> None:
    case_id = _rejected_case(session)

    [decision] = case_history(session, case_id).decisions

    assert (decision.checker_name, decision.outcome) == ("Sam Patel", "rejected")
    assert decision.reasons == ["Face does not match or is too poor to compare"]
    assert [a.confirmed for a in decision.checklist].count(False) == 1
    assert "face" in next(a.text for a in decision.checklist if not a.confirmed).lower()
    assert decision.applicant_message
    assert decision.internal_note == "Selfie is of someone else."
    assert decision.seconds_to_decide == 95


def test_the_timeline_lists_every_event_in_order_with_image_views_as_one_line(
    session: Session,
) -> None:
    case_id = _rejected_case(session)

    history = case_history(session, case_id)

    assert [(line.action, line.count) for line in history.timeline] == [
        ("case.enqueue", 1),
        ("case.claim", 1),
        ("image.view", 3),
        ("case.reject", 1),
    ]
    assert history.timeline[1].actor == "Sam Patel"
    assert history.events_checked == 6
    assert history.chain_verified


def test_a_rewritten_event_of_the_case_is_shown_as_not_verified(session: Session) -> None:
    case_id = _rejected_case(session)
    session.execute(
        text("UPDATE auditevent SET actor = 'mallory' WHERE application_id = :id AND action = :a"),
        {"id": case_id, "a": "case.claim"},
    )
    session.commit()

    history = case_history(session, case_id)

    assert not history.chain_verified
    assert len(history.broken) == 1
