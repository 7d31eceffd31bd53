"""Signing in to the console with CIS2, end to end over real HTTP: console, stand-in, browser.

The "browser" is an httpx client with a cookie jar that follows each redirect by hand, so every
step a real browser takes is visible: start, the stand-in's page, the callback, the cookie.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.cis2_keys import load_or_create_signing_key
from checker_console.clock import utcnow
from checker_console.commands.standin_cis2 import console_client
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import SESSION_COOKIE, SignedInUser, resolve_session
from checker_console.services.queue.claims import claim_next_case
from checker_console.settings import get_settings
from checker_console.standins.cis2 import Cis2Standin
from checker_console.store.models import Application, AuditEvent
from checker_console.web.app import build_api
from tests.factories import make_case
from tests.support.cis2 import choose_person, running_cis2, spoil_next_id_token
from tests.support.servers import app_settings, serve_app


@dataclass
class Console:
    url: str
    standin: Cis2Standin
    engine: Engine

    def browser(self) -> httpx.Client:
        return httpx.Client(follow_redirects=False, timeout=10)

    def sign_in(self, browser: httpx.Client, username: str) -> httpx.Response:
        """Start, choose ``username`` on CIS2's page, arrive back: the callback's answer."""
        start = browser.get(f"{self.url}/auth/cis2/start")
        assert start.status_code == 303, start.text
        back = choose_person(browser, start.headers["location"], username)
        assert back.headers["location"].startswith(f"{self.url}/auth/cis2/callback")
        return browser.get(back.headers["location"])

    def user_behind(self, response: httpx.Response) -> SignedInUser | None:
        cookie = response.cookies.get(SESSION_COOKIE)
        with Session(self.engine) as session:
            return resolve_session(session, cookie, touch=False) if cookie else None

    def audit(self, action: str) -> list[AuditEvent]:
        with Session(self.engine) as session:
            return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture(scope="module")
def console_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The console's client key, made once for the module (as the console makes it on first run)."""
    path = tmp_path_factory.mktemp("keys") / "cis2-client-key.json"
    load_or_create_signing_key(path)
    return path


@pytest.fixture
def console(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, console_key_file: Path
) -> Iterator[Console]:
    key = {"CHECKER_CIS2_CLIENT_KEY": str(console_key_file)}
    with app_settings(monkeypatch, engine, tmp_path / "data", **key), serve_app(build_api()) as url:
        monkeypatch.setenv("CHECKER_APP_URL", url)
        get_settings.cache_clear()
        with running_cis2(console_client(get_settings(), app_url=url)) as standin:
            monkeypatch.setenv("CHECKER_CIS2_ISSUER", standin.issuer)
            get_settings.cache_clear()
            yield Console(url, standin, engine)


def test_a_checker_signs_in_with_cis2_and_lands_on_the_queue(console: Console) -> None:
    with console.browser() as browser:
        response = console.sign_in(browser, "checker.one")

    assert response.status_code == 303 and response.headers["location"] == "/queue"
    user = console.user_behind(response)
    assert user is not None
    assert (user.user_id, user.display_name, user.roles) == (
        "555000000001",
        "Sam Patel",
        ["checker"],
    )
    # What conflicts of interest are checked against: the email CIS2 holds for them.
    assert user.email == "checker.one@example.nhs.uk"
    assert console.audit("signed_in")[0].actor == "555000000001"


