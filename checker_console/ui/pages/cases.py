"""``/cases``: every case, a page at a time, filtered and sorted on the server.

Team leads and QA reviewers see every case, with a thumbnail of its photo ID. A checker sees only
the cases they decided ("Your decisions", with their outcome and when), never a list of other
applicants' names to pick from, and no images: those they see only for the case leased to them.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.clock import utcnow
from checker_console.services.cases.listing import (
    PAGE_SIZES,
    CasePage,
    InvalidCaseQuery,
    case_filters,
    list_cases,
    status_label,
)
from checker_console.services.identity.sessions import SignedInUser
from checker_console.ui.calls import run_service
from checker_console.ui.components.fields import Option, select_field, sortable_header
from checker_console.ui.components.layout import template
from checker_console.ui.components.pager import NumberedPages, pager
from checker_console.ui.components.status_tag import status_tag
from checker_console.ui.pages.cases_views import CaseRowView, row_view
from checker_console.ui.state import SessionState

SORT_LABELS = {"name": "Name", "status": "Status", "submitted": "Submitted", "sla_due": "SLA due"}


class CaseListState(NumberedPages, SessionState):
    rows: list[CaseRowView] = []
    total: int = 0
    page_size: int = 25
    sort: str = "submitted"
    descending: bool = True
    status_filter: str = ""
    organisation_filter: str = ""
    cohort_filter: str = ""
    status_options: list[Option] = []
    organisation_options: list[Option] = []
    cohort_options: list[Option] = []
    error: str = ""
    loaded: bool = False

    @rx.var
    def range_text(self) -> str:
        """ "Showing 26 to 50 of 60 cases" (or "No cases match these filters")."""
        if self.total == 0:
            filtered = self.status_filter or self.organisation_filter or self.cohort_filter
            if not self.sees_every_case and not filtered:
                return "You have not decided any cases yet."
            return "No cases match these filters."
        first = (self.page - 1) * self.page_size + 1
        last = min(self.total, self.page * self.page_size)
        noun = "case" if self.total == 1 else "cases"
        return f"Showing {first} to {last} of {self.total:,} {noun}"

    @rx.var
    def caption(self) -> str:
        order = "descending" if self.descending else "ascending"
        return f"Cases sorted by {SORT_LABELS.get(self.sort, self.sort).lower()}, {order}"

    @rx.event
    async def load_cases(self) -> None:
        """On page load: the filter choices, then the first page."""
        user = await self.signed_in_user()
        if user is None:
            return
        options = await run_service(case_filters)
        self.status_options = [Option(s, status_label(s)) for s in options.statuses]
        self.organisation_options = [Option(o.code, o.name) for o in options.organisations]
        self.cohort_options = [Option(c, c) for c in options.cohorts]
        await self._show_page(user)

    @rx.event
    async def next_page(self) -> None:
        await self._go_to(self.page + 1)

    @rx.event
    async def previous_page(self) -> None:
        await self._go_to(max(1, self.page - 1))

    @rx.event
    async def sort_by(self, column: str) -> None:
        """Sort by a column; choosing the current column again reverses the order."""
        if column == self.sort:
            self.descending = not self.descending
        else:
            self.sort = column
            self.descending = column in ("submitted",)
        await self._go_to(1)

    @rx.event
    async def filter_by_status(self, value: str) -> None:
        self.status_filter = value
        await self._go_to(1)

    @rx.event
    async def filter_by_organisation(self, value: str) -> None:
        self.organisation_filter = value
        await self._go_to(1)

    @rx.event
    async def filter_by_cohort(self, value: str) -> None:
        self.cohort_filter = value
        await self._go_to(1)

    @rx.event
    async def change_page_size(self, value: str) -> None:
        self.page_size = int(value) if value.isdigit() else 0
        await self._go_to(1)

    @rx.event
    async def clear_filters(self) -> None:
        self.status_filter = self.organisation_filter = self.cohort_filter = ""
        await self._go_to(1)

    async def _go_to(self, page: int) -> None:
        user = await self.signed_in_user()
        if user is None:
            return
        self.page = page
        await self._show_page(user)

    async def _show_page(self, user: SignedInUser) -> None:
        try:
            result: CasePage = await run_service(
                list_cases,
                status=self.status_filter or None,
                organisation_code=self.organisation_filter or None,
                cohort=self.cohort_filter or None,
                sort=self.sort,
                descending=self.descending,
                page=self.page,
                page_size=self.page_size,
                include_thumbnails=user.sees_every_case,
                decided_by=None if user.sees_every_case else user.user_id,
            )
        except InvalidCaseQuery as problem:
            self.error = str(problem)
            self.sort, self.descending, self.page, self.page_size = "submitted", True, 1, 25
            return
        now = utcnow()
        self.error = ""
        self.rows = [row_view(row, user, now) for row in result.rows]
        self.total = result.total
        self.page = result.page
        self.page_count = result.page_count
        self.loaded = True


def _filters() -> rx.Component:
    state = CaseListState
    dropdowns = [
        ("Status", "filter-status", state.status_filter, state.status_options,
         state.filter_by_status, "All statuses"),
        ("Organisation", "filter-organisation", state.organisation_filter,
         state.organisation_options, state.filter_by_organisation, "All organisations"),
        ("Cohort", "filter-cohort", state.cohort_filter, state.cohort_options,
         state.filter_by_cohort, "All cohorts"),
    ]  # fmt: skip
    return rx.el.div(
        *[
            select_field(
                label,
                field_id,
                value=value,
                options=options,
                on_change=on_change,
                any_label=any_label,
            )
            for label, field_id, value, options, on_change, any_label in dropdowns
        ],
        rx.el.div(
            rx.el.label("Cases per page", html_for="page-size"),
            rx.el.select(
                *[rx.el.option(str(size), value=str(size)) for size in PAGE_SIZES],
                id="page-size",
                value=state.page_size.to_string(),
                on_change=state.change_page_size,
            ),
        ),
        rx.el.div(
            rx.el.button(
                "Clear filters",
                type="button",
                on_click=state.clear_filters,
                class_name="button button--secondary",
            ),
            class_name="filters__actions",
        ),
        class_name="filters",
        role="group",
        aria_label="Filter cases",
    )


def _sortable_header(column: str) -> rx.Component:
    state = CaseListState
    return sortable_header(
        SORT_LABELS[column],
        active=state.sort == column,
        descending=state.descending,
        on_click=state.sort_by(column),
    )


def _row(row: rx.Var[CaseRowView]) -> rx.Component:
    return rx.el.tr(
        rx.cond(
            CaseListState.sees_every_case,
            rx.el.td(
                rx.cond(
                    row.thumbnail_url != "",
                    rx.el.img(
                        src=row.thumbnail_url,
                        alt=row.thumbnail_alt,
                        class_name="thumbnail",
                        width="72",
                        height="48",
                    ),
                    rx.el.span("None"),
                )
            ),
        ),
        rx.el.td(ReactRouterLink.create(row.name, to=row.href)),
        rx.el.td(row.organisation),
        rx.el.td(row.cohort),
        rx.cond(~CaseListState.sees_every_case, rx.el.td(row.decision)),
        rx.cond(~CaseListState.sees_every_case, rx.el.td(row.decided)),
        rx.el.td(status_tag(row.status_label, row.status_shape, row.status_class)),
        rx.el.td(row.submitted),
        rx.el.td(
            row.sla_due,
            rx.cond(row.overdue, rx.el.span("Overdue", class_name="overdue")),
        ),
        key=row.id,
    )


def _table() -> rx.Component:
    return rx.el.table(
        rx.el.caption(CaseListState.caption, class_name="visually-hidden"),
        rx.el.thead(
            rx.el.tr(
                rx.cond(CaseListState.sees_every_case, rx.el.th("Photo ID", scope="col")),
                _sortable_header("name"),
                rx.el.th("Organisation", scope="col"),
                rx.el.th("Cohort", scope="col"),
                rx.cond(~CaseListState.sees_every_case, rx.el.th("Your decision", scope="col")),
                rx.cond(~CaseListState.sees_every_case, rx.el.th("Decided", scope="col")),
                _sortable_header("status"),
                _sortable_header("submitted"),
                _sortable_header("sla_due"),
            )
        ),
        rx.el.tbody(rx.foreach(CaseListState.rows, _row)),
        class_name="table",
    )


@template(route="/cases", title="Cases", on_load=CaseListState.load_cases, section="cases")
def cases_page() -> rx.Component:
    state = CaseListState
    return rx.el.div(
        rx.el.h1(rx.cond(state.sees_every_case, "Cases", "Your decisions")),
        rx.cond(
            state.error != "",
            rx.el.div(rx.el.p(state.error), class_name="error-summary", role="alert"),
        ),
        _filters(),
        rx.el.p(state.range_text, class_name="summary", aria_live="polite", id="case-count"),
        rx.cond(
            ~state.sees_every_case,
            rx.el.p(
                "The cases you have decided. The queue hands you your next case: press N "
                "there. You see a case's identity images while it is leased to you.",
                class_name="summary",
                id="my-decisions-note",
            ),
        ),
        _table(),
        pager(state),
    )


PAGE = cases_page
