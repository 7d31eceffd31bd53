"""The review page's confirmation after a decision, and its Undo (the U key) for a short window.

:class:`UndoDecision` is a state mixin of ``ReviewState`` (listed before ``DecisionForm``). The
decision handler calls :meth:`_confirm` once the next case is open; the confirmation shows on
screen (without taking focus) for ``CHECKER_UNDO_SECONDS`` and the browser then removes it. The
undo service re-checks the window, the checker and the outbox, so a late or forged event is
refused with a message saying what to do.
"""

from __future__ import annotations

import reflex as rx

from checker_console.services.review.undo import UndoRefused, undo_decision, undo_window
from checker_console.ui.calls import run_service


class UndoDecision(rx.State, mixin=True):
    confirmation: str = ""
    #: The case whose decision Undo takes back (0: nothing to undo).
    undo_case_id: int = 0
    undo_ms: int = 10_000
    #: A new value for each confirmation: the browser restarts its countdown.
    undo_token: int = 0
    undo_refused: bool = False

    def _confirm(self, text: str, case_id: int) -> None:
        window = undo_window()
        self.confirmation = text
        self.undo_refused = False
        self.undo_case_id = case_id if window.total_seconds() > 0 else 0
        self.undo_ms = int(window.total_seconds() * 1000)
        self.undo_token += 1

    @rx.event
    async def undo_last_decision(self):  # noqa: ANN201 - an async generator of state updates
        user = await self.signed_in_user()
        if user is None or not self.undo_case_id:
            return
        case_id, self.undo_case_id = self.undo_case_id, 0
        try:
            await run_service(undo_decision, case_id=case_id, checker_id=user.user_id)
        except UndoRefused as refused:
            self.confirmation = refused.message
            self.undo_refused = True
            self.undo_token += 1
            return
        self.confirmation = ""
        async for update in self._take_next(user):
            self.announcement = f"Your decision on case {case_id} is undone: it is yours again."
            yield update
