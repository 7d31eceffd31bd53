"""The workspace's right-hand facts: invitation vs entered vs document, the aids, and earlier
attempts. Mismatches are marked with a word and a symbol as well as colour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from checker_console.ui.components.face_match import face_crops
from checker_console.ui.pages.review_state import ReviewState
from checker_console.ui.pages.review_views import (
    AidView,
    ComparisonRowView,
    EarlierAttemptView,
    ImageView,
)


def _value(text: rx.Var[str], differs: rx.Var[bool]) -> rx.Component:
    return rx.el.td(
        rx.cond(
            differs,
            rx.el.span(
                rx.el.span("✕ ", aria_hidden="true"),
                text,
                rx.el.span(" (differs)", class_name="visually-hidden"),
                class_name="compare__differs",
            ),
            text,
        )
    )


def _comparison_row(row: rx.Var[ComparisonRowView]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(
            row.label,
            rx.cond(row.mismatch, rx.el.span(" Mismatch", class_name="compare__flag")),
            scope="row",
        ),
        rx.el.td(row.invited),
        _value(row.entered, row.entered_differs),
        _value(row.document, row.document_differs),
        class_name=rx.cond(row.mismatch, "compare__row compare__row--mismatch", "compare__row"),
        title=row.problem,
    )


def comparison_table(state: Any = ReviewState) -> rx.Component:
    """``state`` holds ``comparison`` and ``mismatch_count`` (QA's replay passes its own)."""
    return rx.el.table(
        rx.el.caption(
            "Name and date of birth",
            rx.cond(
                state.mismatch_count > 0,
                rx.el.strong(
                    " – ",
                    state.mismatch_count.to_string(),
                    " mismatch",
                    rx.cond(state.mismatch_count > 1, "es", ""),
                    class_name="compare__count",
                ),
                rx.el.span(" – all match", class_name="compare__ok"),
            ),
        ),
        rx.el.thead(
            rx.el.tr(
                rx.el.td(),
                rx.el.th("Invitation", scope="col"),
                rx.el.th("Entered", scope="col"),
                rx.el.th("Document (MRZ)", scope="col"),
            )
        ),
        rx.el.tbody(rx.foreach(state.comparison, _comparison_row)),
        class_name="compare",
        id="comparison",
    )


def _aid(aid: rx.Var[AidView]) -> rx.Component:
    return rx.el.li(
        rx.el.span(aid.icon, class_name="aid__icon", aria_hidden="true"),
        aid.text,
        class_name="aid aid--" + aid.tone,
    )


def aids_list(state: Any = ReviewState) -> rx.Component:
    return rx.el.ul(
        rx.foreach(state.aids, _aid),
        class_name="aids",
        aria_label="System findings (aids, not decisions)",
    )


def thumbnail_button(image: rx.Var[ImageView]) -> rx.Component:
    return _thumbnail_button(image, ReviewState)


def thumbnail_button_for(state: Any) -> Callable[[rx.Var[ImageView]], rx.Component]:
    """Thumbnails for another page's state with ``left_key`` and ``show_document`` (QA replay)."""
    return lambda image: _thumbnail_button(image, state)


def _thumbnail_button(image: rx.Var[ImageView], state: Any) -> rx.Component:
    selected = state.left_key == image.key
    return rx.el.li(
        rx.el.button(
            rx.el.img(src=image.thumbnail_url, alt="", width="64", height="44"),
            rx.el.span(image.label, class_name="thumbs__label"),
            type="button",
            on_click=state.show_document(image.key),
            aria_pressed=rx.cond(selected, "true", "false"),
            aria_label=rx.cond(selected, image.label + " (showing)", "Show " + image.label),
            class_name="thumbs__button",
        )
    )


def _earlier_attempt(attempt: rx.Var[EarlierAttemptView]) -> rx.Component:
    return rx.el.article(
        rx.el.h3(attempt.heading, class_name="earlier__heading"),
        rx.cond(
            attempt.reasons.length() > 0,
            rx.el.ul(
                rx.foreach(attempt.reasons, lambda r: rx.el.li(r)), class_name="earlier__reasons"
            ),
            rx.el.p("No rejection reasons recorded.", class_name="earlier__none"),
        ),
        rx.cond(
            attempt.message != "",
            rx.el.details(
                rx.el.summary("What the applicant was told"),
                rx.el.p(attempt.message),
                class_name="earlier__message",
            ),
        ),
        rx.el.ul(rx.foreach(attempt.images, thumbnail_button), class_name="thumbs"),
        class_name="earlier",
    )


def earlier_attempts() -> rx.Component:
    return rx.el.div(
        rx.foreach(ReviewState.earlier, _earlier_attempt),
        class_name="earlier-list",
    )


def _tab(label: rx.Component | str, tab: str, shortcut: str) -> rx.Component:
    return rx.el.button(
        label,
        type="button",
        role="tab",
        id=f"tab-{tab}",
        custom_attrs={"data-shortcut": shortcut},
        aria_selected=rx.cond(ReviewState.side_tab == tab, "true", "false"),
        aria_controls="side-panel",
        on_click=ReviewState.show_tab(tab),
        class_name="tabs__tab",
    )


def facts_panel() -> rx.Component:
    """Details (comparison and aids), or the earlier attempts, one at a time: no scrolling."""
    return rx.el.div(
        rx.cond(
            ReviewState.earlier.length() > 0,
            rx.el.div(
                _tab("Details", "details", "d"),
                _tab(
                    rx.fragment(
                        "Earlier attempts (", ReviewState.earlier.length().to_string(), ")"
                    ),
                    "earlier",
                    "e",
                ),
                role="tablist",
                aria_label="Case facts",
                class_name="tabs",
            ),
        ),
        rx.el.div(
            rx.cond(
                ReviewState.side_tab == "earlier",
                earlier_attempts(),
                # The aids stay in sight while a reject or refer form is open: writing a
                # reason is when a checker needs them most. The face crops make room for it.
                rx.fragment(
                    comparison_table(),
                    aids_list(),
                    rx.cond(ReviewState.panel == "", face_crops()),
                ),
            ),
            id="side-panel",
            role=rx.cond(ReviewState.earlier.length() > 0, "tabpanel", "region"),
            aria_label="Case facts",
            class_name="side-panel",
        ),
    )
