from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.domain.reasons import REASON_TEXT, ChecklistItem, RejectionReason
from checker_console.services.lifecycle import apply_transition
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import expire_leases, lease_is_held
from checker_console.services.review.decisions import (
    CaseNotLeasedToYou,
    DecisionRefused,
    approve_case,
    refer_case,
    reject_case,
)
from checker_console.store.models import Application, AuditEvent, Decision, OutboxMessage
from tests.services.queue.test_claims import T0, queued_cases

ALL_TICKED = {item.value: True for item in ChecklistItem}
LATER = T0 + timedelta(seconds=95)


def claimed_case(session: Session, checker_id: str = "checker.one") -> int:
    queued_cases(session, [1])
    claim = claim_next_case(session, checker_id=checker_id, now=T0)
    assert claim is not None
    return claim.case_id


def written(session: Session) -> tuple[int, int, int]:
    """How many decisions, outbox messages and audit events exist."""
    return tuple(  # type: ignore[return-value]
        session.exec(select(func.count()).select_from(table)).one()
        for table in (Decision, OutboxMessage, AuditEvent)
    )


def test_approval_records_the_decision_and_asks_for_the_profile(session: Session) -> None:
    case_id = claimed_case(session)

    result = approve_case(
        session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
    )

    assert (result.outcome, result.status, result.seconds_to_decide) == (
        "approved",
        "profile_pending",
        95.0,
    )
    decision = session.get(Decision, result.decision_id)
    assert decision.checklist == ALL_TICKED and decision.checker_id == "checker.one"
    outbox = session.get(OutboxMessage, result.outbox_message_id)
    assert (outbox.kind, outbox.idempotency_key, outbox.status) == (
        "create_profile",
        f"create_profile:{case_id}",
        "pending",
    )
    case = session.get(Application, case_id)
    assert (case.status, case.lease_holder, case.decided_at) == ("profile_pending", None, LATER)
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.application_id == case_id)
    ).all()
    assert actions[-2:] == ["case.approve", "case.request_profile"]


def test_approval_without_every_checklist_item_names_the_missing_ones(session: Session) -> None:
    case_id = claimed_case(session)
    before = written(session)

    with pytest.raises(DecisionRefused) as refused:
        approve_case(
            session,
            case_id=case_id,
            checker_id="checker.one",
            checklist={**ALL_TICKED, "face_matches": False, "in_date": False},
            now=LATER,
        )

    assert refused.value.field == "checklist"
    assert refused.value.message == (
        "Confirm the 2 checklist items not yet ticked, or reject or refer"
    )
    assert written(session) == before
    assert session.get(Application, case_id).lease_holder == "checker.one"


def test_a_failure_part_way_through_an_approval_writes_nothing(session: Session) -> None:
    case_id = claimed_case(session)
    session.add(
        OutboxMessage(
            application_id=case_id,
            kind="create_profile",
            idempotency_key=f"create_profile:{case_id}",
        )
    )
    session.commit()
    before = written(session)

    with pytest.raises(IntegrityError):
        approve_case(
            session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
        )

    assert written(session) == before
    case = session.get(Application, case_id)
    assert (case.status, case.lease_holder) == ("in_review", "checker.one")


def test_rejection_without_a_reason_is_refused(session: Session) -> None:
    case_id = claimed_case(session)

    with pytest.raises(DecisionRefused, match="^Select at least one reason$") as refused:
        reject_case(
            session,
            case_id=case_id,
            checker_id="checker.one",
            reasons=[],
            applicant_message=None,
            internal_note="",
            now=LATER,
        )
    assert refused.value.field == "reasons"
    assert session.get(Application, case_id).status == "in_review"


def test_rejection_tells_the_applicant_the_default_text_for_each_reason(session: Session) -> None:
    case_id = claimed_case(session)
    checklist = {**ALL_TICKED, "face_matches": False}

    result = reject_case(
        session,
        case_id=case_id,
        checker_id="checker.one",
        reasons=["face_mismatch", "photo_rules"],
        applicant_message=None,
        internal_note="Selfie is of a different person.",
        checklist=checklist,
        now=LATER,
    )

    expected_message = (
        REASON_TEXT[RejectionReason.FACE_MISMATCH].applicant_message
        + "\n\n"
        + REASON_TEXT[RejectionReason.PHOTO_RULES].applicant_message
    )
    decision = session.get(Decision, result.decision_id)
    assert decision.reasons == ["face_mismatch", "photo_rules"]
    assert decision.applicant_message == expected_message
    assert decision.internal_note == "Selfie is of a different person."
    assert decision.checklist["face_matches"] is False and decision.seconds_to_decide == 95.0
    outbox = session.get(OutboxMessage, result.outbox_message_id)
    assert (outbox.kind, outbox.idempotency_key) == (
        "notify_rejected",
        f"notify_rejected:{case_id}",
    )
    assert outbox.payload == {
        "reasons": ["face_mismatch", "photo_rules"],
        "message": expected_message,
    }
    assert session.get(Application, case_id).status == "rejected"


