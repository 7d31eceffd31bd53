"""Previous / next paging with a visible "Page 2 of 40" that screen readers also hear."""

from __future__ import annotations

from typing import Any

import reflex as rx


def pager(
    *,
    page: rx.Var,
    page_count: rx.Var,
    has_previous: rx.Var,
    has_next: rx.Var,
    on_previous: Any,
    on_next: Any,
) -> rx.Component:
    return rx.el.nav(
        rx.el.button(
            "Previous",
            rx.el.span(" page", class_name="visually-hidden"),
            type="button",
            on_click=on_previous,
            disabled=~has_previous,
            class_name="button button--secondary",
        ),
        rx.el.p(
            "Page ",
            page.to_string(),
            " of ",
            page_count.to_string(),
            class_name="pager__status",
            aria_live="polite",
            id="pager-status",
        ),
        rx.el.button(
            "Next",
            rx.el.span(" page", class_name="visually-hidden"),
            type="button",
            on_click=on_next,
            disabled=~has_next,
            class_name="button button--secondary",
        ),
        class_name="pager",
        aria_label="Pages of cases",
    )
