"""``/qa/adjudication``: team leads rule on each disagreement between a checker and QA.

Each disagreement shows both decisions side by side; the lead upholds one, with a note. What
follows (a task to review a CIS profile, or a request that the RA invite the applicant again)
is said on the page and recorded in the audit log. Team leads only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from checker_console.domain.decisions import DecisionRefused
from checker_console.domain.roles import LEAD
from checker_console.services.oversight.adjudication import (
    Disagreement,
    adjudicate,
    open_lead_tasks,
    waiting_adjudications,
)
from checker_console.services.oversight.replay import NotYours
from checker_console.ui.calls import run_service
from checker_console.ui.components.gated_page import gated_page
from checker_console.ui.components.layout import template
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState

OUTCOME_TEXT = {"approved": "Approve", "rejected": "Reject", "referred": "Refer"}


@dataclasses.dataclass
class DisagreementView:
    verdict_id: int
    heading: str
    checker: str
    qa: str


def _said(outcome: str, reasons: list[str], note: str) -> str:
    parts = [OUTCOME_TEXT.get(outcome, outcome)]
    if reasons:
        parts.append("reasons: " + ", ".join(reasons))
    if note:
        parts.append(f"note: “{note}”")
    return "; ".join(parts)


def _view(item: Disagreement) -> DisagreementView:
    return DisagreementView(
        verdict_id=item.verdict_id,
        heading=f"Case {item.case_id}, replayed {london_time(item.recorded_at)}",
        checker=f"{item.checker_name}: "
        + _said(item.checker_outcome, item.checker_reasons, item.checker_note),
        qa=f"{item.qa_name} (QA): " + _said(item.qa_outcome, item.qa_reasons, item.qa_note),
    )


class AdjudicationState(SessionState):
    loaded: bool = False
    allowed: bool = False
    items: list[DisagreementView] = []
    tasks: list[str] = []
    result: str = ""
    error: str = ""
    error_for: int = 0

    @rx.event
    async def load_adjudication(self) -> None:
        self.result = self.error = ""
        await self._load("load_adjudication")

    async def _load(self, handler: str) -> bool:
        user = await self.user_with_role(LEAD, handler=f"AdjudicationState.{handler}")
        self.allowed = user is not None
        if user is None:
            return False
        self.items = [_view(item) for item in await run_service(waiting_adjudications)]
        self.tasks = [task.text for task in await run_service(open_lead_tasks)]
        self.loaded = True
        return True

    @rx.event
    async def rule(self, form: dict[str, Any]):  # noqa: ANN201
        user = await self.user_with_role(LEAD, handler="AdjudicationState.rule")
        if user is None:
            return
        raw = str(form.get("verdict_id", ""))
        verdict_id = int(raw) if raw.isdigit() else 0
        self.error, self.error_for, self.result = "", verdict_id, ""
        try:
            ruling = await run_service(
                adjudicate,
                verdict_id=verdict_id,
                lead_id=user.user_id,
                upheld=str(form.get("upheld", "")),
                note=str(form.get("note", "")),
            )
        except (DecisionRefused, NotYours) as refused:
            self.error = refused.message
            yield rx.set_focus(f"upheld-{verdict_id}")
            return
        whom = "QA" if ruling.upheld == "qa" else "the checker"
        self.result = f"Case {ruling.case_id}: you upheld {whom}. {ruling.follow_up}".strip()
        await self._load("rule")
        yield rx.set_focus("adjudication-result")


def _choice(verdict_id: rx.Var[int], value: str, label: str) -> rx.Component:
    box_id = "upheld-" + verdict_id.to_string() + "-" + value
    return rx.el.div(
        rx.el.input(type="radio", name="upheld", value=value, id=box_id),
        rx.el.label(label, html_for=box_id),
        class_name="check",
    )


def _item(item: rx.Var[DisagreementView]) -> rx.Component:
    state = AdjudicationState
    note_id = "note-" + item.verdict_id.to_string()
    return rx.el.article(
        rx.el.h2(item.heading),
        rx.el.ul(rx.el.li(item.checker), rx.el.li(item.qa)),
        rx.el.form(
            rx.el.input(type="hidden", name="verdict_id", value=item.verdict_id.to_string()),
            rx.cond(
                (state.error != "") & (state.error_for == item.verdict_id),
                rx.el.p(
                    rx.el.span("Error: ", class_name="visually-hidden"),
                    state.error,
                    class_name="field-error",
                    role="alert",
                ),
            ),
            rx.el.fieldset(
                rx.el.legend("Whose decision stands?"),
                _choice(item.verdict_id, "checker", "Uphold the checker"),
                _choice(item.verdict_id, "qa", "Uphold QA"),
                id="upheld-" + item.verdict_id.to_string(),
                tab_index=-1,
            ),
            rx.el.label("Your note (the checker will read it)", html_for=note_id),
            rx.el.textarea(id=note_id, name="note", rows=2, class_name="textarea"),
            rx.el.button("Record ruling", type="submit", class_name="button"),
            on_submit=state.rule,
            reset_on_submit=True,
            class_name="decision-form",
        ),
        class_name="inset",
    )


def _body() -> rx.Component:
    state = AdjudicationState
    return rx.fragment(
        rx.cond(
            state.result != "",
            rx.el.p(
                state.result,
                class_name="notice",
                role="status",
                id="adjudication-result",
                tab_index=-1,
            ),
        ),
        rx.cond(
            state.items.length() > 0,
            rx.foreach(state.items, _item),
            rx.el.p("No disagreements are waiting for a ruling."),
        ),
        rx.el.h2("Tasks for team leads"),
        rx.cond(
            state.tasks.length() > 0,
            rx.el.ul(rx.foreach(state.tasks, lambda t: rx.el.li(t)), id="lead-tasks"),
            rx.el.p("No open tasks."),
        ),
    )


@template(
    route="/qa/adjudication",
    title="QA adjudication",
    on_load=AdjudicationState.load_adjudication,
    section="adjudication",
)
def adjudication_page() -> rx.Component:
    state = AdjudicationState
    return gated_page(
        "Disagreements to rule on",
        _body(),
        allowed=state.allowed,
        loaded=state.loaded,
        checked=state.session_checked,
        refusal="This page is for team leads.",
    )


PAGE = adjudication_page
