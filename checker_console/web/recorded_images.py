"""``GET /qa/images/{sample_id}/{sha256}``: the image bytes a checker saw, for QA's replay.

Images are asked for by the SHA-256 recorded in the decision's snapshot
(``services/oversight/snapshots.py``), so QA sees the very bytes the checker was served even if
the case's documents have changed since. The same rules as ``/images`` apply: the HttpOnly
session cookie, a QA reviewer's or team lead's role, never the checker who made the decision,
an audit event for every view and refusal, and ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from checker_console.adapters.blobs import BlobNotFound, blob_key, get_blob_store
from checker_console.domain.roles import LEAD, QA
from checker_console.services.audit import append_audit
from checker_console.services.cases.overview import images_deleted_notice
from checker_console.services.identity.sessions import SESSION_COOKIE, resolve_session
from checker_console.services.oversight.replay import replay_allowed
from checker_console.store.db import session_scope
from checker_console.store.models import Application

_PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def _load(cookie_value: str | None, sample_id: int, sha256: str) -> tuple[int, bytes | str]:
    with session_scope() as session:
        user = resolve_session(session, cookie_value)
        if user is None:
            return 401, "Sign in to view identity images; your session may have ended."
        detail = {"sample_id": sample_id, "sha256": sha256[:64]}

        def refused(status: int, reason: str, message: str) -> tuple[int, str]:
            append_audit(
                session,
                actor=user.user_id,
                action="image.refused",
                detail={**detail, "reason": reason},
            )
            return status, message

        if not user.has_any_role((QA, LEAD)):
            return refused(403, "not_qa", "Only QA reviewers and team leads replay cases.")
        case_id = replay_allowed(
            session, sample_id=sample_id, sha256=sha256, viewer_id=user.user_id
        )
        if case_id is None:
            return refused(
                404,
                "not_in_replay",
                "That image is not part of this replay, or you made this decision.",
            )
        case = session.get(Application, case_id)
        deleted = case and images_deleted_notice(
            images_purged_at=case.images_purged_at, erased_at=case.erased_at
        )
        if deleted:
            return refused(410, "images_deleted", f"{deleted}.")
        try:
            data = get_blob_store().get(sha256)
        except BlobNotFound:
            return refused(404, "image_missing", "The recorded image is missing from the store.")
        if blob_key(data) != sha256:
            return refused(500, "image_changed", "The stored image does not match its record.")
        append_audit(
            session,
            actor=user.user_id,
            action="image.replay_view",
            application_id=case_id,
            detail=detail,
        )
        return 200, data


async def recorded_image(request: Request) -> Response:
    status, body = await run_in_threadpool(
        _load,
        request.cookies.get(SESSION_COOKIE),
        request.path_params["sample_id"],
        request.path_params["sha256"],
    )
    if isinstance(body, bytes):
        return Response(body, media_type="image/jpeg", headers=_PRIVATE)
    return JSONResponse({"error": body}, status_code=status, headers=_PRIVATE)


routes = [Route("/qa/images/{sample_id:int}/{sha256:str}", recorded_image, methods=["GET"])]