def test_an_edited_applicant_message_is_sent_as_written(session: Session) -> None:
    case_id = claimed_case(session)
    result = reject_case(
        session,
        case_id=case_id,
        checker_id="checker.one",
        reasons=["document_unreadable"],
        applicant_message="Your passport photo is blurred: please take it again in daylight.",
        internal_note="",
        now=LATER,
    )
    outbox = session.get(OutboxMessage, result.outbox_message_id)
    assert (
        outbox.payload["message"]
        == "Your passport photo is blurred: please take it again in daylight."
    )


def test_referral_needs_a_note_and_puts_the_case_in_the_referral_queue(session: Session) -> None:
    case_id = claimed_case(session)
    with pytest.raises(DecisionRefused, match="Enter a note saying why"):
        refer_case(session, case_id=case_id, checker_id="checker.one", note=" ", now=LATER)

    result = refer_case(
        session,
        case_id=case_id,
        checker_id="checker.one",
        note="Passport font looks wrong.",
        now=LATER,
    )

    case = session.get(Application, case_id)
    assert (result.status, case.referred_by, case.lease_holder) == ("referred", "checker.one", None)
    assert session.get(Decision, result.decision_id).internal_note == "Passport font looks wrong."
    assert result.outbox_message_id is None


def test_a_referred_case_is_approved_by_someone_other_than_the_referrer(session: Session) -> None:
    case_id = claimed_case(session, "checker.one")
    refer_case(
        session, case_id=case_id, checker_id="checker.one", note="Second opinion?", now=LATER
    )

    lead = claim_next_case(session, checker_id="lead.one", include_referred=True, now=LATER)
    assert lead is not None and lead.case_id == case_id
    result = approve_case(
        session, case_id=case_id, checker_id="lead.one", checklist=ALL_TICKED, now=LATER
    )
    assert result.status == "profile_pending"


def test_the_referrer_can_never_approve_even_after_a_second_referral(session: Session) -> None:
    case_id = claimed_case(session, "checker.one")
    refer_case(
        session, case_id=case_id, checker_id="checker.one", note="Second opinion?", now=LATER
    )
    claim_next_case(session, checker_id="checker.two", include_referred=True, now=LATER)
    refer_case(session, case_id=case_id, checker_id="checker.two", note="Needs a lead.", now=LATER)

    assert (
        claim_next_case(session, checker_id="checker.one", include_referred=True, now=LATER) is None
    )

    # Even if a lead hands the case to checker.one directly, approval is refused.
    case = session.get(Application, case_id)
    case.lease_holder, case.claimed_at = "checker.one", LATER
    case.lease_expires_at = LATER + timedelta(minutes=10)
    apply_transition(session, case, CaseEvent.CLAIM, actor="lead.one", now=LATER)
    session.commit()
    with pytest.raises(DecisionRefused, match="four-eyes rule") as refused:
        approve_case(
            session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
        )
    assert refused.value.field == "decision"
    assert session.get(Application, case_id).status == CaseStatus.IN_REVIEW


def test_deciding_after_the_lease_ran_out_is_refused_with_what_to_do(session: Session) -> None:
    case_id = claimed_case(session)
    too_late = T0 + timedelta(minutes=11)

    with pytest.raises(
        CaseNotLeasedToYou, match="Your hold on case .* ran out .* Claim the next case"
    ):
        approve_case(
            session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=too_late
        )
    assert session.exec(select(Decision)).all() == []


def test_deciding_on_a_case_someone_else_holds_is_refused(session: Session) -> None:
    case_id = claimed_case(session, "checker.one")

    with pytest.raises(CaseNotLeasedToYou, match="being reviewed by checker.one"):
        refer_case(session, case_id=case_id, checker_id="checker.two", note="Odd.", now=LATER)


def test_deciding_twice_is_refused_because_the_case_is_decided(session: Session) -> None:
    case_id = claimed_case(session)
    approve_case(
        session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
    )

    with pytest.raises(CaseNotLeasedToYou, match="already been decided"):
        approve_case(
            session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
        )


def test_a_decision_checks_the_lease_in_the_database_not_a_copy_in_memory(
    engine: Engine, session: Session
) -> None:
    case_id = claimed_case(session, "checker.one")
    copy_in_memory = session.get(Application, case_id)
    session.commit()  # ends the read; the session keeps its copy of the case
    with Session(engine) as elsewhere:  # meanwhile another server process sees it run out
        expire_leases(elsewhere, now=T0 + timedelta(minutes=11))
        claim_next_case(elsewhere, checker_id="checker.two", now=T0 + timedelta(minutes=11))

    with pytest.raises(CaseNotLeasedToYou, match="being reviewed by checker.two"):
        approve_case(
            session, case_id=case_id, checker_id="checker.one", checklist=ALL_TICKED, now=LATER
        )
    assert not lease_is_held(session, case_id, "checker.one", LATER)
    assert copy_in_memory.lease_holder == "checker.two"
