"""Sign-in with NHS CIS2: the routes of the OpenID Connect authorization code flow.

- ``GET /auth/cis2/start``: opens a login transaction (``services.identity.cis2_sign_in``) and
sends the
  browser to CIS2. The browser gets a short-lived HttpOnly ``cc_login`` cookie that binds the
  transaction to it, so a callback URL pasted into another browser signs no one in.
- ``GET /auth/cis2/callback``: takes the transaction (once), redeems the code with PKCE and
  ``private_key_jwt``, validates the ID token, checks assurance and role, starts the session.
  A person at too low an assurance level, or without a console role, gets a page saying what
  they need and no session.
- ``POST /auth/cis2/backchannel-logout``: CIS2 tells us a session ended; we end ours.
- ``GET /.well-known/jwks.json``: the public half of our client key, which CIS2 (or the
  stand-in) uses to check our client assertions.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from checker_console.adapters.cis2 import (
    Cis2Client,
    Cis2ClientConfig,
    Cis2Error,
    Cis2Identity,
    LogoutNotice,
    ProviderUnavailable,
    TokenRejected,
)
from checker_console.adapters.cis2_keys import load_or_create_signing_key, public_jwks
from checker_console.domain.roles import RolePolicy, landing_route
from checker_console.services.identity import cis2_sign_in as sign_in
from checker_console.services.identity.sessions import session_cookie_is_secure, users_of_sid
from checker_console.services.queue.hand_back import hand_back_work
from checker_console.settings import Settings, get_settings
from checker_console.store.db import session_scope
from checker_console.web.auth import _plain_page, set_session_cookie

START_PATH = "/auth/cis2/start"
CALLBACK_PATH = "/auth/cis2/callback"
BACKCHANNEL_LOGOUT_PATH = "/auth/cis2/backchannel-logout"
LOGIN_COOKIE = "cc_login"
_NO_STORE = {"Cache-Control": "no-store"}

_clients: dict[tuple[object, ...], Cis2Client] = {}


def cis2_client(settings: Settings | None = None) -> Cis2Client:
    """The process's CIS2 client for the current settings (a new one if they changed)."""
    settings = settings or get_settings()
    redirect_uri = settings.app_url.rstrip("/") + CALLBACK_PATH
    acr_values = "AAL3_ANY" if settings.cis2_min_aal >= 3 else None
    cache_key = (
        settings.cis2_issuer, settings.cis2_client_id, redirect_uri, settings.cis2_scopes,
        settings.cis2_client_key_path, acr_values,
    )  # fmt: skip
    if cache_key not in _clients:
        _clients[cache_key] = Cis2Client(
            Cis2ClientConfig(
                issuer=settings.cis2_issuer,
                client_id=settings.cis2_client_id,
                redirect_uri=redirect_uri,
                signing_key=load_or_create_signing_key(settings.cis2_client_key_path),
                scopes=settings.cis2_scopes,
                acr_values=acr_values,
            )
        )
    return _clients[cache_key]


def role_policy(settings: Settings) -> RolePolicy:
    return RolePolicy.from_codes(
        checker=settings.cis2_checker_codes,
        lead=settings.cis2_lead_codes,
        qa=settings.cis2_qa_codes,
    )


def _page(title: str, body: str, status: int) -> HTMLResponse:
    return HTMLResponse(_plain_page(title, body), status_code=status, headers=_NO_STORE)


def _try_again(title: str, message: str, status: int) -> HTMLResponse:
    body = (
        f"<h1>{escape(title)}</h1><p>{escape(message)}</p>"
        f'<p><a class="button" href="{START_PATH}">Sign in with NHS CIS2 again</a></p>'
    )
    return _page(title, body, status)


# Start ------------------------------------------------------------------------------------


def _begin() -> sign_in.PendingLogin:
    with session_scope() as session:
        return sign_in.begin_login(session)


async def start(request: Request) -> Response:
    settings = get_settings()
    pending = await run_in_threadpool(_begin)
    try:
        url = await cis2_client(settings).authorization_url(
            state=pending.state, nonce=pending.nonce, code_verifier=pending.code_verifier
        )
    except Cis2Error as exc:
        return _try_again("NHS CIS2 is not available", str(exc), 503)
    response = RedirectResponse(url, status_code=303, headers=_NO_STORE)
    response.set_cookie(
        LOGIN_COOKIE,
        pending.browser_key,
        max_age=int(sign_in.LOGIN_TTL.total_seconds()),
        path="/auth/cis2",
        httponly=True,
        samesite="lax",  # sent on CIS2's top-level redirect back to us
        secure=session_cookie_is_secure(demo_mode=settings.demo_mode, scheme=request.url.scheme),
    )
    return response


# Callback ---------------------------------------------------------------------------------


def _take(state: str, browser_key: str | None) -> sign_in.PendingLogin | None:
    with session_scope() as session:
        return sign_in.take_login(session, state=state, browser_key=browser_key)


def _record_failure(reason: str, message: str) -> None:
    with session_scope() as session:
        sign_in.record_sign_in_failure(session, reason=reason, message=message)


def _complete(identity: Cis2Identity, settings: Settings) -> sign_in.SignInOutcome:
    with session_scope() as session:
        return sign_in.complete_sign_in(
            session,
            identity,
            policy=role_policy(settings),
            min_assurance=settings.cis2_min_aal,
        )


