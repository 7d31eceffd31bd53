"""``/qa``: QA's to-do list: decisions drawn for a blind replay, oldest first, counts per checker.

QA reviewers and team leads only (every handler checks on the server). The list does not say who
decided each case: the replay is blind. A reviewer's own decisions are never on their list.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.domain.roles import LEAD, QA
from checker_console.services.oversight.worklist import qa_worklist
from checker_console.ui.calls import run_service
from checker_console.ui.components.gated_page import gated_page
from checker_console.ui.components.layout import template
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState


@dataclasses.dataclass
class WaitingRow:
    sample_id: int
    case_id: int
    why: str
    drawn: str
    href: str


@dataclasses.dataclass
class CountRow:
    name: str
    count: int


class QaListState(SessionState):
    loaded: bool = False
    allowed: bool = False
    rows: list[WaitingRow] = []
    per_checker: list[CountRow] = []
    total: int = 0

    @rx.event
    async def load_list(self) -> None:
        self.loaded = False
        user = await self.user_with_any_role((QA, LEAD), handler="QaListState.load_list")
        self.allowed = user is not None
        if user is None:
            return
        worklist = await run_service(qa_worklist, reviewer_id=user.user_id)
        self.rows = [
            WaitingRow(
                w.sample_id, w.case_id, w.why, london_time(w.drawn_at), f"/qa/replay/{w.sample_id}"
            )
            for w in worklist.waiting
        ]
        self.per_checker = [CountRow(name, count) for name, count in worklist.per_checker]
        self.total = worklist.total
        self.loaded = True


def _row(row: rx.Var[WaitingRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td("Case ", row.case_id.to_string()),
        rx.el.td(row.why),
        rx.el.td(row.drawn),
        rx.el.td(
            ReactRouterLink.create(
                "Replay case ", row.case_id.to_string(), to=row.href, class_name="replay-link"
            )
        ),
    )


def _list() -> rx.Component:
    state = QaListState
    return rx.fragment(
        rx.el.p(
            "Each case below was drawn for QA after a checker decided it. Open one to replay it "
            "blind: you see exactly what the checker saw, and their decision only after you "
            "record yours.",
            class_name="notice",
        ),
        rx.el.p(
            rx.el.strong(state.total.to_string()),
            " waiting for a replay.",
            class_name="summary",
            id="qa-waiting-count",
        ),
        rx.cond(
            state.rows.length() > 0,
            rx.el.table(
                rx.el.caption("Waiting for a replay, oldest first"),
                rx.el.thead(
                    rx.el.tr(
                        *[rx.el.th(t, scope="col") for t in ("Case", "Drawn as", "Drawn", "Open")]
                    )
                ),
                rx.el.tbody(rx.foreach(state.rows, _row)),
                class_name="table",
                id="qa-waiting",
            ),
            rx.el.p("Nothing is waiting. New cases are drawn as checkers decide."),
        ),
        rx.cond(
            state.per_checker.length() > 0,
            rx.el.table(
                rx.el.caption("Waiting per checker"),
                rx.el.thead(
                    rx.el.tr(rx.el.th("Checker", scope="col"), rx.el.th("Waiting", scope="col"))
                ),
                rx.el.tbody(
                    rx.foreach(
                        state.per_checker,
                        lambda c: rx.el.tr(rx.el.td(c.name), rx.el.td(c.count.to_string())),
                    )
                ),
                class_name="table",
                id="qa-per-checker",
            ),
        ),
    )


@template(route="/qa", title="QA replays", on_load=QaListState.load_list, section="qa")
def qa_page() -> rx.Component:
    state = QaListState
    return gated_page(
        "Cases to replay",
        _list(),
        allowed=state.allowed,
        loaded=state.loaded,
        checked=state.session_checked,
        refusal="This page is for QA reviewers and team leads.",
    )


PAGE = qa_page
