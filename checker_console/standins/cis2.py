"""A stand-in for NHS CIS2 sign-in: an OpenID provider that issues CIS2-shaped tokens.

``checker-console standin-cis2 --port 8702`` serves, for one registered client (the console):

- ``GET /.well-known/openid-configuration``, ``GET /jwks``: discovery and the signing key;
- ``GET /authorize``: a plain page with one button per demo person (``cis2_users``), in place of
  CIS2's smartcard and role-selection pages; choosing one redirects back with ``code`` and
  ``state``. PKCE with S256 and a nonce are required, as CIS2 requires them;
- ``POST /token``: redeems a code for an ID token and access token; the client must
  authenticate by ``private_key_jwt``, checked against the keys at its ``jwks_uri``;
- ``GET /userinfo``: the person's ``nhsid_nrbac_roles``.

For tests and demos, with no authentication (serve it on 127.0.0.1 only):

- ``POST /_standin/faults`` ``{"id_token": "expired"}``: spoil the next ID token
  (``forged_signature``, ``wrong_audience``, ``expired``, ``wrong_nonce``);
- ``POST /_standin/backchannel-logout`` ``{"username": "checker.one"}``: send a back-channel
  logout token for each of that person's sessions to the client's ``backchannel_logout_uri``.

What real CIS2 does and this does not: role selection by the person, step-up to a stronger
authenticator when ``acr_values`` asks for one (the stand-in issues what the person has, so the
console's own assurance check can be tested), refresh tokens and RP-initiated logout.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import httpx
from authlib.oauth2.rfc6749.errors import OAuth2Error
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from checker_console.adapters.cis2 import BACKCHANNEL_LOGOUT_EVENT
from checker_console.adapters.cis2_keys import load_or_create_signing_key, public_jwks
from checker_console.standins.cis2_server import (
    ID_TOKEN_ALG,
    ID_TOKEN_FAULTS,
    Cis2Server,
    FormRequest,
    RegisteredClient,
)
from checker_console.standins.cis2_users import DEMO_PEOPLE, find_person

_NO_STORE = {"Cache-Control": "no-store"}
_PAGE_CSS = (
    "body{font-family:Arial,sans-serif;margin:0;color:#212b32;font-size:19px}"
    "header{background:#005eb8;color:#fff;padding:16px 24px;font-weight:bold}"
    "main{max-width:760px;margin:0 auto;padding:24px}ul{list-style:none;padding:0}"
    "li{margin:0 0 16px}button{font:inherit;font-weight:bold;padding:10px 14px;cursor:pointer}"
    "button:focus{outline:4px solid #ffeb3b}.hint{display:block;color:#4c6272;margin-top:4px}"
)


@dataclass
class Cis2Standin:
    """The provider and its Starlette app; ``issuer`` may be set after binding a free port."""

    server: Cis2Server

    @property
    def issuer(self) -> str:
        return self.server.issuer

    @issuer.setter
    def issuer(self, value: str) -> None:
        self.server.issuer = value.rstrip("/")

    def register_client(self, client: RegisteredClient) -> None:
        self.server.client = client
        self.server.client_keys = None

    def app(self) -> Starlette:
        return Starlette(routes=_routes(self.server))


def create_standin(
    *,
    client: RegisteredClient,
    data_dir: Path | None = None,
    issuer: str = "http://127.0.0.1",
    signing_key: RSAKey | None = None,
) -> Cis2Standin:
    """A stand-in whose signing key lives in ``data_dir`` (or is given, or made in memory)."""
    if signing_key is not None:
        key = signing_key
    elif data_dir is None:
        key = RSAKey.generate_key(2048, parameters={"use": "sig"}, private=True, auto_kid=True)
    else:
        key = load_or_create_signing_key(data_dir / "standin-cis2-signing-key.json")
    return Cis2Standin(Cis2Server(issuer=issuer, signing_key=key, client=client))


# Discovery, keys, userinfo ------------------------------------------------------------------


def _discovery(server: Cis2Server) -> dict[str, Any]:
    base = server.issuer
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": server.token_endpoint,
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ID_TOKEN_ALG],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS512"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": sorted(server.client.scopes),
        "claims_supported": [
            "sub", "uid", "name", "given_name", "family_name", "email", "selected_roleid",
            "nhsid_nrbac_roles", "authentication_assurance_level", "acr", "amr", "sid",
        ],
        "acr_values_supported": ["AAL3_ANY", "AAL2_OR_ABOVE"],
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }  # fmt: skip


async def _userinfo(server: Cis2Server, request: Request) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    person = server.store.person_for_access_token(token) if scheme.lower() == "bearer" else None
    if person is None:
        return JSONResponse(
            {"error": "invalid_token", "error_description": "Unknown or expired access token."},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return JSONResponse(person.userinfo(), headers=_NO_STORE)


# Authorization: the page that stands in for smartcard sign-in ------------------------------


def _oauth_request(request: Request, form: dict[str, str] | None = None) -> FormRequest:
    return FormRequest(
        request.method, str(request.url), dict(request.headers), dict(request.query_params),
        form or {},
    )  # fmt: skip


def _error_response(server: Cis2Server, oauth_request: FormRequest, error: OAuth2Error) -> Response:
    status, body, headers = server.handle_error_response(oauth_request, error)
    if status == 302:
        return RedirectResponse(headers["Location"], status_code=302)
    message = escape(f"{error.error}: {error.description or ''}")
    page = f"<h1>This sign-in request is not valid</h1><p>{message}</p>"
    return HTMLResponse(_page("Sign-in request not valid", page), status_code=400)


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{_PAGE_CSS}</style></head><body><header>NHS CIS2 stand-in</header>"
        f"<main>{body}</main></body></html>"
    )


def _chooser(query: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in query.items()
    )
    people = "".join(
        f'<li><button type="submit" name="person" value="{escape(p.username)}" '
        f'aria-describedby="hint-{escape(p.username)}">Sign in as {escape(p.name)} '
        f"({escape(p.username)})</button>"
        f'<span class="hint" id="hint-{escape(p.username)}">{escape(p.summary)}</span></li>'
        for p in DEMO_PEOPLE
    )
    return _page(
        "Sign in with NHS CIS2 (stand-in)",
        "<h1>Sign in with NHS CIS2 (stand-in)</h1>"
        "<p>This local stand-in replaces smartcard sign-in for demos and tests. "
        "Choose who to sign in as.</p>"
        f'<form method="post" action="/authorize">{hidden}<ul>{people}</ul>'
        '<button type="submit" name="person" value="">Cancel sign-in</button></form>',
    )


async def _authorize(server: Cis2Server, request: Request) -> Response:
    chosen: str | None = None
    if request.method == "POST":  # the chooser posts the original query back, plus "person"
        form = {k: str(v) for k, v in (await request.form()).items()}
        chosen = form.pop("person", "")
        oauth_request = _oauth_request(request, form)
    else:
        oauth_request = _oauth_request(request)
    try:
        grant = server.get_consent_grant(oauth_request)
    except OAuth2Error as error:
        return _error_response(server, oauth_request, error)
    if chosen is None:
        return HTMLResponse(_chooser(oauth_request.payload.data), headers=_NO_STORE)
    person = find_person(chosen) if chosen else None
    status, _, headers = server.create_authorization_response(
        oauth_request, grant_user=person, grant=grant
    )
    return RedirectResponse(headers["Location"], status_code=302)


# Token: private_key_jwt client authentication, PKCE, ID token ------------------------------


async def _client_keys(server: Cis2Server, assertion: str | None) -> None:
    """Fetch the client's keys from its jwks_uri when we have none or lack the asserted kid."""
    if not assertion or not server.client.jwks_uri:
        return
    try:
        kid = jws.extract_compact(assertion.encode()).headers().get("kid")
    except JoseError:
        return  # Authlib refuses the malformed assertion with the right error
    known = server.client_keys
    if known is not None and (kid is None or any(k.kid == kid for k in known.keys)):
        return
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(server.client.jwks_uri)
    if response.status_code == 200:
        server.client_keys = KeySet.import_key_set(response.json())


