"""Checklist, reject and refer forms, the decision buttons, and the NHS-style error summary.

Every button a shortcut presses carries ``data-shortcut``; ``KeyboardShortcuts`` clicks the
visible one, so a key always does exactly what its button does. Errors show next to their field
and in a summary at the top that takes focus, as the NHS design system asks.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars import Var, VarData
from reflex.vars.function import FunctionStringVar

from checker_console.ui.pages.review_state import ReviewState
from checker_console.ui.pages.review_views import ChecklistRowView, ErrorView, ReasonView


def error_summary(state: Any = ReviewState) -> rx.Component:
    def line(error: rx.Var[ErrorView]) -> rx.Component:
        return rx.el.li(rx.el.a(error.message, href="#" + error.target))

    return rx.cond(
        state.errors.length() > 0,
        rx.el.div(
            rx.el.h2(
                "There is a problem", class_name="error-summary__title", id="error-summary-title"
            ),
            rx.el.ul(rx.foreach(state.errors, line), class_name="error-summary__list"),
            class_name="error-summary error-summary--dense",
            role="alert",
            id="error-summary",
            tab_index=-1,
            aria_labelledby="error-summary-title",
        ),
    )


def field_error(message: rx.Var[str], error_id: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.el.p(
            rx.el.span("Error: ", class_name="visually-hidden"),
            message,
            class_name="field-error",
            id=error_id,
        ),
    )


def shortcut_checkbox(
    *,
    box_id: rx.Var[str],
    checked: rx.Var[bool],
    on_change: rx.EventHandler | rx.event.EventSpec,
    shortcut: rx.Var[str],
    text: rx.Var[str],
    **input_props: object,
) -> rx.Component:
    """A checkbox whose label shows its key; the key ticks it (see shortcuts.jsx)."""
    return rx.el.li(
        rx.el.input(
            type="checkbox",
            id=box_id,
            checked=checked,
            on_change=on_change,
            custom_attrs={"data-shortcut": shortcut},
            class_name="check__box",
            **input_props,
        ),
        rx.el.label(
            rx.el.kbd(shortcut, class_name="key"),
            text,
            html_for=box_id,
            class_name="check__label",
        ),
        class_name="check",
    )


_CHECKLIST_LIBRARY = rx.asset("checklist.jsx", shared=True).importable_path


class TickedChecklist(rx.Component):
    """The checklist's fieldset, ticked in the browser with no round trip (see checklist.jsx).

    Its children (the field's error) come between the legend and the boxes.
    """

    library = _CHECKLIST_LIBRARY
    tag = "TickedChecklist"

    scope: Var[str]
    rows: Var[list[ChecklistRowView]]


def ticked_items(scope: Var[str]) -> Var[list[str]]:
    """The checklist items ticked under ``scope``, read in the browser when a decision is sent.

    Every decision event carries them with the id of what was on screen, which the handler
    compares with what it holds (a key pressed twice must not decide the next case with the
    last one's ticks); the decision services check them as any other part of the decision.
    """
    read = FunctionStringVar.create(
        "readTicks",
        _var_data=VarData(imports={_CHECKLIST_LIBRARY: [ImportVar(tag="readTicks")]}),
    )
    return read.call(scope).to(list[str])


def checklist(state: Any, scope: Var[str]) -> rx.Component:
    """The checklist of ``state`` (a ``DecisionForm``): the review page's, or QA's replay.

    ``scope`` names what is being decided (a case, a replay) so that ticks never carry over.
    """
    return TickedChecklist.create(
        field_error(state.error_for_checklist, "checklist-error"),
        scope=scope,
        rows=state.checklist,
        id="checklist",
        class_name=rx.cond(
            state.error_for_checklist != "", "checklist checklist--error", "checklist"
        ),
    )


def _reason(reason: rx.Var[ReasonView], state: Any) -> rx.Component:
    return shortcut_checkbox(
        box_id="reason-" + reason.code,
        checked=reason.checked,
        on_change=state.toggle_reason(reason.code),
        shortcut=reason.shortcut,
        text=reason.label,
        name="reason",
        value=reason.code,
    )


def reason_list(state: Any = ReviewState) -> rx.Component:
    """The published rejection reasons as shortcut checkboxes (1 to 8), for any decision form."""
    return rx.el.ul(
        rx.foreach(state.reasons, lambda reason: _reason(reason, state)), class_name="checks"
    )


#: The review page's ticks belong to the person signed in and the case on screen.
REVIEW_TICKS: Var[str] = "review." + ReviewState.person_key + "." + ReviewState.case_id.to_string()


def reject_form() -> rx.Component:
    return rx.el.form(
        rx.el.fieldset(
            rx.el.legend("Reasons for rejecting"),
            field_error(ReviewState.error_for_reasons, "reasons-error"),
            reason_list(),
            class_name=rx.cond(
                ReviewState.error_for_reasons != "", "reasons reasons--error", "reasons"
            ),
            id="reasons",
            tab_index=-1,
        ),
        rx.el.label("Message to the applicant (you can edit it)", html_for="applicant-message"),
        field_error(ReviewState.error_for_message, "message-error"),
        rx.el.textarea(
            default_value=ReviewState.message_default,
            key=ReviewState.message_version.to_string(),
            id="applicant-message",
            name="applicant_message",
            rows=2,
            on_blur=ReviewState.note_message,
            class_name="textarea",
        ),
        rx.el.label("Internal note (not sent)", html_for="internal-note"),
        field_error(ReviewState.error_for_internal_note, "internal-note-error"),
        rx.el.textarea(
            default_value=ReviewState.internal_note_draft,
            key=ReviewState.draft_version.to_string(),
            id="internal-note",
            name="internal_note",
            rows=1,
            on_blur=ReviewState.keep_internal_note,
            class_name="textarea",
        ),
        _form_actions(
            "Reject case", "button button--warning", "r", ("Refer instead ", "f", "refer")
        ),
        on_submit=lambda form: ReviewState.reject(
            form, ticked_items(REVIEW_TICKS), ReviewState.case_id
        ),
        reset_on_submit=False,
        class_name="decision-form",
        aria_label="Reject this case",
        id="reject-form",
    )


def _form_actions(
    submit_label: str, submit_class: str, panel_key: str, other: tuple[str, str, str]
) -> rx.Component:
    """Submit; Cancel (Escape, or the key that opened the panel), which closes the panel
    without deciding; and the other panel's button, so its key still works. While a panel is
    open these take the decision bar's place."""
    other_label, other_key, other_panel = other
    return rx.el.div(
        rx.el.button(submit_label, type="submit", class_name=submit_class),
        rx.el.button(
            "Cancel",
            type="button",
            on_click=ReviewState.open_panel(""),
            custom_attrs={"data-shortcut": f"Escape {panel_key}"},
            class_name="button button--secondary",
        ),
        rx.el.button(
            other_label,
            rx.el.kbd(other_key.upper(), class_name="key"),
            type="button",
            on_click=ReviewState.open_panel(other_panel),
            custom_attrs={"data-shortcut": other_key},
            class_name="button button--secondary",
        ),
        class_name="form-actions",
    )


def refer_form() -> rx.Component:
    return rx.el.form(
        rx.el.label(
            "Why are you referring this case? (for the team lead)",
            html_for="refer-note",
        ),
        field_error(ReviewState.error_for_note, "refer-note-error"),
        rx.el.textarea(
            default_value=ReviewState.refer_note_draft,
            key=ReviewState.draft_version.to_string(),
            id="refer-note",
            name="note",
            rows=3,
            on_blur=ReviewState.keep_refer_note,
            class_name="textarea",
        ),
        _form_actions("Refer case", "button", "f", ("Reject instead ", "r", "reject")),
        on_submit=lambda form: ReviewState.refer(
            form, ticked_items(REVIEW_TICKS), ReviewState.case_id
        ),
        reset_on_submit=False,
        class_name="decision-form",
        aria_label="Refer this case",
        id="refer-form",
    )


def decision_button(label: str, key: str, on_click: object, variant: str = "") -> rx.Component:
    """A decision key's button (the review page's, and QA's verdict): label, key, shortcut."""
    return rx.el.button(
        label,
        rx.el.kbd(key.upper(), class_name="key key--inverse"),
        type="button",
        on_click=on_click,
        custom_attrs={"data-shortcut": key},
        class_name=" ".join(c for c in ("button", variant, "decision-bar__button") if c),
    )


def decision_bar() -> rx.Component:
    return rx.el.div(
        field_error(ReviewState.error_for_decision, "decision-error"),
        decision_button(
            "Approve", "a", ReviewState.approve(ticked_items(REVIEW_TICKS), ReviewState.case_id)
        ),
        decision_button("Reject", "r", ReviewState.open_panel("reject"), "button--warning"),
        decision_button("Refer", "f", ReviewState.open_panel("refer"), "button--secondary"),
        class_name="decision-bar",
        id="decision-bar",
        role="group",
        aria_label="Decision",
    )


def decision_area() -> rx.Component:
    """The checklist and the decision buttons; the reject form takes the place of both, the
    refer form that of the buttons."""
    return rx.el.div(
        rx.match(
            ReviewState.panel,
            ("reject", reject_form()),
            ("refer", rx.fragment(checklist(ReviewState, REVIEW_TICKS), refer_form())),
            rx.fragment(checklist(ReviewState, REVIEW_TICKS), decision_bar()),
        ),
        class_name="decision-area",
    )
