"""A stand-in for GOV.UK Notify, so the official notifications-python-client runs unchanged.

Implements the parts of Notify's v2 API the console uses: ``POST /v2/notifications/email`` (JWT
checked exactly as Notify does: HS256 signed with the API key's secret, ``iss`` the service id,
``iat`` within 30 seconds), ``GET /v2/notifications?reference=...`` and
``GET /v2/notifications/{id}``. Templates use Notify's ``((placeholder))`` syntax and a missing
placeholder is refused with 400, as Notify does.

Like Notify, it does **not** de-duplicate by ``reference``: sending twice delivers twice. That is
what lets the exactly-once test catch a worker that sends an email twice. ``GET /mailbox`` is the
demo's inbox (HTML); ``GET /mailbox.json`` lists every email sent, for tests.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from checker_console.settings import Settings
from checker_console.standins.faults import (
    FaultInjector,
    FaultMiddleware,
    admin_faults_route,
)

FROM_EMAIL = "apply.for.care.id@notifications.service.gov.uk"
PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    subject: str
    body: str

    def render(self, personalisation: dict[str, Any]) -> tuple[str, str]:
        needed = set(PLACEHOLDER.findall(self.subject + self.body))
        missing = sorted(needed - set(personalisation))
        if missing:
            raise ValueError(f"Missing personalisation: {', '.join(missing)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), text)

        return fill(self.subject), fill(self.body)


def demo_templates(settings: Settings) -> dict[str, Template]:
    """The service's templates, under the ids the console is configured to use."""
    templates = [
        Template(
            settings.notify_template_profile_created,
            "Profile created",
            "Your NHS Care Identity profile is ready",
            "Dear ((given_name)),\n\nYour identity has been checked and your NHS Care Identity "
            "Service profile has been created.\n\nYour UUID is: ((uuid))\n\nKeep this number. "
            "The Registration Authority at ((organisation_name)) will use it to issue your "
            "smartcard.",
        ),
        Template(
            settings.notify_template_rejected,
            "Application rejected",
            "We could not verify your identity",
            "Dear ((given_name)),\n\nWe could not verify your identity from what you sent:\n\n"
            "((reasons))\n\nWhat to do next:\n\n((how_to_fix))\n\nThe Registration Authority at "
            "((organisation_name)) will send you a new invitation. Use it to apply again.",
        ),
        Template(
            settings.notify_template_ra_reinvite,
            "RA: send a new invitation",
            "Send a new invitation to ((applicant_name))",
            "We could not verify the identity of ((applicant_name)) (cohort ((cohort)), "
            "case ((case_reference))):\n\n((reasons))\n\nThey need a new invitation to apply "
            "again. Send one from Apply for Care ID.",
        ),
    ]
    return {t.id: t for t in templates}


