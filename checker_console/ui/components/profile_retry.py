"""A team lead's "Retry profile creation" on a ``profile_failed`` case: ask, confirm, say what
happened. Used by the case page and the profiles page.

:class:`ProfileRetry` is a state mixin: a page state lists it before ``SessionState`` and
defines ``_after_retry`` to reload what it shows. Each handler checks on the server that the
caller is a lead (``SessionState.user_with_role``): the button is hidden from everyone else,
but any client can send any event, and a refusal is audited.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from checker_console.domain.lifecycle import IllegalTransition
from checker_console.domain.roles import LEAD
from checker_console.services.cases.listing import status_label
from checker_console.services.downstream.profile_requests import retry_profile
from checker_console.ui.calls import run_service


class ProfileRetry(rx.State, mixin=True):
    #: The case whose retry is waiting for "Yes" (0: none).
    confirming_case_id: int = 0
    retry_message: str = ""
    retry_failed: bool = False

    async def _after_retry(self) -> None:
        """Reload the page's data after a retry (each page says how)."""

    async def _lead(self, handler: str) -> Any:
        user_with_role = self.user_with_role  # type: ignore[attr-defined]  # from SessionState
        return await user_with_role(LEAD, handler=f"{type(self).__name__}.{handler}")

    @rx.event
    async def ask_to_retry(self, case_id: int) -> None:
        if await self._lead("ask_to_retry") is None:
            return
        self.confirming_case_id = _case_number(case_id)
        self.retry_message = ""

    @rx.event
    def cancel_retry(self) -> None:
        self.confirming_case_id = 0

    @rx.event
    async def retry_profile(self, case_id: int) -> None:
        """Reopen the case's CIM request (same idempotency key: still at most one profile)."""
        self.confirming_case_id = 0
        lead = await self._lead("retry_profile")
        if lead is None:
            return
        number = _case_number(case_id)
        try:
            await run_service(retry_profile, case_id=number, lead_id=lead.user_id)
        except IllegalTransition as problem:
            self._say(
                f"Case {number} was not sent again: it is {status_label(problem.status).lower()}, "
                "and only a case whose profile creation failed can be retried.",
                failed=True,
            )
        except LookupError:
            self._say(
                f"There is no case {number}: reload the page for the current list.", failed=True
            )
        else:
            self._say(
                f"Case {number} was sent to CIM again. Its profile is being created; "
                "reload the page to see what CIM answered.",
                failed=False,
            )
        await self._after_retry()

    def _say(self, message: str, *, failed: bool) -> None:
        self.retry_message = message
        self.retry_failed = failed


def _case_number(raw: object) -> int:
    """A case number from an event's arguments (the browser may send it as text)."""
    try:
        return int(str(raw))
    except ValueError:
        return 0


def retry_result(state: Any) -> rx.Component:
    """The outcome of the last retry, read out by screen readers when it changes."""
    return rx.el.div(
        rx.cond(
            state.retry_message != "",
            rx.el.p(
                state.retry_message,
                class_name=rx.cond(state.retry_failed, "error-summary", "inset"),
            ),
        ),
        role="status",
        aria_live="polite",
        id="retry-result",
    )


def retry_control(state: Any, case_id: rx.Var | int, case_name: rx.Var | str) -> rx.Component:
    """ "Retry profile creation", then "Yes, retry" / "Cancel" in its place."""
    return rx.cond(
        state.confirming_case_id == case_id,
        rx.el.div(
            rx.el.p(
                "Ask CIM again to create the profile for ",
                case_name,
                "? CIM gets the same request, so it never creates a second profile.",
            ),
            rx.el.button(
                "Yes, retry profile creation",
                type="button",
                on_click=state.retry_profile(case_id),
                class_name="button button--warning",
                auto_focus=True,
            ),
            " ",
            rx.el.button(
                "Cancel",
                type="button",
                on_click=state.cancel_retry,
                class_name="button button--secondary",
            ),
            role="group",
            aria_label="Confirm retry",
        ),
        rx.el.button(
            "Retry profile creation",
            rx.el.span(" for ", case_name, class_name="visually-hidden"),
            type="button",
            on_click=state.ask_to_retry(case_id),
            class_name="button button--secondary",
        ),
    )
