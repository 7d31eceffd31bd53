"""Security headers on every response, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from checker_console.web.app import build_api
from checker_console.web.security import SecurityHeadersMiddleware
from tests.support.asyncio_run import run_async
from tests.support.servers import app_settings, serve_app

BOOTSTRAP = "window.__reactRouterContext = {};"
SCRIPT = "console.log('checker console');\n" * 20
PAGE = (
    "<!DOCTYPE html><html><head><script>" + BOOTSTRAP + "</script>"
    '<script type="module" src="/assets/entry.js"></script></head>'
    "<body>" + "<p>Case list</p>" * 200 + "</body></html>"
)


def sha256_source(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


async def page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def script(request: Request) -> Response:
    return Response(SCRIPT, media_type="text/javascript")


async def image(request: Request) -> Response:
    return Response(b"\xff\xd8\xff", media_type="image/jpeg")


async def cached_by_route(request: Request) -> Response:
    return JSONResponse({}, headers={"Cache-Control": "private, max-age=60"})


def frontend_like_app(*, hsts: bool) -> Starlette:
    """Pages, assets and images the way Reflex's compiled frontend serves them, compressed."""
    routes = [
        Route("/cases", page),
        Route("/assets/entry.js", script),
        Route("/image", image),
        Route("/cached", cached_by_route),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware, hsts=hsts, form_targets=["https://cis2.example"]),
        Middleware(GZipMiddleware, minimum_size=100),
    ]
    return Starlette(routes=routes, middleware=middleware)


@pytest.fixture
def frontend() -> Iterator[str]:
    with serve_app(frontend_like_app(hsts=True)) as url:
        yield url


def browser_get(url: str) -> httpx.Response:
    headers = {"Accept": "text/html,*/*;q=0.8", "Accept-Encoding": "gzip, br"}
    return httpx.get(url, headers=headers)


def test_a_page_may_run_only_its_own_inline_scripts_and_scripts_from_the_console(
    frontend: str,
) -> None:
    csp = browser_get(f"{frontend}/cases").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))

    assert directives["script-src"] == f"'self' {sha256_source(BOOTSTRAP)}"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self' https://cis2.example"


def test_pages_are_hashed_even_when_the_browser_accepts_compression(frontend: str) -> None:
    response = browser_get(f"{frontend}/cases")

    assert "content-encoding" not in response.headers
    assert response.text == PAGE


def test_scripts_still_come_compressed_and_cacheable(frontend: str) -> None:
    response = httpx.get(f"{frontend}/assets/entry.js", headers={"Accept-Encoding": "gzip"})

    assert response.headers["content-encoding"] == "gzip" and response.text == SCRIPT
    assert "cache-control" not in response.headers


def test_images_and_pages_are_never_stored_but_a_routes_own_caching_is_kept(frontend: str) -> None:
    assert httpx.get(f"{frontend}/image").headers["cache-control"] == "no-store"
    assert browser_get(f"{frontend}/cases").headers["cache-control"] == "no-store"
    assert httpx.get(f"{frontend}/cached").headers["cache-control"] == "private, max-age=60"


def test_every_response_forbids_framing_sniffing_and_referrers(frontend: str) -> None:
    for path in ("/cases", "/image", "/assets/entry.js", "/no-such-page"):
        headers = browser_get(f"{frontend}{path}").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["strict-transport-security"].startswith("max-age=")


def test_a_json_answer_gets_a_policy_that_allows_nothing(frontend: str) -> None:
    csp = httpx.get(f"{frontend}/cached").headers["content-security-policy"]

    assert csp.startswith("default-src 'none'")


@pytest.fixture
def console(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with app_settings(monkeypatch, engine, tmp_path / "data"), serve_app(build_api()) as url:
        yield url


def test_the_console_in_demo_mode_sends_no_hsts_because_demos_run_over_http(console: str) -> None:
    headers = httpx.get(f"{console}/healthz").headers

    assert "strict-transport-security" not in headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_the_console_outside_demo_mode_sends_hsts(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = {"CHECKER_DEMO_MODE": "0"}
    with (
        app_settings(monkeypatch, engine, tmp_path / "data", **settings),
        serve_app(build_api()) as url,
    ):
        headers = httpx.get(f"{url}/healthz").headers

    assert headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"


def test_the_console_lets_its_sign_in_pages_post_only_to_itself_and_cis2(console: str) -> None:
    response = httpx.get(
        f"{console}/auth/cis2/callback?state=x&code=y", headers={"Accept": "text/html"}
    )

    assert response.status_code == 400
    csp = response.headers["content-security-policy"]
    assert "form-action 'self' http://127.0.0.1:8702" in csp
    assert "script-src 'self';" in csp
    assert "connect-src 'self' http://localhost:3000 ws://localhost:3000;" in csp


def test_a_page_sent_by_a_server_that_sends_files_itself_is_still_hashed(tmp_path: Path) -> None:
    """Granian (which Reflex can run on) sends files itself (``http.response.pathsend``);
    uvicorn cannot, so this drives the middleware the way such a server would."""
    page_file = tmp_path / "index.html"
    page_file.write_text(PAGE)
    app = Starlette(routes=[Route("/", lambda request: FileResponse(page_file))])
    wrapped = SecurityHeadersMiddleware(app, hsts=False)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"",
        "headers": [(b"accept", b"*/*")], "extensions": {"http.response.pathsend": {}},
        "scheme": "http", "server": ("127.0.0.1", 80), "root_path": "", "http_version": "1.1",
    }  # fmt: skip
    run_async(wrapped(scope, receive, send))

    start, finish = sent
    headers = dict(start["headers"])  # type: ignore[call-overload]
    assert sha256_source(BOOTSTRAP).encode() in headers[b"content-security-policy"]
    assert finish == {"type": "http.response.pathsend", "path": str(page_file)}
