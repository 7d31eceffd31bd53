"""Sign-in and sign-out routes, and the session cookie both they and CIS2 sign-in set.

``/auth/demo-sign-in`` exists only in demo mode: it signs in one of the synthetic demo users, so a
laptop demo needs no identity provider. Sign-out ends the server-side session, so a copied cookie
is useless afterwards even if the browser kept it.
"""

from __future__ import annotations

from html import escape

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from checker_console.domain.roles import landing_route
from checker_console.services.identity.sessions import (
    DEMO_USERS,
    SESSION_COOKIE,
    SignedInUser,
    create_session,
    demo_user,
    end_session,
    resolve_session,
    session_cookie_is_secure,
    session_timeouts,
)
from checker_console.services.queue.hand_back import hand_back_work
from checker_console.settings import get_settings
from checker_console.store.db import session_scope

_PLAIN_PAGE_CSS = (
    "body{margin:0;font-family:Arial,sans-serif;color:#212b32;background:#fff;font-size:19px}"
    "header{background:#005eb8;color:#fff;padding:16px 24px;font-weight:bold}"
    "main{max-width:960px;margin:0 auto;padding:32px 24px}"
    "a{color:#005eb8}a:focus,button:focus{outline:4px solid transparent;background:#ffeb3b;"
    "color:#212b32;box-shadow:0 -2px #ffeb3b,0 4px #212b32;text-decoration:none}"
    ".button{font:inherit;font-weight:bold;color:#fff;background:#007f3b;border:0;"
    "border-radius:4px;padding:12px 16px;box-shadow:0 4px 0 #00401e;cursor:pointer}"
)


def _plain_page(title: str, body: str) -> str:
    """The few pages served outside Reflex, in the same look (no scripts, no external files)."""
    return (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} – Apply for Care ID checker console</title>"
        f"<style>{_PLAIN_PAGE_CSS}</style></head><body>"
        f"<header>Apply for Care ID – checker console</header>"
        f"<main>{body}</main></body></html>"
    )


def set_session_cookie(response: Response, request: Request, cookie_value: str) -> None:
    """HttpOnly (scripts never see it), SameSite=Lax, Secure unless a demo over plain http."""
    _, absolute = session_timeouts()
    response.set_cookie(
        SESSION_COOKIE,
        cookie_value,
        max_age=int(absolute.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=session_cookie_is_secure(
            demo_mode=get_settings().demo_mode, scheme=request.url.scheme
        ),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def signed_in_user(request: Request) -> SignedInUser | None:
    """The live session behind the request's cookie (blocking: call from a thread)."""
    cookie_value = request.cookies.get(SESSION_COOKIE)
    if not cookie_value:
        return None
    with session_scope() as session:
        return resolve_session(session, cookie_value)


def _start_demo_session(user_id: str) -> tuple[str, str]:
    """The new session's cookie value, and the page this person starts on."""
    user = demo_user(user_id)
    assert user is not None
    with session_scope() as session:
        cookie_value, _ = create_session(
            session,
            user_id=user.user_id,
            display_name=user.display_name,
            roles=[user.role],
            email=user.email,
        )
    return cookie_value, landing_route([user.role])


async def demo_sign_in(request: Request) -> Response:
    if not get_settings().demo_mode:
        return PlainTextResponse("Not found", status_code=404)
    user_id = request.query_params.get("user", "")
    if demo_user(user_id) is None:
        known = ", ".join(user.user_id for user in DEMO_USERS)
        return PlainTextResponse(
            f"There is no demo user {user_id!r}. Use one of: {known}.", status_code=400
        )
    cookie_value, landing = await run_in_threadpool(_start_demo_session, user_id)
    response = RedirectResponse(landing, status_code=303)
    set_session_cookie(response, request, cookie_value)
    return response


def _end_session(cookie_value: str | None) -> None:
    with session_scope() as session:
        user_id = end_session(session, cookie_value)
    if user_id is not None:
        with session_scope() as session:
            hand_back_work(session, user_id=user_id)


async def sign_out(request: Request) -> Response:
    await run_in_threadpool(_end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/signed-out", status_code=303)
    clear_session_cookie(response)
    return response


async def confirm_sign_out(request: Request) -> Response:
    """A plain link cannot POST: this page asks once, then posts the sign-out form."""
    body = (
        "<h1>Sign out</h1><p>Sign out of the checker console on this device?</p>"
        '<form method="post" action="/auth/sign-out">'
        '<button class="button" type="submit">Sign out</button></form>'
        '<p><a href="/cases">Back to cases</a></p>'
    )
    return HTMLResponse(_plain_page("Sign out", body), headers={"Cache-Control": "no-store"})


async def signed_out(request: Request) -> Response:
    """Also clears the cookie: the Reflex sign-out ends the session, then sends people here."""
    body = (
        "<h1>You have signed out</h1>"
        "<p>Your session has ended. Close the browser if you are on a shared computer.</p>"
        '<p><a href="/sign-in">Sign in again</a></p>'
    )
    response = HTMLResponse(_plain_page("You have signed out", body))
    response.headers["Cache-Control"] = "no-store"
    clear_session_cookie(response)
    return response


routes = [
    Route("/auth/demo-sign-in", demo_sign_in, methods=["GET"]),
    Route("/auth/sign-out", sign_out, methods=["POST"]),
    Route("/auth/sign-out", confirm_sign_out, methods=["GET"]),
    Route("/signed-out", signed_out, methods=["GET"]),
]
