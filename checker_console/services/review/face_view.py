"""The face-similarity aid as the workspace shows it: the stored comparison, read only.

Nothing here detects or compares faces (that happened once, in the background, in
``face_match.py``). ``face_match_for`` turns the stored row into the aid's sentence and the
URLs of the two face crops; ``face_crop`` cuts a crop from a preview for the image route, each
scaled so the face is the same width: the two faces side by side at one scale.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from sqlmodel import Session, select

from checker_console.domain.face_similarity import Band, Problem, aid_text
from checker_console.services.review.aids import Aid, Tone
from checker_console.settings import get_settings
from checker_console.store.face_models import FaceMatch

#: Side of the square face crop the workspace shows; the face fills about half of it.
CROP_PX = 240
_FACE_SHARE_OF_CROP = 0.5


@dataclass(frozen=True)
class FaceMatchView:
    """The stored comparison as the workspace shows it."""

    band: str
    distance: float | None
    aid: Aid
    photo_id_crop_url: str | None
    selfie_crop_url: str | None
    model_version: str


_TONES = {
    Band.HIGH: Tone.INFO,
    Band.MEDIUM: Tone.WARNING,
    Band.LOW: Tone.WARNING,
    Band.TOO_POOR: Tone.WARNING,
    Band.COULD_NOT_COMPARE: Tone.WARNING,
}


#: What the workspace says when the background comparer has not reached this case yet.
NOT_YET = (
    "Aid: face similarity has not been worked out for this case yet. Compare the faces yourself."
)


def face_match_for(session: Session, application_id: int) -> FaceMatchView | None:
    """The stored comparison for the workspace (or a "not yet" aid); None when the aid is off."""
    if not get_settings().face_match:
        return None
    row = session.get(FaceMatch, application_id)
    if row is None:
        return FaceMatchView("pending", None, Aid(Tone.INFO, NOT_YET), None, None, "")
    band = Band(row.band)
    text = aid_text(
        band,
        distance=row.distance,
        problem=Problem(row.problem) if row.problem else None,
        where=row.problem_picture,
    )
    return FaceMatchView(
        band=row.band,
        distance=row.distance,
        aid=Aid(_TONES[band], text),
        photo_id_crop_url=_crop_url(row.photo_id_document_id, row.photo_id_box),
        selfie_crop_url=_crop_url(row.selfie_document_id, row.selfie_box),
        model_version=row.model_version,
    )


def _crop_url(document_id: int | None, box: list[int] | None) -> str | None:
    return f"/images/{document_id}/face" if document_id is not None and box else None


def face_box(session: Session, document_id: int) -> list[int] | None:
    """The stored face box on this document, if a comparison found one there."""
    row = session.exec(
        select(FaceMatch).where(
            (FaceMatch.photo_id_document_id == document_id)
            | (FaceMatch.selfie_document_id == document_id)
        )
    ).first()
    if row is None:
        return None
    return row.photo_id_box if row.photo_id_document_id == document_id else row.selfie_box


def face_crop(preview: bytes, box: list[int]) -> bytes:
    """A square JPEG of the face in ``box``, scaled so the face is half the crop's width.

    Every crop has the face at the same width, so two crops side by side are at one scale.
    """
    left, top, right, bottom = box
    side = max(right - left, bottom - top) / _FACE_SHARE_OF_CROP
    cx, cy = (left + right) / 2, (top + bottom) / 2
    area = (round(cx - side / 2), round(cy - side / 2), round(cx + side / 2), round(cy + side / 2))
    with Image.open(io.BytesIO(preview)) as image:
        crop = image.convert("RGB").crop(area).resize((CROP_PX, CROP_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    crop.save(out, "JPEG", quality=88)
    return out.getvalue()
