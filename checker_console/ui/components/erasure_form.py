"""A team lead's "Erase personal data" on a case page: reason, DPO reference, confirm, outcome.

:class:`ErasureForm` is a state mixin: the case page lists it before ``SessionState``, provides
``case_id`` and defines ``_after_erasure`` to reload. The handler checks on the server that the
caller is a lead (the section is hidden from everyone else, but any client can send any event);
the service re-checks everything else and refuses with a message next to the field.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from checker_console.adapters.blobs import get_blob_store
from checker_console.domain.roles import LEAD
from checker_console.services.retention.erasure import ErasureRefused, erase_applicant
from checker_console.ui.calls import run_service
from checker_console.ui.components.form_actions import submit_or_cancel


class ErasureForm(rx.State, mixin=True):
    erase_open: bool = False
    erase_error: str = ""
    erase_error_field: str = ""
    erase_message: str = ""

    async def _after_erasure(self) -> None:
        """Reload the page after an erasure (the page says how)."""

    @rx.event
    def toggle_erasure(self):  # noqa: ANN201
        self.erase_open = not self.erase_open
        self.erase_error = self.erase_error_field = ""
        return rx.set_focus("erase-reason" if self.erase_open else "erase-open")

    @rx.event
    async def erase(self, form: dict[str, Any]):  # noqa: ANN201
        user_with_role = self.user_with_role  # type: ignore[attr-defined] - from SessionState
        lead = await user_with_role(LEAD, handler=f"{type(self).__name__}.erase")
        if lead is None:
            return None
        case_id = int(self.case_id)  # type: ignore[attr-defined] - from the page state
        try:
            result = await run_service(
                erase_applicant,
                get_blob_store(),
                case_id=case_id,
                lead_id=lead.user_id,
                reason=str(form.get("reason", "")),
                dpo_reference=str(form.get("dpo_reference", "")),
            )
        except ErasureRefused as refused:
            self.erase_error, self.erase_error_field = refused.message, refused.field
            return rx.set_focus("erase-error")
        self.erase_open = False
        cases = ", ".join(str(c) for c in result.case_ids)
        self.erase_message = (
            f"The applicant's personal data was erased from case {cases}, and "
            f"{result.blobs_deleted} image files were deleted."
        )
        await self._after_erasure()
        return rx.set_focus("erase-result")


def erasure_section(state: Any) -> rx.Component:
    """For leads only: the button, then the form in its place."""
    return rx.el.section(
        rx.el.h2("Erase personal data", id="erase-heading"),
        rx.cond(
            state.erase_message != "",
            rx.el.p(state.erase_message, class_name="inset", id="erase-result", tab_index=-1),
        ),
        rx.cond(
            state.erase_open,
            _form(state),
            rx.el.button(
                "Erase personal data",
                type="button",
                id="erase-open",
                on_click=state.toggle_erasure,
                class_name="button button--warning",
            ),
        ),
        aria_labelledby="erase-heading",
    )


def _form(state: Any) -> rx.Component:
    return rx.el.form(
        rx.el.p(
            "Only when the data protection officer has approved the applicant's request. This "
            "erases their names, date of birth, contact details, notes and images from every "
            "attempt they made. The decisions, dates and audit trail stay. It cannot be undone."
        ),
        rx.cond(
            state.erase_error != "",
            rx.el.p(
                rx.el.span("Error: ", class_name="visually-hidden"),
                state.erase_error,
                class_name="error-summary",
                id="erase-error",
                tab_index=-1,
            ),
        ),
        rx.el.label("Data protection officer's reference", html_for="erase-dpo"),
        rx.el.input(id="erase-dpo", name="dpo_reference", class_name="input", auto_complete="off"),
        rx.el.label("Why is the data being erased?", html_for="erase-reason"),
        rx.el.textarea(id="erase-reason", name="reason", rows=3, class_name="textarea"),
        submit_or_cancel("Erase this applicant's personal data", on_cancel=state.toggle_erasure),
        on_submit=state.erase,
        reset_on_submit=False,
        id="erase-form",
        aria_label="Erase personal data",
    )
