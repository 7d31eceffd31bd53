"""``/images/{document_id}/{variant}`` over real HTTP: who may see identity images, and the record
every view and refusal leaves in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.store.models import Application, AuditEvent, Document
from checker_console.web.app import build_api
from tests.factories import make_case
from tests.support.servers import app_settings, serve_app

PREVIEW = b"\xff\xd8\xff\xe0 preview bytes"
THUMBNAIL = b"\xff\xd8\xff\xe0 thumbnail bytes"
ORIGINAL = b"\xff\xd8\xff\xe0 original upload with EXIF"


@pytest.fixture
def console(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Session]]:
    """The Starlette routes on 127.0.0.1, over ``engine``'s database; yields (url, session)."""
    with (
        app_settings(monkeypatch, engine, tmp_path / "data"),
        serve_app(build_api()) as url,
        Session(engine, expire_on_commit=False) as session,
    ):
        yield url, session


def _document(session: Session, blob_dir: Path, *, leased_to: str | None = None) -> Document:
    case = make_case(session, CaseStatus.IN_REVIEW, actor="checker.one")
    if leased_to:
        case.lease_holder = leased_to
        case.lease_expires_at = utcnow() + timedelta(minutes=10)
    blobs = LocalBlobStore(blob_dir)
    document = Document(
        application_id=case.id,
        kind="passport",
        side="page",
        content_type="image/jpeg",
        blob_key=blobs.put(ORIGINAL),
        sha256="0" * 64,
        size_bytes=len(ORIGINAL),
        width=10,
        height=10,
        preview_key=blobs.put(PREVIEW),
        thumbnail_key=blobs.put(THUMBNAIL),
    )
    session.add(case)
    session.add(document)
    session.commit()
    return document


def _cookie(session: Session, user_id: str, role: str) -> dict[str, str]:
    value, _ = create_session(session, user_id=user_id, display_name=user_id, roles=[role])
    session.commit()
    return {SESSION_COOKIE: value}


def _audit(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_a_lead_sees_a_thumbnail_privately_and_the_view_is_audited(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")

    response = httpx.get(
        f"{url}/images/{document.id}/thumbnail", cookies=_cookie(session, "lead.one", "lead")
    )

    assert response.status_code == 200
    assert response.content == THUMBNAIL
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    (view,) = _audit(session, "image.view")
    assert (view.actor, view.application_id) == ("lead.one", document.application_id)
    assert view.detail == {"document_id": document.id, "variant": "thumbnail"}


def test_a_qa_reviewer_sees_the_preview(console: tuple[str, Session], tmp_path: Path) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")

    response = httpx.get(
        f"{url}/images/{document.id}/preview", cookies=_cookie(session, "qa.one", "qa")
    )

    assert response.status_code == 200
    assert response.content == PREVIEW


def test_a_checker_sees_images_of_the_case_leased_to_them(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs", leased_to="checker.one")

    response = httpx.get(
        f"{url}/images/{document.id}/preview", cookies=_cookie(session, "checker.one", "checker")
    )

    assert response.status_code == 200
    assert response.content == PREVIEW


def test_a_checker_is_refused_a_case_not_leased_to_them_and_the_refusal_is_audited(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs", leased_to="checker.two")

    response = httpx.get(
        f"{url}/images/{document.id}/preview", cookies=_cookie(session, "checker.one", "checker")
    )

    assert response.status_code == 403
    assert "not leased to you" in response.json()["error"]
    assert PREVIEW not in response.content
    (refusal,) = _audit(session, "image.refused")
    assert refusal.actor == "checker.one"
    assert refusal.application_id == document.application_id
    assert refusal.detail["reason"] == "case_not_leased_to_you"
    assert _audit(session, "image.view") == []


def test_a_lapsed_lease_no_longer_shows_the_checker_its_images(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs", leased_to="checker.one")
    case = session.get(Application, document.application_id)
    assert case is not None
    case.lease_expires_at = utcnow() - timedelta(seconds=1)
    session.add(case)
    session.commit()

    response = httpx.get(
        f"{url}/images/{document.id}/thumbnail", cookies=_cookie(session, "checker.one", "checker")
    )

    assert response.status_code == 403


def test_without_a_live_session_the_route_answers_401(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")

    anonymous = httpx.get(f"{url}/images/{document.id}/preview")
    forged = httpx.get(
        f"{url}/images/{document.id}/preview", cookies={SESSION_COOKIE: "forged-value"}
    )

    assert anonymous.status_code == forged.status_code == 401
    assert "Sign in" in anonymous.json()["error"]


def test_the_original_upload_is_never_served(console: tuple[str, Session], tmp_path: Path) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")
    cookies = _cookie(session, "lead.one", "lead")

    for variant in ("original", "blob", "../original"):
        response = httpx.get(f"{url}/images/{document.id}/{variant}", cookies=cookies)
        assert response.status_code == 404
        assert ORIGINAL not in response.content


def test_a_user_without_a_console_role_is_refused(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")

    response = httpx.get(
        f"{url}/images/{document.id}/preview", cookies=_cookie(session, "ra.agent", "sponsor")
    )

    assert response.status_code == 403
    assert _audit(session, "image.refused")[0].detail["reason"] == "no_console_role"


def test_an_unknown_document_is_404_and_audited(console: tuple[str, Session]) -> None:
    url, session = console

    response = httpx.get(f"{url}/images/999999/preview", cookies=_cookie(session, "qa.one", "qa"))

    assert response.status_code == 404
    assert _audit(session, "image.refused")[0].detail["reason"] == "no_such_document"


def test_a_purged_cases_images_answer_gone_with_the_date_and_the_refusal_is_audited(
    console: tuple[str, Session], tmp_path: Path
) -> None:
    url, session = console
    document = _document(session, tmp_path / "data" / "blobs")
    case = session.get(Application, document.application_id)
    case.images_purged_at = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
    session.add(case)
    session.commit()

    response = httpx.get(
        f"{url}/images/{document.id}/preview", cookies=_cookie(session, "lead.one", "lead")
    )

    assert response.status_code == 410
    assert "Images deleted on 3 March 2027 under the retention policy" in response.text
    assert response.headers["cache-control"] == "private, no-store"
    (refusal,) = _audit(session, "image.refused")
    assert refusal.detail["reason"] == "images_deleted"
