"""A stand-in for Care Identity Management (CIM): creates CIS profiles and issues 12-digit UUIDs.

It speaks the HTTP our CIM client (``adapters/cim.py``) speaks, so the same client and the
same worker run against it in the demo and in tests:

- ``POST /api/v1/profiles`` with ``Authorization: Bearer <api key>`` and ``Idempotency-Key``:
  201 and the new profile; 200 and the same profile (``Idempotent-Replayed: true``) for a key it
  has seen; 409 ``duplicate_person`` with ``existing_uuid`` for a second person with the same NI
  number and date of birth; 422 with CIM's reason when the request is not acceptable.
- ``GET /api/v1/profiles/{uuid}`` and ``.../photo``: what was created.
- ``GET|PUT /admin/faults``, ``GET /admin/stats``, ``GET /admin/profiles``: for tests and the demo.
  The admin routes have no authentication: run the stand-in on 127.0.0.1 only.

Faults (latency, 500/503, timeouts, dropped connections, "created but the response was lost")
apply to profile creation only, through ``standins.faults``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import re
from datetime import date
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from checker_console.standins.cim_store import (
    CimStore,
    DuplicatePerson,
    IdempotencyKeyReused,
    NewProfile,
    Profile,
)
from checker_console.standins.faults import (
    FaultInjector,
    FaultMiddleware,
    admin_faults_route,
)

PROFILES_PATH = "/api/v1/profiles"
NI_NUMBER = re.compile(r"^[A-Z]{2}[0-9]{6}[A-D]$")
MAX_PHOTO_BYTES = 5 * 1024 * 1024


class Refusal(Exception):
    """A request CIM will not accept, with the reason it gives."""


def _problem(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **extra}, status_code=status)


def _text(body: dict[str, Any], name: str, limit: int = 200) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Refusal(f"{name} is required")
    if len(value) > limit:
        raise Refusal(f"{name} is longer than {limit} characters")
    return value.strip()


def parse_new_profile(body: Any) -> NewProfile:
    """Check a create request the way CIM would; raise Refusal with CIM's reason."""
    if not isinstance(body, dict):
        raise Refusal("the request body must be a JSON object")
    ni_number = _text(body, "ni_number", 16).replace(" ", "").upper()
    if not NI_NUMBER.match(ni_number):
        raise Refusal(
            f"ni_number {ni_number!r} is not a National Insurance number "
            "(two letters, six digits, then A, B, C or D)"
        )
    raw_dob = _text(body, "date_of_birth", 10)
    try:
        dob = date.fromisoformat(raw_dob)
    except ValueError as exc:
        raise Refusal(f"date_of_birth {raw_dob!r} is not a date (YYYY-MM-DD)") from exc
    if not date(1900, 1, 1) <= dob < date.today():
        raise Refusal(f"date_of_birth {raw_dob} must be in the past and after 1900")
    email = _text(body, "email", 254)
    if "@" not in email or "." not in email.rsplit("@", 1)[-1]:
        raise Refusal(f"email {email!r} is not an email address")
    return NewProfile(
        given_name=_text(body, "given_name", 100),
        family_name=_text(body, "family_name", 100),
        date_of_birth=dob.isoformat(),
        email=email,
        ni_number=ni_number,
        verified_by=_text(body, "verified_by", 64),
        organisation_code=_text(body, "organisation_code", 16),
        photo=_photo(body.get("photo_jpeg_base64")),
    )


