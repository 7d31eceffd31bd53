"""``/images/{document_id}/face``: the face-similarity aid's crop, under the image route's rules."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.store.face_models import FaceMatch
from checker_console.store.models import AuditEvent, Document
from checker_console.web.app import build_api
from tests.factories import make_case
from tests.support.servers import app_settings, serve_app


@pytest.fixture
def console(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Session]]:
    with (
        app_settings(monkeypatch, engine, tmp_path / "data"),
        serve_app(build_api()) as url,
        Session(engine, expire_on_commit=False) as session,
    ):
        yield url, session


def _preview() -> bytes:
    image = Image.new("RGB", (800, 600), (226, 228, 230))
    ImageDraw.Draw(image).ellipse((300, 200, 400, 320), fill=(200, 150, 120))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _case_with_face(session: Session, blob_dir: Path, *, box: list[int] | None) -> Document:
    case = make_case(session, CaseStatus.IN_REVIEW, actor="checker.one")
    case.lease_holder = "checker.one"
    case.lease_expires_at = utcnow() + timedelta(minutes=10)
    key = LocalBlobStore(blob_dir).put(_preview())
    document = Document(
        application_id=case.id, kind="passport", side="page", content_type="image/jpeg",
        blob_key=key, sha256="0" * 64, size_bytes=1, width=800, height=600, preview_key=key,
        thumbnail_key=key,
    )  # fmt: skip
    session.add(case)
    session.add(document)
    session.flush()
    session.add(
        FaceMatch(
            application_id=case.id, band="could_not_compare", problem="no_face",
            problem_picture="selfie", photo_id_document_id=document.id, photo_id_box=box,
            model_version="test",
        )
    )  # fmt: skip
    session.commit()
    return document


def _cookie(session: Session, user_id: str, role: str) -> dict[str, str]:
    value, _ = create_session(session, user_id=user_id, display_name=user_id, roles=[role])
    session.commit()
    return {SESSION_COOKIE: value}


def test_the_checker_holding_the_case_gets_the_face_crop_privately_and_audited(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _case_with_face(session, tmp_path / "data" / "blobs", box=[300, 200, 400, 320])

    response = httpx.get(
        f"{url}/images/{document.id}/face", cookies=_cookie(session, "checker.one", "checker")
    )

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    with Image.open(io.BytesIO(response.content)) as crop:
        assert crop.size == (240, 240)
        assert not crop.getexif()
    session.expire_all()
    views = session.exec(select(AuditEvent).where(AuditEvent.action == "image.view")).all()
    assert [v.detail for v in views] == [{"document_id": document.id, "variant": "face"}]


def test_another_checker_is_refused_the_face_crop(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _case_with_face(session, tmp_path / "data" / "blobs", box=[300, 200, 400, 320])

    response = httpx.get(
        f"{url}/images/{document.id}/face", cookies=_cookie(session, "checker.two", "checker")
    )

    assert response.status_code == 403


def test_a_picture_with_no_face_found_answers_not_found_with_a_reason(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _case_with_face(session, tmp_path / "data" / "blobs", box=None)

    response = httpx.get(
        f"{url}/images/{document.id}/face", cookies=_cookie(session, "lead.one", "lead")
    )

    assert response.status_code == 404
    assert response.json() == {"error": "No face was found on this image to show."}
