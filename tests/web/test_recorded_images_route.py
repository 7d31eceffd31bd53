"""``/qa/images/{sample}/{sha256}`` over real HTTP: the recorded bytes, to QA and leads only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore, blob_key
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.settings import get_settings
from checker_console.store.models import AuditEvent, Document
from checker_console.store.qa_models import QaSample
from checker_console.web.app import build_api
from tests.services.oversight.support import decide
from tests.standins.support import selfie_jpeg
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


def _get(url: str, session: Session, user_id: str, role: str) -> httpx.Response:
    cookie, _ = create_session(session, user_id=user_id, display_name=user_id, roles=[role])
    session.commit()
    return httpx.get(url, cookies={SESSION_COOKIE: cookie})


def test_qa_gets_the_recorded_bytes_after_the_case_changed_and_others_are_refused(
    console: tuple[str, Session],
) -> None:
    base, session = console
    blobs = LocalBlobStore(get_settings().blob_dir)
    decided = decide(session, blobs, number=1)
    sample = session.exec(select(QaSample)).one()
    document = session.exec(select(Document)).one()
    document.preview_key = blobs.put(selfie_jpeg(shade=5))  # the case changes afterwards
    session.commit()
    url = f"{base}/qa/images/{sample.id}/{blob_key(selfie_jpeg())}"

    shown = _get(url, session, "qa.one", "qa")
    by_checker = _get(url, session, "checker.one", "qa")  # their own decision
    by_other_checker = _get(url, session, "checker.two", "checker")
    current = _get(f"{base}/qa/images/{sample.id}/{document.preview_key}", session, "qa.one", "qa")

    assert shown.status_code == 200 and shown.content == selfie_jpeg()
    assert shown.headers["cache-control"] == "private, no-store"
    assert (by_checker.status_code, by_other_checker.status_code, current.status_code) == (
        404,
        403,
        404,
    )
    actions = session.exec(select(AuditEvent.action, AuditEvent.application_id)).all()
    assert ("image.replay_view", decided.case_id) in actions
    assert sum(action == "image.refused" for action, _ in actions) == 3