class Mailbox:
    """Every email the stand-in accepted, in a SQLite file (or in memory)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS email (id TEXT PRIMARY KEY, reference TEXT, "
            "email_address TEXT, template_id TEXT, subject TEXT, body TEXT, created_at TEXT)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS ix_email_reference ON email (reference)")
        self._lock = threading.Lock()

    def add(self, **email: str | None) -> dict[str, Any]:
        row = {"id": str(uuid.uuid4()), "created_at": datetime.now(UTC).isoformat(), **email}
        with self._lock:
            self._db.execute(
                "INSERT INTO email (id, reference, email_address, template_id, subject, body, "
                "created_at) VALUES (:id, :reference, :email_address, :template_id, :subject, "
                ":body, :created_at)",
                row,
            )
        return row

    def find(self, *, reference: str | None = None, email_id: str | None = None) -> list[dict]:
        where, args = "1 = 1", []
        if reference is not None:
            where, args = "reference = ?", [reference]
        if email_id is not None:
            where, args = "id = ?", [email_id]
        with self._lock:
            cursor = self._db.execute(
                "SELECT id, reference, email_address, template_id, subject, body, created_at "
                f"FROM email WHERE {where} ORDER BY created_at DESC",
                args,
            )
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _notify_error(status: int, error: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"status_code": status, "errors": [{"error": error, "message": message}]},
        status_code=status,
    )


def _as_notification(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "reference": row["reference"],
        "email_address": row["email_address"],
        "type": "email",
        "status": "delivered",
        "template": {"id": row["template_id"], "version": 1, "uri": ""},
        "subject": row["subject"],
        "body": row["body"],
        "created_at": row["created_at"],
    }


def create_app(
    mailbox: Mailbox, *, api_key: str, settings: Settings, faults: FaultInjector | None = None
) -> FaultMiddleware:
    service_id, secret = api_key[-73:-37], api_key[-36:]
    templates = demo_templates(settings)
    injector = faults or FaultInjector()

    def auth_error(request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _notify_error(
                401, "AuthError", "Unauthorized: authentication token must be provided"
            )
        token = header.removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != service_id:
                return _notify_error(403, "AuthError", "Invalid token: service not found")
            decode_jwt_token(token, secret)
        except TokenError as exc:
            return _notify_error(403, "AuthError", exc.message)
        return None

    async def send_email(request: Request) -> Response:
        if (refused := auth_error(request)) is not None:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return _notify_error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        template = templates.get(str(body.get("template_id")))
        if template is None:
            return _notify_error(400, "BadRequestError", "Template not found")
        address = body.get("email_address")
        if not isinstance(address, str) or "@" not in address:
            return _notify_error(400, "ValidationError", "email_address Not a valid email address")
        try:
            subject, text = template.render(body.get("personalisation") or {})
        except ValueError as exc:
            return _notify_error(400, "BadRequestError", str(exc))
        row = await run_in_threadpool(
            mailbox.add,
            reference=body.get("reference"),
            email_address=address,
            template_id=template.id,
            subject=subject,
            body=text,
        )
        answer = {
            "id": row["id"],
            "reference": row["reference"],
            "content": {"subject": subject, "body": text, "from_email": FROM_EMAIL},
            "uri": f"{request.base_url}v2/notifications/{row['id']}",
            "template": {"id": template.id, "version": 1, "uri": ""},
        }
        return JSONResponse(answer, status_code=201)

    async def list_notifications(request: Request) -> Response:
        if (refused := auth_error(request)) is not None:
            return refused
        rows = await run_in_threadpool(
            mailbox.find, reference=request.query_params.get("reference")
        )
        return JSONResponse(
            {
                "notifications": [_as_notification(r) for r in rows],
                "links": {"current": str(request.url)},
            }
        )

    async def get_notification(request: Request) -> Response:
        if (refused := auth_error(request)) is not None:
            return refused
        rows = await run_in_threadpool(mailbox.find, email_id=request.path_params["id"])
        if not rows:
            return _notify_error(404, "NoResultFound", "No result found")
        return JSONResponse(_as_notification(rows[0]))

    async def mailbox_json(request: Request) -> Response:
        rows = await run_in_threadpool(mailbox.find)
        return JSONResponse(rows)

    async def mailbox_html(request: Request) -> Response:
        rows = await run_in_threadpool(mailbox.find)
        return HTMLResponse(_render_mailbox(rows))

    app = Starlette(
        routes=[
            Route("/v2/notifications/email", send_email, methods=["POST"]),
            Route("/v2/notifications", list_notifications, methods=["GET"]),
            Route("/v2/notifications/{id}", get_notification, methods=["GET"]),
            Route("/", mailbox_html, methods=["GET"]),  # what it holds: the emails it "sent"
            Route("/mailbox", mailbox_html, methods=["GET"]),
            Route("/mailbox.json", mailbox_json, methods=["GET"]),
            admin_faults_route(injector),
            Route("/healthz", lambda r: JSONResponse({"status": "ok"}), methods=["GET"]),
        ]
    )
    return FaultMiddleware(
        app,
        injector,
        lambda method, path: method == "POST" and path.startswith("/v2/notifications"),
    )


def emails_text(count: int) -> str:
    """ "1 email", "3 emails"."""
    return f"{count} email" if count == 1 else f"{count} emails"


def _render_mailbox(rows: list[dict[str, Any]]) -> str:
    items = "\n".join(
        "<article><header><strong>{subject}</strong><br>To {to} &middot; {at} &middot; "
        "reference {ref}</header><pre>{body}</pre></article>".format(
            subject=html.escape(r["subject"] or ""),
            to=html.escape(r["email_address"] or ""),
            at=html.escape(r["created_at"][:19].replace("T", " ")),
            ref=html.escape(r["reference"] or "none"),
            body=html.escape(r["body"] or ""),
        )
        for r in rows
    )
    empty = "<p>No emails have been sent yet.</p>" if not rows else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='refresh' content='5'><title>Notify stand-in: mailbox</title><style>"
        "body{font-family:Arial,sans-serif;margin:0}h1{background:#005eb8;color:#fff;margin:0;"
        "padding:16px 24px;font-size:24px}main{padding:16px 24px;max-width:60em}"
        "article{border:1px solid #d8dde0;margin:0 0 16px;padding:12px}"
        "pre{white-space:pre-wrap;font-family:inherit}</style></head><body>"
        f"<h1>Notify stand-in: mailbox ({emails_text(len(rows))})</h1>"
        f"<main>{empty}{items}</main>"
        "</body></html>"
    )
