"""``/sign-in``: where sign-out and expired sessions lead. The layout shows the sign-in choices to
anyone not signed in; someone already signed in is pointed back to their work."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.ui.components.layout import template
from checker_console.ui.state import SessionState


@template(route="/sign-in", title="Sign in", on_load=SessionState.check_session)
def sign_in_page() -> rx.Component:
    return rx.el.div(
        rx.el.h1("You are signed in"),
        rx.el.p("You are signed in as ", rx.el.strong(SessionState.display_name), "."),
        rx.el.p(ReactRouterLink.create("Go to your starting page", to="/")),
    )


PAGE = sign_in_page
