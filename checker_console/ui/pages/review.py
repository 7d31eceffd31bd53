"""``/review``: the keyboard-first workspace where a checker decides the case they hold.

One screen, no scrolling at 1366x768: the document (left) and the selfie (right) in two
viewers that zoom together, a strip of the document's sides and pages, then the facts, the
checklist and the decision. Opening the page claims the next case (or resumes the one held);
the page renews the lease every minute while it is open. State: ``review_state.py``.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.ui.components.data_panel import facts_panel, thumbnail_button
from checker_console.ui.components.decision_panel import decision_area, error_summary
from checker_console.ui.components.layout import template
from checker_console.ui.components.shortcut_help import shortcut_help
from checker_console.ui.components.viewer import (
    expires_after,
    heartbeat,
    image_prefetch,
    image_viewer,
    keyboard_shortcuts,
    viewing_trail,
)
from checker_console.ui.pages.review_state import HEADING_ID, ReviewState

LINK_GROUP = "review"


def _case_bar() -> rx.Component:
    state = ReviewState
    return rx.el.div(
        rx.el.h1(state.heading, id=HEADING_ID, tab_index=-1, class_name="case-bar__heading"),
        rx.el.span(state.facts, class_name="case-bar__fact"),
        rx.el.span(
            state.sla_text,
            rx.cond(state.overdue, rx.el.strong(" (overdue)", class_name="overdue-inline")),
            class_name="case-bar__fact",
        ),
        rx.el.span(state.held_text, class_name="case-bar__fact"),
        rx.el.div(
            rx.el.button(
                "Link zoom",
                type="button",
                aria_pressed=rx.cond(state.link_zoom, "true", "false"),
                on_click=state.toggle_link_zoom,
                class_name="button button--small button--toggle",
            ),
            rx.el.button(
                "Shortcuts ",
                rx.el.kbd("?", class_name="key"),
                type="button",
                on_click=state.toggle_help,
                custom_attrs={"data-shortcut": "?"},
                class_name="button button--small button--secondary",
            ),
            rx.el.button(
                "Release case",
                type="button",
                on_click=state.release,
                class_name="button button--small button--secondary",
            ),
            class_name="case-bar__actions",
        ),
        class_name="case-bar",
    )


def _images() -> rx.Component:
    state = ReviewState
    return rx.el.section(
        rx.el.div(
            rx.el.h2(
                "Document: ",
                state.left_label,
                class_name=rx.cond(
                    state.showing_earlier_image, "pane__title pane__title--earlier", "pane__title"
                ),
            ),
            image_viewer(
                src=state.left_src,
                alt=state.left_alt,
                viewer_id="viewer-document",
                link_group=LINK_GROUP,
                label="Document",
                linked_zoom=state.link_zoom,
            ),
            rx.el.ul(
                rx.foreach(state.documents, thumbnail_button),
                class_name="thumbs thumbs--strip",
                aria_label="Sides and pages of the documents",
            ),
            class_name="pane",
        ),
        rx.el.div(
            rx.el.h2("Selfie", class_name="pane__title"),
            image_viewer(
                src=state.selfie_src,
                alt=state.selfie_alt,
                viewer_id="viewer-selfie",
                link_group=LINK_GROUP,
                label="Selfie",
                linked_zoom=state.link_zoom,
            ),
            rx.cond(
                state.referral_text != "",
                rx.el.p(state.referral_text, class_name="referral-note"),
            ),
            class_name="pane",
        ),
        class_name="workspace__images",
        aria_label="Evidence",
    )


def _confirmation() -> rx.Component:
    """After a decision: what was decided, on screen, with Undo (U) until the window closes.
    It takes no focus: the checker's keys go on working on the next case."""
    state = ReviewState
    return rx.cond(
        state.confirmation != "",
        expires_after(
            rx.el.div(
                rx.el.p(state.confirmation, class_name="confirmation__text"),
                rx.cond(
                    state.undo_case_id > 0,
                    rx.el.button(
                        "Undo ",
                        rx.el.kbd("U", class_name="key"),
                        type="button",
                        on_click=state.undo_last_decision,
                        custom_attrs={"data-shortcut": "u"},
                        class_name="button button--small button--secondary",
                        id="undo-decision",
                    ),
                ),
                class_name=rx.cond(
                    state.undo_refused, "confirmation confirmation--refused", "confirmation"
                ),
                id="decision-confirmation",
            ),
            ms=state.undo_ms,
            token=state.undo_token,
        ),
    )


def _workspace() -> rx.Component:
    return rx.el.div(
        _case_bar(),
        rx.el.div(
            _images(),
            rx.el.section(
                error_summary(),
                facts_panel(),
                decision_area(),
                class_name="workspace__side",
                aria_label="Facts and decision",
            ),
            class_name="workspace__grid",
        ),
        heartbeat(interval_ms=ReviewState.heartbeat_ms, on_beat=ReviewState.heartbeat),
        viewing_trail(
            case_id=ReviewState.case_id, flush_seconds=15, on_batch=ReviewState.note_viewing
        ),
        class_name="workspace",
    )


def _next_case_button(label: str) -> rx.Component:
    return rx.el.button(
        label,
        " ",
        rx.el.kbd("N", class_name="key key--inverse"),
        type="button",
        on_click=ReviewState.take_next_case,
        custom_attrs={"data-shortcut": "n"},
        class_name="button",
        id="take-next",
    )


def _lease_lost() -> rx.Component:
    return rx.el.div(
        rx.el.h1("You no longer hold this case", id="lease-lost", tab_index=-1),
        rx.el.p(ReviewState.lease_message),
        rx.el.p("Nothing you did on it was saved as a decision."),
        _next_case_button("Take the next case"),
        rx.el.p(ReactRouterLink.create("Back to the queue", to="/queue")),
        class_name="notice",
        role="alert",
    )


def _queue_empty() -> rx.Component:
    return rx.el.div(
        rx.el.h1("No cases are waiting for you"),
        rx.el.p(
            ReviewState.announcement,
            " Every case is decided or being reviewed by someone else. Cases you referred "
            "go to another checker.",
        ),
        _next_case_button("Check again"),
        rx.el.p(ReactRouterLink.create("Back to the queue", to="/queue")),
        class_name="notice",
    )


def _not_a_checker() -> rx.Component:
    return rx.el.div(
        rx.el.h1("Only ID checkers and team leads review cases"),
        rx.el.p("Your role can look at cases in the case list."),
        class_name="notice",
    )


@template(
    route="/review", title="Review", on_load=ReviewState.load_review, section="queue", dense=True
)
def review_page() -> rx.Component:
    state = ReviewState
    return rx.el.div(
        keyboard_shortcuts(),
        image_prefetch(urls=state.prefetch_urls),
        _confirmation(),
        rx.el.p(state.announcement, role="status", class_name="visually-hidden"),
        rx.cond(
            ~state.may_review,
            _not_a_checker(),
            rx.cond(
                state.has_case,
                _workspace(),
                rx.cond(
                    state.lease_lost,
                    _lease_lost(),
                    rx.cond(
                        state.queue_empty,
                        _queue_empty(),
                        rx.el.p("Finding your next case…", role="status"),
                    ),
                ),
            ),
        ),
        shortcut_help(),
        class_name="review-page",
    )


PAGE = review_page
