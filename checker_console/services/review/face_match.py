"""The face-similarity aid: the photo ID's portrait against the selfie, computed once.

Computed in the background (``compute_pending``, a job of the app or the worker), never while a
checker waits: the workspace only reads the stored row. Each comparison keeps the distance and
its band (``domain.face_similarity``), or why the faces could not be compared, with both face
boxes, the quality measures and the model version. The descriptors are not kept.

The pictures are the previews intake made (metadata already stripped); nothing leaves the
deployment. Reading the stored result, and the face crops the workspace shows, is
``face_view.py``.

Biometric processing needs a DPIA: ``CHECKER_FACE_MATCH=0`` turns all of this off, and the
workspace then shows no face aid at all.
"""

from __future__ import annotations

import io
import logging
import time

from PIL import Image
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from checker_console.adapters.blobs import BlobNotFound, BlobStore, get_blob_store
from checker_console.adapters.faces import (
    MODEL_VERSION,
    Face,
    FaceEngine,
    Picture,
    distance,
)
from checker_console.domain.face_similarity import (
    Band,
    FaceQuality,
    Problem,
    band_for,
    problem_with,
)
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import PHOTO_ID_KINDS, DocumentKind
from checker_console.services.review.face_process import compare_in_face_process
from checker_console.store.db import session_scope
from checker_console.store.face_models import FaceMatch
from checker_console.store.models import Application, Document

log = logging.getLogger(__name__)

#: Cases worth comparing: not yet decided.
OPEN_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.QUEUED,
    CaseStatus.IN_REVIEW,
    CaseStatus.REFERRED,
)
#: Problems that are about picture quality ("too poor to compare"), not a missing face.
_QUALITY_PROBLEMS = {Problem.BLURRED, Problem.TOO_SMALL}
_PHOTO_ID_VALUES = frozenset(kind.value for kind in PHOTO_ID_KINDS)


def pictures_for(session: Session, application_id: int) -> tuple[Document | None, Document | None]:
    """The photo ID's front (or data page) and the selfie: the two pictures compared."""
    documents = session.exec(
        select(Document)
        .where(Document.application_id == application_id)
        .order_by(col(Document.position), col(Document.id))
    ).all()
    photo_id = next(
        (d for d in documents if d.kind in _PHOTO_ID_VALUES and d.side in ("front", "page")),
        next((d for d in documents if d.kind in _PHOTO_ID_VALUES), None),
    )
    selfie = next((d for d in documents if d.kind == DocumentKind.SELFIE), None)
    return photo_id, selfie


def _quality(faces: list[Face], *, present: bool) -> FaceQuality:
    main = faces[0] if faces else None
    return FaceQuality(
        faces=len(faces),
        width_px=main.box.width if main else None,
        sharpness=main.sharpness if main else None,
        cut_off=main.cut_off if main else False,
        second_width_px=faces[1].box.width if len(faces) > 1 else None,
        image_present=present,
    )


def _faces_in(
    document: Document | None, picture: Picture, engine: FaceEngine, blobs: BlobStore
) -> list[Face] | None:
    """Faces on the document's preview, largest first; None when there is no picture to read."""
    if document is None:
        return None
    try:
        data = blobs.get(document.preview_key)
        with Image.open(io.BytesIO(data)) as image:
            return engine.faces(image, picture)
    except (BlobNotFound, OSError):  # missing, or not a picture Pillow can read
        log.warning("no readable preview for document %s", document.id)
        return None


