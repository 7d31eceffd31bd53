"""The review page's state: take a case, keep its lease alive, decide, and open the next at once.

Every handler starts from the signed-in user (``signed_in_user``) and calls one service; the
services re-check that this checker holds the case, so a forged event can do nothing another
click could not. After a decision the next case is claimed in the same event and its images
start loading before the decision's confirmation has even been read; the case after that is
reserved and its images prefetched (``services/queue/reservations.py``) unless prefetch is switched
off
(``CHECKER_PREFETCH=0``, or ``?prefetch=0`` on the queue or review page, for the benchmark).
"""

from __future__ import annotations

import contextlib
from typing import Any

import reflex as rx

from checker_console.domain.roles import CHECKER, LEAD
from checker_console.services.identity.sessions import SignedInUser
from checker_console.services.oversight.viewing_trail import BadTrail, record_viewing
from checker_console.services.queue.leases import release_case, renew_lease
from checker_console.services.queue.reservations import reserve_next_case
from checker_console.services.review.decisions import CaseNotLeasedToYou
from checker_console.services.review.next_case import open_next_case
from checker_console.services.review.workspace import Workspace
from checker_console.settings import get_settings
from checker_console.ui.calls import run_service
from checker_console.ui.pages.review_decision import HEADING_ID, DecisionForm
from checker_console.ui.pages.review_undo import UndoDecision
from checker_console.ui.pages.review_views import (
    EARLIER_KEY_PREFIX,
    AidView,
    ComparisonRowView,
    EarlierAttemptView,
    ImageView,
    case_values,
    lease_text,
)
from checker_console.ui.state import SessionState


def _as_claimant(user: SignedInUser) -> dict[str, Any]:
    """Who asks for a case, for the claim and the next case's reservation alike.

    The same conflict-of-interest and referral rules must pick both.
    """
    return {
        "checker_id": user.user_id,
        "checker_email": user.email,
        "include_referred": LEAD in user.roles,
    }


