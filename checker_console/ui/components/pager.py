"""Previous / next paging with a visible "Page 2 of 40" that screen readers also hear."""

from __future__ import annotations

from typing import Any

import reflex as rx


class NumberedPages(rx.State, mixin=True):
    """Where a page that pages on the server is: page ``page`` of ``page_count``.

    A state mixes this in, sets both from its service's answer and defines ``previous_page``
    and ``next_page``; :func:`pager` draws the controls from it.
    """

    page: int = 1
    page_count: int = 1

    @rx.var
    def has_previous(self) -> bool:
        return self.page > 1

    @rx.var
    def has_next(self) -> bool:
        return self.page < self.page_count


def pager(state: Any) -> rx.Component:
    """The controls for ``state``, a state class that mixes in :class:`NumberedPages`."""
    page, page_count = state.page, state.page_count
    has_previous, has_next = state.has_previous, state.has_next
    on_previous, on_next = state.previous_page, state.next_page
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
