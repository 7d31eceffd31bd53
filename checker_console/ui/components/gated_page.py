"""The body of a page only some roles may see: its heading, then the page, "Loading…", or the
refusal, so nobody reads a spinner that never ends. The server refuses the data as well."""

from __future__ import annotations

import reflex as rx


def gated_page(
    heading: str,
    body: rx.Component,
    *,
    allowed: rx.Var[bool],
    loaded: rx.Var[bool],
    checked: rx.Var[bool],
    refusal: str,
) -> rx.Component:
    """``allowed``: the user's role may see it; ``checked``: the session has been looked at."""
    return rx.el.div(
        rx.el.h1(heading),
        rx.cond(
            allowed,
            rx.cond(loaded, body, rx.el.p("Loading…", role="status")),
            rx.cond(checked, rx.el.p(refusal)),
        ),
    )
