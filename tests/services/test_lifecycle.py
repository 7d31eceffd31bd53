from __future__ import annotations

import pytest
from sqlmodel import Session, select

from checker_console.domain.lifecycle import CaseEvent, CaseStatus, IllegalTransition
from checker_console.services.audit import verify_audit_chain
from checker_console.services.lifecycle import apply_transition
from checker_console.store.models import Application, AuditEvent
from tests.factories import make_case


def test_a_legal_transition_changes_status_and_writes_one_audit_event(session: Session) -> None:
    case = make_case(session, CaseStatus.QUEUED)
    session.commit()
    before = len(session.exec(select(AuditEvent)).all())

    apply_transition(session, case, CaseEvent.CLAIM, actor="checker.one")
    session.commit()

    stored = session.get(Application, case.id)
    assert stored is not None and stored.status == CaseStatus.IN_REVIEW
    events = session.exec(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert len(events) == before + 1
    assert events[-1].action == "case.claim"
    assert events[-1].actor == "checker.one"
    assert events[-1].detail == {"from": "queued", "to": "in_review"}


def test_an_illegal_transition_is_refused_and_writes_nothing(session: Session) -> None:
    case = make_case(session, CaseStatus.QUEUED)
    session.commit()
    before = len(session.exec(select(AuditEvent)).all())

    with pytest.raises(IllegalTransition, match="Case .* is queued; it cannot approve"):
        apply_transition(session, case, CaseEvent.APPROVE, actor="checker.one")
    session.rollback()

    assert session.get(Application, case.id).status == CaseStatus.QUEUED
    assert len(session.exec(select(AuditEvent)).all()) == before


@pytest.mark.parametrize(
    ("start", "event", "end"),
    [
        (CaseStatus.SUBMITTED, CaseEvent.ENQUEUE, CaseStatus.QUEUED),
        (CaseStatus.QUEUED, CaseEvent.CLAIM, CaseStatus.IN_REVIEW),
        (CaseStatus.IN_REVIEW, CaseEvent.RELEASE, CaseStatus.QUEUED),
        (CaseStatus.IN_REVIEW, CaseEvent.APPROVE, CaseStatus.APPROVED),
        (CaseStatus.IN_REVIEW, CaseEvent.REJECT, CaseStatus.REJECTED),
        (CaseStatus.IN_REVIEW, CaseEvent.REFER, CaseStatus.REFERRED),
        (CaseStatus.REFERRED, CaseEvent.CLAIM, CaseStatus.IN_REVIEW),
        (CaseStatus.APPROVED, CaseEvent.REQUEST_PROFILE, CaseStatus.PROFILE_PENDING),
    ],
)
def test_each_legal_transition_reaches_its_status(
    session: Session, start: CaseStatus, event: CaseEvent, end: CaseStatus
) -> None:
    case = make_case(session, start)
    apply_transition(session, case, event, actor="checker.one")
    session.commit()
    assert session.get(Application, case.id).status == end


def test_profile_outcomes_follow_a_pending_request(session: Session) -> None:
    case = make_case(session, CaseStatus.APPROVED)
    apply_transition(session, case, CaseEvent.REQUEST_PROFILE, actor="system")
    apply_transition(session, case, CaseEvent.PROFILE_FAILED, actor="system")
    apply_transition(session, case, CaseEvent.RETRY_PROFILE, actor="lead.one")
    apply_transition(session, case, CaseEvent.PROFILE_CREATED, actor="system")
    session.commit()
    assert session.get(Application, case.id).status == CaseStatus.PROFILE_CREATED


@pytest.mark.parametrize(
    ("start", "event"),
    [
        (CaseStatus.SUBMITTED, CaseEvent.CLAIM),
        (CaseStatus.QUEUED, CaseEvent.REJECT),
        (CaseStatus.APPROVED, CaseEvent.REJECT),
        (CaseStatus.REJECTED, CaseEvent.APPROVE),
        (CaseStatus.REJECTED, CaseEvent.CLAIM),
        (CaseStatus.APPROVED, CaseEvent.PROFILE_CREATED),
    ],
)
def test_each_illegal_transition_is_refused(
    session: Session, start: CaseStatus, event: CaseEvent
) -> None:
    case = make_case(session, start)
    with pytest.raises(IllegalTransition):
        apply_transition(session, case, event, actor="checker.one")


def test_a_released_referral_goes_back_to_the_referral_queue(session: Session) -> None:
    case = make_case(session, CaseStatus.REFERRED)
    case.referred_by = "checker.one"
    apply_transition(session, case, CaseEvent.CLAIM, actor="lead.one")
    apply_transition(session, case, CaseEvent.RELEASE, actor="system")
    session.commit()
    assert session.get(Application, case.id).status == CaseStatus.REFERRED


def test_every_transition_extends_a_verifiable_audit_chain(session: Session) -> None:
    for _ in range(3):
        make_case(session, CaseStatus.APPROVED)
    session.commit()
    result = verify_audit_chain(session)
    assert result.ok, result.breaks
    assert result.events_checked == 9
