"""Golden cases never reach CIM or Notify, and decisions on them are scored against the answer.

The stand-ins run as real HTTP servers and the outbox worker drains everything that is due, so
"no CIM call and no email" is counted where it would happen.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.board import downstream_counts, list_unfinished_profiles
from checker_console.services.downstream.outbox import GoldenCaseRefused, OutboxKind, enqueue
from checker_console.services.oversight.golden import golden_needed, golden_scores, mark_golden
from checker_console.store.models import OutboxMessage, SampleTruth
from checker_console.store.qa_models import QaSample
from tests.services.downstream.test_outbox import Stack, stack  # noqa: F401 (fixture)
from tests.services.oversight.support import decide, decide_next
from tests.standins.support import drain, queued_case


def _golden(session: Session, blobs, number: int, expected: str = "approve") -> int:  # noqa: ANN001
    case = queued_case(session, blobs, number=number, email=f"golden.{number}@example.org")
    session.add(
        SampleTruth(application_id=case.id, expected_outcome=expected, seed=number, note="")
    )
    session.commit()
    mark_golden(session, [case.id])
    return case.id


def test_approving_and_rejecting_golden_cases_makes_no_outbox_row_no_cim_call_and_no_email(
    stack: Stack,  # noqa: F811
    session: Session,
) -> None:
    _golden(session, stack.blobs, 1)
    approved = decide_next(session)
    _golden(session, stack.blobs, 2, expected="reject")
    rejected = decide_next(session, approve=False)

    drain(stack.engine, stack.settings)

    assert (approved.status, approved.outbox_message_id) == (CaseStatus.APPROVED, None)
    assert (rejected.status, rejected.outbox_message_id) == (CaseStatus.REJECTED, None)
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0
    assert stack.cim.store.profiles() == []
    assert stack.notify.mailbox.find() == []
    assert session.exec(select(func.count()).select_from(QaSample)).one() == 0


def test_the_same_stack_does_create_a_profile_and_send_an_email_for_a_real_case(
    stack: Stack,  # noqa: F811
    session: Session,
) -> None:
    """The counting above can fail: a real approval through the same stack is counted."""
    decide(session, stack.blobs, number=3, email="real.person@example.org")

    drain(stack.engine, stack.settings, until=lambda: len(stack.notify.mailbox.find()) == 1)

    assert len(stack.cim.store.profiles()) == 1


def test_the_outbox_refuses_any_message_for_a_golden_case(session: Session, blobs) -> None:  # noqa: ANN001
    case_id = _golden(session, blobs, 4)

    with pytest.raises(GoldenCaseRefused, match="golden case"):
        enqueue(
            session,
            kind=OutboxKind.CREATE_PROFILE,
            idempotency_key=f"create_profile:{case_id}",
            application_id=case_id,
        )


def test_golden_decisions_are_scored_against_the_known_answer(session: Session, blobs) -> None:  # noqa: ANN001
    _golden(session, blobs, 5, expected="approve")
    decide_next(session)  # right
    _golden(session, blobs, 6, expected="reject")
    decide_next(session)  # wrong: approved a case that should be rejected

    now = utcnow()
    [score] = golden_scores(session, now - timedelta(hours=1), now + timedelta(hours=1)).values()

    assert (score.checker_id, score.scored, score.correct, score.accuracy) == (
        "checker.one",
        2,
        1,
        0.5,
    )


def test_the_golden_rate_asks_for_one_golden_case_in_n_and_none_when_off(
    session: Session,
    blobs,  # noqa: ANN001
) -> None:
    for number in range(10, 20):
        queued_case(session, blobs, number=number)

    assert golden_needed(session, 0) == 0
    assert golden_needed(session, 6) == 2  # 10 real cases: 2 golden makes one in six
    _golden(session, blobs, 30)
    assert golden_needed(session, 6) == 1


def test_a_golden_approval_never_shows_as_waiting_for_cim_on_the_profiles_board(
    session: Session,
    blobs,  # noqa: ANN001
) -> None:
    _golden(session, blobs, 40)
    decide_next(session)

    assert downstream_counts(session).cases["approved"] == 0
    assert list_unfinished_profiles(session).total == 0
