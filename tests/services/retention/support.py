"""Finished cases with images in a real blob store, decided at a chosen moment."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from checker_console.adapters.blobs import BlobStore
from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.services.lifecycle import apply_transition
from checker_console.store.models import Application, Decision, Document
from tests.factories import make_case

#: A fixed clock: every test counts its windows from here.
DECIDED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def image_bytes(label: str) -> bytes:
    """Distinct bytes per label (the store is content-addressed; equal labels share a blob)."""
    return f"synthetic image {label}".encode()


def finished_case(
    session: Session,
    blobs: BlobStore,
    *,
    status: CaseStatus = CaseStatus.REJECTED,
    decided_at: datetime = DECIDED,
    labels: tuple[str, ...] | None = None,
    referred_first: bool = False,
    golden: bool = False,
) -> Application:
    """A case decided at ``decided_at`` with two documents whose blobs are in ``blobs``."""
    path = CaseStatus.REJECTED if status == CaseStatus.REJECTED else CaseStatus.APPROVED
    if status in (CaseStatus.QUEUED, CaseStatus.REFERRED, CaseStatus.IN_REVIEW):
        path = status
    case = make_case(session, path)
    assert case.id is not None
    if status in (CaseStatus.PROFILE_CREATED, CaseStatus.PROFILE_PENDING):
        apply_transition(session, case, CaseEvent.REQUEST_PROFILE, actor="system")
    if status == CaseStatus.PROFILE_CREATED:
        apply_transition(session, case, CaseEvent.PROFILE_CREATED, actor="system")
    if referred_first:
        session.add(_decision(case.id, DecisionOutcome.REFERRED, "second.checker", decided_at))
    if status not in (CaseStatus.QUEUED, CaseStatus.IN_REVIEW):
        outcome = DecisionOutcome.REJECTED if status == CaseStatus.REJECTED else "approved"
        session.add(_decision(case.id, outcome, "test.checker", decided_at))
    case.decided_at = decided_at
    case.is_golden = golden
    for position, label in enumerate(labels or (f"{case.id}-a", f"{case.id}-b")):
        kept = blobs.put(image_bytes(label))
        preview = blobs.put(image_bytes(label + "-preview"))
        thumbnail = blobs.put(image_bytes(label + "-thumbnail"))
        session.add(
            Document(
                application_id=case.id,
                position=position,
                kind="passport" if position == 0 else "selfie",
                content_type="image/jpeg",
                blob_key=kept,
                sha256=kept,
                size_bytes=1,
                width=10,
                height=10,
                preview_key=preview,
                thumbnail_key=thumbnail,
                mrz_text="P<GBRNIGHTINGALE<<FLORENCE<<<<<<<<<<<<<<<<<<<",
            )
        )
    session.add(case)
    session.commit()
    return case


def _decision(case_id: int, outcome: str, checker: str, when: datetime) -> Decision:
    return Decision(
        application_id=case_id,
        checker_id=checker,
        outcome=outcome,
        reasons=["face_mismatch"] if outcome == DecisionOutcome.REJECTED else [],
        checklist={},
        applicant_message="Florence, your selfie did not match." if outcome == "rejected" else "",
        internal_note="Spoke to Florence's RA" if outcome == "referred" else "",
        decided_at=when,
    )
