"""The live board's look: queue tiles, who holds what, and the lead's hand back and take buttons.

Its state, and why it polls, are in ``live_board_state.py``.
"""

from __future__ import annotations

import reflex as rx

from checker_console.ui.components.form_actions import submit_or_cancel
from checker_console.ui.components.live_board_state import HeldRow, LiveBoardState
from checker_console.ui.components.viewer import heartbeat


def _tile(label: str, value: rx.Var, tile_id: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(label, class_name="count__label"),
        rx.el.dd(value, class_name="count__value", id=tile_id),
        class_name="count",
    )


def _hand_back_form(row: rx.Var[HeldRow]) -> rx.Component:
    state = LiveBoardState
    return rx.el.form(
        rx.el.label(
            "Why are you handing this case back? The checker will read it.",
            html_for="hand-back-reason",
        ),
        rx.cond(
            state.reason_error != "",
            rx.el.p(state.reason_error, class_name="field-error", id="hand-back-reason-error"),
        ),
        rx.el.textarea(
            name="reason",
            id="hand-back-reason",
            rows=2,
            class_name="textarea",
            aria_describedby=rx.cond(state.reason_error != "", "hand-back-reason-error", ""),
        ),
        submit_or_cancel(
            "Hand back case ",
            row.case_id.to_string(),
            on_cancel=state.cancel_hand_back,
            small=True,
            submit_id="hand-back-confirm",
            class_name="filters__actions",
        ),
        on_submit=state.hand_back,
        reset_on_submit=False,
        class_name="board__form",
    )


def _held_row(row: rx.Var[HeldRow]) -> rx.Component:
    state = LiveBoardState
    return rx.fragment(
        rx.el.tr(
            rx.el.th(row.checker, scope="row"),
            rx.el.td(rx.el.a("Case ", row.case_id.to_string(), href=f"/cases/{row.case_id}")),
            rx.el.td(row.since),
            rx.el.td(row.lease_left),
            rx.el.td(
                rx.cond(
                    row.warning != "",
                    rx.el.strong("⚠ ", row.warning, class_name="board__warning"),
                    "—",
                )
            ),
            rx.cond(
                state.lead_actions,
                rx.el.td(
                    rx.el.button(
                        "Hand back",
                        rx.el.span(" case ", row.case_id.to_string(), class_name="visually-hidden"),
                        type="button",
                        on_click=state.open_hand_back(row.case_id),
                        class_name="button button--secondary button--small",
                    )
                ),
            ),
            key=row.case_id,
        ),
        rx.cond(
            state.handing_back == row.case_id,
            rx.el.tr(rx.el.td(_hand_back_form(row), col_span=6)),
        ),
    )


def _referrals() -> rx.Component:
    state = LiveBoardState
    return rx.cond(
        state.lead_actions & (state.referrals.length() > 0),
        rx.el.div(
            rx.el.h3("Referrals waiting"),
            rx.el.ul(
                rx.foreach(
                    state.referrals,
                    lambda r: rx.el.li(
                        "Case ",
                        r.case_id.to_string(),
                        ", referred by ",
                        r.referred_by,
                        ", SLA due ",
                        r.sla_due,
                        " ",
                        rx.el.button(
                            "Take",
                            rx.el.span(
                                " case ", r.case_id.to_string(), class_name="visually-hidden"
                            ),
                            type="button",
                            on_click=state.take_referral(r.case_id),
                            class_name="button button--small",
                        ),
                        key=r.case_id,
                    ),
                ),
                class_name="board__referrals",
            ),
        ),
    )


def live_board_panel() -> rx.Component:
    """The board as a section of a page; the page's on_load must include ``start_board``."""
    state = LiveBoardState
    return rx.el.section(
        heartbeat(interval_ms=1000, on_beat=state.poll),
        rx.el.h2("Live board", id="live-board-heading"),
        rx.el.dl(
            _tile("Waiting", state.waiting.to_string(), "board-waiting"),
            _tile("In review", state.in_review.to_string(), "board-in-review"),
            _tile("Referred", state.referred.to_string(), "board-referred"),
            _tile("Breaching SLA", state.breaching.to_string(), "board-breaching"),
            class_name="counts",
            aria_label="Queue now",
        ),
        rx.cond(
            state.action_message != "",
            rx.el.p(state.action_message, role="status", class_name="inset", id="board-message"),
        ),
        rx.el.table(
            rx.el.caption(
                "Who is reviewing what now. Updated ", state.updated, class_name="table__caption"
            ),
            rx.el.thead(
                rx.el.tr(
                    *[
                        rx.el.th(label, scope="col")
                        for label in ("Checker", "Case", "Since", "Hold left", "Warning")
                    ],
                    rx.cond(
                        state.lead_actions,
                        rx.el.th(rx.el.span("Actions", class_name="visually-hidden"), scope="col"),
                    ),
                )
            ),
            rx.el.tbody(rx.foreach(state.held, _held_row)),
            class_name="table",
            id="live-board",
        ),
        rx.cond(
            state.held.length() == 0,
            rx.el.p("Nobody is reviewing a case now.", class_name="summary"),
        ),
        _referrals(),
        aria_labelledby="live-board-heading",
        class_name="dashboard-section board",
    )
