"""``/qa/replay/<sample>``: a blind replay in the review workspace's own viewers and checklist.

QA sees the images, panel rows and aids recorded when the checker decided, and nothing of the
decision itself. They tick the checklist and give their verdict with the checker's keys: A
approves, R opens the reasons, F the note for a referral. Then the original is revealed beside
theirs, with how the checker looked at the images. Nothing here changes the case. State:
``qa_replay_state.py``.
"""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.ui.components.data_panel import (
    aids_list,
    comparison_table,
    thumbnail_button_for,
)
from checker_console.ui.components.decision_panel import (
    checklist,
    decision_button,
    error_summary,
    field_error,
    reason_list,
    ticked_items,
)
from checker_console.ui.components.layout import template
from checker_console.ui.components.viewer import image_viewer, keyboard_shortcuts
from checker_console.ui.pages.qa_replay_state import REPLAY_HEADING_ID, CompareRow, ReplayState

LINK_GROUP = "replay"


def _images() -> rx.Component:
    state = ReplayState
    return rx.el.section(
        rx.el.div(
            rx.el.h2("Document: ", state.left.label, class_name="pane__title"),
            image_viewer(
                src=state.left.preview_url,
                alt=state.left.alt,
                viewer_id="viewer-document",
                link_group=LINK_GROUP,
                label="Document",
                linked_zoom=state.link_zoom,
            ),
            rx.el.ul(
                rx.foreach(state.documents, thumbnail_button_for(state)),
                class_name="thumbs thumbs--strip",
                aria_label="Sides and pages of the documents",
            ),
            class_name="pane",
        ),
        rx.el.div(
            rx.el.h2("Selfie", class_name="pane__title"),
            image_viewer(
                src=state.selfie_src,
                alt="Selfie, as the checker saw it",
                viewer_id="viewer-selfie",
                link_group=LINK_GROUP,
                label="Selfie",
                linked_zoom=state.link_zoom,
            ),
            class_name="pane",
        ),
        class_name="workspace__images",
        aria_label="Evidence as the checker saw it",
    )


#: QA's ticks belong to the person signed in and the replay on screen.
REPLAY_TICKS: Var[str] = (
    "replay." + ReplayState.person_key + "." + ReplayState.sample_id.to_string()
)


def _note(box_id: str, label: str) -> rx.Component:
    return rx.fragment(
        rx.el.label(label, html_for=box_id),
        field_error(ReplayState.error_for_note, f"{box_id}-error"),
        rx.el.textarea(
            id=box_id, name="note", rows=2, class_name="textarea", on_blur=ReplayState.keep_note
        ),
    )


def _form(kind: str, submit: str, *content: rx.Component) -> rx.Component:
    handler = ReplayState.reject if kind == "reject" else ReplayState.refer
    return rx.el.form(
        *content,
        rx.el.div(
            rx.el.button(submit, type="submit", class_name="button"),
            rx.el.button(
                "Cancel",
                type="button",
                on_click=ReplayState.open_panel(""),
                custom_attrs={"data-shortcut": "Escape"},
                class_name="button button--secondary",
            ),
            class_name="form-actions",
        ),
        on_submit=lambda form: handler(form, ticked_items(REPLAY_TICKS), ReplayState.sample_id),
        reset_on_submit=False,
        class_name="decision-form",
        id=f"{kind}-form",
    )


def _verdict_area() -> rx.Component:
    state = ReplayState
    return rx.el.div(
        rx.match(
            state.panel,
            (
                "reject",
                _form(
                    "reject",
                    "Record verdict: reject",
                    rx.el.fieldset(
                        rx.el.legend("Reasons you would reject for"),
                        field_error(state.error_for_reasons, "reasons-error"),
                        reason_list(state),
                        id="reasons",
                        tab_index=-1,
                        class_name="reasons",
                    ),
                    _note("qa-note", "Your note (optional)"),
                ),
            ),
            (
                "refer",
                _form(
                    "refer", "Record verdict: refer", _note("refer-note", "Why you would refer it")
                ),
            ),
            rx.fragment(checklist(state, REPLAY_TICKS), _note("qa-note", "Your note (optional)")),
        ),
        rx.el.div(
            field_error(state.error_for_decision, "decision-error"),
            decision_button(
                "Approve", "a", state.approve(ticked_items(REPLAY_TICKS), state.sample_id)
            ),
            decision_button("Reject", "r", state.open_panel("reject")),
            decision_button("Refer", "f", state.open_panel("refer")),
            class_name="decision-bar",
            id="decision-bar",
            role="group",
            aria_label="Your verdict",
        ),
        class_name="decision-area",
    )


