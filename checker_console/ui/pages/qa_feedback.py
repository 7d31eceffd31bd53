"""``/qa/feedback``: a checker's own decisions that QA disagreed with, once a lead has ruled.

Only the signed-in checker's own cases, and only after adjudication, so nothing here can still
be overturned. Each says what they decided, what QA would have decided, whom the lead upheld and
why.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from checker_console.domain.roles import CHECKER
from checker_console.services.oversight.feedback import Feedback, feedback_for_checker
from checker_console.ui.calls import run_service
from checker_console.ui.components.layout import template
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState

OUTCOME_TEXT = {"approved": "approved", "rejected": "rejected", "referred": "referred"}


@dataclasses.dataclass
class FeedbackView:
    heading: str
    yours: str
    qa: str
    ruling: str


def _view(item: Feedback) -> FeedbackView:
    def said(outcome: str, reasons: list[str]) -> str:
        word = OUTCOME_TEXT.get(outcome, outcome)
        return f"{word} ({', '.join(reasons)})" if reasons else word

    upheld = "QA" if item.upheld == "qa" else "you"
    qa_note = f" QA's note: “{item.qa_note}”" if item.qa_note else ""
    return FeedbackView(
        heading=f"Case {item.case_id}, decided {london_time(item.decided_at)}",
        yours=f"You {said(item.your_outcome, item.your_reasons)}.",
        qa=f"QA would have {said(item.qa_outcome, item.qa_reasons)}.{qa_note}",
        ruling=f"A team lead upheld {upheld}: “{item.lead_note}”",
    )


class FeedbackState(SessionState):
    loaded: bool = False
    allowed: bool = False
    items: list[FeedbackView] = []

    @rx.event
    async def load_feedback(self) -> None:
        user = await self.user_with_role(CHECKER, handler="FeedbackState.load_feedback")
        self.allowed = user is not None
        if user is None:
            return
        self.items = [_view(i) for i in await run_service(feedback_for_checker, user.user_id)]
        self.loaded = True


def _item(item: rx.Var[FeedbackView]) -> rx.Component:
    return rx.el.article(
        rx.el.h2(item.heading),
        rx.el.p(item.yours),
        rx.el.p(item.qa),
        rx.el.p(rx.el.strong(item.ruling)),
        class_name="inset",
    )


@template(
    route="/qa/feedback",
    title="QA feedback",
    on_load=FeedbackState.load_feedback,
    section="feedback",
)
def feedback_page() -> rx.Component:
    state = FeedbackState
    return rx.el.div(
        rx.el.h1("Your QA feedback"),
        rx.cond(
            state.allowed,
            rx.cond(
                state.loaded,
                rx.cond(
                    state.items.length() > 0,
                    rx.fragment(
                        rx.el.p(
                            "Cases of yours where QA reached a different decision and a team "
                            "lead has ruled. Use them to learn; they are not a mark against you."
                        ),
                        rx.foreach(state.items, _item),
                    ),
                    rx.el.p("No feedback yet: QA has not disagreed with any of your decisions."),
                ),
                rx.el.p("Loading…", role="status"),
            ),
            rx.cond(state.session_checked, rx.el.p("This page is for ID checkers.")),
        ),
    )


PAGE = feedback_page
