"""Demo sign-in and sign-out over real HTTP: the cookie a browser gets, and what it is worth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import SESSION_COOKIE, resolve_session
from checker_console.services.queue.claims import claim_next_case
from checker_console.store.models import Application
from checker_console.web.app import build_api
from tests.factories import make_case
from tests.support.servers import app_settings, serve_app


def _serve(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, demo: bool
) -> Iterator[str]:
    demo_mode = "1" if demo else "0"
    with (
        app_settings(monkeypatch, engine, tmp_path / "data", CHECKER_DEMO_MODE=demo_mode),
        serve_app(build_api()) as url,
    ):
        yield url


@pytest.fixture
def demo_url(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _serve(engine, tmp_path, monkeypatch, demo=True)


@pytest.fixture
def live_url(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    yield from _serve(engine, tmp_path, monkeypatch, demo=False)


def _sign_in(url: str, user: str) -> httpx.Response:
    return httpx.get(f"{url}/auth/demo-sign-in", params={"user": user})


def test_demo_sign_in_sets_an_http_only_lax_cookie_and_opens_the_leads_dashboard(
    demo_url: str, engine: Engine
) -> None:
    response = _sign_in(demo_url, "lead.one")

    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard"  # a lead's starting page
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=lax" in set_cookie
    assert "Secure" not in set_cookie  # a demo over plain http
    with Session(engine) as session:
        user = resolve_session(session, response.cookies[SESSION_COOKIE])
    assert user is not None
    assert (user.user_id, user.display_name, user.roles) == ("lead.one", "Jordan Lee", ["lead"])


def test_an_unknown_demo_user_is_told_who_exists(demo_url: str) -> None:
    response = _sign_in(demo_url, "mallory")

    assert response.status_code == 400
    assert "checker.one" in response.text
    assert SESSION_COOKIE not in response.cookies


def test_demo_sign_in_does_not_exist_outside_demo_mode(live_url: str) -> None:
    response = _sign_in(live_url, "lead.one")

    assert response.status_code == 404
    assert SESSION_COOKIE not in response.cookies


def test_signing_out_ends_the_session_even_if_the_cookie_is_kept(
    demo_url: str, engine: Engine
) -> None:
    cookie_value = _sign_in(demo_url, "checker.one").cookies[SESSION_COOKIE]

    response = httpx.post(f"{demo_url}/auth/sign-out", cookies={SESSION_COOKIE: cookie_value})

    assert response.status_code == 303
    assert response.headers["location"] == "/signed-out"
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    with Session(engine) as session:
        assert resolve_session(session, cookie_value) is None


def test_signing_out_puts_the_case_the_checker_held_back_in_the_queue(
    demo_url: str, engine: Engine
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        make_case(session, CaseStatus.QUEUED)
        session.commit()
        cookie_value = _sign_in(demo_url, "checker.one").cookies[SESSION_COOKIE]
        claimed = claim_next_case(session, checker_id="checker.one")
    assert claimed is not None

    httpx.post(f"{demo_url}/auth/sign-out", cookies={SESSION_COOKIE: cookie_value})

    with Session(engine) as session:
        case = session.get(Application, claimed.case_id)
        assert (case.status, case.lease_holder) == (CaseStatus.QUEUED, None)


def test_the_sign_out_link_asks_before_signing_out(demo_url: str, engine: Engine) -> None:
    cookie_value = _sign_in(demo_url, "checker.one").cookies[SESSION_COOKIE]

    page = httpx.get(f"{demo_url}/auth/sign-out", cookies={SESSION_COOKIE: cookie_value})

    assert page.status_code == 200
    assert '<form method="post" action="/auth/sign-out">' in page.text
    with Session(engine) as session:
        assert resolve_session(session, cookie_value) is not None


def test_the_signed_out_page_clears_the_cookie_and_offers_sign_in(demo_url: str) -> None:
    response = httpx.get(f"{demo_url}/signed-out")

    assert response.status_code == 200
    assert "You have signed out" in response.text
    assert 'href="/sign-in"' in response.text
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    assert 'lang="en-GB"' in response.text


def test_a_checker_signed_in_by_the_demo_link_lands_on_the_queue(demo_url: str) -> None:
    response = _sign_in(demo_url, "checker.one")

    assert response.status_code == 303
    assert response.headers["location"] == "/queue"
