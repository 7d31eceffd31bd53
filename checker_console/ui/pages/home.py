"""``/``: the console opens on the case list."""

from __future__ import annotations

import reflex as rx

from checker_console.ui.components.layout import template


@template(
    route="/",
    title="Cases",
    on_load=rx.redirect("/cases", replace=True),
)
def home_page() -> rx.Component:
    return rx.el.p("Opening the case list…", role="status")


PAGE = home_page