def _replay() -> rx.Component:
    state = ReplayState
    return rx.el.div(
        rx.el.div(
            rx.el.h1(
                "Blind replay of case ",
                state.case_id.to_string(),
                id=REPLAY_HEADING_ID,
                tab_index=-1,
                class_name="case-bar__heading",
            ),
            rx.foreach(state.facts, lambda fact: rx.el.span(fact, class_name="case-bar__fact")),
            rx.el.div(
                rx.el.button(
                    "Link zoom",
                    type="button",
                    aria_pressed=rx.cond(state.link_zoom, "true", "false"),
                    on_click=state.toggle_link_zoom,
                    class_name="button button--small button--toggle",
                ),
                class_name="case-bar__actions",
            ),
            class_name="case-bar",
        ),
        rx.el.div(
            rx.cond(
                ReplayState.images_deleted != "",
                rx.el.p(
                    ReplayState.images_deleted,
                    ". The recorded details and aids are below; the images cannot be replayed.",
                    id="images-deleted",
                    class_name="inset",
                ),
                _images(),
            ),
            rx.el.section(
                error_summary(state),
                rx.el.p(
                    "What the checker saw when they decided. Their decision shows after yours.",
                    class_name="referral-note",
                ),
                comparison_table(state),
                rx.cond(state.panel == "", aids_list(state)),
                _verdict_area(),
                class_name="workspace__side",
                aria_label="Facts and your verdict",
            ),
            class_name="workspace__grid",
        ),
        class_name="workspace",
    )


def _compare_row(row: rx.Var[CompareRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.label, rx.cond(row.differs, rx.el.strong(" (differs)")), scope="row"),
        rx.el.td(row.checker),
        rx.el.td(row.qa),
    )


def _revealed() -> rx.Component:
    state = ReplayState
    return rx.el.div(
        rx.el.h1(
            "Case ",
            state.case_id.to_string(),
            ": the checker's decision and yours",
            id="reveal-heading",
            tab_index=-1,
        ),
        rx.cond(
            state.agrees,
            rx.el.p(
                "✓ You reached the same outcome as the checker.", class_name="notice", role="status"
            ),
            rx.el.p(
                "! You disagree with the checker. A team lead will rule on it; the checker "
                "sees the result once they have.",
                class_name="notice",
                role="status",
            ),
        ),
        rx.el.table(
            rx.el.caption("Side by side"),
            rx.el.thead(
                rx.el.tr(
                    rx.el.td(),
                    rx.el.th("Checker: ", state.checker_name, scope="col"),
                    rx.el.th("You (QA)", scope="col"),
                )
            ),
            rx.el.tbody(rx.foreach(state.compare_rows, _compare_row)),
            class_name="table",
            id="reveal-table",
        ),
        rx.el.h2("How the checker looked at the images"),
        rx.el.ul(rx.foreach(state.trail, lambda line: rx.el.li(line)), id="viewing-trail"),
        rx.el.p(ReactRouterLink.create("Back to the cases to replay", to="/qa")),
    )


@template(
    route="/qa/replay/[replay_sample]",
    title="Blind replay",
    on_load=ReplayState.load_replay,
    section="qa",
    dense=True,
)
def replay_page() -> rx.Component:
    state = ReplayState
    return rx.el.div(
        keyboard_shortcuts(),
        rx.match(
            state.stage,
            ("replay", _replay()),
            ("revealed", _revealed()),
            (
                "refused",
                rx.el.div(
                    rx.el.h1("You cannot replay this case"),
                    rx.el.p(state.message),
                    rx.el.p(ReactRouterLink.create("Back to the cases to replay", to="/qa")),
                    class_name="notice",
                ),
            ),
            rx.el.p("Loading the recorded case…", role="status"),
        ),
        class_name="review-page",
    )


PAGE = replay_page
