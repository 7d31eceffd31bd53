"""What the checker was shown when they decided, recorded with the decision.

Written in the decision's own transaction (``decision_record.py``), from the same functions the
workspace is built with (``services/review/workspace.case_evidence``), so the snapshot is the
workspace as it stood at the moment of deciding. Images are recorded by the SHA-256 of the bytes
the image route serves: the blob store is content-addressed, so that hash is also the key that
fetches those exact bytes again, whatever later happens to the case's documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from checker_console.clock import london
from checker_console.domain.comparison import FieldComparison
from checker_console.domain.reasons import DocumentKind
from checker_console.services.cases.overview import DocumentSummary
from checker_console.services.review.workspace import (
    case_evidence,
    checklist_lines,
    load_case_rows,
)
from checker_console.store.models import Application, Decision, Document, Organisation
from checker_console.store.qa_models import DecisionSnapshot


@dataclass(frozen=True)
class RecordedImage:
    document_id: int
    kind: str
    label: str
    role: str  # "document" or "selfie"
    preview_sha256: str
    thumbnail_sha256: str


def record_snapshot(
    session: Session, case: Application, decision: Decision, now: datetime
) -> DecisionSnapshot:
    """Add the snapshot of ``decision`` in the caller's transaction (the caller commits)."""
    assert case.id is not None and decision.id is not None
    held = load_case_rows(session, case)  # noqa: F841 - the session keeps only what is held
    documents, comparison, aids = case_evidence(session, case, london(now).date())
    organisation = session.get(Organisation, case.organisation_id)
    snapshot = DecisionSnapshot(
        decision_id=decision.id,
        application_id=case.id,
        checker_id=decision.checker_id,
        images=[_image(document) for document in documents],
        facts=[
            {"label": "Name", "value": f"{case.given_name} {case.family_name}"},
            {"label": "Organisation", "value": organisation.name if organisation else ""},
            {"label": "Cohort", "value": case.cohort},
            {"label": "Attempt", "value": str(case.attempt)},
        ],
        data_rows=[_data_row(row) for row in comparison.fields],
        aids=[{"tone": str(aid.tone), "text": aid.text} for aid in aids],
        checklist=[
            {
                "key": line.key,
                "shortcut": line.shortcut,
                "text": line.text,
                "answer": bool(decision.checklist.get(line.key)),
            }
            for line in checklist_lines()
        ],
        seconds_to_decide=decision.seconds_to_decide,
        recorded_at=now,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def snapshot_of(session: Session, decision_id: int) -> DecisionSnapshot | None:
    return session.exec(
        select(DecisionSnapshot).where(DecisionSnapshot.decision_id == decision_id)
    ).first()


def recorded_images(snapshot: DecisionSnapshot) -> list[RecordedImage]:
    return [RecordedImage(**image) for image in snapshot.images]


def flagged(snapshot: DecisionSnapshot) -> bool:
    """Did an aid warn, or a name or date of birth not match, in what the checker saw?"""
    return any(aid["tone"] == "warning" for aid in snapshot.aids) or any(
        row["mismatch"] for row in snapshot.data_rows
    )


def _image(document: Document) -> dict[str, Any]:
    assert document.id is not None
    label = DocumentSummary(document.id, document.kind, document.side, document.page).label
    return {
        "document_id": document.id,
        "kind": document.kind,
        "label": label,
        "role": "selfie" if document.kind == DocumentKind.SELFIE else "document",
        "preview_sha256": document.preview_key,
        "thumbnail_sha256": document.thumbnail_key,
    }


def _data_row(row: FieldComparison) -> dict[str, Any]:
    """One row of the name and date of birth panel, in the fields the panel shows."""
    return {
        "label": row.label,
        "invited": row.invited,
        "entered": row.entered,
        "document": row.document if row.document is not None else "No MRZ",
        "entered_differs": not row.entered_matches,
        "document_differs": row.document_matches is False,
        "mismatch": row.mismatch,
        "problem": ". ".join(row.problems),
    }
