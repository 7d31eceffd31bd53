"""The "?" dialog: every keyboard shortcut of the review workspace, in one list."""

from __future__ import annotations

import reflex as rx

from checker_console.ui.pages.review_state import ReviewState

#: (keys, what they do): the dialog and the README table come from this one list.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("N", "Take the next case (on the queue page, or when you hold none)"),
    ("A", "Approve (every checklist item must be confirmed)"),
    ("R", "Reject: open the reasons (R again closes them)"),
    ("F", "Refer for a second opinion: open the note"),
    ("U", "Undo your last decision, while its confirmation is on screen"),
    ("1 to 8", "Tick a checklist item; in the reject panel, a reason"),
    ("E and D", "Show the applicant's earlier attempts, and the case details again"),
    ("+ and -", "Zoom the image in and out (both images when zoom is linked)"),
    ("[ and ]", "Rotate the image left and right"),
    ("0", "Reset zoom, rotation and position (both images when zoom is linked)"),
    ("B and Shift+B", "Make the image brighter and darker"),
    ("C and Shift+C", "Give the image more and less contrast"),
    ("I", "Invert the image's colours, and back"),
    ("L", "Switch the magnifier loupe on and off"),
    ("Arrow keys", "Move the zoomed image; with the loupe on, move the loupe"),
    ("?", "Show or hide this list"),
    ("Escape", "Close a panel, even from a text box in it (what you typed is kept), or this list"),
)


def shortcut_help() -> rx.Component:
    return rx.cond(
        ReviewState.help_open,
        rx.el.div(
            rx.el.div(
                rx.el.h2("Keyboard shortcuts", id="shortcut-help-title"),
                rx.el.table(
                    rx.el.thead(
                        rx.el.tr(
                            rx.el.th("Key", scope="col"), rx.el.th("What it does", scope="col")
                        )
                    ),
                    rx.el.tbody(
                        *[
                            rx.el.tr(rx.el.td(rx.el.kbd(keys, class_name="key")), rx.el.td(text))
                            for keys, text in SHORTCUTS
                        ]
                    ),
                    class_name="table shortcut-table",
                ),
                rx.el.button(
                    "Close",
                    type="button",
                    id="shortcut-help-close",
                    on_click=ReviewState.toggle_help,
                    custom_attrs={"data-shortcut": "Escape"},
                    class_name="button button--secondary",
                ),
                class_name="dialog",
                role="dialog",
                aria_modal="true",
                aria_labelledby="shortcut-help-title",
            ),
            class_name="dialog-backdrop",
        ),
    )