def _photo(encoded: Any) -> bytes:
    if not isinstance(encoded, str) or not encoded:
        raise Refusal("photo_jpeg_base64 is required: the smartcard photo, a base64 JPEG")
    try:
        photo = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refusal("photo_jpeg_base64 is not valid base64") from exc
    if not photo.startswith(b"\xff\xd8\xff"):
        raise Refusal("the photo is not a JPEG")
    if len(photo) > MAX_PHOTO_BYTES:
        raise Refusal(f"the photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    return photo


def create_app(
    store: CimStore, *, api_key: str, faults: FaultInjector | None = None
) -> FaultMiddleware:
    injector = faults or FaultInjector()

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {api_key}".encode())

    async def create_profile(request: Request) -> Response:
        if not authorised(request):
            return _problem(401, "unauthorised", "Send Authorization: Bearer <CIM API key>.")
        key = request.headers.get("idempotency-key", "").strip()
        if not key or len(key) > 200:
            return _problem(400, "idempotency_key_required", "Send an Idempotency-Key header.")
        try:
            new = parse_new_profile(await request.json())
        except ValueError:
            return _problem(400, "bad_json", "The request body is not JSON.")
        except Refusal as refusal:
            return _problem(422, "validation_failed", str(refusal))
        try:
            created = await run_in_threadpool(store.create_profile, key, new)
        except DuplicatePerson as dup:
            return _problem(
                409,
                "duplicate_person",
                "A CIS profile already exists for this NI number and date of birth.",
                existing_uuid=dup.existing_uuid,
            )
        except IdempotencyKeyReused:
            return _problem(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different person; use one key per person.",
            )
        status, headers = (200, {"Idempotent-Replayed": "true"}) if created.replayed else (201, {})
        return JSONResponse(created.profile.public(), status_code=status, headers=headers)

    async def get_profile(request: Request) -> Response:
        if not authorised(request):
            return _problem(401, "unauthorised", "Send Authorization: Bearer <CIM API key>.")
        profile = await run_in_threadpool(store.get, request.path_params["uuid"])
        if profile is None:
            return _problem(404, "not_found", "No profile has that UUID.")
        return JSONResponse(profile.public())

    async def get_photo(request: Request) -> Response:
        if not authorised(request):
            return _problem(401, "unauthorised", "Send Authorization: Bearer <CIM API key>.")
        photo = await run_in_threadpool(store.photo, request.path_params["uuid"])
        if photo is None:
            return _problem(404, "not_found", "No profile has that UUID.")
        return Response(photo, media_type="image/jpeg", headers={"Cache-Control": "no-store"})

    async def stats(request: Request) -> Response:
        counts = await run_in_threadpool(store.stats)
        return JSONResponse({**counts, "faults": dict(injector.counts)})

    async def list_profiles(request: Request) -> Response:
        profiles = await run_in_threadpool(store.profiles)
        return JSONResponse([p.public() for p in profiles])

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "cim-standin"})

    async def home(request: Request) -> Response:
        """What the stand-in holds: every CIS profile it created, newest first."""
        profiles = await run_in_threadpool(store.profiles)
        return HTMLResponse(render_profiles(list(reversed(profiles))))

    app = Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route(PROFILES_PATH, create_profile, methods=["POST"]),
            Route(PROFILES_PATH + "/{uuid}", get_profile, methods=["GET"]),
            Route(PROFILES_PATH + "/{uuid}/photo", get_photo, methods=["GET"]),
            admin_faults_route(injector),
            Route("/admin/stats", stats, methods=["GET"]),
            Route("/admin/profiles", list_profiles, methods=["GET"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
    return FaultMiddleware(
        app, injector, lambda method, path: method == "POST" and path == PROFILES_PATH
    )


def render_profiles(profiles: list[Profile]) -> str:
    """The stand-in's root page: a table of the profiles it holds (synthetic people only)."""
    rows = "".join(
        "<tr><td>{uuid}</td><td>{name}</td><td>{born}</td><td>{org}</td><td>{at}</td></tr>".format(
            uuid=html.escape(p.uuid),
            name=html.escape(f"{p.given_name} {p.family_name}"),
            born=html.escape(p.date_of_birth),
            org=html.escape(p.organisation_code),
            at=html.escape(p.created_at[:19].replace("T", " ")),
        )
        for p in profiles
    )
    count = f"{len(profiles)} profile" + ("" if len(profiles) == 1 else "s")
    table = (
        "<table><caption>Profiles created, newest first (times in UTC)</caption><thead><tr>"
        "<th scope='col'>UUID</th><th scope='col'>Name</th><th scope='col'>Date of birth</th>"
        "<th scope='col'>Organisation</th><th scope='col'>Created</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        if profiles
        else "<p>No profiles have been created yet. Approve a case in the console.</p>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='refresh' content='5'><title>CIM stand-in: profiles</title><style>"
        "body{font-family:Arial,sans-serif;margin:0}h1{background:#005eb8;color:#fff;margin:0;"
        "padding:16px 24px;font-size:24px}main{padding:16px 24px}table{border-collapse:collapse}"
        "th,td{text-align:left;padding:4px 12px 4px 0;border-bottom:1px solid #d8dde0}"
        "caption{text-align:left;font-weight:bold;padding-bottom:8px}</style></head><body>"
        f"<h1>CIM stand-in: profiles ({count})</h1><main>{table}"
        "<p>JSON for scripts: <a href='/admin/profiles'>/admin/profiles</a></p></main>"
        "</body></html>"
    )
