"""Blind replay: the recorded material only, QA's verdict first, then the reveal; all audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore, blob_key
from checker_console.clock import utcnow
from checker_console.services.oversight.adjudication import adjudicate, waiting_adjudications
from checker_console.services.oversight.agreement import agreement_by_checker
from checker_console.services.oversight.feedback import feedback_for_checker
from checker_console.services.oversight.replay import (
    DecisionRefused,
    NotYours,
    OwnDecision,
    open_replay,
    record_verdict,
    replay_allowed,
    reveal,
)
from checker_console.services.oversight.worklist import qa_worklist
from checker_console.store.models import Application, AuditEvent, Document, OutboxMessage
from checker_console.store.qa_models import LeadTask, QaSample
from tests.services.oversight.support import CHECKER, LEAD, QA_REVIEWER, decide, sign_in_names
from tests.standins.support import ALL_CONFIRMED, selfie_jpeg


def _sample(session: Session, decision_id: int) -> QaSample:
    return session.exec(select(QaSample).where(QaSample.decision_id == decision_id)).one()


def test_replay_serves_the_recorded_bytes_even_after_the_cases_images_and_data_change(
    session: Session, blobs: LocalBlobStore
) -> None:
    decided = decide(session, blobs, number=1, given_name="Mary")
    sample = _sample(session, decided.decision_id)
    seen = blob_key(selfie_jpeg())
    # Afterwards the case's selfie is replaced and its name corrected.
    document = session.exec(
        select(Document).where(Document.application_id == decided.case_id)
    ).one()
    document.preview_key = document.thumbnail_key = blobs.put(selfie_jpeg(shade=10))
    session.get(Application, decided.case_id).given_name = "Maria"
    session.commit()

    material = open_replay(session, sample_id=sample.id, reviewer_id=QA_REVIEWER)

    [image] = material.images
    assert image.preview_sha256 == seen != document.preview_key
    assert blob_key(blobs.get(image.preview_sha256)) == seen
    assert blobs.get(image.preview_sha256) == selfie_jpeg()
    assert replay_allowed(session, sample_id=sample.id, sha256=seen, viewer_id=QA_REVIEWER)
    assert not replay_allowed(
        session, sample_id=sample.id, sha256=document.preview_key, viewer_id=QA_REVIEWER
    )
    assert material.data_rows[0]["entered"] == "Mary"


def test_the_replay_shows_nothing_of_the_checkers_decision_or_identity_before_the_verdict(
    session: Session, blobs: LocalBlobStore
) -> None:
    sign_in_names(session)
    decided = decide(session, blobs, number=1, approve=False)
    sample = _sample(session, decided.decision_id)

    material = open_replay(session, sample_id=sample.id, reviewer_id=QA_REVIEWER)

    text = repr(material)
    for secret in ("rejected", "face_mismatch", "The faces differ", CHECKER, "Sam Patel"):
        assert secret not in text
    assert all(set(line) == {"key", "shortcut", "text"} for line in material.checklist)
    with pytest.raises(NotYours, match="Record your own verdict first"):
        reveal(session, sample_id=sample.id, viewer_id=QA_REVIEWER)


def test_a_qa_reviewer_cannot_replay_their_own_decision(
    session: Session, blobs: LocalBlobStore
) -> None:
    decided = decide(session, blobs, number=1, checker="dual.role")
    sample = _sample(session, decided.decision_id)

    with pytest.raises(OwnDecision):
        open_replay(session, sample_id=sample.id, reviewer_id="dual.role")
    with pytest.raises(OwnDecision):
        record_verdict(session, sample_id=sample.id, reviewer_id="dual.role", outcome="approved")
    assert qa_worklist(session, reviewer_id="dual.role").total == 0
    assert qa_worklist(session, reviewer_id=QA_REVIEWER).total == 1


def test_a_qa_verdict_follows_the_checkers_rules_and_cannot_be_recorded_twice(
    session: Session, blobs: LocalBlobStore
) -> None:
    sample = _sample(session, decide(session, blobs, number=1).decision_id)

    with pytest.raises(DecisionRefused, match="Select at least one reason"):
        record_verdict(session, sample_id=sample.id, reviewer_id=QA_REVIEWER, outcome="rejected")
    with pytest.raises(DecisionRefused, match="Confirm all 8 checklist items"):
        record_verdict(session, sample_id=sample.id, reviewer_id=QA_REVIEWER, outcome="approved")
    assert record_verdict(
        session,
        sample_id=sample.id,
        reviewer_id=QA_REVIEWER,
        outcome="approved",
        checklist=ALL_CONFIRMED,
    )
    with pytest.raises(NotYours, match="already recorded"):
        record_verdict(session, sample_id=sample.id, reviewer_id=QA_REVIEWER, outcome="referred")


def test_replay_verdict_reveal_and_adjudication_are_audited_and_reach_the_checker_as_feedback(
    session: Session, blobs: LocalBlobStore
) -> None:
    sign_in_names(session)
    decided = decide(session, blobs, number=1)  # approved
    case = session.get(Application, decided.case_id)
    case.cim_uuid = "555566667777"
    session.commit()
    sample = _sample(session, decided.decision_id)

    open_replay(session, sample_id=sample.id, reviewer_id=QA_REVIEWER)
    agrees = record_verdict(
        session,
        sample_id=sample.id,
        reviewer_id=QA_REVIEWER,
        outcome="rejected",
        reasons=["face_mismatch"],
        note="The chin and ears differ.",
    )
    shown = reveal(session, sample_id=sample.id, viewer_id=QA_REVIEWER)
    assert feedback_for_checker(session, CHECKER) == []  # not before a lead has ruled
    [waiting] = waiting_adjudications(session)
    ruling = adjudicate(
        session, verdict_id=waiting.verdict_id, lead_id=LEAD, upheld="qa", note="QA is right."
    )

    assert not agrees
    assert (shown.checker_name, shown.checker_outcome, shown.qa_outcome) == (
        "Sam Patel",
        "approved",
        "rejected",
    )
    assert [line.text for line in shown.trail] == ["Selfie: never opened"]
    [task] = session.exec(select(LeadTask)).all()
    assert "Review the CIS profile of UUID 555566667777" in task.text == ruling.follow_up
    [feedback] = feedback_for_checker(session, CHECKER)
    assert (feedback.your_outcome, feedback.qa_outcome, feedback.upheld) == (
        "approved",
        "rejected",
        "qa",
    )
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.application_id == decided.case_id)
    ).all()
    for action in (
        "qa.replay_opened",
        "qa.verdict",
        "qa.revealed",
        "qa.lead_task",
        "qa.adjudicated",
    ):
        assert action in actions


def test_upholding_qa_on_a_wrong_rejection_asks_the_ra_to_invite_the_applicant_again(
    session: Session, blobs: LocalBlobStore
) -> None:
    decided = decide(session, blobs, number=1, approve=False)
    sample = _sample(session, decided.decision_id)
    record_verdict(
        session,
        sample_id=sample.id,
        reviewer_id=QA_REVIEWER,
        outcome="approved",
        checklist=ALL_CONFIRMED,
    )
    [waiting] = waiting_adjudications(session)

    with pytest.raises(DecisionRefused, match="Enter a note"):
        adjudicate(session, verdict_id=waiting.verdict_id, lead_id=LEAD, upheld="qa", note=" ")
    with pytest.raises(NotYours, match="another team lead"):
        adjudicate(
            session, verdict_id=waiting.verdict_id, lead_id=QA_REVIEWER, upheld="qa", note="x"
        )
    adjudicate(session, verdict_id=waiting.verdict_id, lead_id=LEAD, upheld="qa", note="Fine.")

    kinds = session.exec(
        select(OutboxMessage.kind, OutboxMessage.idempotency_key).where(
            OutboxMessage.application_id == decided.case_id
        )
    ).all()
    assert ("notify_ra_reinvite", f"notify_ra_reinvite:qa:{decided.case_id}") in kinds
    with pytest.raises(NotYours, match="already been ruled"):
        adjudicate(session, verdict_id=waiting.verdict_id, lead_id=LEAD, upheld="qa", note="x")


def test_agreement_counts_replays_per_checker_with_a_confusion_table_and_a_warning(
    session: Session, blobs: LocalBlobStore
) -> None:
    sign_in_names(session)
    verdicts = [("approved", True), ("approved", True), ("rejected", True), ("approved", False)]
    for number, (qa_outcome, checker_approved) in enumerate(verdicts, start=1):
        decided = decide(session, blobs, number=number, approve=checker_approved)
        record_verdict(
            session,
            sample_id=_sample(session, decided.decision_id).id,
            reviewer_id=QA_REVIEWER,
            outcome=qa_outcome,
            checklist=ALL_CONFIRMED,
            reasons=["face_mismatch"],
        )
    now = utcnow()

    report = agreement_by_checker(session, now - timedelta(hours=1), now + timedelta(hours=1))

    [sam] = report.checkers
    assert (sam.name, sam.replays, sam.agreed, sam.percent) == ("Sam Patel", 4, 2, 50.0)
    assert sam.confusion["approved"] == {"approved": 2, "rejected": 1, "referred": 0}
    assert sam.confusion["rejected"] == {"approved": 1, "rejected": 0, "referred": 0}
    # Both approved 3 and rejected 1, on different cases: p_o = 0.5, p_e = 0.75² + 0.25².
    assert sam.kappa.kappa == pytest.approx((0.5 - 0.625) / (1 - 0.625))
    assert (sam.both_rejected, sam.same_reasons) == (0, 0)
    assert "Only 4 replays in this period: too few to judge" in sam.warning
    assert report.team.replays == 4
