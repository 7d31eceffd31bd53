"""What someone who is not signed in sees on any page: the demo users (demo mode) to sign in as.

Signing in is always through NHS CIS2 (``/auth/cis2/start``; in the demo, the CIS2 stand-in).
In demo mode there are also direct links to the ``/auth/demo-sign-in`` route, which sets the
same HttpOnly session cookie without the CIS2 round trip.

Reflex renders ``rx.el.a`` as a React Router link, which would look for a page called
``/auth/cis2/start`` in the browser and show "404". These links go to server routes, so they
ask for a full document navigation (``reload_document``).
"""

from __future__ import annotations

import reflex as rx

from checker_console.domain.roles import ROLE_TITLES
from checker_console.services.identity.sessions import DEMO_USERS
from checker_console.ui.state import SessionState


def sign_in_panel() -> rx.Component:
    return rx.el.div(
        rx.el.h1("Sign in"),
        rx.el.p(
            "Sign in with your NHS Care Identity (smartcard, Windows Hello or security key) "
            "to use the checker console."
        ),
        rx.el.a(
            "Sign in with NHS CIS2",
            href="/auth/cis2/start",
            class_name="button",
            id="cis2-sign-in",
            reload_document=True,
        ),
        rx.cond(SessionState.demo_mode, _demo_users()),
    )


def _demo_users() -> rx.Component:
    links = [
        rx.el.li(
            rx.el.a(
                f"Sign in as {user.display_name}",
                href=f"/auth/demo-sign-in?user={user.user_id}",
                reload_document=True,
            ),
            f" – {ROLE_TITLES.get(user.role, user.role)}",
        )
        for user in DEMO_USERS
    ]
    return rx.fragment(
        rx.el.h2("Demo shortcut"),
        rx.el.p(
            "This is a demonstration with synthetic cases. You can also skip the CIS2 stand-in "
            "and sign in directly as:"
        ),
        rx.el.ul(*links, class_name="sign-in-list"),
    )
