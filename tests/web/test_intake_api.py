"""The intake API over real HTTP on 127.0.0.1: what the applicant-facing service sees."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_spec_validator import validate
from sqlalchemy import Engine
from sqlmodel import Session, select

import checker_console.services.intake.checks
import checker_console.services.intake.image_limits
import checker_console.web.api_errors
import checker_console.web.intake
import checker_console.web.intake_form
from checker_console.store.models import Application, Document
from checker_console.web.app import build_api
from checker_console.web.openapi import ERROR_CODES
from tests.factories import make_invitation
from tests.support.images import (
    gif_image,
    heic_photo,
    phone_jpeg,
    png_bomb,
    png_with_text,
    truncated_jpeg,
)
from tests.support.servers import app_settings, serve_app

SERVICE_TOKEN = "test-intake-token-5b1f"
MAX_FILE_BYTES = 400_000
PASSPORT = phone_jpeg((800, 600), orientation=6)
BILL = png_with_text()
SELFIE = heic_photo((300, 400))


@dataclass
class Api:
    client: httpx.Client
    engine: Engine
    blob_dir: Path

    def invite(self, **fields: Any) -> str:
        with Session(self.engine, expire_on_commit=False) as session:
            invitation = make_invitation(session, **fields)
            session.commit()
            return invitation.token

    def submit(self, token: str, *, data=None, files=None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {"Authorization": f"Bearer {SERVICE_TOKEN}"})
        return self.client.post(
            f"/api/v1/invitations/{token}/submission",
            data=_form() if data is None else data,
            files=_files() if files is None else files,
            headers=headers,
            **kwargs,
        )

    def applications(self) -> list[Application]:
        with Session(self.engine) as session:
            return list(session.exec(select(Application)).all())

    def blob_files(self) -> list[Path]:
        return (
            [p for p in self.blob_dir.rglob("*") if p.is_file()] if self.blob_dir.exists() else []
        )


def _form(**changes: str) -> dict[str, str]:
    form = {
        "given_name": "Mary",
        "family_name": "Seacole",
        "date_of_birth": "2000-11-23",
        "ni_number": "QQ 12 34 56 C",
        "documents[0][kind]": "passport",
        "documents[0][side]": "page",
        "documents[1][kind]": "proof_of_address",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value != "<drop>"}


def _files(**changes: Any) -> list[tuple[str, tuple[str, bytes, str]]]:
    files = {
        "documents[0][file]": ("passport.jpg", PASSPORT, "image/jpeg"),
        "documents[1][file]": ("bill.png", BILL, "image/png"),
        "selfie": ("selfie.heic", SELFIE, "image/heic"),
    }
    files.update(changes)
    return [(name, value) for name, value in files.items() if value is not None]


@pytest.fixture
def api(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    data_dir = tmp_path / "data"
    with (
        app_settings(
            monkeypatch,
            engine,
            data_dir,
            CHECKER_INTAKE_TOKEN=SERVICE_TOKEN,
            CHECKER_MAX_UPLOAD_BYTES=str(MAX_FILE_BYTES),
        ),
        serve_app(build_api()) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        yield Api(client, engine, data_dir / "blobs")


@pytest.fixture
def documented_errors(api: Api) -> dict[int, set[str]]:
    """Status -> the error codes the served OpenAPI document lists for it."""
    document = api.client.get("/api/v1/openapi.json").json()
    responses = document["paths"]["/api/v1/invitations/{token}/submission"]["post"]["responses"]
    return {
        int(status): set(response["content"]["application/json"]["examples"])
        for status, response in responses.items()
        if int(status) >= 400
    }


def test_good_submission_gets_201_and_a_queued_case(api: Api) -> None:
    response = api.submit(api.invite())

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "queued" and body["existing_profile_flag"] is False
    assert response.headers["cache-control"] == "no-store"
    [case] = api.applications()
    assert case.id == body["application_id"] and case.ni_number == "QQ123456C"
    with Session(api.engine) as session:
        documents = session.exec(select(Document).order_by(Document.position)).all()
    assert [d.kind for d in documents] == ["passport", "proof_of_address", "selfie"]
    keys = {k for d in documents for k in (d.blob_key, d.preview_key, d.thumbnail_key)}
    assert {path.name for path in api.blob_files()} == keys


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {SERVICE_TOKEN}", f"Bearer {SERVICE_TOKEN}x"],
    ids=["missing", "wrong", "not-bearer", "longer"],
)
def test_without_the_service_token_the_answer_is_401_json(
    api: Api, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = api.submit(api.invite(), headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["field"] == "Authorization"
    assert api.applications() == []


def _refusals() -> list[Any]:
    def case(name: str, expected: tuple[int, str, str], **request: Any) -> Any:
        return pytest.param(request, expected, id=name)

    return [
        case("wrong-invitation", (404, "invitation", "invitation_not_found"), token="nope"),
        case(
            "expired-invitation",
            (410, "invitation", "invitation_expired"),
            invite={"expires_in_days": -1},
        ),
        case(
            "zero-byte-selfie",
            (422, "selfie", "empty_file"),
            files={"selfie": ("selfie.jpg", b"", "image/jpeg")},
        ),
        case(
            "gif-named-jpg",
            (415, "documents[0][file]", "unsupported_format"),
            files={"documents[0][file]": ("passport.jpg", gif_image(), "image/jpeg")},
        ),
        case(
            "corrupt-jpeg",
            (422, "documents[1][file]", "corrupt_image"),
            files={"documents[1][file]": ("bill.jpg", truncated_jpeg(), "image/jpeg")},
        ),
        case(
            "decompression-bomb",
            (422, "documents[1][file]", "too_many_pixels"),
            files={"documents[1][file]": ("bill.png", png_bomb(8000), "image/png")},
        ),
        case(
            "file-over-size-limit",
            (413, "documents[0][file]", "file_too_large"),
            files={
                "documents[0][file]": (
                    "big.jpg",
                    b"\xff\xd8\xff" + bytes(MAX_FILE_BYTES),
                    "image/jpeg",
                )
            },
        ),
        case(
            "impossible-date",
            (422, "date_of_birth", "invalid_date"),
            data=_form(date_of_birth="2001-02-30"),
        ),
        case(
            "bad-ni-number",
            (422, "ni_number", "invalid_ni_number"),
            data=_form(ni_number="QQ123"),
        ),
        case(
            "unknown-kind",
            (422, "documents[1][kind]", "unknown_kind"),
            data=_form(**{"documents[1][kind]": "gym_card"}),
        ),
        case(
            "unexpected-field",
            (422, "documents[0][colour]", "unexpected_field"),
            data=_form(**{"documents[0][colour]": "blue"}),
        ),
        case(
            "gap-in-documents",
            (422, "documents[1][file]", "missing"),
            data=_form(**{"documents[1][kind]": "<drop>", "documents[2][kind]": "driving_licence"}),
            files={
                "documents[1][file]": None,
                "documents[2][file]": ("licence.jpg", PASSPORT, "image/jpeg"),
            },
        ),
        case(
            "text-instead-of-file",
            (422, "selfie", "expected_file"),
            data=_form(selfie="me.jpg"),
            files={"selfie": None},
        ),
        case("no-selfie", (422, "selfie", "missing"), files={"selfie": None}),
        case(
            "no-photo-id",
            (422, "documents", "no_photo_id"),
            data=_form(**{"documents[0][kind]": "proof_of_address"}),
        ),
    ]


@pytest.mark.parametrize(("request_parts", "expected"), _refusals())
def test_refusal_is_json_naming_field_reason_and_fix_and_leaves_nothing(
    api: Api,
    documented_errors: dict[int, set[str]],
    request_parts: dict[str, Any],
    expected: tuple[int, str, str],
) -> None:
    token = request_parts.get("token") or api.invite(**request_parts.get("invite", {}))
    files = _files(**request_parts["files"]) if "files" in request_parts else None

    response = api.submit(token, data=request_parts.get("data"), files=files)

    error = response.json()["error"]
    assert (response.status_code, error["field"], error["code"]) == expected
    assert error["reason"] and error["fix"]
    assert error["code"] in documented_errors[response.status_code], "documented in OpenAPI"
    assert api.applications() == []
    assert api.blob_files() == []


def test_second_submission_is_409_and_changes_nothing(api: Api) -> None:
    token = api.invite()
    assert api.submit(token).status_code == 201
    blobs_after_first = sorted(api.blob_files())

    response = api.submit(token, files=_files(selfie=("other.jpg", PASSPORT, "image/jpeg")))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_submitted"
    assert len(api.applications()) == 1
    assert sorted(api.blob_files()) == blobs_after_first


def test_a_body_that_is_not_multipart_is_415(api: Api) -> None:
    response = api.client.post(
        f"/api/v1/invitations/{api.invite()}/submission",
        json={"given_name": "Mary"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )

    assert response.status_code == 415
    assert response.json()["error"] == {
        "field": "request",
        "code": "not_multipart",
        "reason": "The request is not multipart/form-data.",
        "fix": "Send multipart/form-data as described in /api/v1/openapi.json.",
    }


def _raw_request(base_url: str, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Send a request over a plain socket (to control the body byte by byte); return the reply."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: its answer is what matters
        reply = b""
        while b"\r\n\r\n" not in reply or not re.search(rb"\}\}$", reply):
            data = sock.recv(65536)
            if not data:
                break
            reply += data
        return reply


def test_a_declared_oversized_body_is_refused_before_it_is_read(api: Api) -> None:
    token = api.invite()
    head = (
        f"POST /api/v1/invitations/{token}/submission HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {SERVICE_TOKEN}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        "Content-Length: 5000000000\r\n\r\n"
    ).encode()

    reply = _raw_request(str(api.client.base_url), head, [b"--xyz\r\n"])

    assert reply.startswith(b"HTTP/1.1 413")
    assert b'"code":"request_too_large"' in reply


def test_a_streamed_body_is_cut_off_at_the_limit(api: Api) -> None:
    token = api.invite()
    limit = MAX_FILE_BYTES * 7 + 256 * 1024
    head = (
        f"POST /api/v1/invitations/{token}/submission HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {SERVICE_TOKEN}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    part = b'--xyz\r\nContent-Disposition: form-data; name="selfie"; filename="a.jpg"\r\n\r\n'
    chunk = b"\x00" * 65536
    body = [b"%x\r\n%s\r\n" % (len(part), part)]
    body += [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (limit // len(chunk) + 2)

    reply = _raw_request(str(api.client.base_url), head, body)

    assert reply.startswith(b"HTTP/1.1 413")
    assert b'"code":"request_too_large"' in reply
    assert api.applications() == []


def test_openapi_document_is_valid_and_describes_the_form(api: Api) -> None:
    response = api.client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    validate(document)  # a valid OpenAPI 3.1 document
    operation = document["paths"]["/api/v1/invitations/{token}/submission"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    for field in ("given_name", "family_name", "date_of_birth", "ni_number", "selfie"):
        assert field in schema["properties"] and field in schema["required"]
    patterns = [re.compile(p) for p in schema["patternProperties"]]
    assert any(p.match("documents[5][kind]") for p in patterns)
    assert not any(p.match("documents[6][kind]") for p in patterns)  # six documents at most
    assert {"201", "401", "404", "409", "410", "413", "415", "422"} <= set(operation["responses"])
    assert str(MAX_FILE_BYTES) in schema["properties"]["selfie"]["description"]


def test_every_error_code_in_the_code_is_documented_and_nothing_else() -> None:
    sources = [
        checker_console.services.intake.image_limits,
        checker_console.services.intake.checks,
        checker_console.web.intake_form,
        checker_console.web.intake,
        checker_console.web.api_errors,
    ]
    raised = {
        code
        for module in sources
        for code in re.findall(r'code="([a-z_]+)"', Path(module.__file__).read_text())
    }

    documented = {code for codes in ERROR_CODES.values() for code in codes}

    assert raised == documented


def test_a_failure_on_our_side_is_500_json_and_saves_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "blobs-is-a-file"
    not_a_folder.write_text("the blob store cannot live here")
    with (
        app_settings(
            monkeypatch,
            engine,
            tmp_path / "data",
            CHECKER_INTAKE_TOKEN=SERVICE_TOKEN,
            CHECKER_BLOB_DIR=str(not_a_folder),
        ),
        serve_app(build_api()) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        api = Api(client, engine, tmp_path / "data" / "blobs")
        response = api.submit(api.invite())

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "nothing was saved" in response.json()["error"]["reason"]
    assert api.applications() == []
