"""``GET /images/{document_id}/{variant}``: identity images, only to people allowed to see them.

The one way a browser gets an identity image. It serves the re-encoded ``preview`` or
``thumbnail`` (metadata stripped), or ``face``: the face the face-similarity aid found, cut
from the preview at a fixed scale (``services/review/face_match.py``); never the original
upload. Each request checks the HttpOnly session cookie, the role and the access rule (a lead
or QA reviewer may view any case; a checker only the case leased to them), and writes an audit
event for every view and every refusal of a signed-in user. Requests without a live session are
answered 401 and not audited: there is no one to attribute them to, and auditing them would let
anyone write to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from checker_console.adapters.blobs import BlobNotFound, get_blob_store
from checker_console.domain.roles import CHECKER, CONSOLE_ROLES
from checker_console.services.audit import append_audit
from checker_console.services.cases.overview import images_deleted_notice
from checker_console.services.identity.sessions import (
    SESSION_COOKIE,
    SignedInUser,
    may_view_case_images,
    resolve_session,
)
from checker_console.services.queue.reservations import reservation_is_held
from checker_console.services.review.face_view import face_box, face_crop
from checker_console.services.review.workspace import may_view_as_earlier_attempt
from checker_console.store.db import session_scope
from checker_console.store.models import Application, Document

VARIANTS = ("preview", "thumbnail", "face")

_PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@dataclass(frozen=True)
class _Outcome:
    status: int
    body: bytes | dict[str, Any]


def _refuse(status: int, message: str) -> _Outcome:
    return _Outcome(status, {"error": message})


def _load_image(cookie_value: str | None, document_id: int, variant: str) -> _Outcome:
    """Check, audit and read in one transaction: no bytes leave without their audit event."""
    with session_scope() as session:
        user = resolve_session(session, cookie_value)
        if user is None:
            return _refuse(401, "Sign in to view identity images; your session may have ended.")
        document = session.get(Document, document_id)
        case = session.get(Application, document.application_id) if document else None
        detail = {"document_id": document_id, "variant": variant}

        def refused(status: int, reason: str, message: str) -> _Outcome:
            append_audit(
                session,
                actor=user.user_id,
                action="image.refused",
                application_id=case.id if case else None,
                detail={**detail, "reason": reason},
            )
            return _refuse(status, message)

        if document is None or case is None:
            return refused(404, "no_such_document", "There is no image with that number.")
        if not user.has_any_role(CONSOLE_ROLES):
            return refused(403, "no_console_role", "Your account has no checker console role.")
        action = _viewing_action(session, user, case)
        if action is None:
            return refused(
                403,
                "case_not_leased_to_you",
                "This case is not leased to you: open it from your queue to view its images.",
            )
        deleted = images_deleted_notice(
            images_purged_at=case.images_purged_at, erased_at=case.erased_at
        )
        if deleted is not None:
            return refused(410, "images_deleted", f"{deleted}.")
        box = face_box(session, document_id) if variant == "face" else None
        if variant == "face" and box is None:
            return refused(404, "no_face", "No face was found on this image to show.")
        key = document.thumbnail_key if variant == "thumbnail" else document.preview_key
        try:
            data = get_blob_store().get(key)
        except BlobNotFound:
            return refused(404, "image_missing", "The image file is missing from the store.")
        if box is not None:
            data = face_crop(data, box)
        append_audit(
            session, actor=user.user_id, action=action, application_id=case.id, detail=detail
        )
        return _Outcome(200, data)


def _viewing_action(session: Session, user: SignedInUser, case: Application) -> str | None:
    """The audit action this view is, or None if the user may not see this case's images.

    A lead or QA reviewer sees any case, a checker the case leased to them and its earlier
    attempts (``image.view``), and the case they reserved as their next one (``image.prefetch``:
    their browser loads it while they finish the current case, see
    ``services/queue/reservations.py``).
    """
    if may_view_case_images(
        user, lease_holder=case.lease_holder, lease_expires_at=case.lease_expires_at
    ):
        return "image.view"
    if CHECKER not in user.roles:
        return None
    assert case.id is not None
    if reservation_is_held(session, case.id, user.user_id):
        return "image.prefetch"
    if may_view_as_earlier_attempt(session, case_id=case.id, checker_id=user.user_id):
        return "image.view"
    return None


async def image(request: Request) -> Response:
    variant = request.path_params["variant"]
    if variant not in VARIANTS:
        return JSONResponse(
            {"error": f"Ask for one of: {', '.join(VARIANTS)}."}, status_code=404, headers=_PRIVATE
        )
    outcome = await run_in_threadpool(
        _load_image,
        request.cookies.get(SESSION_COOKIE),
        request.path_params["document_id"],
        variant,
    )
    if isinstance(outcome.body, bytes):
        return Response(outcome.body, media_type="image/jpeg", headers=_PRIVATE)
    return JSONResponse(outcome.body, status_code=outcome.status, headers=_PRIVATE)


routes = [Route("/images/{document_id:int}/{variant:str}", image, methods=["GET"])]
