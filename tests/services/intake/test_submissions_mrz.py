"""The optional MRZ an applicant's app may send with a document: stored for the checker's
comparison panel, refused only when it cannot possibly be an MRZ."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.services.intake.submissions import (
    DocumentUpload,
    IntakeRefused,
    SubmissionDetails,
    UploadedFile,
    submit_application,
)
from checker_console.settings import load_settings
from checker_console.store.models import Document
from tests.factories import make_invitation
from tests.support.images import phone_jpeg

MRZ = "P<GBRNIGHTINGALE<<FLORENCE<<<<<<<<<<<<<<<<<<<\n5334013720GBR0105120F3001012<<<<<<<<<<<<<<00"


def _submit(session: Session, blobs: LocalBlobStore, mrz: str | None) -> int:
    invitation = make_invitation(session)
    session.commit()
    photo = phone_jpeg((400, 300))

    def upload(field: str) -> UploadedFile:
        return UploadedFile(field, "photo.jpg", "image/jpeg", photo)

    result = submit_application(
        session,
        blobs,
        invitation_token=invitation.token,
        details=SubmissionDetails("Florence", "Nightingale", invitation.date_of_birth, "QQ123456C"),
        documents=[DocumentUpload("passport", "page", 1, upload("documents[0][file]"), mrz)],
        selfie=upload("selfie"),
        settings=replace(load_settings(), max_upload_bytes=2_000_000),
    )
    return result.application_id


def test_an_mrz_sent_with_the_passport_is_kept_with_that_document(
    session: Session, blobs: LocalBlobStore
) -> None:
    case_id = _submit(session, blobs, MRZ.lower() + "\n")

    documents = session.exec(select(Document).where(Document.application_id == case_id)).all()

    by_kind = {d.kind: d.mrz_text for d in documents}
    assert by_kind == {"passport": MRZ, "selfie": None}


def test_text_that_cannot_be_an_mrz_is_refused_naming_the_field(
    session: Session, blobs: LocalBlobStore
) -> None:
    with pytest.raises(IntakeRefused) as refused:
        _submit(session, blobs, "P<GBR<script>")

    assert (refused.value.field, refused.value.code) == ("documents[0][mrz]", "invalid_mrz")
    assert "A-Z, 0-9 and <" in refused.value.fix
