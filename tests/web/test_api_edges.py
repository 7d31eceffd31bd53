"""Every path under /api/v1/ answers in the API's JSON error shape, as Reflex serves it.

Reflex mounts its front end under our app as the last route (``api_transformer``); the front
end stand-in here does what Reflex's does for a path it cannot serve: a plain-text 404, and a
405 with ``Allow: GET, HEAD`` for other methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from checker_console.web.app import build_api
from tests.support.servers import app_settings, serve_app


async def _front_end(request: Request) -> PlainTextResponse:
    return PlainTextResponse("Not Found", status_code=404)


def _as_reflex_serves_it() -> Starlette:
    api = build_api()
    api.mount("", Starlette(routes=[Route("/{path:path}", _front_end, methods=["GET", "HEAD"])]))
    return api


@pytest.fixture
def client(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[httpx.Client]:
    with (
        app_settings(monkeypatch, engine, tmp_path / "data", CHECKER_INTAKE_TOKEN="t0ken"),
        serve_app(_as_reflex_serves_it()) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        yield client


def _documented(client: httpx.Client) -> dict[int, set[str]]:
    document = client.get("/api/v1/openapi.json").json()
    responses = document["paths"]["/api/v1/invitations/{token}/submission"]["post"]["responses"]
    return {
        int(status): set(response["content"]["application/json"]["examples"])
        for status, response in responses.items()
        if int(status) >= 400
    }


def test_options_on_the_submission_answers_405_in_json_allowing_only_post(
    client: httpx.Client,
) -> None:
    response = client.options("/api/v1/invitations/abc/submission")

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "method_not_allowed" in _documented(client)[405]


def test_a_get_on_the_submission_is_405_and_a_post_on_the_openapi_document_too(
    client: httpx.Client,
) -> None:
    get = client.get("/api/v1/invitations/abc/submission")
    post = client.post("/api/v1/openapi.json")

    assert (get.status_code, get.headers["allow"]) == (405, "POST")
    assert (post.status_code, post.headers["allow"]) == (405, "GET, HEAD")
    assert post.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/invitations/abc%0A/submission",  # a token with a newline
        "/api/v1/no-such-thing",
        "/api/v1/invitations/abc/submission/extra",
        "/api/v1/",
    ],
)
def test_every_odd_address_under_the_api_gets_a_documented_json_error(
    client: httpx.Client, path: str
) -> None:
    documented = _documented(client)
    for method in ("GET", "POST", "OPTIONS"):
        response = client.request(method, path)

        assert response.status_code in documented, (method, path)
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()["error"]
        assert set(body) == {"field", "code", "reason", "fix"}
        assert body["code"] in documented[response.status_code]
        if response.status_code == 405:
            assert "allow" in response.headers


def test_pages_outside_the_api_still_reach_the_front_end(client: httpx.Client) -> None:
    response = client.get("/queue-of-nothing")

    assert response.status_code == 404
    assert response.text == "Not Found"
