"""The OpenAPI document says what the server requires: NI number pattern, non-empty files, and
the size limit in the units the refusal uses; HMRC's example prefix QQ only in demo mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.web.app import build_api
from tests.factories import make_invitation
from tests.support.servers import app_settings, serve_app
from tests.web.test_intake_api import SERVICE_TOKEN, _files, _form

LIMIT = 3 * 1024 * 1024  # 3 MiB


def _serve(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, demo: bool
) -> Iterator[httpx.Client]:
    with (
        app_settings(
            monkeypatch,
            engine,
            tmp_path / "data",
            CHECKER_INTAKE_TOKEN=SERVICE_TOKEN,
            CHECKER_MAX_UPLOAD_BYTES=str(LIMIT),
            CHECKER_DEMO_MODE="1" if demo else "0",
        ),
        serve_app(build_api()) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        yield client


@pytest.fixture
def live(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    yield from _serve(engine, tmp_path, monkeypatch, demo=False)


def _schema(client: httpx.Client) -> dict[str, Any]:
    document = client.get("/api/v1/openapi.json").json()
    post = document["paths"]["/api/v1/invitations/{token}/submission"]["post"]
    return post["requestBody"]["content"]["multipart/form-data"]["schema"]


def _submit(client: httpx.Client, engine: Engine, **form: str) -> httpx.Response:
    with Session(engine, expire_on_commit=False) as session:
        token = make_invitation(session).token
        session.commit()
    return client.post(
        f"/api/v1/invitations/{token}/submission",
        data=_form(**form),
        files=_files(),
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )


def test_outside_demo_mode_the_example_prefix_qq_is_refused_and_the_schema_says_so(
    live: httpx.Client, engine: Engine
) -> None:
    pattern = re.compile(_schema(live)["properties"]["ni_number"]["pattern"])

    refused = _submit(live, engine, ni_number="QQ 12 34 56 C")

    assert not pattern.search("QQ 12 34 56 C")
    assert pattern.search("AB 12 34 56 C")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_ni_number"
    assert _submit(live, engine, ni_number="AB 12 34 56 C").status_code == 201


def test_files_must_not_be_empty_and_the_limit_is_in_mib_in_schema_and_refusal(
    live: httpx.Client,
) -> None:
    schema = _schema(live)
    selfie = schema["properties"]["selfie"]

    assert selfie["minLength"] == 1
    assert "3 MiB (3145728 bytes)" in selfie["description"]
    assert " MB" not in selfie["description"]
