"""The CIS2 client against the CIS2 stand-in over real HTTP, with the stand-in misbehaving."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker_console.adapters.cis2 import (
    BACKCHANNEL_LOGOUT_EVENT,
    Cis2Client,
    Cis2ClientConfig,
    Cis2Identity,
    TokenRejected,
    TokenRequestRefused,
)
from checker_console.adapters.cis2_keys import public_jwks
from checker_console.standins.cis2 import Cis2Standin
from checker_console.standins.cis2_server import RegisteredClient
from tests.support.asyncio_run import run_async
from tests.support.cis2 import choose_person, redirect_params, running_cis2, spoil_next_id_token
from tests.support.servers import serve_app

REDIRECT_URI = "http://127.0.0.1:9/auth/cis2/callback"


def new_key() -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"use": "sig", "alg": "RS512"}, private=True, auto_kid=True
    )


@dataclass
class Login:
    state: str
    nonce: str
    verifier: str
    code: str


@dataclass
class Setup:
    standin: Cis2Standin
    client: Cis2Client

    def login(self, username: str = "checker.one") -> Login:
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        url = run(self.client.authorization_url(state=state, nonce=nonce, code_verifier=verifier))
        with httpx.Client() as browser:
            params = redirect_params(choose_person(browser, url, username))
        assert params["state"] == state
        return Login(state, nonce, verifier, params["code"])

    def sign_in(self, login: Login) -> Cis2Identity:
        return run(
            self.client.sign_in(code=login.code, code_verifier=login.verifier, nonce=login.nonce)
        )


def run(coroutine: Any) -> Any:
    return run_async(coroutine)


@pytest.fixture(scope="module")
def console_key() -> Iterator[tuple[RSAKey, str]]:
    """The console's key, published at a JWKS URL as the console publishes it."""
    key = new_key()

    async def jwks(request: object) -> JSONResponse:
        return JSONResponse(public_jwks(key))

    with serve_app(Starlette(routes=[Route("/jwks.json", jwks)])) as keys_url:
        yield key, f"{keys_url}/jwks.json"


@pytest.fixture
def setup(console_key: tuple[RSAKey, str]) -> Iterator[Setup]:
    """A fresh stand-in with the console registered, and a client signing with its key."""
    key, jwks_uri = console_key
    registration = RegisteredClient("checker-console-test", (REDIRECT_URI,), jwks_uri=jwks_uri)
    with running_cis2(registration) as standin:
        config = Cis2ClientConfig(
            issuer=standin.issuer,
            client_id="checker-console-test",
            redirect_uri=REDIRECT_URI,
            signing_key=key,
            acr_values="AAL3_ANY",
        )
        yield Setup(standin, Cis2Client(config))


def test_a_checker_signs_in_and_gets_cis2_claims_and_roles(setup: Setup) -> None:
    identity = setup.sign_in(setup.login("checker.one"))

    assert identity.uid == "555000000001" and len(identity.uid) == 12
    assert identity.display_name == "Sam Patel"
    assert identity.claims["authentication_assurance_level"] == "3"
    assert identity.claims["acr"] == "AAL3_ANY"
    assert identity.selected_roleid == "555000000101"
    assert identity.sid
    [role] = identity.userinfo["nhsid_nrbac_roles"]
    assert role["person_roleid"] == "555000000101" and role["activity_codes"] == ["B0267"]


def test_the_authorization_request_asks_for_pkce_nonce_cis2_scopes_and_aal3(setup: Setup) -> None:
    url = run(
        setup.client.authorization_url(state="s" * 43, nonce="n" * 43, code_verifier="v" * 64)
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert "v" * 64 not in url  # the verifier itself never leaves the console
    assert query["nonce"] == "n" * 43 and query["state"] == "s" * 43
    assert query["scope"] == "openid profile email nationalrbacaccess selectedrole"
    assert query["acr_values"] == "AAL3_ANY"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("forged_signature", "signature is not valid"),
        ("wrong_audience", "'aud'"),
        ("expired", "expired"),
        ("wrong_nonce", "'nonce'"),
    ],
)
def test_an_id_token_that_fails_validation_is_refused(
    setup: Setup, fault: str, message: str
) -> None:
    login = setup.login()
    spoil_next_id_token(setup.standin, fault)

    with pytest.raises(TokenRejected, match=message):
        setup.sign_in(login)


def test_an_id_token_replayed_into_another_login_is_refused_by_its_nonce(setup: Setup) -> None:
    first = setup.login()
    token = run(setup.client.exchange_code(code=first.code, code_verifier=first.verifier))
    run(setup.client.validate_id_token(token["id_token"], nonce=first.nonce))
    second = setup.login()

    with pytest.raises(TokenRejected, match="'nonce'"):
        run(setup.client.validate_id_token(token["id_token"], nonce=second.nonce))


def test_a_code_is_redeemed_only_once(setup: Setup) -> None:
    login = setup.login()
    setup.sign_in(login)

    with pytest.raises(TokenRequestRefused, match="invalid_grant"):
        setup.sign_in(login)


def test_a_code_cannot_be_redeemed_without_the_pkce_verifier(setup: Setup) -> None:
    login = setup.login()

    with pytest.raises(TokenRequestRefused, match="code_verifier"):
        run(setup.client.exchange_code(code=login.code, code_verifier=None))


def test_a_code_cannot_be_redeemed_with_another_logins_verifier(setup: Setup) -> None:
    login = setup.login()

    with pytest.raises(TokenRequestRefused, match="invalid_grant"):
        run(setup.client.exchange_code(code=login.code, code_verifier=secrets.token_urlsafe(48)))


def test_a_client_signing_with_an_unregistered_key_is_refused(setup: Setup) -> None:
    login = setup.login()
    impostor = Cis2Client(replace(setup.client.config, signing_key=new_key()))

    with pytest.raises(TokenRequestRefused, match="invalid_client"):
        run(impostor.exchange_code(code=login.code, code_verifier=login.verifier))


def test_the_client_fetches_cis2_keys_again_after_cis2_rotates_them(setup: Setup) -> None:
    client = Cis2Client(replace(setup.client.config, key_refresh_seconds=0))
    setup.client = client
    setup.sign_in(setup.login())
    setup.standin.server.signing_key = new_key()

    assert setup.sign_in(setup.login("checker.two")).uid == "555000000002"


def logout_token(standin: Cis2Standin, **changes: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": standin.issuer,
        "aud": "checker-console-test",
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(8),
        "sid": "cis2-session-1",
        "sub": "555000000001",
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    key = standin.server.signing_key
    return jwt.encode({"alg": "RS512", "kid": key.kid}, claims, key, algorithms=["RS512"])


def test_a_logout_token_from_cis2_names_the_session_to_end(setup: Setup) -> None:
    notice = run(setup.client.validate_logout_token(logout_token(setup.standin)))

    assert notice.sid == "cis2-session-1" and notice.sub == "555000000001"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"events": {"something-else": {}}}, "back-channel logout event"),
        ({"nonce": "abc"}, "nonce"),
        ({"sid": None, "sub": None}, "neither"),
        ({"aud": "someone-else"}, "'aud'"),
        ({"jti": None}, "'jti'"),
    ],
)
def test_a_logout_token_that_breaks_the_back_channel_rules_is_refused(
    setup: Setup, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(TokenRejected, match=message):
        run(setup.client.validate_logout_token(logout_token(setup.standin, **changes)))
