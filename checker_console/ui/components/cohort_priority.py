"""The lead's control to put a cohort first in the queue (a university's start-of-term deadline),
and the cohorts already first, each with a button to put it back in SLA order."""

from __future__ import annotations

import dataclasses

import reflex as rx

from checker_console.domain.roles import LEAD
from checker_console.services.oversight.lead_actions import (
    LeadActionRefused,
    cohort_choices,
    cohorts_first,
    set_cohort_priority,
)
from checker_console.ui.calls import run_service
from checker_console.ui.components.fields import Option
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState


@dataclasses.dataclass
class FirstCohort:
    key: str
    label: str
    since: str


def _key(organisation_id: int, cohort: str) -> str:
    return f"{organisation_id}|{cohort}"


class CohortPriorityState(SessionState):
    choices: list[Option] = []
    firsts: list[FirstCohort] = []
    cohort_error: str = ""
    cohort_message: str = ""

    @rx.event
    async def load_cohorts(self) -> None:
        if await self.user_with_role(LEAD, handler="CohortPriorityState.load_cohorts") is None:
            return
        await self._show()

    @rx.event
    async def put_first(self, form: dict[str, str]) -> None:
        await self._set(form.get("cohort", ""), first=True)

    @rx.event
    async def put_back(self, key: str) -> None:
        await self._set(key, first=False)

    async def _set(self, key: str, *, first: bool) -> None:
        user = await self.user_with_role(LEAD, handler="CohortPriorityState.set_priority")
        if user is None:
            return
        organisation, _, cohort = key.partition("|")
        if not organisation.isdigit() or not cohort:
            self.cohort_error = "Choose a cohort from the list."
            return
        try:
            moved = await run_service(
                set_cohort_priority,
                organisation_id=int(organisation),
                cohort=cohort,
                first=first,
                lead_id=user.user_id,
            )
        except LeadActionRefused as refused:
            self.cohort_error = refused.message
            return
        self.cohort_error = ""
        where = "first in the queue" if first else "back in SLA order"
        self.cohort_message = f"{cohort} is now {where}: {moved} open case(s) moved."
        await self._show()

    async def _show(self) -> None:
        choices = await run_service(cohort_choices)
        self.choices = [Option(_key(o, c), f"{name}, {c}") for o, name, c in choices]
        self.firsts = [
            FirstCohort(
                _key(f.organisation_id, f.cohort),
                f"{f.organisation_name}, {f.cohort}",
                f"since {london_time(f.set_at)}, by {f.set_by}",
            )
            for f in await run_service(cohorts_first)
        ]


def cohort_priority_panel() -> rx.Component:
    state = CohortPriorityState
    return rx.el.section(
        rx.el.h2("Cohorts first in the queue", id="cohorts-heading"),
        rx.el.p(
            "A cohort put first is handed out before every other case, soonest SLA first, "
            "until you put it back. New applications from it join the front too."
        ),
        rx.cond(
            state.cohort_message != "",
            rx.el.p(state.cohort_message, role="status", class_name="inset", id="cohort-message"),
        ),
        rx.el.ul(
            rx.foreach(
                state.firsts,
                lambda f: rx.el.li(
                    rx.el.strong(f.label),
                    " ",
                    f.since,
                    " ",
                    rx.el.button(
                        "Put back in SLA order",
                        rx.el.span(": ", f.label, class_name="visually-hidden"),
                        type="button",
                        on_click=state.put_back(f.key),
                        class_name="button button--secondary button--small",
                    ),
                    key=f.key,
                ),
            ),
            class_name="board__referrals",
            id="cohorts-first",
        ),
        rx.el.form(
            rx.el.div(
                rx.el.label("Cohort", html_for="cohort-first"),
                rx.cond(
                    state.cohort_error != "",
                    rx.el.p(state.cohort_error, class_name="field-error", id="cohort-error"),
                ),
                rx.el.select(
                    rx.el.option("Choose a cohort", value=""),
                    rx.foreach(state.choices, lambda o: rx.el.option(o.label, value=o.value)),
                    name="cohort",
                    id="cohort-first",
                ),
            ),
            rx.el.button(
                "Put this cohort first",
                type="submit",
                class_name="button",
                id="cohort-first-submit",
            ),
            on_submit=state.put_first,
            reset_on_submit=False,
            class_name="filters",
        ),
        aria_labelledby="cohorts-heading",
        class_name="dashboard-section",
    )
