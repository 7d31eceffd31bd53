"""Form controls in the NHS style: a labelled dropdown, and a sortable table heading."""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx


@dataclasses.dataclass
class Option:
    value: str
    label: str


def select_field(
    label: str,
    field_id: str,
    *,
    value: rx.Var,
    options: rx.Var,
    on_change: Any,
    any_label: str,
) -> rx.Component:
    """A labelled ``<select>`` over state-held ``Option``s, with "all" as its empty choice."""
    return rx.el.div(
        rx.el.label(label, html_for=field_id),
        rx.el.select(
            rx.el.option(any_label, value=""),
            rx.foreach(options, lambda option: rx.el.option(option.label, value=option.value)),
            id=field_id,
            value=value,
            on_change=on_change,
        ),
    )


def sortable_header(
    label: str, *, active: rx.Var, descending: rx.Var, on_click: Any
) -> rx.Component:
    """A column heading that sorts when pressed; ``aria-sort`` tells screen readers the order."""
    arrow = rx.cond(active, rx.cond(descending, " ▼", " ▲"), "")
    return rx.el.th(
        rx.el.button(
            label,
            rx.el.span(arrow, aria_hidden="true"),
            type="button",
            on_click=on_click,
            class_name="button button--link",
        ),
        scope="col",
        aria_sort=rx.cond(active, rx.cond(descending, "descending", "ascending"), "none"),
    )
