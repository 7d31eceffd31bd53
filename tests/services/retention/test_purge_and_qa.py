"""Retention and QA: images outlive their window until QA is done; a purged replay says so."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.retention import RetentionPolicy
from checker_console.services.oversight.replay import open_replay, record_verdict
from checker_console.services.retention.purge import purge
from checker_console.store.models import Application
from checker_console.store.qa_models import QaSample
from tests.services.oversight.support import QA_REVIEWER, decide

POLICY = RetentionPolicy(approved_days=90, rejected_days=180, referred_days=365)


def test_a_case_waiting_for_qa_keeps_its_images_past_its_window_until_qa_has_replayed_it(
    session: Session, blobs: LocalBlobStore
) -> None:
    decided = decide(session, blobs, number=1, approve=False)
    sample = session.exec(select(QaSample).where(QaSample.decision_id == decided.decision_id)).one()
    case = session.get(Application, decided.case_id)
    assert case is not None and case.decided_at is not None
    later = case.decided_at + timedelta(days=181)

    assert purge(session, blobs, POLICY, now=later).cases == []  # QA has not replayed it yet

    record_verdict(
        session,
        sample_id=sample.id,
        reviewer_id=QA_REVIEWER,
        outcome="rejected",
        reasons=["face_mismatch"],
    )  # agrees with the checker: nothing for a lead to rule on
    report = purge(session, blobs, POLICY, now=later)

    assert [c.case_id for c in report.cases] == [decided.case_id]
    material = open_replay(session, sample_id=sample.id, reviewer_id=QA_REVIEWER)
    assert material.images_deleted.startswith("Images deleted on ")
    assert material.images_deleted.endswith("under the retention policy")
    assert material.images  # the record of what was shown (its hashes) stays
    assert not any(blobs.exists(i.preview_sha256) for i in material.images)
