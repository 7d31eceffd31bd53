"""Take an applicant's submission for an invitation and open the case an ID checker reviews.

Everything is checked before anything is written, in the order an applicant would fix things:
the invitation (exists, not used, not expired), the details they typed, the list of documents,
then every image through the hostile-upload pipeline (``services.intake.images``). The first problem
raises :class:`IntakeRefused`, naming the form field, what was wrong and what to do.

Writing happens only after every image has been accepted:

1. The blobs (the kept copy, preview, thumbnail of each image) go to the content-addressed store.
2. One transaction re-checks the invitation under a lock, creates the case (submitted, then
   enqueued through ``apply_transition`` with its SLA deadline), its documents, marks the
   invitation used, flags an existing profile and appends the audit events; then commits.

A blob is shared by every case that uploaded the same bytes, so if step 2 fails we delete only
the keys that did not exist before step 1 *and* that no committed document refers to (a
concurrent submission of the very same image may have committed them meanwhile). The database
holds no lock while images are decoded, which on SQLite would stall every other writer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from checker_console.adapters.blobs import BlobStore, blob_key
from checker_console.clock import london, utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.domain.reasons import DocumentKind, DocumentSide
from checker_console.domain.working_days import add_working_days
from checker_console.services.audit import append_audit
from checker_console.services.intake.checks import (
    DocumentUpload,
    IntakeRefused,
    SubmissionDetails,
    SubmissionResult,
    UploadedFile,
    check_documents,
    check_invitation,
    clean_details,
    document_field,
)
from checker_console.services.intake.existing_profiles import ProfileLookup, find_existing_profile
from checker_console.services.intake.images import (
    ImagePolicy,
    ImageRefused,
    ProcessedImage,
    process_image,
)
from checker_console.services.lifecycle import apply_transition
from checker_console.services.queue.priority import queue_band_for
from checker_console.settings import Settings
from checker_console.store.models import Application, Document

__all__ = [
    "DocumentUpload",
    "IntakeRefused",
    "SubmissionDetails",
    "SubmissionResult",
    "UploadedFile",
    "document_field",
    "submit_application",
]

log = logging.getLogger(__name__)
INTAKE_ACTOR = "intake"


@dataclass(frozen=True)
class _Accepted:
    kind: str
    side: str
    page: int
    image: ProcessedImage
    mrz: str | None = None


def _process_all(uploads: Sequence[DocumentUpload], policy: ImagePolicy) -> list[_Accepted]:
    accepted = []
    for upload in uploads:
        try:
            image = process_image(upload.file.data, policy)
        except ImageRefused as exc:
            raise IntakeRefused(
                upload.file.field, exc.reason, exc.status_code, code=exc.code, fix=exc.fix
            ) from exc
        mrz = upload.mrz.strip().upper() if upload.mrz and upload.mrz.strip() else None
        accepted.append(_Accepted(upload.kind, upload.side, upload.page, image, mrz))
    return accepted


def _store_blobs(blobs: BlobStore, accepted: list[_Accepted], new_keys: list[str]) -> None:
    """Put every blob; ``new_keys`` collects those that were not there before (for cleanup)."""
    for item in accepted:
        image = item.image
        for data in (image.kept, image.preview, image.thumbnail):
            key = blob_key(data)
            if key in new_keys:
                continue
            if not blobs.exists(key):
                new_keys.append(key)  # before put: a put that fails half way is cleaned up too
            blobs.put(data)


def _discard_new_blobs(session: Session, blobs: BlobStore, new_keys: list[str]) -> None:
    """Delete the blobs this attempt added, unless a committed document now refers to them.

    If the database cannot be asked (it may be why we failed), the blobs are deleted anyway:
    orphaned identity images nobody can find are a worse risk than the vanishingly rare
    concurrent upload of byte-identical photos.
    """
    session.rollback()
    if not new_keys:
        return
    referenced: set[str] = set()
    try:
        rows = session.exec(
            select(Document.blob_key, Document.preview_key, Document.thumbnail_key).where(
                or_(
                    col(Document.blob_key).in_(new_keys),
                    col(Document.preview_key).in_(new_keys),
                    col(Document.thumbnail_key).in_(new_keys),
                )
            )
        ).all()
        referenced = {key for row in rows for key in row}
    except Exception:  # noqa: BLE001 - see docstring
        log.warning("could not check blob references after a failed submission", exc_info=True)
    finally:
        session.rollback()
    for key in new_keys:
        if key not in referenced:
            blobs.delete(key)


def _open_case(
    session: Session,
    *,
    invitation_token: str,
    details: SubmissionDetails,
    accepted: list[_Accepted],
    settings: Settings,
    now: datetime,
    profile_lookup: ProfileLookup,
    actor: str,
) -> SubmissionResult:
    """The one transaction that makes the case; raises ``IntakeRefused`` if we lost a race."""
    invitation = check_invitation(session, invitation_token, now, lock=True)
    existing = profile_lookup(
        session, ni_number=details.ni_number, date_of_birth=details.date_of_birth
    )
    assert invitation.id is not None
    case = Application(
        invitation_id=invitation.id,
        organisation_id=invitation.organisation_id,
        cohort=invitation.cohort,
        attempt=invitation.attempt,
        status=CaseStatus.SUBMITTED,
        given_name=details.given_name,
        family_name=details.family_name,
        date_of_birth=details.date_of_birth,
        ni_number=details.ni_number,
        email=invitation.email,
        submitted_at=now,
        sla_due_at=add_working_days(now, settings.sla_working_days),
        queue_band=queue_band_for(session, invitation.organisation_id, invitation.cohort),
        existing_profile_flag=existing is not None,
        existing_profile_uuid=existing.uuid if existing else None,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    append_audit(
        session,
        actor=actor,
        action="application.submitted",
        application_id=case.id,
        occurred_at=now,
        detail={
            "invitation_id": invitation.id,
            "documents": len(accepted),
            "existing_profile": existing is not None,
        },
    )
    for position, item in enumerate(accepted):
        image = item.image
        session.add(
            Document(
                application_id=case.id,
                position=position,
                kind=item.kind,
                side=item.side,
                page=item.page,
                content_type=image.content_type,
                blob_key=blob_key(image.kept),
                sha256=image.sha256,
                size_bytes=image.size_bytes,
                width=image.width,
                height=image.height,
                preview_key=blob_key(image.preview),
                preview_width=image.preview_width,
                preview_height=image.preview_height,
                thumbnail_key=blob_key(image.thumbnail),
                mrz_text=item.mrz,
                created_at=now,
            )
        )
    invitation.submitted_at = now
    session.add(invitation)
    apply_transition(session, case, CaseEvent.ENQUEUE, actor=actor, now=now)
    session.commit()
    return SubmissionResult(case.id, str(case.status), case.existing_profile_flag)


def submit_application(
    session: Session,
    blobs: BlobStore,
    *,
    invitation_token: str,
    details: SubmissionDetails,
    documents: Sequence[DocumentUpload],
    selfie: UploadedFile | None,
    settings: Settings,
    now: datetime | None = None,
    profile_lookup: ProfileLookup = find_existing_profile,
    actor: str = INTAKE_ACTOR,
) -> SubmissionResult:
    """Check the whole submission, then open its case; raise :class:`IntakeRefused` otherwise.

    Manages its own transactions (it must commit before it can clean up blobs): work pending
    in ``session`` when it is called is committed first. A refusal leaves no rows and no blobs.
    """
    now = now or utcnow()
    if session.in_transaction():
        session.commit()
    try:
        check_invitation(session, invitation_token, now)
    finally:
        session.rollback()  # hold no lock while the images are decoded
    clean = clean_details(details, today=london(now).date(), demo_mode=settings.demo_mode)
    check_documents(documents, selfie)
    assert selfie is not None
    uploads = [*documents, DocumentUpload(DocumentKind.SELFIE, DocumentSide.FRONT, 1, selfie)]
    accepted = _process_all(uploads, ImagePolicy.from_settings(settings))
    new_keys: list[str] = []
    try:
        _store_blobs(blobs, accepted, new_keys)
        return _open_case(
            session,
            invitation_token=invitation_token,
            details=clean,
            accepted=accepted,
            settings=settings,
            now=now,
            profile_lookup=profile_lookup,
            actor=actor,
        )
    except IntegrityError:
        # The unique invitation on ``application`` caught a submission our lock did not.
        _discard_new_blobs(session, blobs, new_keys)
        try:
            check_invitation(session, invitation_token, now)  # raises "already submitted"
        finally:
            session.rollback()
        raise
    except BaseException:
        _discard_new_blobs(session, blobs, new_keys)
        raise
