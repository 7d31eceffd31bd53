"""What intake keeps of an upload: full resolution, no metadata, no GPS position anywhere."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from PIL import ExifTags, Image
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.services.intake.clean_copy import clean_copy
from checker_console.services.intake.submissions import (
    DocumentUpload,
    SubmissionDetails,
    UploadedFile,
    submit_application,
)
from checker_console.settings import load_settings
from checker_console.store.models import Document
from tests.factories import make_invitation
from tests.support.images import (
    SECRET,
    heic_photo,
    metadata_in_jpeg,
    phone_jpeg,
    png_with_text,
    webp_photo,
)

GPS_MARKERS = (b"Pixelcraft", b"PX-7 Pro", SECRET.encode(), b"Someone Private", b"Taken at home")


def _pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB").tobytes()


def _gps(data: bytes) -> dict[int, object]:
    with Image.open(io.BytesIO(data)) as img:
        return dict(img.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def test_a_phone_jpeg_keeps_every_pixel_and_its_orientation_but_loses_gps_and_comments() -> None:
    original = phone_jpeg((800, 600), orientation=6)
    assert _gps(original)  # the phone wrote where it was

    kept = clean_copy(original, "jpeg", orientation=6)

    assert _pixels(kept) == _pixels(original)  # not re-encoded: not one pixel changed
    assert _gps(kept) == {}
    with Image.open(io.BytesIO(kept)) as img:
        assert dict(img.getexif()) == {ExifTags.Base.Orientation: 6}  # still shown upright
    assert not any(marker in kept for marker in GPS_MARKERS)
    assert "COM" not in metadata_in_jpeg(kept)


def test_a_png_loses_its_text_and_exif_chunks_and_keeps_its_pixels() -> None:
    original = png_with_text((300, 200))
    kept = clean_copy(original, "png")
    assert _pixels(kept) == _pixels(original)
    assert _gps(kept) == {} and not any(marker in kept for marker in GPS_MARKERS)


def test_webp_and_heic_are_kept_upright_at_full_size_without_metadata() -> None:
    for fmt, original in (("webp", webp_photo((300, 400))), ("heic", heic_photo((400, 300)))):
        kept = clean_copy(original, fmt)
        with Image.open(io.BytesIO(kept)) as img, Image.open(io.BytesIO(original)) as source:
            assert img.size == source.size
            assert dict(img.getexif()) == {}
        assert not any(marker in kept for marker in GPS_MARKERS)


def _submit(session: Session, blobs: LocalBlobStore, *, keep_original: bool) -> list[Document]:
    invitation = make_invitation(session)
    session.commit()
    settings = replace(load_settings(), keep_original_metadata=keep_original)
    passport = phone_jpeg((800, 600), orientation=6)
    letter = png_with_text((600, 800))

    def upload(field: str, data: bytes) -> UploadedFile:
        return UploadedFile(field=field, filename="photo", content_type="image/jpeg", data=data)

    submit_application(
        session,
        blobs,
        invitation_token=invitation.token,
        settings=settings,
        details=SubmissionDetails("Florence", "Nightingale", date(2001, 5, 12), "QQ123456C"),
        documents=[
            DocumentUpload("passport", "page", 1, upload("documents[0][file]", passport)),
            DocumentUpload("proof_of_address", "front", 1, upload("documents[1][file]", letter)),
        ],
        selfie=upload("selfie", phone_jpeg((300, 400))),
    )
    return list(session.exec(select(Document).order_by(Document.position)).all())


def test_after_intake_no_stored_file_carries_the_uploads_gps_position(
    session: Session, blobs: LocalBlobStore
) -> None:
    documents = _submit(session, blobs, keep_original=False)

    stored = [path.read_bytes() for path in blobs.root.rglob("*") if path.is_file()]
    assert len(stored) == 3 * len(documents)  # kept copy, preview, thumbnail of each
    for data in stored:
        assert not any(marker in data for marker in GPS_MARKERS)
        assert _gps(data) == {}
    passport = blobs.get(documents[0].blob_key)
    with Image.open(io.BytesIO(passport)) as img:
        assert img.size == (800, 600)  # full resolution, as stored by the phone


def test_a_deployment_that_asks_for_originals_keeps_them_byte_for_byte(
    session: Session, blobs: LocalBlobStore
) -> None:
    documents = _submit(session, blobs, keep_original=True)
    assert _gps(blobs.get(documents[0].blob_key))  # the setting's whole point, and its risk