async def _token(server: Cis2Server, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        await _client_keys(server, form.get("client_assertion"))
    except (httpx.HTTPError, ValueError, JoseError) as exc:
        return JSONResponse(
            {"error": "invalid_client", "error_description": f"Client keys unreadable: {exc}"},
            status_code=401,
        )
    oauth_request = FormRequest("POST", str(request.url), dict(request.headers), {}, form)
    status, body, headers = await run_in_threadpool(server.create_token_response, oauth_request)
    return JSONResponse(body, status_code=status, headers={**headers, **_NO_STORE})


# Test and demo controls -------------------------------------------------------------------


async def _set_fault(server: Cis2Server, request: Request) -> Response:
    fault = (await request.json()).get("id_token")
    if fault is not None and fault not in ID_TOKEN_FAULTS:
        return JSONResponse({"error": f"id_token fault must be one of {ID_TOKEN_FAULTS}"}, 400)
    with server.store.lock:
        server.store.next_id_token_fault = fault
    return JSONResponse({"next_id_token_fault": fault})


def logout_token(server: Cis2Server, *, sid: str, sub: str) -> str:
    now = int(time.time())
    claims = {
        "iss": server.issuer, "aud": server.client.client_id, "iat": now, "exp": now + 120,
        "jti": secrets.token_urlsafe(16), "sid": sid, "sub": sub,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }  # fmt: skip
    header = {"alg": ID_TOKEN_ALG, "kid": server.signing_key.kid, "typ": "logout+jwt"}
    return jwt.encode(header, claims, server.signing_key, algorithms=[ID_TOKEN_ALG])


async def _send_backchannel_logout(server: Cis2Server, request: Request) -> Response:
    wanted = await request.json()
    person = find_person(str(wanted.get("username", "")))
    with server.store.lock:
        sids = [
            sid for sid, uid in server.store.sessions.items()
            if sid == wanted.get("sid") or (person is not None and uid == person.uid)
        ]  # fmt: skip
        targets = [(sid, server.store.sessions.pop(sid)) for sid in sids]
    if not server.client.backchannel_logout_uri:
        return JSONResponse({"error": "the client has no backchannel_logout_uri"}, 400)
    statuses = []
    async with httpx.AsyncClient(timeout=5) as http:
        for sid, uid in targets:
            token = logout_token(server, sid=sid, sub=uid)
            answer = await http.post(
                server.client.backchannel_logout_uri, data={"logout_token": token}
            )
            statuses.append(answer.status_code)
    return JSONResponse({"sent": len(targets), "statuses": statuses})


def _routes(server: Cis2Server) -> list[Route]:
    def bound(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            return await handler(server, request)

        return endpoint

    async def discovery(request: Request) -> Response:
        return JSONResponse(_discovery(server))

    async def jwks(request: Request) -> Response:
        return JSONResponse(public_jwks(server.signing_key))

    async def people(request: Request) -> Response:
        return JSONResponse([{"username": p.username, **p.userinfo()} for p in DEMO_PEOPLE])

    return [
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/jwks", jwks, methods=["GET"]),
        Route("/authorize", bound(_authorize), methods=["GET", "POST"]),
        Route("/token", bound(_token), methods=["POST"]),
        Route("/userinfo", bound(_userinfo), methods=["GET", "POST"]),
        Route("/_standin/faults", bound(_set_fault), methods=["POST"]),
        Route("/_standin/backchannel-logout", bound(_send_backchannel_logout), methods=["POST"]),
        Route("/_standin/people", people, methods=["GET"]),
    ]
