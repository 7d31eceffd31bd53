"""``POST /api/v1/invitations/{token}/submission``: the applicant-facing service hands us a case.

The caller is the applicant-facing service, not a browser: it authenticates with a service token
(``Authorization: Bearer <CHECKER_INTAKE_TOKEN>``). The route only reads the request; every rule
lives in ``services.intake.submissions``. It checks the cheap things first (token, invitation) so a
wrong
link costs no upload, reads the form under a size limit (``web.intake_form``), and runs the
blocking work (image decoding, database, blob store) in a worker thread.

Every refusal is ``{"error": {"field", "code", "reason", "fix"}}`` with a 4xx status; the form,
fields and errors are described at ``/api/v1/openapi.json`` (``web.openapi``).
"""

from __future__ import annotations

import hmac
import logging
import traceback
from dataclasses import asdict

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker_console.adapters.blobs import BlobStore, get_blob_store
from checker_console.clock import utcnow
from checker_console.observability.logs import log_event
from checker_console.services.intake.checks import check_invitation
from checker_console.services.intake.submissions import (
    IntakeRefused,
    SubmissionResult,
    submit_application,
)
from checker_console.settings import Settings, get_settings
from checker_console.store.db import get_engine
from checker_console.web import openapi
from checker_console.web.intake_form import (
    Submission,
    max_body_bytes,
    parse_submission,
    read_form,
)

log = logging.getLogger(__name__)
_NO_STORE = {"Cache-Control": "no-store"}


def _authorise(request: Request, settings: Settings) -> None:
    """Refuse unless the bearer token matches (compared in constant time)."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    expected = settings.intake_token.encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), expected):
        raise IntakeRefused(
            "Authorization",
            "The service token is missing or wrong.",
            401,
            code="unauthorised",
            fix="Send the header Authorization: Bearer <intake token> (CHECKER_INTAKE_TOKEN).",
        )


def _error(exc: IntakeRefused) -> JSONResponse:
    headers = dict(_NO_STORE)
    if exc.status_code == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(exc.to_json(), status_code=exc.status_code, headers=headers)


def _invitation_is_open(engine: Engine, token: str) -> None:
    with Session(engine) as session:
        check_invitation(session, token, utcnow())


def _submit(
    engine: Engine, blobs: BlobStore, token: str, submission: Submission, settings: Settings
) -> SubmissionResult:
    with Session(engine, expire_on_commit=False) as session:
        return submit_application(
            session,
            blobs,
            invitation_token=token,
            details=submission.details,
            documents=submission.documents,
            selfie=submission.selfie,
            settings=settings,
        )


async def submit(request: Request) -> JSONResponse:
    settings = get_settings()
    token: str = request.path_params["token"]
    try:
        _authorise(request, settings)
        engine = get_engine()
        await run_in_threadpool(_invitation_is_open, engine, token)
        form = await read_form(request, max_body_bytes(settings))
        try:
            submission = await parse_submission(form)
        finally:
            await form.close()
        result = await run_in_threadpool(
            _submit, engine, get_blob_store(), token, submission, settings
        )
    except IntakeRefused as exc:
        log_event(log, "intake.refused", field=exc.field, code=exc.code, status=exc.status_code)
        return _error(exc)
    except Exception as exc:
        # The message may quote the applicant's details (SQL parameters): log where, not what.
        where = traceback.extract_tb(exc.__traceback__)[-1]
        log.error("intake failed: %s at %s:%s", type(exc).__name__, where.filename, where.lineno)
        return _error(
            IntakeRefused(
                "request",
                "Something went wrong on our side; nothing was saved.",
                500,
                code="internal_error",
                fix="Try again in a few minutes.",
            )
        )
    log_event(
        log,
        "intake.accepted",
        case_id=result.application_id,
        documents=len(submission.documents),
        existing_profile_flag=result.existing_profile_flag,
    )
    return JSONResponse(asdict(result), status_code=201, headers=_NO_STORE)


routes = [
    Route(openapi.SUBMISSION_PATH, submit, methods=["POST"]),
    *openapi.routes,
]
