"""The lead's profile board: counts by downstream state, and the unfinished cases oldest first."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.board import (
    InvalidBoardQuery,
    downstream_counts,
    list_unfinished_profiles,
)
from checker_console.services.downstream.outbox import OutboxKind, enqueue, mark_done, mark_failed
from checker_console.services.downstream.profile_requests import retry_profile
from tests.factories import make_case
from tests.profile_factories import fail_profile, make_downstream_case

S = CaseStatus


def test_counts_cover_every_downstream_state_and_ignore_cases_still_in_review(
    session: Session,
) -> None:
    make_case(session, S.QUEUED)
    make_case(session, S.REJECTED)
    for status, how_many in [(S.APPROVED, 1), (S.PROFILE_PENDING, 2), (S.PROFILE_FAILED, 3)]:
        for _ in range(how_many):
            make_downstream_case(session, status)
    session.commit()

    counts = downstream_counts(session)

    assert counts.cases == {
        "approved": 1,
        "profile_pending": 2,
        "profile_created": 0,
        "profile_failed": 3,
    }


def test_email_counts_say_how_many_were_sent_are_waiting_and_failed(session: Session) -> None:
    case = make_downstream_case(session, S.PROFILE_CREATED)
    assert case.id is not None
    kinds = [OutboxKind.NOTIFY_PROFILE_CREATED, OutboxKind.NOTIFY_RA_REINVITE]
    sent, failed = (
        enqueue(session, kind=kind, idempotency_key=f"{kind}:{case.id}", application_id=case.id)
        for kind in kinds
    )
    enqueue(
        session,
        kind=OutboxKind.NOTIFY_REJECTED_APPLICANT,
        idempotency_key=f"waiting:{case.id}",
        application_id=case.id,
    )
    mark_done(sent, case.updated_at)
    mark_failed(failed, error="Notify refused the address", now=case.updated_at)
    session.commit()

    counts = downstream_counts(session)

    assert (counts.emails_sent, counts.emails_waiting, counts.emails_failed) == (1, 1, 1)


def test_the_case_approved_longest_ago_comes_first_and_finished_cases_are_left_out(
    session: Session,
) -> None:
    recent = make_downstream_case(session, S.PROFILE_PENDING, approved_hours_ago=1)
    oldest = make_downstream_case(session, S.PROFILE_FAILED, approved_hours_ago=30)
    middle = make_downstream_case(session, S.PROFILE_PENDING, approved_hours_ago=5)
    make_downstream_case(session, S.PROFILE_CREATED, approved_hours_ago=50)
    make_downstream_case(session, S.APPROVED, approved_hours_ago=60)
    session.commit()

    page = list_unfinished_profiles(session)

    assert [row.case_id for row in page.rows] == [oldest.id, middle.id, recent.id]
    assert page.total == 3


def test_a_failed_row_carries_cim_s_reason_and_a_duplicate_its_existing_uuid(
    session: Session,
) -> None:
    case = make_case(session, S.APPROVED, given_name="Mary", family_name="Seacole")
    fail_profile(
        session,
        case,
        reason="CIM already holds a profile for this person",
        existing_uuid="555123456789",
        attempts=1,
    )
    session.commit()

    [row] = list_unfinished_profiles(session, show="failed").rows

    assert row.full_name == "Mary Seacole"
    assert row.organisation_name == "Riverside University"
    assert row.status == S.PROFILE_FAILED
    assert row.attempts == 1
    assert row.last_error == "CIM already holds a profile for this person"
    assert row.existing_profile_uuid == "555123456789"
    assert row.next_retry_at is None


def test_a_pending_row_says_when_the_next_try_is_due(session: Session) -> None:
    case = make_downstream_case(session, S.PROFILE_PENDING)
    session.commit()

    [row] = list_unfinished_profiles(session, show="pending").rows

    assert row.case_id == case.id
    assert row.attempts == 0
    assert row.next_retry_at is not None


def test_a_retried_case_moves_from_the_failed_list_to_the_pending_list(session: Session) -> None:
    case = make_downstream_case(session, S.PROFILE_FAILED)
    session.commit()
    assert case.id is not None

    retry_profile(session, case_id=case.id, lead_id="lead.one")
    session.commit()

    assert list_unfinished_profiles(session, show="failed").rows == []
    [row] = list_unfinished_profiles(session, show="pending").rows
    assert (row.case_id, row.attempts, row.last_error) == (case.id, 0, None)


def test_pages_hold_the_page_size_and_a_page_past_the_end_shows_the_last(
    session: Session,
) -> None:
    for hours in range(5):
        make_downstream_case(session, S.PROFILE_FAILED, approved_hours_ago=hours + 1)
    session.commit()

    first = list_unfinished_profiles(session, page=1, page_size=2)
    beyond = list_unfinished_profiles(session, page=9, page_size=2)

    assert (len(first.rows), first.page_count) == (2, 3)
    assert (beyond.page, len(beyond.rows)) == (3, 1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"show": "created"}, "choose pending, failed"), ({"page": 0}, "Pages start at 1")],
)
def test_a_list_the_board_does_not_offer_is_refused_with_the_reason(
    session: Session, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidBoardQuery, match=message):
        list_unfinished_profiles(session, **arguments)  # type: ignore[arg-type]
