"""The CIS2 stand-in over real HTTP: what it publishes, what it requires, what it issues."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from checker_console.adapters.cis2 import CLIENT_ASSERTION_TYPE
from checker_console.adapters.cis2_keys import public_jwks
from checker_console.standins.cis2 import Cis2Standin
from checker_console.standins.cis2_server import RegisteredClient
from checker_console.standins.cis2_users import DEMO_PEOPLE
from tests.support.cis2 import choose_person, read_sign_in_page, redirect_params, running_cis2
from tests.support.servers import serve_app

CLIENT_ID = "checker-console-test"
REDIRECT_URI = "http://127.0.0.1:9/auth/cis2/callback"
SCOPES = "openid profile email nationalrbacaccess selectedrole"


@dataclass
class Provider:
    standin: Cis2Standin
    client_key: RSAKey
    http: httpx.Client

    @property
    def url(self) -> str:
        return self.standin.issuer

    def authorize_url(self, *, verifier: str | None, nonce: str = "", **extra: str) -> str:
        params = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": SCOPES,
            "state": "state-1",
            "nonce": nonce or secrets.token_urlsafe(16),
            **extra,
        }
        if verifier:
            params["code_challenge"] = create_s256_code_challenge(verifier)
            params["code_challenge_method"] = "S256"
        return str(httpx.URL(f"{self.url}/authorize", params=params))

    def code_for(self, username: str, verifier: str, nonce: str = "") -> str:
        url = self.authorize_url(verifier=verifier, nonce=nonce)
        return redirect_params(choose_person(self.http, url, username))["code"]

    def assertion(self, **claims: Any) -> str:
        return private_key_jwt_sign(
            self.client_key,
            client_id=CLIENT_ID,
            token_endpoint=f"{self.url}/token",
            claims=claims or None,
            header={"kid": self.client_key.kid},
            alg="RS512",
        )

    def token(
        self, code: str, verifier: str | None, assertion: str | None = None
    ) -> httpx.Response:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
        if verifier:
            form["code_verifier"] = verifier
        if assertion != "":
            form["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            form["client_assertion"] = assertion or self.assertion()
        return self.http.post(f"{self.url}/token", data=form)

    def id_token_claims(self, response: httpx.Response) -> dict[str, Any]:
        keys = KeySet.import_key_set(self.http.get(f"{self.url}/jwks").json())
        return dict(jwt.decode(response.json()["id_token"], keys, algorithms=["RS512"]).claims)


@pytest.fixture(scope="module")
def client_key() -> Iterator[tuple[RSAKey, str]]:
    key = RSAKey.generate_key(2048, parameters={"alg": "RS512"}, private=True, auto_kid=True)

    async def jwks(request: object) -> JSONResponse:
        return JSONResponse(public_jwks(key))

    with serve_app(Starlette(routes=[Route("/jwks.json", jwks)])) as url:
        yield key, f"{url}/jwks.json"


@pytest.fixture
def provider(client_key: tuple[RSAKey, str]) -> Iterator[Provider]:
    key, jwks_uri = client_key
    with (
        running_cis2(RegisteredClient(CLIENT_ID, (REDIRECT_URI,), jwks_uri=jwks_uri)) as standin,
        httpx.Client() as http,
    ):
        yield Provider(standin, key, http)


def test_discovery_advertises_what_cis2_clients_rely_on(provider: Provider) -> None:
    document = provider.http.get(f"{provider.url}/.well-known/openid-configuration").json()

    assert document["issuer"] == provider.url
    assert document["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS512"]
    assert {"nationalrbacaccess", "selectedrole"} <= set(document["scopes_supported"])
    assert document["backchannel_logout_supported"] is True


def test_the_sign_in_page_offers_every_demo_person_as_a_named_button(provider: Provider) -> None:
    page = provider.http.get(provider.authorize_url(verifier=secrets.token_urlsafe(48)))
    form = read_sign_in_page(page.text)

    assert page.status_code == 200
    assert set(form.buttons) == {p.username for p in DEMO_PEOPLE} | {""}
    assert form.buttons["checker.one"] == "Sign in as Sam Patel (checker.one)"
    assert form.buttons[""] == "Cancel sign-in"
    assert '<html lang="en-GB">' in page.text


def test_an_authorization_request_without_pkce_is_sent_back_refused(provider: Provider) -> None:
    response = provider.http.get(provider.authorize_url(verifier=None))

    params = redirect_params(response)
    assert params["error"] == "invalid_request" and "PKCE" in params["error_description"]
    assert params["state"] == "state-1"


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(provider: Provider) -> None:
    url = provider.authorize_url(verifier=secrets.token_urlsafe(48))
    url = url.replace("127.0.0.1%3A9", "evil.example")

    response = provider.http.get(url)

    assert response.status_code == 400 and "location" not in response.headers
    assert "This sign-in request is not valid" in response.text


def test_cancelling_sends_the_person_back_with_access_denied(provider: Provider) -> None:
    url = provider.authorize_url(verifier=secrets.token_urlsafe(48))

    params = redirect_params(choose_person(provider.http, url, ""))

    assert params["error"] == "access_denied" and "code" not in params


def test_the_id_token_carries_cis2_claims_for_the_chosen_person(provider: Provider) -> None:
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
    response = provider.token(provider.code_for("lead.one", verifier, nonce), verifier)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    claims = provider.id_token_claims(response)
    assert claims["iss"] == provider.url and claims["aud"] == CLIENT_ID
    assert claims["nonce"] == nonce
    assert claims["uid"] == claims["sub"] == "555000000003"
    assert claims["selected_roleid"] == "555000000301"
    assert claims["authentication_assurance_level"] == "3" and claims["acr"] == "AAL3_ANY"
    assert claims["exp"] > time.time() and claims["sid"]


def test_the_aal2_person_gets_assurance_level_2_in_the_id_token(provider: Provider) -> None:
    verifier = secrets.token_urlsafe(48)
    response = provider.token(provider.code_for("aal2.one", verifier), verifier)

    claims = provider.id_token_claims(response)
    assert claims["authentication_assurance_level"] == "2"
    assert claims["acr"] == "AAL2_ANY"


def test_userinfo_gives_the_persons_roles_to_the_holder_of_their_access_token(
    provider: Provider,
) -> None:
    verifier = secrets.token_urlsafe(48)
    access_token = provider.token(provider.code_for("lead.one", verifier), verifier).json()[
        "access_token"
    ]

    info = provider.http.get(
        f"{provider.url}/userinfo", headers={"Authorization": f"Bearer {access_token}"}
    ).json()
    refused = provider.http.get(
        f"{provider.url}/userinfo", headers={"Authorization": "Bearer made-up"}
    )

    assert [r["person_roleid"] for r in info["nhsid_nrbac_roles"]] == [
        "555000000301",
        "555000000302",
    ]
    assert info["nhsid_nrbac_roles"][0]["role_code"] == "S8000:G8001:R5080"
    assert refused.status_code == 401


def test_a_token_request_without_the_pkce_verifier_is_refused(provider: Provider) -> None:
    code = provider.code_for("checker.one", secrets.token_urlsafe(48))

    response = provider.token(code, verifier=None)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "code_verifier" in response.json()["error_description"]


def test_a_token_request_without_client_authentication_is_refused(provider: Provider) -> None:
    verifier = secrets.token_urlsafe(48)
    response = provider.token(provider.code_for("checker.one", verifier), verifier, assertion="")

    assert response.status_code == 400 and response.json()["error"] == "invalid_client"


def test_a_client_assertion_cannot_be_used_twice(provider: Provider) -> None:
    assertion = provider.assertion(jti="used-once")
    first_verifier, second_verifier = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    first = provider.token(
        provider.code_for("checker.one", first_verifier), first_verifier, assertion
    )
    second_code = provider.code_for("checker.two", second_verifier)

    replay = provider.token(second_code, second_verifier, assertion)

    assert first.status_code == 200
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_client"
    assert "used before" in replay.json()["error_description"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_standin_cis2_command_serves_discovery_on_the_given_port(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CHECKER_DATA_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "checker_console.cli", "standin-cis2", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(len(DEMO_PEOPLE) + 1)]
        while "listening on" not in lines[-1]:
            lines.append(process.stdout.readline())
            assert process.poll() is None, "".join(lines)
        issuer = f"http://127.0.0.1:{port}"
        document = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()

    assert document["issuer"] == issuer
    assert any("no.role" in line for line in lines)
    assert (tmp_path / "standins" / "standin-cis2-signing-key.json").exists()
