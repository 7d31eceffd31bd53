"""The image route's two extra readers: the checker who reserved a case (prefetch) and the
checker holding a later attempt of the same applicant. Over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.reservations import reserve_next_case
from checker_console.services.review.decisions import reject_case
from checker_console.store.models import Application, AuditEvent, Document
from checker_console.web.app import build_api
from tests.factories import make_case
from tests.support.servers import app_settings, serve_app

PREVIEW = b"\xff\xd8\xff\xe0 preview"


@pytest.fixture
def console(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Session, Path]]:
    with (
        app_settings(monkeypatch, engine, tmp_path / "data"),
        serve_app(build_api()) as url,
        Session(engine, expire_on_commit=False) as session,
    ):
        yield url, session, tmp_path / "data" / "blobs"


def _queued_case(session: Session, blob_dir: Path, **fields: object) -> tuple[Application, int]:
    case = make_case(session, CaseStatus.QUEUED, **fields)
    key = LocalBlobStore(blob_dir).put(PREVIEW)
    document = Document(
        application_id=case.id, kind="passport", side="page", content_type="image/jpeg",
        blob_key=key, sha256="0" * 64, size_bytes=1, width=1, height=1, preview_key=key,
        thumbnail_key=key,
    )  # fmt: skip
    session.add(document)
    session.commit()
    assert document.id is not None
    return case, document.id


def _get(url: str, session: Session, user_id: str, document_id: int) -> httpx.Response:
    cookie, _ = create_session(session, user_id=user_id, display_name=user_id, roles=["checker"])
    session.commit()
    return httpx.get(f"{url}/images/{document_id}/preview", cookies={SESSION_COOKIE: cookie})


def test_the_reserving_checker_may_prefetch_the_next_case_and_it_is_audited_as_such(
    console: tuple[str, Session, Path],
) -> None:
    url, session, blobs = console
    _queued_case(session, blobs)
    reserved, document_id = _queued_case(session, blobs)
    claim_next_case(session, checker_id="checker.one")
    reservation = reserve_next_case(session, checker_id="checker.one")
    assert reservation is not None and reservation.case_id == reserved.id

    mine = _get(url, session, "checker.one", document_id)
    theirs = _get(url, session, "checker.two", document_id)

    assert mine.status_code == 200 and mine.content == PREVIEW
    assert mine.headers["cache-control"] == "private, no-store"
    assert theirs.status_code == 403
    session.expire_all()
    prefetches = session.exec(select(AuditEvent).where(AuditEvent.action == "image.prefetch")).all()
    assert [(e.actor, e.application_id) for e in prefetches] == [("checker.one", reserved.id)]


def test_a_checker_sees_the_earlier_attempt_of_the_case_they_hold_and_no_other(
    console: tuple[str, Session, Path],
) -> None:
    url, session, blobs = console
    first, first_document = _queued_case(session, blobs, email="ada@example.org")
    claim_next_case(session, checker_id="checker.two")
    reject_case(
        session, case_id=first.id, checker_id="checker.two", reasons=["face_mismatch"],
        applicant_message=None, internal_note="",
    )  # fmt: skip
    second, _ = _queued_case(session, blobs, email="ada@example.org")
    second.attempt = 2
    session.add(second)
    session.commit()
    _, stranger_document = _queued_case(session, blobs)
    claim_next_case(session, checker_id="checker.one")

    assert _get(url, session, "checker.one", first_document).status_code == 200
    assert _get(url, session, "checker.one", stranger_document).status_code == 403
