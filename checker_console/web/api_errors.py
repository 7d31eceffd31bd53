"""Every path under ``/api/v1/`` answers in the API's own JSON error shape.

Reflex mounts its front end under our Starlette app as the last route, so a request our API
routes do not take (an unknown path, a token the route pattern does not match, a method the
route does not accept) would otherwise fall through to the front end: a plain-text 404, or a
405 with ``Allow: GET, HEAD``. This middleware answers those first: 404 with the documented
``{"error": {...}}`` for a path the API does not have, 405 with the right ``Allow`` header for a
method it does not accept.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from checker_console.web.openapi import OPENAPI_PATH, SUBMISSION_PATH

API_PREFIX = "/api/v1/"


def _pattern(path: str) -> re.Pattern[str]:
    """A route path as a regex; ``{name}`` is one path segment, whatever its characters."""
    parts = re.split(r"(\{[^}]+\})", path)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


#: (path pattern, methods it accepts): the API's routes, as ``web/openapi.py`` documents them.
API_ROUTES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_pattern(SUBMISSION_PATH), ("POST",)),
    (_pattern(OPENAPI_PATH), ("GET", "HEAD")),
)


def allowed_methods(path: str) -> tuple[str, ...] | None:
    """The methods the API accepts on ``path``; None if the API has no such path."""
    for pattern, methods in API_ROUTES:
        if pattern.fullmatch(path):
            return methods
    return None


def _error(*, code: str, reason: str, fix: str) -> bytes:
    body = {"error": {"field": "request", "code": code, "reason": reason, "fix": fix}}
    return json.dumps(body).encode()


class ApiErrorsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        methods = allowed_methods(path)
        if methods is not None and scope["method"] in methods:
            await self.app(scope, receive, send)
            return
        headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
        if methods is None:
            status = 404
            body = _error(
                code="not_found",
                reason="There is no such address in the intake API.",
                fix=f"Check the path against the OpenAPI document at {OPENAPI_PATH}.",
            )
        else:
            status = 405
            allow = ", ".join(methods)
            headers.append((b"allow", allow.encode()))
            body = _error(
                code="method_not_allowed",
                reason=f"This address does not accept {scope['method']}.",
                fix=f"Use {allow}.",
            )
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
