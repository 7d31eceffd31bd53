"""Everything the review workspace shows for the case a checker holds, as plain dataclasses.

One read, one transaction: the case, its images, the invitation it answers, the three-way
comparison of name and date of birth (``domain.comparison``), the system aids
(``services.review.aids``) and the applicant's earlier attempts with their decisions. The
workspace opens only for the checker who holds a live lease on the case; anyone else gets
``CaseNotLeasedToYou`` with a message saying what happened.

Images are referred to by URL only (``/images/{id}/preview|thumbnail``): the bytes go through
the image route, which checks access and audits each view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from checker_console.clock import london, utcnow
from checker_console.domain.comparison import (
    Comparison,
    PersonDetails,
    compare_details,
    details_from_mrz,
)
from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import (
    CHECKLIST_TEXT,
    PHOTO_ID_KINDS,
    REASON_TEXT,
    ChecklistItem,
    DocumentKind,
    RejectionReason,
)
from checker_console.services.cases.overview import DocumentSummary
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.queue.leases import CaseNotLeasedToYou, lock_leased_case
from checker_console.services.review.aids import (
    Aid,
    Tone,
    age_aid,
    existing_profile_aid,
    photo_id_aids,
)
from checker_console.services.review.face_view import FaceMatchView, face_match_for
from checker_console.services.unit_of_work import read_only
from checker_console.store.face_models import FaceMatch
from checker_console.store.models import Application, Decision, Document, Invitation, Organisation

__all__ = [
    "Aid",
    "CaseNotLeasedToYou",
    "ChecklistLine",
    "EarlierAttempt",
    "Tone",
    "Workspace",
    "WorkspaceImage",
    "case_evidence",
    "earlier_attempt_ids",
    "open_workspace",
]


@dataclass(frozen=True)
class WorkspaceImage:
    document_id: int
    kind: str
    label: str
    preview_url: str
    thumbnail_url: str


@dataclass(frozen=True)
class ChecklistLine:
    key: str
    #: The key that ticks it: 1 to 8.
    shortcut: str
    text: str


@dataclass(frozen=True)
class EarlierAttempt:
    """An earlier application by the same person, with what was decided and why."""

    case_id: int
    attempt: int
    status: str
    submitted_at: datetime
    decided_at: datetime | None
    outcome: str | None
    reason_labels: list[str]
    applicant_message: str
    images: list[WorkspaceImage]


@dataclass(frozen=True)
class Workspace:
    case_id: int
    status: str
    full_name: str
    organisation_name: str
    organisation_code: str
    cohort: str
    attempt: int
    submitted_at: datetime
    sla_due_at: datetime
    claimed_at: datetime | None
    lease_expires_at: datetime
    referred_by: str | None
    #: Who referred it, by the name they signed in with (the id if they never did).
    referred_by_name: str | None
    #: The referring checker's note, for whoever picks up a referral.
    referral_note: str
    #: Photo ID sides and pages, then other documents; the selfie is separate.
    documents: list[WorkspaceImage]
    selfie: WorkspaceImage | None
    comparison: Comparison
    aids: list[Aid]
    earlier_attempts: list[EarlierAttempt]
    checklist: list[ChecklistLine]
    #: The face-similarity aid with both face crops; None when off or not computed yet.
    face_match: FaceMatchView | None = None

    def is_overdue(self, now: datetime) -> bool:
        return self.sla_due_at < now


def checklist_lines() -> list[ChecklistLine]:
    return [
        ChecklistLine(item.value, str(number), CHECKLIST_TEXT[item])
        for number, item in enumerate(ChecklistItem, start=1)
    ]


def open_workspace(
    session: Session, *, case_id: int, checker_id: str, now: datetime | None = None
) -> Workspace:
    """The workspace for ``case_id``, which ``checker_id`` must hold; else CaseNotLeasedToYou."""
    now = now or utcnow()
    today = london(now).date()
    with read_only(session):
        case = lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        assert case.id is not None and case.lease_expires_at is not None
        held = load_case_rows(session, case)  # noqa: F841 - the session keeps only what is held
        documents, comparison, aids = case_evidence(session, case, today)
        organisation = session.get(Organisation, case.organisation_id)
        selfie = next((d for d in documents if d.kind == DocumentKind.SELFIE), None)
        face_match = face_match_for(session, case.id)
        aids += [face_match.aid] if face_match else []
        return Workspace(
            case_id=case.id,
            status=case.status,
            full_name=f"{case.given_name} {case.family_name}",
            organisation_name=organisation.name if organisation else "",
            organisation_code=organisation.code if organisation else "",
            cohort=case.cohort,
            attempt=case.attempt,
            submitted_at=case.submitted_at,
            sla_due_at=case.sla_due_at,
            claimed_at=case.claimed_at,
            lease_expires_at=case.lease_expires_at,
            referred_by=case.referred_by,
            referred_by_name=name_or_id(
                display_names(session, [case.referred_by]), case.referred_by
            ),
            referral_note=_referral_note(session, case),
            documents=[_image(d) for d in documents if d.kind != DocumentKind.SELFIE],
            selfie=_image(selfie) if selfie else None,
            comparison=comparison,
            aids=aids,
            earlier_attempts=_earlier_attempts(session, case),
            checklist=checklist_lines(),
            face_match=face_match,
        )


def case_evidence(
    session: Session, case: Application, today: date
) -> tuple[list[Document], Comparison, list[Aid]]:
    """The images, the three-way comparison and the aids the workspace shows for ``case``.

    The decision's QA snapshot (``services/oversight/snapshots.py``) records the same.
    """
    assert case.id is not None
    invitation = session.get(Invitation, case.invitation_id)
    documents = _documents(session, [case.id]).get(case.id, [])
    photo_id = next((d for d in documents if d.kind in _PHOTO_ID_VALUES), None)
    mrz, aids = photo_id_aids(photo_id.kind if photo_id else None, _mrz(photo_id), today)
    invited = _invited_details(invitation)
    comparison = compare_details(
        invited,
        PersonDetails(case.given_name, case.family_name, case.date_of_birth),
        details_from_mrz(mrz, today=today) if mrz is not None else None,
    )
    aids += [
        age_aid(invited.date_of_birth or case.date_of_birth, today),
        existing_profile_aid(case.existing_profile_flag, case.existing_profile_uuid),
    ]
    return documents, comparison, aids


_PHOTO_ID_VALUES = frozenset(kind.value for kind in PHOTO_ID_KINDS)


def _mrz(document: Document | None) -> str | None:
    return document.mrz_text if document is not None else None


def _invited_details(invitation: Invitation | None) -> PersonDetails:
    if invitation is None:  # cannot happen with the foreign key; say so rather than guess
        return PersonDetails(None, None, None)
    return PersonDetails(invitation.given_name, invitation.family_name, invitation.date_of_birth)


def load_case_rows(session: Session, case: Application) -> list[Any]:
    """The case's organisation, invitation and face comparison in one round trip.

    Opening a case and recording a decision's snapshot read all three by key (``session.get``,
    here and in ``case_evidence`` and ``face_match_for``), which then find them in the session
    without asking the database again, for as long as the caller holds what this returns (the
    session's identity map holds its objects weakly). Under load every round trip waits for the
    CPU twice, once in PostgreSQL and once here.
    """
    return session.exec(
        select(Organisation, Invitation, FaceMatch)
        .select_from(Organisation)
        .join(Invitation, col(Invitation.id) == case.invitation_id)
        .outerjoin(FaceMatch, col(FaceMatch.application_id) == case.id)
        .where(col(Organisation.id) == case.organisation_id)
    ).all()  # type: ignore[return-value]


def _documents(session: Session, case_ids: list[int]) -> dict[int, list[Document]]:
    found: dict[int, list[Document]] = {}
    if not case_ids:
        return found
    rows = session.exec(
        select(Document)
        .where(col(Document.application_id).in_(case_ids))
        .order_by(col(Document.application_id), col(Document.position), col(Document.id))
    ).all()
    for document in rows:
        found.setdefault(document.application_id, []).append(document)
    return found


def _image(document: Document) -> WorkspaceImage:
    assert document.id is not None
    summary = DocumentSummary(document.id, document.kind, document.side, document.page)
    return WorkspaceImage(
        document_id=document.id,
        kind=document.kind,
        label=summary.label,
        preview_url=f"/images/{document.id}/preview",
        thumbnail_url=f"/images/{document.id}/thumbnail",
    )


def _referral_note(session: Session, case: Application) -> str:
    if case.referred_by is None:
        return ""
    note = session.exec(
        select(Decision.internal_note)
        .where(Decision.application_id == case.id)
        .where(Decision.outcome == DecisionOutcome.REFERRED)
        .order_by(col(Decision.decided_at).desc())
        .limit(1)
    ).first()
    return note or ""


def earlier_attempt_ids(session: Session, case: Application) -> list[int]:
    """Earlier applications by the same person: the ``previous_application_id`` chain, and
    applications from the same invitation email at the same organisation with a lower attempt.
    Newest first."""
    found: dict[int, int] = {}  # id -> attempt
    previous = case.previous_application_id
    while previous is not None and previous not in found and previous != case.id:
        earlier = session.get(Application, previous)
        if earlier is None:
            break
        found[previous] = earlier.attempt
        previous = earlier.previous_application_id
    same_person = session.exec(
        select(Application.id, Application.attempt)
        .where(Application.organisation_id == case.organisation_id)
        .where(col(Application.id) != case.id)
        .where(or_(col(Application.attempt) < case.attempt, col(Application.id) < case.id))
        .where(Application.email == case.email)
    ).all()
    for case_id, attempt in same_person:
        if case_id is not None:
            found.setdefault(case_id, attempt)
    return sorted(found, key=lambda i: (found[i], i), reverse=True)


def _earlier_attempts(session: Session, case: Application) -> list[EarlierAttempt]:
    ids = earlier_attempt_ids(session, case)
    if not ids:
        return []
    cases = {c.id: c for c in session.exec(select(Application).where(col(Application.id).in_(ids)))}
    decisions: dict[int, Decision] = {}
    for decision in session.exec(
        select(Decision)
        .where(col(Decision.application_id).in_(ids))
        .order_by(col(Decision.decided_at))
    ).all():
        decisions[decision.application_id] = decision  # the latest wins
    documents = _documents(session, ids)
    attempts = []
    for case_id in ids:
        earlier = cases[case_id]
        latest = decisions.get(case_id)
        attempts.append(
            EarlierAttempt(
                case_id=case_id,
                attempt=earlier.attempt,
                status=earlier.status,
                submitted_at=earlier.submitted_at,
                decided_at=latest.decided_at if latest else None,
                outcome=latest.outcome if latest else None,
                reason_labels=[_reason_label(code) for code in (latest.reasons if latest else [])],
                applicant_message=latest.applicant_message if latest else "",
                images=[_image(d) for d in documents.get(case_id, [])],
            )
        )
    return attempts


def _reason_label(code: str) -> str:
    try:
        return REASON_TEXT[RejectionReason(code)].label
    except ValueError:
        return code


def may_view_as_earlier_attempt(
    session: Session, *, case_id: int, checker_id: str, now: datetime | None = None
) -> bool:
    """Whether ``case_id`` is an earlier attempt of the case ``checker_id`` holds now.

    The image route asks this: a checker sees an earlier attempt's images beside the case they
    hold, and no others.
    """
    now = now or utcnow()
    with read_only(session):
        held = session.exec(
            select(Application)
            .where(Application.lease_holder == checker_id)
            .where(Application.status == CaseStatus.IN_REVIEW)
            .where(col(Application.lease_expires_at) > now)
        ).first()
        return held is not None and case_id in earlier_attempt_ids(session, held)
