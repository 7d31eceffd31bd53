"""``/dashboard``, the team lead's landing page: the team's figures for a period, and the board.

For the period the lead picks (today, last 7 or 30 days, or a custom range of London days):
throughput, handling time, the queue and its forecast, rejection reasons, the journey per
organisation and cohort, and downstream problems; each chart with its finding in words, its
table and a CSV. The live board shows who reviews what now. Only team leads may open it.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.clock import utcnow
from checker_console.domain.roles import LEAD
from checker_console.services.oversight.dashboard import Dashboard, dashboard
from checker_console.services.oversight.scope import InvalidPeriod, parse_day, period_for
from checker_console.ui.calls import run_service
from checker_console.ui.components.chart import ChartData, Series, accessible_chart, csv_text
from checker_console.ui.components.chart import data_table as figures_table
from checker_console.ui.components.cohort_priority import (
    CohortPriorityState,
    cohort_priority_panel,
)
from checker_console.ui.components.layout import template
from checker_console.ui.components.live_board import live_board_panel
from checker_console.ui.components.live_board_state import LiveBoardState
from checker_console.ui.pages import dashboard_views as views
from checker_console.ui.state import SessionState

PERIODS = (("today", "Today"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("custom", "Custom"))
CHARTS = ("per_day", "per_hour", "checkers", "ages", "flow", "reasons", "journey")
OUTCOMES = [
    Series("approved", "Approved"),
    Series("rejected", "Rejected"),
    Series("referred", "Referred"),
]


class DashboardState(SessionState):
    period_kind: str = "7d"
    first_day: str = ""
    last_day: str = ""
    period_error: str = ""
    period_label: str = ""
    tiles: list[views.Tile] = []
    per_day: ChartData = ChartData()
    per_hour: ChartData = ChartData()
    checkers: ChartData = ChartData()
    ages: ChartData = ChartData()
    flow: ChartData = ChartData()
    reasons: ChartData = ChartData()
    journey: ChartData = ChartData()
    loaded: bool = False

    @rx.event
    async def load_dashboard(self) -> None:
        if await self.user_with_role(LEAD, handler="DashboardState.load_dashboard") is None:
            return
        await self._show()

    @rx.event
    async def choose_period(self, form: dict[str, str]) -> None:
        if await self.user_with_role(LEAD, handler="DashboardState.choose_period") is None:
            return
        self.period_kind = form.get("period", "7d")
        self.first_day, self.last_day = form.get("first", ""), form.get("last", "")
        await self._show()

    @rx.event
    async def download_csv(self, name: str):  # type: ignore[no-untyped-def]
        if await self.user_with_role(LEAD, handler="DashboardState.download_csv") is None:
            return None
        if name not in CHARTS:
            return None
        data: ChartData = getattr(self, name)
        slug = self.period_label.replace(" ", "-")
        return rx.download(
            data=csv_text(data.headers, data.rows),
            filename=f"{name.replace('_', '-')}-{slug}.csv",
            mime_type="text/csv",
        )

    async def _show(self) -> None:
        now = utcnow()
        custom = self.period_kind == "custom"
        try:
            first = (
                parse_day(self.first_day, field="start date") if custom and self.first_day else None
            )
            last = parse_day(self.last_day, field="end date") if custom and self.last_day else None
            period = period_for(self.period_kind, now=now, first=first, last=last)
        except InvalidPeriod as invalid:
            self.period_error = str(invalid)
            return
        self.period_error = ""
        figures: Dashboard = await run_service(dashboard, period, now=now)
        self.period_label = period.label
        self.tiles = views.tiles(figures)
        for name in CHARTS:
            setattr(self, name, getattr(views, name)(figures))
        self.loaded = True


def _period_form() -> rx.Component:
    state = DashboardState
    return rx.el.form(
        rx.cond(
            state.period_error != "",
            rx.el.div(
                rx.el.h2("There is a problem", class_name="error-summary__title"),
                rx.el.p(state.period_error, id="period-error"),
                class_name="error-summary",
                role="alert",
            ),
        ),
        rx.el.fieldset(
            rx.el.legend("Show figures for"),
            *[
                rx.el.div(
                    rx.el.input(
                        type="radio",
                        name="period",
                        value=value,
                        id=f"period-{value}",
                        default_checked=value == "7d",
                    ),
                    rx.el.label(label, html_for=f"period-{value}"),
                    class_name="radio",
                )
                for value, label in PERIODS
            ],
            class_name="radios",
        ),
        rx.el.div(
            rx.el.label("Custom range: from", html_for="period-first"),
            rx.el.input(type="date", name="first", id="period-first"),
            rx.el.label("to", html_for="period-last"),
            rx.el.input(type="date", name="last", id="period-last"),
            rx.el.button("Show figures", type="submit", class_name="button", id="period-show"),
            class_name="filters",
        ),
        on_submit=state.choose_period,
        reset_on_submit=False,
        class_name="period-form",
    )


def _tile(tile: rx.Var[views.Tile]) -> rx.Component:
    value = rx.el.dd(tile.value, class_name="count__value", id=tile.id)
    return rx.el.div(
        rx.el.dt(
            rx.cond(
                tile.href != "",
                ReactRouterLink.create(tile.label, to=tile.href),
                tile.label,
            ),
            class_name="count__label",
        ),
        value,
        class_name="count",
    )


def _table_section(section_id: str, title: str, data: rx.Var[ChartData], name: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(title, id=f"{section_id}-heading"),
        rx.el.p(data.summary, class_name="chart__summary", id=f"{section_id}-summary"),
        figures_table(
            table_id=f"{section_id}-table",
            caption=title,
            data=data,
            on_download=DashboardState.download_csv(name),
            open_=True,
        ),
        aria_labelledby=f"{section_id}-heading",
        class_name="dashboard-section",
    )


def _chart(
    chart_id: str, title: str, name: str, x_key: str, series: list[Series], kind: str
) -> rx.Component:
    return accessible_chart(
        chart_id=chart_id,
        title=title,
        data=getattr(DashboardState, name),
        x_key=x_key,
        series=series,
        kind=kind,
        on_download=DashboardState.download_csv(name),
    )


@template(
    route="/dashboard",
    title="Team dashboard",
    on_load=[
        DashboardState.load_dashboard,
        LiveBoardState.start_board,
        CohortPriorityState.load_cohorts,
    ],
    section="dashboard",
)
def dashboard_page() -> rx.Component:
    state = DashboardState
    return rx.el.div(
        rx.el.h1("Team dashboard"),
        _period_form(),
        rx.cond(
            state.loaded,
            rx.el.div(
                rx.el.p(
                    "Figures for ",
                    rx.el.strong(state.period_label, id="period-label"),
                    " (London days). Golden cases are not counted.",
                    class_name="summary",
                    aria_live="polite",
                ),
                rx.el.dl(
                    rx.foreach(state.tiles, _tile),
                    class_name="counts",
                    aria_label="Headline figures",
                ),
                live_board_panel(),
                cohort_priority_panel(),
                _chart("per-day", "Decisions per day", "per_day", "day", OUTCOMES, "line"),
                _chart(
                    "per-hour",
                    "Decisions per hour of the day",
                    "per_hour",
                    "hour",
                    OUTCOMES,
                    "line",
                ),
                _table_section("checkers", "Handling time per checker", state.checkers, "checkers"),
                _chart(
                    "ages",
                    "How long cases have waited",
                    "ages",
                    "age",
                    [Series("cases", "Cases waiting")],
                    "bar",
                ),
                _chart(
                    "flow",
                    "Arrivals against decisions",
                    "flow",
                    "day",
                    [Series("arrivals", "Arrived"), Series("decisions", "Decided")],
                    "line",
                ),
                _chart(
                    "reasons",
                    "Rejection reasons",
                    "reasons",
                    "reason",
                    [Series("rejections", "Rejections")],
                    "hbar",
                ),
                _chart(
                    "journey",
                    "Journey from invitation to email",
                    "journey",
                    "step",
                    [Series("people", "People")],
                    "bar",
                ),
                # QA's figures (agreement and kappa per checker, golden-case accuracy) go here.
            ),
            rx.cond(state.refusal == "", rx.el.p("Loading the figures…", role="status")),
        ),
    )


PAGE = dashboard_page