class ReviewState(UndoDecision, DecisionForm, SessionState):
    loaded: bool = False
    may_review: bool = True
    has_case: bool = False
    queue_empty: bool = False
    lease_lost: bool = False
    lease_message: str = ""
    announcement: str = ""
    # The case.
    case_id: int = 0
    heading: str = ""
    facts: str = ""
    sla_text: str = ""
    overdue: bool = False
    held_text: str = ""
    referral_text: str = ""
    documents: list[ImageView] = []
    selfie: list[ImageView] = []
    left_key: str = ""
    left_src: str = ""
    left_alt: str = ""
    left_label: str = ""
    comparison: list[ComparisonRowView] = []
    mismatch_count: int = 0
    aids: list[AidView] = []
    #: The face-similarity aid's crops (photo ID, selfie): "" for a side with no face found.
    face_crops: list[str] = []
    earlier: list[EarlierAttemptView] = []
    side_tab: str = "details"
    # Deciding.
    link_zoom: bool = True
    help_open: bool = False
    prefetch_urls: list[str] = []
    prefetch_on: bool = True
    heartbeat_ms: int = 60_000

    # Computed for the template ------------------------------------------------------------

    @rx.var
    def selfie_src(self) -> str:
        return self.selfie[0].preview_url if self.selfie else ""

    @rx.var
    def selfie_alt(self) -> str:
        return self.selfie[0].alt if self.selfie else "No selfie was sent"

    @rx.var
    def showing_earlier_image(self) -> bool:
        return self.left_key.startswith(EARLIER_KEY_PREFIX)

    # Taking a case ------------------------------------------------------------------------

    @rx.event
    async def load_review(self):  # noqa: ANN201 - an async generator of state updates
        """On page load: resume the case this checker holds, or claim the next one."""
        self.loaded = False
        self.prefetch_on = self.router.url.query_parameters.get("prefetch") != "0"
        self.heartbeat_ms = max(1, get_settings().heartbeat_seconds) * 1000
        user = await self.signed_in_user()
        if user is None:
            return
        async for update in self._take_next(user):
            yield update

    @rx.event
    async def take_next_case(self):  # noqa: ANN201
        """The N key: claim the next case (after the queue ran dry, or a lease was lost)."""
        user = await self.signed_in_user()
        if user is None:
            return
        async for update in self._take_next(user):
            yield update

    async def _take_next(self, user: SignedInUser):  # noqa: ANN202
        self.may_review = user.has_any_role((CHECKER, LEAD))
        if not self.may_review:
            self.loaded = True
            return
        try:
            workspace = await run_service(open_next_case, **_as_claimant(user))
        except CaseNotLeasedToYou as lost:  # expired between the claim and the opening
            self._lose_lease(lost.message)
            return
        self._show(workspace)
        yield
        if workspace is not None:
            yield rx.set_focus(HEADING_ID)
            await self._reserve_next(user)

    async def _recover_if_lost(self) -> None:
        """A state that was never loaded here is a lost one (Redis restarted, or a reconnect
        got a fresh token, Reflex #6345): the lease lives in the database, so taking the next
        case resumes the one this checker holds, as opening the page would."""
        if self.loaded:
            return
        user = await self.signed_in_user()
        if user is not None:
            async for _ in self._take_next(user):
                pass

    async def _reserve_next(self, user: SignedInUser) -> None:
        if not (self.prefetch_on and get_settings().prefetch):
            self.prefetch_urls = []
            return
        reservation = await run_service(reserve_next_case, **_as_claimant(user))
        self.prefetch_urls = (
            [f"/images/{d}/preview" for d in reservation.document_ids] if reservation else []
        )

    def _show(self, workspace: Workspace | None) -> None:
        """Show ``workspace``. The case already on screen (a reconnect, or a page load replayed
        after a fault) keeps what the checker typed and opened, and the browser keeps their
        ticks; a new case starts clean."""
        same_case = bool(self.has_case and workspace and workspace.case_id == self.case_id)
        self.loaded = True
        self.lease_lost = False
        self.lease_message = ""
        if not same_case:
            self._reset_decision_form()
            self.help_open = False
            self.side_tab = "details"
        self.has_case = workspace is not None
        self.queue_empty = workspace is None
        if workspace is None:
            self.case_id = 0
            self.documents, self.selfie, self.earlier, self.checklist = [], [], [], []
            self.face_crops = []
            return
        for name, value in case_values(workspace).items():
            setattr(self, name, value)
        if not same_case:
            self._show_on_left(self.documents[0] if self.documents else None)

    def _show_on_left(self, image: ImageView | None) -> None:
        self.left_key = image.key if image else ""
        self.left_src = image.preview_url if image else ""
        self.left_alt = image.alt if image else "No document was sent"
        self.left_label = image.label if image else "No document"

    def _lose_lease(self, message: str) -> None:
        self.loaded = True
        self.has_case = False
        self.lease_lost = True
        self.lease_message = message
        self.panel = ""
        self.prefetch_urls = []

    # While reviewing --------------------------------------------------------------------------

    @rx.event
    async def heartbeat(self) -> None:
        """Every minute while the page is open: keep the lease, and the reservation, alive."""
        await self._recover_if_lost()
        if not self.has_case:
            return
        user = await self.signed_in_user()
        if user is None:
            return
        try:
            until = await run_service(renew_lease, case_id=self.case_id, checker_id=user.user_id)
        except CaseNotLeasedToYou as lost:
            self._lose_lease(lost.message)
            return
        self.held_text = lease_text(until)
        await self._reserve_next(user)

    @rx.event
    async def note_viewing(self, events: list[dict[str, Any]]) -> None:
        """A batch of how the checker looked at the images, kept for QA (never shown here)."""
        user = await self.signed_in_user()
        if user is None or not self.has_case or not isinstance(events, list):
            return
        with contextlib.suppress(CaseNotLeasedToYou, BadTrail):
            await run_service(
                record_viewing, case_id=self.case_id, checker_id=user.user_id, events=events
            )

    @rx.event
    def show_document(self, key: str) -> None:
        everything = self.documents + [i for a in self.earlier for i in a.images]
        self._show_on_left(next((i for i in everything if i.key == key), None))

    @rx.event
    def show_tab(self, tab: str) -> None:
        self.side_tab = tab if tab in ("details", "earlier") else "details"
        if self.side_tab == "details" and self.showing_earlier_image:
            # The earlier attempt is out of sight: so is its image, lest it pass for this one's.
            self._show_on_left(self.documents[0] if self.documents else None)

    @rx.event
    def toggle_link_zoom(self) -> None:
        self.link_zoom = not self.link_zoom

    @rx.event
    def toggle_help(self):  # noqa: ANN201
        self.help_open = not self.help_open
        return rx.set_focus("shortcut-help-close" if self.help_open else HEADING_ID)

    @rx.event
    async def release(self):  # noqa: ANN201
        """Hand the case back to the queue and go to the queue page."""
        user = await self.signed_in_user()
        if user is None or not self.has_case:
            return rx.redirect("/queue")
        # If it had already gone back, the queue page shows where it is now.
        with contextlib.suppress(CaseNotLeasedToYou):
            await run_service(release_case, case_id=self.case_id, checker_id=user.user_id)
        self.has_case = False
        return rx.redirect("/queue")