def compare_faces(
    application_id: int,
    photo_id: Document | None,
    selfie: Document | None,
    *,
    engine: FaceEngine,
    blobs: BlobStore | None = None,
) -> FaceMatch:
    """Detect, judge quality and compare: the row to store (not yet added to any session)."""
    started = time.perf_counter()
    blobs = blobs or get_blob_store()
    id_faces = _faces_in(photo_id, Picture.PHOTO_ID, engine, blobs)
    selfie_faces = _faces_in(selfie, Picture.SELFIE, engine, blobs)
    checks = (
        (
            Picture.PHOTO_ID,
            problem_with(_quality(id_faces or [], present=id_faces is not None), selfie=False),
        ),
        (
            Picture.SELFIE,
            problem_with(
                _quality(selfie_faces or [], present=selfie_faces is not None), selfie=True
            ),
        ),
    )
    where, problem = next(((p, problem) for p, problem in checks if problem), (None, None))
    value: float | None = None
    if problem is None and id_faces and selfie_faces:
        value = round(distance(id_faces[0].descriptor, selfie_faces[0].descriptor), 4)
        band = band_for(value)
    elif problem in _QUALITY_PROBLEMS:
        band = Band.TOO_POOR
    else:
        band = Band.COULD_NOT_COMPARE
    id_main = id_faces[0] if id_faces else None
    selfie_main = selfie_faces[0] if selfie_faces else None
    return FaceMatch(
        application_id=application_id,
        band=band.value,
        distance=value,
        problem=problem.value if problem else None,
        problem_picture=where.value if where else None,
        photo_id_document_id=photo_id.id if photo_id else None,
        selfie_document_id=selfie.id if selfie else None,
        photo_id_box=id_main.box.as_list() if id_main else None,
        selfie_box=selfie_main.box.as_list() if selfie_main else None,
        photo_id_sharpness=id_main.sharpness if id_main else None,
        selfie_sharpness=selfie_main.sharpness if selfie_main else None,
        photo_id_faces=len(id_faces or []),
        selfie_faces=len(selfie_faces or []),
        model_version=MODEL_VERSION,
        compute_ms=round((time.perf_counter() - started) * 1000, 1),
    )


def compute_face_match(
    application_id: int,
    *,
    engine: FaceEngine | None = None,
    db: Engine | None = None,
    blobs: BlobStore | None = None,
) -> FaceMatch:
    """Compare one application's faces and store the result (once: a stored one is kept).

    The database is touched only briefly, before and after: detection runs with no
    transaction open, so it never holds up claims or decisions. Without an ``engine`` it runs
    in the face process (``face_process.py``), so it never holds this process's GIL either.
    """
    with session_scope(db) as session:
        stored = session.get(FaceMatch, application_id)
        if stored is not None:
            return stored
        photo_id, selfie = pictures_for(session, application_id)
    if engine is None:
        row = compare_in_face_process(application_id, photo_id, selfie, blobs=blobs)
    else:
        row = compare_faces(application_id, photo_id, selfie, engine=engine, blobs=blobs)
    try:
        with session_scope(db) as session:
            session.add(row)
    except IntegrityError:  # another worker stored it first: theirs stands
        with session_scope(db) as session:
            stored = session.get(FaceMatch, application_id)
            assert stored is not None
            return stored
    return row


def pending_face_matches(session: Session, *, limit: int = 20) -> list[int]:
    """Open applications with no comparison yet, the earliest submitted first."""
    rows = session.exec(
        select(Application.id)
        .where(col(Application.status).in_([s.value for s in OPEN_STATUSES]))
        .where(
            ~select(FaceMatch.application_id)
            .where(FaceMatch.application_id == Application.id)
            .exists()
        )
        .order_by(col(Application.submitted_at), col(Application.id))
        .limit(limit)
    ).all()
    return [case_id for case_id in rows if case_id is not None]


def compute_pending(
    *,
    limit: int = 20,
    engine: FaceEngine | None = None,
    db: Engine | None = None,
    blobs: BlobStore | None = None,
) -> int:
    """Compare up to ``limit`` waiting applications; how many were compared."""
    with session_scope(db) as session:
        waiting = pending_face_matches(session, limit=limit)
    for case_id in waiting:
        compute_face_match(case_id, engine=engine, db=db, blobs=blobs)
    return len(waiting)
