"""Undo inside the window: the case goes back to its checker and nothing leaves the building."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import ChecklistItem
from checker_console.services.audit import verify_audit_chain
from checker_console.services.cases.history import case_history
from checker_console.services.downstream.outbox import claim_due
from checker_console.services.oversight.worklist import qa_worklist
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case, reject_case
from checker_console.services.review.undo import UndoRefused, undo_decision
from checker_console.settings import get_settings
from checker_console.store.models import Application, AuditEvent, Decision, OutboxMessage
from checker_console.store.qa_models import QaSample
from tests.services.queue.test_claims import T0, queued_cases

ALL_TICKED = {item.value: True for item in ChecklistItem}
DECIDED = T0 + timedelta(seconds=30)


@pytest.fixture(autouse=True)
def ten_second_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHECKER_UNDO_SECONDS", "10")
    get_settings.cache_clear()


def _approve_then_take_the_next(session: Session) -> tuple[int, int]:
    queued_cases(session, [1, 2])
    first = claim_next_case(session, checker_id="checker.one", now=T0)
    assert first is not None
    approve_case(
        session, case_id=first.case_id, checker_id="checker.one", checklist=ALL_TICKED, now=DECIDED
    )
    following = claim_next_case(session, checker_id="checker.one", now=DECIDED)
    assert following is not None
    return first.case_id, following.case_id


def _actions(session: Session, case_id: int) -> list[str]:
    return list(
        session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.application_id == case_id)
            .order_by(AuditEvent.sequence)
        ).all()
    )


def test_a_decision_s_messages_wait_for_the_undo_window_before_any_worker_sees_them(
    session: Session,
) -> None:
    case_id, _ = _approve_then_take_the_next(session)

    early = claim_due(session, worker_id="w", limit=10, lease_seconds=60, now=DECIDED)
    session.rollback()
    late = claim_due(
        session, worker_id="w", limit=10, lease_seconds=60, now=DECIDED + timedelta(seconds=10)
    )
    session.rollback()

    assert early == []
    assert [m.application_id for m in late] == [case_id]


def test_undo_inside_the_window_gives_the_case_back_and_withdraws_its_messages(
    session: Session,
) -> None:
    case_id, following = _approve_then_take_the_next(session)

    result = undo_decision(
        session, case_id=case_id, checker_id="checker.one", now=DECIDED + timedelta(seconds=9)
    )

    session.expire_all()
    case = session.get(Application, case_id)
    assert (result.case_id, result.outcome) == (case_id, "approved")
    assert (case.status, case.lease_holder, case.decided_at) == (
        CaseStatus.IN_REVIEW,
        "checker.one",
        None,
    )
    assert session.get(Application, following).status == CaseStatus.QUEUED  # handed back
    assert session.exec(select(OutboxMessage)).all() == []
    [decision] = session.exec(select(Decision).where(Decision.application_id == case_id)).all()
    assert decision.undone_at is not None  # the decision stays on the record
    assert _actions(session, case_id)[-3:] == ["case.approve", "case.request_profile", "case.undo"]
    assert verify_audit_chain(session).ok


def test_after_the_window_undo_is_refused_and_says_a_lead_can_change_it(
    session: Session,
) -> None:
    case_id, _ = _approve_then_take_the_next(session)

    with pytest.raises(UndoRefused, match="ask a team lead"):
        undo_decision(
            session, case_id=case_id, checker_id="checker.one", now=DECIDED + timedelta(seconds=10)
        )

    session.expire_all()
    assert session.get(Application, case_id).status == CaseStatus.PROFILE_PENDING
    assert len(session.exec(select(OutboxMessage)).all()) == 1


def test_a_message_a_worker_already_picked_up_cannot_be_undone(session: Session) -> None:
    case_id, _ = _approve_then_take_the_next(session)
    claim_due(
        session, worker_id="w", limit=10, lease_seconds=60, now=DECIDED + timedelta(seconds=10)
    )
    session.commit()

    with pytest.raises(UndoRefused, match="already on its way"):
        undo_decision(
            session, case_id=case_id, checker_id="checker.one", now=DECIDED + timedelta(seconds=5)
        )


def test_only_the_deciding_checker_can_undo(session: Session) -> None:
    case_id, _ = _approve_then_take_the_next(session)

    with pytest.raises(UndoRefused, match="no decision on case"):
        undo_decision(session, case_id=case_id, checker_id="checker.two", now=DECIDED)


def test_an_undone_rejection_sends_nothing_and_the_case_can_be_decided_again(
    session: Session,
) -> None:
    queued_cases(session, [1])
    claim = claim_next_case(session, checker_id="checker.one", now=T0)
    assert claim is not None
    reject_case(
        session,
        case_id=claim.case_id,
        checker_id="checker.one",
        reasons=["document_unreadable"],
        applicant_message=None,
        internal_note="",
        now=DECIDED,
    )
    undo_decision(session, case_id=claim.case_id, checker_id="checker.one", now=DECIDED)

    approve_case(
        session,
        case_id=claim.case_id,
        checker_id="checker.one",
        checklist=ALL_TICKED,
        now=DECIDED + timedelta(seconds=20),
    )

    kinds = session.exec(select(OutboxMessage.kind)).all()
    assert kinds == ["create_profile"]


def test_the_case_record_keeps_the_undone_decision_and_the_undo_in_its_timeline(
    session: Session,
) -> None:
    case_id, _ = _approve_then_take_the_next(session)
    undo_decision(session, case_id=case_id, checker_id="checker.one", now=DECIDED)

    history = case_history(session, case_id)

    [decision] = history.decisions
    assert (decision.outcome, decision.undone_at is not None) == ("approved", True)
    assert history.timeline[-1].what == "Decision undone by the checker: back in their hands"
    assert history.chain_verified


def test_an_undone_decision_is_withdrawn_from_qa_and_never_replayed(session: Session) -> None:
    case_id, _ = _approve_then_take_the_next(session)
    decision = session.exec(select(Decision).where(Decision.application_id == case_id)).one()
    drawn = session.exec(select(QaSample).where(QaSample.decision_id == decision.id)).one()
    assert drawn.status == "waiting"  # a checker's first decisions are all drawn

    undo_decision(session, case_id=case_id, checker_id="checker.one", now=DECIDED)

    session.expire_all()
    withdrawn = session.exec(select(QaSample).where(QaSample.decision_id == decision.id)).one()
    assert withdrawn.status == "withdrawn"  # the draw stays on the record, off QA's list
    listed = qa_worklist(session, reviewer_id="qa.one").waiting
    assert all(item.case_id != case_id for item in listed)