def test_the_session_cookie_is_httponly_samesite_and_the_login_cookie_is_cleared(
    console: Console,
) -> None:
    with console.browser() as browser:
        response = console.sign_in(browser, "checker.one")

    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith(f"{SESSION_COOKIE}="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert any(c.startswith("cc_login=") and "Max-Age=0" in c for c in cookies)


def test_a_lead_works_as_a_lead_only_whatever_other_roles_they_hold(console: Console) -> None:
    with console.browser() as browser:
        user = console.user_behind(console.sign_in(browser, "lead.one"))

    assert user is not None and user.roles == ["lead"]


def test_a_qa_reviewer_gets_the_qa_role_from_the_default_qa_code(console: Console) -> None:
    with console.browser() as browser:
        user = console.user_behind(console.sign_in(browser, "qa.one"))

    assert user is not None and user.roles == ["qa"]


def test_a_person_signed_in_at_aal2_is_told_to_use_a_smartcard_and_gets_no_session(
    console: Console,
) -> None:
    with console.browser() as browser:
        response = console.sign_in(browser, "aal2.one")

    assert response.status_code == 403
    assert "assurance level 2" in response.text and "needs level 3" in response.text
    assert "smartcard" in response.text
    assert SESSION_COOKIE not in response.cookies
    assert console.audit("sign_in_refused")[0].detail["reason"] == "assurance"


def test_a_person_without_a_console_role_is_told_which_role_they_need_and_nothing_else(
    console: Console,
) -> None:
    with console.browser() as browser:
        response = console.sign_in(browser, "no.role")

    assert response.status_code == 403
    assert "You need a checker console role" in response.text
    assert "Nurse (S8000:G8000:R8001) at X26" in response.text
    assert "ID checker: RA ID checker (B0267)" in response.text
    assert "Team lead: RA manager (R5080)" in response.text
    assert "/cases" not in response.text
    assert SESSION_COOKIE not in response.cookies


@pytest.mark.parametrize("fault", ["forged_signature", "wrong_audience", "expired", "wrong_nonce"])
def test_a_bad_id_token_signs_no_one_in(console: Console, fault: str) -> None:
    spoil_next_id_token(console.standin, fault)
    with console.browser() as browser:
        response = console.sign_in(browser, "checker.one")

    assert response.status_code == 401
    assert "Sign-in could not be verified" in response.text
    assert SESSION_COOKIE not in response.cookies
    assert console.audit("sign_in_refused")[0].detail["reason"] == "token_rejected"


def test_a_callback_used_twice_signs_in_only_once(console: Console) -> None:
    with console.browser() as browser:
        start = browser.get(f"{console.url}/auth/cis2/start")
        callback_url = choose_person(browser, start.headers["location"], "checker.one").headers[
            "location"
        ]
        first = browser.get(callback_url)
        browser.cookies.set("cc_login", "whatever", path="/auth/cis2")
        replay = browser.get(callback_url)

    assert first.status_code == 303
    assert replay.status_code == 400 and "already used" in replay.text
    assert SESSION_COOKIE not in replay.cookies


def test_a_callback_opened_in_another_browser_signs_no_one_in(console: Console) -> None:
    with console.browser() as victim, console.browser() as attacker:
        start = attacker.get(f"{console.url}/auth/cis2/start")
        callback_url = choose_person(attacker, start.headers["location"], "checker.one").headers[
            "location"
        ]
        response = victim.get(callback_url)

    assert response.status_code == 400
    assert SESSION_COOKIE not in response.cookies


def test_cancelling_at_cis2_comes_back_to_a_page_offering_to_try_again(console: Console) -> None:
    with console.browser() as browser:
        response = console.sign_in(browser, "")

    assert response.status_code == 400
    assert "Sign-in did not finish" in response.text and "access_denied" in response.text
    assert 'href="/auth/cis2/start"' in response.text


def test_cis2_back_channel_logout_ends_the_session(console: Console) -> None:
    with console.browser() as browser:
        signed_in = console.sign_in(browser, "checker.one")
    assert console.user_behind(signed_in) is not None

    sent = httpx.post(
        f"{console.standin.issuer}/_standin/backchannel-logout", json={"username": "checker.one"}
    ).json()

    assert sent == {"sent": 1, "statuses": [200]}
    assert console.user_behind(signed_in) is None
    assert console.audit("signed_out_by_cis2")[0].detail["sessions_ended"] == 1


def test_cis2_back_channel_logout_puts_the_case_the_checker_held_back_in_the_queue(
    console: Console,
) -> None:
    with console.browser() as browser:
        user = console.user_behind(console.sign_in(browser, "checker.one"))
    assert user is not None
    with Session(console.engine, expire_on_commit=False) as session:
        make_case(session, CaseStatus.QUEUED)
        session.commit()
        claimed = claim_next_case(session, checker_id=user.user_id)
    assert claimed is not None

    httpx.post(
        f"{console.standin.issuer}/_standin/backchannel-logout", json={"username": "checker.one"}
    )

    with Session(console.engine) as session:
        case = session.get(Application, claimed.case_id)
        assert (case.status, case.lease_holder) == (CaseStatus.QUEUED, None)


def test_a_forged_logout_token_ends_nothing(console: Console) -> None:
    with console.browser() as browser:
        signed_in = console.sign_in(browser, "checker.one")

    response = httpx.post(
        f"{console.url}/auth/cis2/backchannel-logout", data={"logout_token": "a.b.c"}
    )

    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert console.user_behind(signed_in) is not None


def test_a_cis2_session_ends_after_fifteen_idle_minutes(console: Console) -> None:
    with console.browser() as browser:
        cookie = console.sign_in(browser, "checker.one").cookies[SESSION_COOKIE]

    with Session(console.engine) as session:
        later = utcnow() + timedelta(minutes=15, seconds=1)
        assert resolve_session(session, cookie, now=later, touch=False) is None
        assert resolve_session(session, cookie, touch=False) is not None


def test_the_console_publishes_only_the_public_half_of_its_client_key(console: Console) -> None:
    keys = httpx.get(f"{console.url}/.well-known/jwks.json").json()["keys"]

    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS512", "sig")]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])
