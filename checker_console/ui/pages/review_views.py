"""What the review page shows, as the small records its state holds, and how a service result
becomes them. No Reflex here: the mapping is plain Python, so it is easy to read and test."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from checker_console.clock import london, utcnow
from checker_console.domain.comparison import FieldComparison
from checker_console.domain.decisions import default_applicant_message
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.services.cases.listing import status_label
from checker_console.services.review.workspace import (
    Aid,
    EarlierAttempt,
    Tone,
    Workspace,
    WorkspaceImage,
)
from checker_console.ui.format import london_time

#: Text and shape for each kind of aid, so the list never relies on colour alone.
AID_ICONS = {Tone.OK: "✓", Tone.WARNING: "!", Tone.INFO: "i"}


@dataclasses.dataclass
class ImageView:
    key: str
    label: str
    preview_url: str
    thumbnail_url: str
    alt: str


@dataclasses.dataclass
class ComparisonRowView:
    label: str
    invited: str
    entered: str
    document: str
    entered_differs: bool
    document_differs: bool
    mismatch: bool
    problem: str


@dataclasses.dataclass
class AidView:
    tone: str
    icon: str
    text: str


@dataclasses.dataclass
class ChecklistRowView:
    key: str
    shortcut: str
    text: str


@dataclasses.dataclass
class ReasonView:
    code: str
    shortcut: str
    label: str
    checked: bool


@dataclasses.dataclass
class EarlierAttemptView:
    case_id: int
    heading: str
    outcome: str
    reasons: list[str]
    message: str
    images: list[ImageView]


@dataclasses.dataclass
class ErrorView:
    """One line of the error summary; ``target`` is the id of the field it links to."""

    field: str
    message: str
    target: str


def image_view(
    image: WorkspaceImage, *, owner: str, key: str | None = None, label: str | None = None
) -> ImageView:
    return ImageView(
        key=key or str(image.document_id),
        label=label or image.label,
        preview_url=image.preview_url,
        thumbnail_url=image.thumbnail_url,
        alt=f"{image.label} of {owner}",
    )


def comparison_row(row: FieldComparison) -> ComparisonRowView:
    return ComparisonRowView(
        label=row.label,
        invited=row.invited,
        entered=row.entered,
        document=row.document if row.document is not None else "No MRZ",
        entered_differs=not row.entered_matches,
        document_differs=row.document_matches is False,
        mismatch=row.mismatch,
        problem=". ".join(row.problems),
    )


def aid_view(aid: Aid) -> AidView:
    return AidView(tone=str(aid.tone), icon=AID_ICONS[aid.tone], text=aid.text)


def reason_views(chosen: list[str]) -> list[ReasonView]:
    return [
        ReasonView(reason.value, str(number), REASON_TEXT[reason].label, reason.value in chosen)
        for number, reason in enumerate(RejectionReason, start=1)
    ]


def default_message(chosen: list[str]) -> str:
    """The applicant's message for the chosen reasons, in the published order."""
    return default_applicant_message([r for r in RejectionReason if r.value in chosen])


#: Keys of earlier attempts' images start with this, so the page can tell them from current ones.
EARLIER_KEY_PREFIX = "earlier-"


def earlier_attempt_view(attempt: EarlierAttempt, owner: str) -> EarlierAttemptView:
    decided = london_time(attempt.decided_at) if attempt.decided_at else "not decided"
    outcome = status_label(attempt.outcome or attempt.status)
    return EarlierAttemptView(
        case_id=attempt.case_id,
        heading=f"Attempt {attempt.attempt} (case {attempt.case_id}): {outcome}, {decided}",
        outcome=outcome,
        reasons=attempt.reason_labels,
        message=attempt.applicant_message,
        images=[
            image_view(
                image,
                owner=f"{owner}, attempt {attempt.attempt}",
                key=f"{EARLIER_KEY_PREFIX}{image.document_id}",
                # Shown above the viewer too: an old image must never pass for a current one.
                label=f"Earlier attempt {attempt.attempt}: {image.label}",
            )
            for image in attempt.images
        ],
    )


#: Where each refused field's message is shown, and where the summary link takes focus.
FIELD_TARGETS = {
    "checklist": "checklist",
    "reasons": "reasons",
    "applicant_message": "applicant-message",
    "internal_note": "internal-note",
    "note": "refer-note",
    "decision": "decision-bar",
}


def error_view(field: str, message: str) -> ErrorView:
    return ErrorView(field=field, message=message, target=FIELD_TARGETS.get(field, "decision-bar"))


def lease_text(until: datetime) -> str:
    return f"Yours until {london_time(until).split(', ')[-1]}"


def case_values(workspace: Workspace) -> dict[str, Any]:
    """The review state's case variables, by name, for ``workspace``."""
    owner = workspace.full_name
    cohort = f", {workspace.cohort}" if workspace.cohort else ""
    due = london(workspace.sla_due_at)
    referral = (
        f"Referred by {workspace.referred_by_name}: {workspace.referral_note}"
        if workspace.referred_by
        else ""
    )
    return {
        "case_id": workspace.case_id,
        "heading": f"{workspace.full_name}, case {workspace.case_id}",
        "facts": f"{workspace.organisation_name}{cohort}, attempt {workspace.attempt}",
        "sla_text": f"SLA due {due.day} {due:%b %H:%M}",
        "overdue": workspace.is_overdue(utcnow()),
        "held_text": lease_text(workspace.lease_expires_at),
        "referral_text": referral,
        "documents": [image_view(image, owner=owner) for image in workspace.documents],
        "selfie": [image_view(workspace.selfie, owner=owner)] if workspace.selfie else [],
        "comparison": [comparison_row(row) for row in workspace.comparison.fields],
        "mismatch_count": len(workspace.comparison.mismatches),
        "aids": [aid_view(aid) for aid in workspace.aids],
        "face_crops": face_crop_urls(workspace),
        "earlier": [earlier_attempt_view(a, owner) for a in workspace.earlier_attempts],
        "checklist": [
            ChecklistRowView(line.key, line.shortcut, line.text) for line in workspace.checklist
        ],
    }


def face_crop_urls(workspace: Workspace) -> list[str]:
    """Photo ID's and selfie's face crop URLs ("" where no face was found); [] with no aid."""
    match = workspace.face_match
    if match is None or (match.photo_id_crop_url is None and match.selfie_crop_url is None):
        return []
    return [match.photo_id_crop_url or "", match.selfie_crop_url or ""]