async def callback(request: Request) -> Response:
    settings = get_settings()
    params = request.query_params
    pending = await run_in_threadpool(
        _take, params.get("state", ""), request.cookies.get(LOGIN_COOKIE)
    )
    if params.get("error"):
        said = params["error"] + (
            f" ({params['error_description']})" if params.get("error_description") else ""
        )
        return _done(_try_again("Sign-in did not finish", f"NHS CIS2 said: {said}.", 400))
    if pending is None or not params.get("code"):
        await run_in_threadpool(_record_failure, "unknown_login", "state unknown, used or expired")
        return _done(
            _try_again(
                "This sign-in has expired or was already used",
                "Sign-in links work once, for 10 minutes, in the browser that started them.",
                400,
            )
        )
    try:
        identity = await cis2_client(settings).sign_in(
            code=params["code"], code_verifier=pending.code_verifier, nonce=pending.nonce
        )
    except ProviderUnavailable as exc:
        return _done(_try_again("NHS CIS2 is not available", str(exc), 503))
    except Cis2Error as exc:
        reason = "token_rejected" if isinstance(exc, TokenRejected) else "code_refused"
        await run_in_threadpool(_record_failure, reason, str(exc))
        return _done(_try_again("Sign-in could not be verified", str(exc), 401))
    outcome = await run_in_threadpool(_complete, identity, settings)
    if isinstance(outcome, sign_in.InsufficientAssurance):
        return _done(_assurance_page(outcome))
    if isinstance(outcome, sign_in.NoConsoleRole):
        return _done(_no_role_page(outcome))
    response = RedirectResponse(landing_route(outcome.roles), status_code=303, headers=_NO_STORE)
    set_session_cookie(response, request, outcome.cookie_value)
    return _done(response)


def _done(response: Response) -> Response:
    """Every callback answer ends the login transaction in the browser too."""
    response.delete_cookie(LOGIN_COOKIE, path="/auth/cis2", httponly=True, samesite="lax")
    return response


def _assurance_page(outcome: sign_in.InsufficientAssurance) -> HTMLResponse:
    title = "Sign in with your smartcard, Windows Hello or a security key"
    body = (
        f"<h1>{escape(title)}</h1>"
        f"<p>{escape(outcome.display_name)}, you signed in to NHS CIS2 at authentication "
        f"assurance level {outcome.level}. The checker console needs level {outcome.required}, "
        "which a smartcard, Windows Hello for Business or a FIDO2 security key gives.</p>"
        "<p>You have not been signed in to the console.</p>"
        f'<p><a class="button" href="{START_PATH}">Sign in again</a></p>'
    )
    return _page(title, body, 403)


def _no_role_page(outcome: sign_in.NoConsoleRole) -> HTMLResponse:
    title = "You need a checker console role"
    chosen = (
        f"<p>You signed in to NHS CIS2 with the role {escape(outcome.selected)}, which does not "
        "give access to the checker console.</p>"
        if outcome.selected
        else "<p>NHS CIS2 did not tell us which of your roles you chose.</p>"
    )
    needed = "".join(f"<li>{escape(line)}</li>" for line in outcome.needed)
    body = (
        f"<h1>{escape(title)}</h1><p>{escape(outcome.display_name)}, you have not been signed "
        f"in to the console.</p>{chosen}"
        f"<p>To use it, sign in choosing a role that has one of these:</p><ul>{needed}</ul>"
        "<p>If you do not hold one, ask your Registration Authority to add it to your "
        "smartcard.</p>"
        f'<p><a class="button" href="{START_PATH}">Sign in with a different role</a></p>'
    )
    return _page(title, body, 403)


# Back-channel logout and our keys ---------------------------------------------------------


def _end_for(notice: LogoutNotice) -> int:
    with session_scope() as session:
        users = users_of_sid(session, notice.sid) if notice.sid else [notice.sub or ""]
        ended = sign_in.end_sessions_for_logout(session, notice)
    for user_id in filter(None, users):
        with session_scope() as session:
            hand_back_work(session, user_id=user_id)
    return ended


async def backchannel_logout(request: Request) -> Response:
    """OpenID Connect Back-Channel Logout 1.0: 200 when done, 400 with the reason when not."""
    token = (await request.form()).get("logout_token")
    if not isinstance(token, str) or not token:
        return _logout_error("Send the logout token as the logout_token form field.")
    try:
        notice = await cis2_client().validate_logout_token(token)
    except Cis2Error as exc:
        return _logout_error(str(exc))
    await run_in_threadpool(_end_for, notice)
    return Response(status_code=200, headers=_NO_STORE)


def _logout_error(description: str) -> JSONResponse:
    body = {"error": "invalid_request", "error_description": description}
    return JSONResponse(body, status_code=400, headers=_NO_STORE)


async def jwks(request: Request) -> Response:
    key = cis2_client().config.signing_key
    return JSONResponse(public_jwks(key), headers={"Cache-Control": "public, max-age=300"})


routes = [
    Route(START_PATH, start, methods=["GET"]),
    Route(CALLBACK_PATH, callback, methods=["GET"]),
    Route(BACKCHANNEL_LOGOUT_PATH, backchannel_logout, methods=["POST"]),
    Route("/.well-known/jwks.json", jwks, methods=["GET"]),
]
