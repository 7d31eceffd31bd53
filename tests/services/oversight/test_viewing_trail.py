"""The viewing trail: batches from the checker holding the case, read back beside the reveal."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.services.oversight.replay import record_verdict, reveal
from checker_console.services.oversight.viewing_trail import BadTrail, record_viewing
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import CaseNotLeasedToYou
from checker_console.services.review.decisions import approve_case
from checker_console.store.models import Document
from checker_console.store.qa_models import QaSample
from tests.services.oversight.support import CHECKER, QA_REVIEWER
from tests.standins.support import ALL_CONFIRMED, queued_case


def test_the_trail_says_how_each_image_was_looked_at_before_the_decision(
    session: Session, blobs: LocalBlobStore
) -> None:
    case = queued_case(session, blobs, number=1)
    claim_next_case(session, checker_id=CHECKER)
    selfie = session.exec(select(Document.id).where(Document.application_id == case.id)).one()
    batch = [
        {"document_id": selfie, "seconds": 6.2, "max_zoom": 2.5, "rotation": 90},
        {"document_id": selfie, "seconds": 3.9, "max_zoom": 1.0, "brightness": 1.4},
    ]

    kept = record_viewing(session, case_id=case.id, checker_id=CHECKER, events=batch)
    decision = approve_case(session, case_id=case.id, checker_id=CHECKER, checklist=ALL_CONFIRMED)
    sample = session.exec(
        select(QaSample).where(QaSample.decision_id == decision.decision_id)
    ).one()
    record_verdict(
        session, sample_id=sample.id, reviewer_id=QA_REVIEWER, outcome="referred", note="Unsure."
    )

    [line] = reveal(session, sample_id=sample.id, viewer_id=QA_REVIEWER).trail
    assert kept == 2
    assert line.text == (
        "Selfie: on screen 10 s, zoomed up to 2.5×, rotated, brightness or contrast changed"
    )


def test_only_the_checker_holding_the_case_may_send_its_trail_and_only_about_its_images(
    session: Session, blobs: LocalBlobStore
) -> None:
    case = queued_case(session, blobs, number=1)
    claim_next_case(session, checker_id=CHECKER)

    with pytest.raises(CaseNotLeasedToYou):
        record_viewing(session, case_id=case.id, checker_id="checker.two", events=[])
    with pytest.raises(BadTrail, match="not in this case"):
        record_viewing(
            session, case_id=case.id, checker_id=CHECKER, events=[{"document_id": 999_999}]
        )
    with pytest.raises(BadTrail, match="must be a number"):
        selfie = session.exec(select(Document.id).where(Document.application_id == case.id)).one()
        record_viewing(
            session,
            case_id=case.id,
            checker_id=CHECKER,
            events=[{"document_id": selfie, "seconds": "lots"}],
        )
