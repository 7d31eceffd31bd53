"""``/qa/agreement``: how often QA agrees with each checker, with kappa, its interval and golden
accuracy, over a period the reader chooses. QA reviewers and team leads only.

Every figure is in a table (no chart), with a plain-English warning where there are too few
replays to judge. The figures come from ``services/oversight/agreement.agreement_by_checker``.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import reflex as rx

from checker_console.clock import utcnow
from checker_console.domain.roles import LEAD, QA
from checker_console.services.oversight.agreement import OUTCOMES, Agreement, agreement_by_checker
from checker_console.ui.calls import run_service
from checker_console.ui.components.gated_page import gated_page
from checker_console.ui.components.layout import template
from checker_console.ui.state import SessionState

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "365": "Last year"}
OUTCOME_LABELS = {"approved": "Approved", "rejected": "Rejected", "referred": "Referred"}


@dataclasses.dataclass
class AgreementRow:
    name: str
    replays: str
    percent: str
    kappa: str
    reasons: str
    golden: str
    warning: str


@dataclasses.dataclass
class ConfusionRow:
    said: str
    cells: list[str]


@dataclasses.dataclass
class ConfusionTable:
    name: str
    rows: list[ConfusionRow]


def _row(figures: Agreement) -> AgreementRow:
    k = figures.kappa
    if k.kappa is None:
        kappa = "Cannot be worked out yet"
    else:
        kappa = f"{k.kappa:.2f} (95% interval {k.low:.2f} to {k.high:.2f})"
    if figures.both_rejected:
        overlap = f"{100 * (figures.reason_overlap or 0):.0f}% overlap"
        reasons = f"{figures.same_reasons} of {figures.both_rejected} the same ({overlap})"
    else:
        reasons = "No case both rejected"
    golden = "No golden cases"
    if figures.golden and figures.golden.scored:
        golden = f"{figures.golden.correct} of {figures.golden.scored} right"
    return AgreementRow(
        name=figures.name,
        replays=str(figures.replays),
        percent=f"{figures.percent:.0f}%" if figures.percent is not None else "None",
        kappa=kappa,
        reasons=reasons,
        golden=golden,
        warning=figures.warning,
    )


def _confusion(figures: Agreement) -> ConfusionTable:
    return ConfusionTable(
        name=figures.name,
        rows=[
            ConfusionRow(
                OUTCOME_LABELS[said], [str(figures.confusion[said][qa]) for qa in OUTCOMES]
            )
            for said in OUTCOMES
        ],
    )


class AgreementState(SessionState):
    loaded: bool = False
    allowed: bool = False
    period: str = "30"
    summary: str = ""
    rows: list[AgreementRow] = []
    confusion: list[ConfusionTable] = []

    @rx.event
    async def load_agreement(self) -> None:
        await self._load("load_agreement")

    @rx.event
    async def choose_period(self, value: str) -> None:
        self.period = value if value in PERIODS else "30"
        await self._load("choose_period")

    async def _load(self, handler: str) -> None:
        user = await self.user_with_any_role((QA, LEAD), handler=f"AgreementState.{handler}")
        self.allowed = user is not None
        if user is None:
            return
        end = utcnow()
        report = await run_service(
            agreement_by_checker, end - timedelta(days=int(self.period)), end
        )
        team = report.team
        percent = f"{team.percent:.0f}%" if team.percent is not None else "no"
        self.summary = (
            f"{PERIODS[self.period]}: {team.replays} replays, {percent} agreement "
            f"across {len(report.checkers)} checkers."
        )
        self.rows = [_row(team)] + [_row(c) for c in report.checkers]
        self.confusion = [_confusion(c) for c in report.checkers if c.replays]
        self.loaded = True


def _agreement_row(row: rx.Var[AgreementRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.name, scope="row"),
        rx.el.td(row.replays),
        rx.el.td(row.percent),
        rx.el.td(row.kappa),
        rx.el.td(row.reasons),
        rx.el.td(row.golden),
        rx.el.td(row.warning),
    )


def _confusion_table(table: rx.Var[ConfusionTable]) -> rx.Component:
    return rx.el.table(
        rx.el.caption(table.name, ": the checker said (rows), QA said (columns)"),
        rx.el.thead(
            rx.el.tr(
                rx.el.td(),
                *[rx.el.th("QA: " + OUTCOME_LABELS[o], scope="col") for o in OUTCOMES],
            )
        ),
        rx.el.tbody(
            rx.foreach(
                table.rows,
                lambda row: rx.el.tr(
                    rx.el.th("Checker: ", row.said, scope="row"),
                    rx.foreach(row.cells, lambda cell: rx.el.td(cell)),
                ),
            )
        ),
        class_name="table",
    )


def _report() -> rx.Component:
    state = AgreementState
    headings = (
        "Checker",
        "Replays",
        "Agreement",
        "Cohen's kappa",
        "Rejection reasons",
        "Golden cases",
        "Note",
    )
    return rx.fragment(
        rx.el.div(
            rx.el.label("Period", html_for="period"),
            rx.el.select(
                *[rx.el.option(label, value=value) for value, label in PERIODS.items()],
                id="period",
                value=state.period,
                on_change=state.choose_period,
            ),
            class_name="filters",
        ),
        rx.el.p(state.summary, class_name="summary", id="agreement-summary"),
        rx.el.p(
            "Kappa is agreement beyond what chance would give: 1 is perfect, 0 no better than "
            "chance. The interval shows how sure the figure is; a wide one needs more replays.",
        ),
        rx.el.table(
            rx.el.caption("Agreement between checkers and QA"),
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headings])),
            rx.el.tbody(rx.foreach(state.rows, _agreement_row)),
            class_name="table",
            id="agreement-table",
        ),
        rx.el.h2("What each checker decided and what QA decided"),
        rx.foreach(state.confusion, _confusion_table),
    )


@template(
    route="/qa/agreement",
    title="QA agreement",
    on_load=AgreementState.load_agreement,
    section="agreement",
)
def agreement_page() -> rx.Component:
    state = AgreementState
    return gated_page(
        "Agreement with QA",
        _report(),
        allowed=state.allowed,
        loaded=state.loaded,
        checked=state.session_checked,
        refusal="This page is for QA reviewers and team leads.",
    )


PAGE = agreement_page
