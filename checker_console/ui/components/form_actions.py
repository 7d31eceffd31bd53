"""A form's two buttons: the (warning) submit that does it, and Cancel that closes the form."""

from __future__ import annotations

from typing import Any

import reflex as rx


def submit_or_cancel(
    *label: rx.Var | str,
    on_cancel: Any,
    small: bool = False,
    submit_id: str | None = None,
    class_name: str = "form-actions",
) -> rx.Component:
    """``label`` may mix text and vars ("Hand back case ", row.case_id)."""
    size = " button--small" if small else ""
    return rx.el.div(
        rx.el.button(
            *label, type="submit", class_name=f"button button--warning{size}", id=submit_id
        ),
        rx.el.button(
            "Cancel",
            type="button",
            on_click=on_cancel,
            class_name=f"button button--secondary{size}",
        ),
        class_name=class_name,
    )
