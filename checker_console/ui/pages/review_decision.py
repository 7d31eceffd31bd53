"""The review page's decision form: the checklist, the reject and refer panels, and deciding.

:class:`DecisionForm` is a state mixin of ``ReviewState``, which lists it before
``SessionState`` and supplies what deciding needs from the page: the case held (``has_case``,
``case_id``), ``_take_next`` to open the next case, and ``_lose_lease`` when the case has gone.
The decision services re-check the lease and every rule, so a forged event decides nothing.

The checklist is ticked in the browser (``components/checklist.jsx``): a tick sends nothing, and
each decision event carries the items ticked, which the decision service checks.

Each handler first calls ``_recover_if_lost``: a page whose Reflex state was lost (Redis
restarted, or a reconnect was handed a fresh token) rebuilds itself from the database there and
then, so the key the checker pressed acts on their case instead of on an empty page.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from checker_console.services.review.decisions import (
    CaseNotLeasedToYou,
    DecisionRefused,
    DecisionResult,
    approve_case,
    refer_case,
    reject_case,
)
from checker_console.services.unit_of_work import NotSaved
from checker_console.ui.calls import run_service
from checker_console.ui.pages.review_views import (
    ChecklistRowView,
    ErrorView,
    ReasonView,
    default_message,
    error_view,
    reason_views,
)

HEADING_ID = "review-heading"
OUTCOME_WORDS = {"approved": "approved", "rejected": "rejected", "referred": "referred"}


class DecisionForm(rx.State, mixin=True):
    checklist: list[ChecklistRowView] = []
    panel: str = ""
    reasons: list[ReasonView] = []
    message_default: str = ""
    message_version: int = 0
    message_edited: bool = False
    #: What was typed in the refer note and the internal note, kept when the panel closes.
    refer_note_draft: str = ""
    internal_note_draft: str = ""
    draft_version: int = 0
    errors: list[ErrorView] = []
    # The workspace itself.

    @rx.var
    def error_for_checklist(self) -> str:
        return self._error("checklist")

    @rx.var
    def error_for_reasons(self) -> str:
        return self._error("reasons")

    @rx.var
    def error_for_message(self) -> str:
        return self._error("applicant_message")

    @rx.var
    def error_for_internal_note(self) -> str:
        return self._error("internal_note")

    @rx.var
    def error_for_note(self) -> str:
        return self._error("note")

    @rx.var
    def error_for_decision(self) -> str:
        return self._error("decision")

    def _error(self, field: str) -> str:
        return next((e.message for e in self.errors if e.field == field), "")

    def _reset_decision_form(self) -> None:
        """A new case: no panel, no errors, no reasons ticked, the default message."""
        self.errors = []
        self.panel = ""
        self.reasons = reason_views([])
        self.message_default = ""
        self.message_edited = False
        self.message_version += 1
        self.refer_note_draft = self.internal_note_draft = ""
        self.draft_version += 1

    async def _recover_if_lost(self) -> None:
        """Rebuild the page from the database if its state was lost; the page decides how."""
        return None

    def _on_screen(self, shown: object) -> bool:
        """Whether the decision was made on the case this page holds now.

        A key pressed twice (or held down) sends a second decision with the first case's id
        and ticks; by the time it is handled the page holds the next case, which must not be
        decided with them. Such an event does nothing.
        """
        return self.has_case and isinstance(shown, int) and shown == self.case_id

    def _answers(self, ticked: object) -> dict[str, bool]:
        """Each checklist item shown, and whether the browser says it was ticked."""
        keys = {k for k in ticked if isinstance(k, str)} if isinstance(ticked, list) else set()
        return {row.key: row.key in keys for row in self.checklist}

    @rx.event
    async def open_panel(self, panel: str):  # noqa: ANN201
        """R opens the reject panel, F the refer panel; pressing it again closes it."""
        await self._recover_if_lost()
        if not self.has_case:
            return None
        self.panel = "" if self.panel == panel else panel
        self.errors = []
        if self.panel == "reject":
            return rx.set_focus("reasons")
        if self.panel == "refer":
            return rx.set_focus("refer-note")
        return rx.set_focus(HEADING_ID)

    @rx.event
    def toggle_reason(self, code: str) -> None:
        for reason in self.reasons:
            if reason.code == code:
                reason.checked = not reason.checked
        self.reasons = list(self.reasons)
        if not self.message_edited:
            self.message_default = default_message([r.code for r in self.reasons if r.checked])
            self.message_version += 1

    @rx.event
    def note_message(self, text: str) -> None:
        """On leaving the message box: from now on, ticking reasons keeps what they wrote."""
        self.message_edited = text.strip() != self.message_default.strip()
        if self.message_edited:
            self.message_default = text

    @rx.event
    def keep_refer_note(self, text: str) -> None:
        """On leaving the refer note (Escape closes the panel): keep it for when it reopens."""
        self.refer_note_draft = text

    @rx.event
    def keep_internal_note(self, text: str) -> None:
        self.internal_note_draft = text

    @rx.event
    async def approve(self, ticked: list[str] | None = None, shown: int | None = None):  # noqa: ANN201
        await self._recover_if_lost()
        if not self._on_screen(shown):
            return
        async for update in self._decide(approve_case, checklist=self._answers(ticked)):
            yield update

    @rx.event
    async def reject(  # noqa: ANN201
        self, form: dict[str, Any], ticked: list[str] | None = None, shown: int | None = None
    ):
        await self._recover_if_lost()
        if not self._on_screen(shown):
            return
        chosen = [r.code for r in self.reasons if r.checked]
        async for update in self._decide(
            reject_case,
            reasons=chosen,
            applicant_message=str(form.get("applicant_message", "")),
            internal_note=str(form.get("internal_note", "")),
            checklist=self._answers(ticked),
        ):
            yield update

    @rx.event
    async def refer(  # noqa: ANN201
        self, form: dict[str, Any], ticked: list[str] | None = None, shown: int | None = None
    ):
        await self._recover_if_lost()
        if not self._on_screen(shown):
            return
        async for update in self._decide(
            refer_case,
            note=str(form.get("note", "")),
            checklist=self._answers(ticked),
        ):
            yield update

    def _error_view(self, refused: DecisionRefused, checklist: dict[str, bool]) -> ErrorView:
        """A checklist error links to the first box still to tick; others to their field."""
        view = error_view(refused.field, refused.message)
        first_open = next((key for key, ticked in checklist.items() if not ticked), None)
        if refused.field == "checklist" and first_open is not None:
            view.target = f"check-{first_open}"
        return view

    async def _decide(self, decision: Any, **arguments: Any):  # noqa: ANN202
        user = await self.signed_in_user()
        if user is None or not self.has_case:
            return
        try:
            result: DecisionResult = await run_service(
                decision, case_id=self.case_id, checker_id=user.user_id, **arguments
            )
        except DecisionRefused as refused:
            self.errors = [self._error_view(refused, arguments.get("checklist", {}))]
            yield rx.set_focus("error-summary")
            return
        except CaseNotLeasedToYou as lost:
            self._lose_lease(lost.message)
            yield rx.set_focus("lease-lost")
            return
        except NotSaved as not_saved:
            self.errors = [error_view("decision", str(not_saved))]
            yield rx.set_focus("error-summary")
            return
        word = OUTCOME_WORDS.get(str(result.outcome), str(result.outcome))
        decided = f"Case {result.case_id} {word}."
        async for update in self._take_next(user):
            self.announcement = (
                f"{decided} Now showing case {self.case_id}." if self.has_case else decided
            )
            self._confirm(self.announcement, result.case_id)
            yield update
