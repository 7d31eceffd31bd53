"""Security headers on every HTTP response the console sends, Reflex's pages included.

``build_api()`` wraps the Starlette app that Reflex mounts itself into, so this middleware sees
the compiled frontend's HTML as well as our own routes. It adds, unless a route set its own:

- ``Content-Security-Policy``. For HTML documents: scripts only from our origin plus the exact
  inline scripts the document carries, allowed by their SHA-256 hashes (React Router's
  bootstrap); that also turns off inline event handlers and ``javascript:`` URLs, the usual
  way injected markup runs code. Styles may be inline (Radix and Emotion need it). No framing
  (``frame-ancestors 'none'``), forms only to us and CIS2. Other responses get a policy that
  allows nothing at all.
- ``Strict-Transport-Security`` outside demo mode (a laptop demo runs over plain http).
- ``Referrer-Policy: no-referrer``, ``X-Content-Type-Options: nosniff``, ``X-Frame-Options``,
  ``Permissions-Policy`` (no camera, microphone or location), cross-origin isolation headers.
- ``Cache-Control: no-store`` on everything except scripts, styles and fonts, so no page, JSON
  answer or image with personal data stays in a browser or proxy cache.

To hash a document's inline scripts it must see the document uncompressed: it drops
``Accept-Encoding`` from requests that ask for HTML (pages are a few kilobytes; scripts and
styles, asked for with ``Accept: */*``, still come compressed).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Content types that hold no personal data and may be cached (they are content-hashed builds).
CACHEABLE_TYPES = ("text/css", "text/javascript", "application/javascript", "font/", "image/svg")
NOTHING_ALLOWED_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
HSTS = "max-age=63072000; includeSubDomains"
_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions (``'sha256-...'``) for each inline script in ``html``, in order."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        if f"'sha256-{digest}'" not in hashes:
            hashes.append(f"'sha256-{digest}'")
    return hashes


def document_csp(
    *, script_hashes: list[str], form_targets: list[str], connect_targets: list[str]
) -> str:
    scripts = " ".join(["'self'", *script_hashes])
    forms = " ".join(["'self'", *form_targets])
    connections = " ".join(["'self'", *connect_targets])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src {connections}",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action {forms}",
            "frame-ancestors 'none'",
        ]
    )


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def websocket_origin(url: str) -> str | None:
    """``https://console.example`` -> ``wss://console.example``: Reflex's event channel."""
    origin = origin_of(url)
    return origin.replace("http", "ws", 1) if origin and origin.startswith("http") else None


class SecurityHeadersMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        form_targets: list[str] | None = None,
        app_url: str | None = None,
    ) -> None:
        """``form_targets``: origins forms may post to besides ours (CIS2's, for sign-in).

        ``app_url``: the console's public URL; pages may connect to it (and its websocket)
        even when a proxy makes the page's own origin look different.
        """
        self.app = app
        self.hsts = hsts
        self.form_targets = [t for t in (form_targets or []) if t]
        connect = [origin_of(app_url), websocket_origin(app_url)] if app_url else []
        self.connect_targets = [t for t in connect if t]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers", []))
        if _asks_for_html(headers):
            scope = dict(scope, headers=[h for h in headers if h[0].lower() != b"accept-encoding"])
        response = _ResponseRewriter(self, send)
        await self.app(scope, receive, response.send)

    def headers_for(
        self, existing: list[tuple[bytes, bytes]], *, is_html: bool, body: bytes | None
    ) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in existing}
        added: list[tuple[bytes, bytes]] = [h for h in _ALWAYS if h[0] not in present]
        if b"content-security-policy" not in present:
            added.append((b"content-security-policy", self._csp(is_html, body).encode()))
        if self.hsts and b"strict-transport-security" not in present:
            added.append((b"strict-transport-security", HSTS.encode()))
        content_type = _header(existing, b"content-type").lower()
        if b"cache-control" not in present and not content_type.startswith(CACHEABLE_TYPES):
            added.append((b"cache-control", b"no-store"))
        return existing + added

    def _csp(self, is_html: bool, body: bytes | None) -> str:
        if not is_html:
            return NOTHING_ALLOWED_CSP
        # A compressed document we cannot read must be allowed its inline scripts.
        hashes = ["'unsafe-inline'"] if body is None else inline_script_hashes(body)
        return document_csp(
            script_hashes=hashes,
            form_targets=self.form_targets,
            connect_targets=self.connect_targets,
        )


class _ResponseRewriter:
    """Adds the headers to ``http.response.start``; holds back an HTML body to hash its scripts."""

    def __init__(self, middleware: SecurityHeadersMiddleware, send: Send) -> None:
        self.middleware = middleware
        self.downstream = send
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            is_html = _header(headers, b"content-type").lower().startswith("text/html")
            if is_html and not _header(headers, b"content-encoding"):
                self.start = dict(message, headers=headers)  # wait for the body
                return
            message = dict(message)
            message["headers"] = self.middleware.headers_for(headers, is_html=is_html, body=None)
            await self.downstream(message)
        elif message["type"] == "http.response.pathsend" and self.start is not None:
            # A server that sends files itself (granian): read the page to hash it.
            body = Path(message["path"]).read_bytes()
            await self._send_start(body)
            await self.downstream(message)
        elif message["type"] == "http.response.body" and self.start is not None:
            self.chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(self.chunks)
            await self._send_start(body)
            await self.downstream({"type": "http.response.body", "body": body})
        else:
            await self.downstream(message)

    async def _send_start(self, body: bytes) -> None:
        assert self.start is not None
        start, self.start = self.start, None
        start["headers"] = self.middleware.headers_for(start["headers"], is_html=True, body=body)
        await self.downstream(start)


def _asks_for_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return "text/html" in _header(headers, b"accept")


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""
