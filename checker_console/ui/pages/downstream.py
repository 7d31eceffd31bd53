"""``/downstream`` ("Profiles"), for team leads: where approved cases stand with CIM and Notify.

Counts by downstream state, then the approved cases that have no profile yet, longest-waiting
first, a page at a time from the server, each with its attempts and last error, and "Retry
profile creation" on the failed ones. In the demo it links to the GOV.UK Notify stand-in's
mailbox, where the emails the console sent can be read.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.roles import LEAD
from checker_console.services.cases.listing import status_label
from checker_console.services.downstream.board import (
    DownstreamCounts,
    UnfinishedProfile,
    downstream_counts,
    list_unfinished_profiles,
)
from checker_console.settings import get_settings
from checker_console.ui.calls import run_service
from checker_console.ui.components.fields import Option, select_field
from checker_console.ui.components.layout import template
from checker_console.ui.components.pager import NumberedPages, pager
from checker_console.ui.components.profile_retry import ProfileRetry, retry_control, retry_result
from checker_console.ui.components.status_tag import status_class, status_shape, status_tag
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState

SHOW_OPTIONS = [Option("pending", "Being created"), Option("failed", "Failed")]


@dataclasses.dataclass
class CountView:
    label: str
    value: str
    id: str


@dataclasses.dataclass
class ProfileRowView:
    case_id: int
    href: str
    name: str
    organisation: str
    approved: str
    status_label: str
    status_shape: str
    status_class: str
    attempts: str
    problem: str
    can_retry: bool


def _count_views(counts: DownstreamCounts) -> list[CountView]:
    by_status = counts.cases
    figures = [
        ("Approved, not yet sent to CIM", by_status[CaseStatus.APPROVED], "approved"),
        ("Profile being created", by_status[CaseStatus.PROFILE_PENDING], "pending"),
        ("Profile created", by_status[CaseStatus.PROFILE_CREATED], "created"),
        ("Profile creation failed", by_status[CaseStatus.PROFILE_FAILED], "failed"),
        ("Emails sent", counts.emails_sent, "emails-sent"),
        ("Emails waiting", counts.emails_waiting, "emails-waiting"),
        ("Emails failed", counts.emails_failed, "emails-failed"),
    ]
    return [CountView(label, f"{value:,}", f"count-{key}") for label, value, key in figures]


def _problem(row: UnfinishedProfile) -> str:
    """What went wrong, and for a pending case when CIM is asked next."""
    if row.existing_profile_uuid:
        return f"Duplicate person: existing UUID {row.existing_profile_uuid}"
    text = row.last_error or ""
    if row.next_retry_at is not None:
        next_try = f"Next try {london_time(row.next_retry_at)}"
        text = f"{text}. {next_try}" if text else next_try
    return text or "None"


def _row_view(row: UnfinishedProfile) -> ProfileRowView:
    return ProfileRowView(
        case_id=row.case_id,
        href=f"/cases/{row.case_id}",
        name=row.full_name,
        organisation=row.organisation_name,
        approved=london_time(row.approved_at) or "Unknown",
        status_label=status_label(row.status),
        status_shape=status_shape(row.status),
        status_class=status_class(row.status),
        attempts=str(row.attempts),
        problem=_problem(row),
        can_retry=row.status == CaseStatus.PROFILE_FAILED,
    )


class DownstreamState(ProfileRetry, NumberedPages, SessionState):
    counts: list[CountView] = []
    rows: list[ProfileRowView] = []
    show: str = ""
    total: int = 0
    mailbox_url: str = ""
    loaded: bool = False

    @rx.var
    def range_text(self) -> str:
        if self.total == 0:
            return "No approved case is waiting for its profile."
        noun = "case is" if self.total == 1 else "cases are"
        return f"{self.total:,} approved {noun} waiting for a profile, longest-waiting first."

    @rx.event
    async def load_board(self) -> None:
        self.retry_message, self.confirming_case_id = "", 0
        await self._go_to(1, handler="load_board")

    @rx.event
    async def next_page(self) -> None:
        await self._go_to(self.page + 1, handler="next_page")

    @rx.event
    async def previous_page(self) -> None:
        await self._go_to(max(1, self.page - 1), handler="previous_page")

    @rx.event
    async def show_only(self, value: str) -> None:
        self.show = value if value in ("pending", "failed") else ""
        await self._go_to(1, handler="show_only")

    async def _after_retry(self) -> None:
        await self._load()

    async def _go_to(self, page: int, *, handler: str) -> None:
        if await self.user_with_role(LEAD, handler=f"DownstreamState.{handler}") is None:
            self.loaded = False
            return
        self.page = page
        await self._load()

    async def _load(self) -> None:
        counts = await run_service(downstream_counts)
        board = await run_service(list_unfinished_profiles, show=self.show, page=self.page)
        settings = get_settings()
        self.counts = _count_views(counts)
        self.rows = [_row_view(row) for row in board.rows]
        self.total, self.page, self.page_count = board.total, board.page, board.page_count
        self.mailbox_url = settings.notify_base_url.rstrip("/") + "/mailbox"
        self.loaded = True


def _counts() -> rx.Component:
    def figure(count: rx.Var[CountView]) -> rx.Component:
        return rx.el.div(
            rx.el.dt(count.label, class_name="count__label"),
            rx.el.dd(count.value, class_name="count__value", id=count.id),
            class_name="count",
        )

    return rx.el.dl(
        rx.foreach(DownstreamState.counts, figure), class_name="counts", aria_label="Totals"
    )


def _row(row: rx.Var[ProfileRowView]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(ReactRouterLink.create(row.name, to=row.href)),
        rx.el.td(row.organisation),
        rx.el.td(row.approved),
        rx.el.td(status_tag(row.status_label, row.status_shape, row.status_class)),
        rx.el.td(row.attempts),
        rx.el.td(row.problem),
        rx.el.td(rx.cond(row.can_retry, retry_control(DownstreamState, row.case_id, row.name))),
        key=row.case_id,
    )


def _table() -> rx.Component:
    headings = [
        "Applicant",
        "Organisation",
        "Approved",
        "Status",
        "Attempts",
        "Last error",
        "Action",
    ]
    return rx.el.table(
        rx.el.caption(
            "Approved cases without a profile, longest-waiting first", class_name="visually-hidden"
        ),
        rx.el.thead(rx.el.tr(*[rx.el.th(text, scope="col") for text in headings])),
        rx.el.tbody(rx.foreach(DownstreamState.rows, _row)),
        class_name="table",
        id="unfinished-profiles",
    )


def _mailbox_link() -> rx.Component:
    return rx.cond(
        DownstreamState.demo_mode,
        rx.el.p(
            rx.el.a(
                "Emails sent by the GOV.UK Notify stand-in",
                href=DownstreamState.mailbox_url,
                id="mailbox-link",
            ),
            " (demo only: in a real deployment the emails go to GOV.UK Notify).",
        ),
    )


def _board() -> rx.Component:
    state = DownstreamState
    return rx.fragment(
        rx.el.p(
            "An approved case is sent to Care Identity Management (CIM), which creates the "
            "applicant's CIS profile and 12-digit UUID; then the applicant is emailed. The console "
            "tries again by itself when CIM does not answer. A case whose profile creation failed "
            "waits here for a team lead.",
            class_name="notice",
        ),
        _mailbox_link(),
        _counts(),
        rx.el.div(
            select_field(
                "Show",
                "filter-show",
                value=state.show,
                options=SHOW_OPTIONS,
                on_change=state.show_only,
                any_label="Being created and failed",
            ),
            class_name="filters",
            role="group",
            aria_label="Filter the list",
        ),
        retry_result(state),
        rx.el.p(state.range_text, class_name="summary", id="profile-count"),
        _table(),
        pager(state),
    )


@template(
    route="/downstream", title="Profiles", on_load=DownstreamState.load_board, section="downstream"
)
def downstream_page() -> rx.Component:
    return rx.el.div(
        rx.el.h1("CIS profiles"),
        rx.cond(
            DownstreamState.is_lead,
            rx.cond(
                DownstreamState.loaded, _board(), rx.el.p("Loading the profiles…", role="status")
            ),
            rx.el.p("This page is for team leads. Your role does not give access to it."),
        ),
    )


PAGE = downstream_page
