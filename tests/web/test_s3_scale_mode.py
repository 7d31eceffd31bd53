"""Intake and the image route with images in S3-compatible storage (moto's server mode)."""

from __future__ import annotations

from pathlib import Path

import boto3
import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.store.models import Document
from checker_console.web.app import build_api
from tests.factories import make_invitation
from tests.support.servers import app_settings, serve_app
from tests.web.test_intake_api import SERVICE_TOKEN, _files, _form


def test_a_submission_lands_in_the_bucket_and_a_lead_sees_it_only_through_the_console(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    s3_server: str,
    s3_settings: str,
) -> None:
    data_dir = tmp_path / "data"
    with Session(engine, expire_on_commit=False) as session:
        token = make_invitation(session).token
        session.commit()
    with (
        app_settings(monkeypatch, engine, data_dir, CHECKER_INTAKE_TOKEN=SERVICE_TOKEN),
        serve_app(build_api()) as url,
    ):
        submitted = httpx.post(
            f"{url}/api/v1/invitations/{token}/submission",
            data=_form(),
            files=_files(),
            headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
            timeout=60,
        )
        assert submitted.status_code == 201, submitted.text
        with Session(engine, expire_on_commit=False) as session:
            passport = session.exec(select(Document).where(Document.kind == "passport")).one()
            cookie, _ = create_session(
                session, user_id="lead.one", display_name="Jordan Lee", roles=["lead"]
            )
            session.commit()
        seen = httpx.get(
            f"{url}/images/{passport.id}/preview", cookies={SESSION_COOKIE: cookie}, timeout=30
        )
        anonymous = httpx.get(f"{url}/images/{passport.id}/preview", timeout=30)

    client = boto3.session.Session().client("s3", endpoint_url=s3_server, region_name="eu-west-2")
    stored = {
        item["Key"].rsplit("/", 1)[-1]
        for item in client.list_objects_v2(Bucket=s3_settings)["Contents"]
    }
    assert {passport.blob_key, passport.preview_key, passport.thumbnail_key} <= stored
    assert not [path for path in data_dir.rglob("*") if path.is_file()]
    assert seen.status_code == 200
    assert seen.content[:2] == b"\xff\xd8" and seen.headers["cache-control"] == "private, no-store"
    assert anonymous.status_code == 401
    assert s3_server not in submitted.text
