"""``/queue``: how much work is waiting, who is on what, and one button (or N) to start.

The list is in the order cases are handed out (soonest SLA first) and pages with keyset tokens,
so it stays fast however long the queue. It shows no names: checkers do not choose their cases,
the queue gives them the next one. Team leads also see referred cases, and their N takes those.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.domain.roles import CHECKER, LEAD
from checker_console.services.identity.sessions import SignedInUser
from checker_console.services.queue.listing import QueueFilters
from checker_console.services.queue.page import (
    AGE_CHOICES,
    QueueView,
    load_queue_view,
    queue_filter_options,
    queue_statuses,
)
from checker_console.ui.calls import run_service
from checker_console.ui.components.fields import Option, select_field
from checker_console.ui.components.layout import template
from checker_console.ui.components.live_board import live_board_panel
from checker_console.ui.components.live_board_state import LiveBoardState
from checker_console.ui.components.status_tag import status_tag
from checker_console.ui.components.viewer import keyboard_shortcuts
from checker_console.ui.pages.queue_views import QueueRowView, age_text, row_view
from checker_console.ui.state import SessionState

PAGE_SIZE = 25


class QueueState(SessionState):
    waiting: int = 0
    in_review: int = 0
    referred: int = 0
    breaching: int = 0
    oldest: str = ""
    rows: list[QueueRowView] = []
    total: int = 0
    #: Keyset tokens of the pages seen so far; the last is the page shown ("" = first page).
    page_tokens: list[str] = [""]
    next_token: str = ""
    organisation_filter: str = ""
    cohort_filter: str = ""
    attempt_filter: str = ""
    age_filter: str = ""
    organisation_options: list[Option] = []
    cohort_options: list[Option] = []
    attempt_options: list[Option] = []
    may_review: bool = False
    is_lead: bool = False
    review_href: str = "/review"
    loaded: bool = False

    @rx.var
    def page_number(self) -> int:
        return len(self.page_tokens)

    @rx.var
    def page_count(self) -> int:
        """As the case list says it: "Page 1 of 3" (the total is counted with the filters)."""
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def has_previous(self) -> bool:
        return len(self.page_tokens) > 1

    @rx.var
    def has_next(self) -> bool:
        return self.next_token != ""

    @rx.var
    def range_text(self) -> str:
        if self.total == 0:
            return "No cases match these filters."
        first = (len(self.page_tokens) - 1) * PAGE_SIZE + 1
        last = first + len(self.rows) - 1
        return f"Showing {first} to {last} of {self.total:,} cases, soonest SLA first"

    @rx.event
    async def load_queue(self) -> None:
        user = await self.signed_in_user()
        if user is None:
            return
        flag = self.router.url.query_parameters.get("prefetch")
        self.review_href = "/review?prefetch=0" if flag == "0" else "/review"
        self.may_review = user.has_any_role((CHECKER, LEAD))
        self.is_lead = LEAD in user.roles
        options = await run_service(queue_filter_options)
        self.organisation_options = [Option(str(i), name) for i, name in options.organisations]
        self.cohort_options = [Option(c, c) for c in options.cohorts]
        self.attempt_options = [Option(str(a), f"Attempt {a}") for a in options.attempts]
        self.page_tokens = [""]
        await self._show(user)

    @rx.event
    async def refresh(self) -> None:
        user = await self.signed_in_user()
        if user is not None:
            await self._show(user)

    @rx.event
    async def set_filter(self, name: str, value: str) -> None:
        if name in ("organisation", "cohort", "attempt", "age"):
            setattr(self, f"{name}_filter", value)
        self.page_tokens = [""]
        await self.refresh()

    @rx.event
    async def clear_filters(self) -> None:
        self.organisation_filter = self.cohort_filter = self.attempt_filter = ""
        self.age_filter = ""
        self.page_tokens = [""]
        await self.refresh()

    @rx.event
    async def next_page(self) -> None:
        if self.next_token:
            self.page_tokens = [*self.page_tokens, self.next_token]
            await self.refresh()

    @rx.event
    async def previous_page(self) -> None:
        if len(self.page_tokens) > 1:
            self.page_tokens = self.page_tokens[:-1]
            await self.refresh()

    def _filters(self, user: SignedInUser) -> QueueFilters:
        def number(text: str) -> int | None:
            return int(text) if text.isdigit() else None

        return QueueFilters(
            statuses=queue_statuses(include_referred=LEAD in user.roles),
            organisation_id=number(self.organisation_filter),
            cohort=self.cohort_filter or None,
            attempt=number(self.attempt_filter),
            older_than=AGE_CHOICES.get(self.age_filter),
        )

    async def _show(self, user: SignedInUser) -> None:
        try:
            view: QueueView = await run_service(
                load_queue_view,
                filters=self._filters(user),
                page=self.page_tokens[-1] or None,
                page_size=PAGE_SIZE,
            )
        except ValueError:  # a stale page token: start again from the first page
            self.page_tokens = [""]
            view = await run_service(load_queue_view, filters=self._filters(user))
        counts = view.counts
        self.waiting, self.in_review = counts.waiting, counts.in_review
        self.referred, self.breaching = counts.referred, counts.breaching_sla
        self.oldest = age_text(counts.oldest_age)
        self.rows = [row_view(row) for row in view.page.rows]
        self.total = view.page.total
        self.next_token = view.page.next_page or ""
        self.loaded = True


def _count(label: str, value: rx.Var, count_id: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(label, class_name="count__label"),
        rx.el.dd(value, class_name="count__value", id=count_id),
        class_name="count",
    )


def _counts() -> rx.Component:
    state = QueueState
    return rx.el.dl(
        _count("Waiting", state.waiting.to_string(), "count-waiting"),
        _count("In review", state.in_review.to_string(), "count-in-review"),
        _count("Referred", state.referred.to_string(), "count-referred"),
        _count("Breaching SLA", state.breaching.to_string(), "count-breaching"),
        _count("Oldest waiting", state.oldest, "count-oldest"),
        class_name="counts",
        aria_label="Queue totals",
    )


def _filters() -> rx.Component:
    state = QueueState
    ages = [
        Option(key, f"Waiting over {key} day{'s' if key != '1' else ''}") for key in AGE_CHOICES
    ]
    return rx.el.div(
        select_field(
            "Organisation", "queue-organisation", value=state.organisation_filter,
            options=state.organisation_options,
            on_change=lambda value: state.set_filter("organisation", value),
            any_label="All organisations",
        ),
        select_field(
            "Cohort", "queue-cohort", value=state.cohort_filter, options=state.cohort_options,
            on_change=lambda value: state.set_filter("cohort", value), any_label="All cohorts",
        ),
        select_field(
            "Attempt", "queue-attempt", value=state.attempt_filter,
            options=state.attempt_options,
            on_change=lambda value: state.set_filter("attempt", value), any_label="Any attempt",
        ),
        rx.el.div(
            rx.el.label("Age", html_for="queue-age"),
            rx.el.select(
                rx.el.option("Any age", value=""),
                *[rx.el.option(option.label, value=option.value) for option in ages],
                id="queue-age",
                value=state.age_filter,
                on_change=lambda value: state.set_filter("age", value),
            ),
        ),
        rx.el.div(
            rx.el.button(
                "Clear filters", type="button", on_click=state.clear_filters,
                class_name="button button--secondary",
            ),
            class_name="filters__actions",
        ),
        class_name="filters",
        role="group",
        aria_label="Filter the queue",
    )  # fmt: skip


def _row(row: rx.Var[QueueRowView]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.case_id.to_string(), scope="row"),
        rx.el.td(row.organisation),
        rx.el.td(row.cohort),
        rx.el.td(row.attempt.to_string()),
        rx.el.td(row.age),
        rx.el.td(
            row.sla_due,
            rx.cond(row.overdue, rx.el.span("Breaching SLA", class_name="overdue")),
        ),
        rx.el.td(
            status_tag(row.status_label, row.status_shape, row.status_class),
            rx.cond(row.holder != "", rx.el.span(row.holder, class_name="holder")),
        ),
        key=row.case_id,
    )


def _table() -> rx.Component:
    return rx.el.table(
        rx.el.caption("Cases in the order they are handed out", class_name="visually-hidden"),
        rx.el.thead(
            rx.el.tr(
                *[
                    rx.el.th(label, scope="col")
                    for label in (
                        "Case", "Organisation", "Cohort", "Attempt", "Waiting for", "SLA due",
                        "Status",
                    )
                ]
            )
        ),
        rx.el.tbody(rx.foreach(QueueState.rows, _row)),
        class_name="table",
        id="queue-table",
    )  # fmt: skip


def _start_button() -> rx.Component:
    return rx.cond(
        QueueState.may_review,
        rx.el.div(
            ReactRouterLink.create(
                rx.cond(QueueState.is_lead, "Take the next case or referral", "Take the next case"),
                " ",
                rx.el.kbd("N", class_name="key key--inverse"),
                to=QueueState.review_href,
                id="take-next",
                custom_attrs={"data-shortcut": "n"},
                class_name="button button--start",
                role="button",
            ),
            class_name="start",
        ),
    )


def _pager() -> rx.Component:
    state = QueueState
    return rx.el.nav(
        rx.el.button(
            "Previous", rx.el.span(" page", class_name="visually-hidden"), type="button",
            on_click=state.previous_page, disabled=~state.has_previous,
            class_name="button button--secondary",
        ),
        rx.el.p("Page ", state.page_number.to_string(), " of ", state.page_count.to_string(),
                class_name="pager__status", aria_live="polite", id="queue-pager-status"),
        rx.el.button(
            "Next", rx.el.span(" page", class_name="visually-hidden"), type="button",
            on_click=state.next_page, disabled=~state.has_next,
            class_name="button button--secondary",
        ),
        class_name="pager",
        aria_label="Pages of the queue",
    )  # fmt: skip


@template(
    route="/queue",
    title="Queue",
    on_load=[QueueState.load_queue, LiveBoardState.start_board],
    section="queue",
)
def queue_page() -> rx.Component:
    state = QueueState
    return rx.el.div(
        keyboard_shortcuts(),
        rx.el.h1("Queue"),
        _counts(),
        _start_button(),
        rx.cond(QueueState.is_lead, live_board_panel()),
        _filters(),
        rx.el.p(state.range_text, class_name="summary", aria_live="polite", id="queue-count"),
        _table(),
        _pager(),
    )


PAGE = queue_page
