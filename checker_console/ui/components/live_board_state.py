"""The live board's state: who reviews what now, the queue tiles, the lead's hand back and take.

The page asks the database every second whether anything happened (``board_version``, one
primary-key read) and rebuilds the board only when something did, or every few seconds for
the lease clocks. The database is the truth, so a claim served by any worker process shows on
every board within about a second, and a reconnect simply polls again.
"""

from __future__ import annotations

import dataclasses
import time

import reflex as rx

from checker_console.clock import london, utcnow
from checker_console.domain.roles import LEAD
from checker_console.services.identity.sessions import resolve_session_for_event
from checker_console.services.oversight.lead_actions import (
    LeadActionRefused,
    hand_back_case,
    take_referred_case,
)
from checker_console.services.oversight.live_board import LiveBoard, board_version, live_board
from checker_console.ui.calls import run_service
from checker_console.ui.state import SessionState

#: The board rebuilds at least this often, so lease clocks move even when nothing happens.
CLOCK_SECONDS = 5


@dataclasses.dataclass
class HeldRow:
    case_id: int
    checker: str
    since: str
    lease_left: str
    warning: str


@dataclasses.dataclass
class ReferralRow:
    case_id: int
    referred_by: str
    sla_due: str


def _left(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"


class LiveBoardState(SessionState):
    held: list[HeldRow] = []
    referrals: list[ReferralRow] = []
    waiting: int = 0
    in_review: int = 0
    referred: int = 0
    breaching: int = 0
    updated: str = ""
    lead_actions: bool = False
    #: The case whose "Hand back" form is open (0: none), the reason typed, and any error.
    handing_back: int = 0
    reason_error: str = ""
    action_message: str = ""
    _version: int = -1
    _refreshed: float = 0.0

    @rx.event
    async def start_board(self) -> None:
        user = await self.signed_in_user()
        self.lead_actions = user is not None and LEAD in user.roles
        if not self.lead_actions:
            return  # the board is the leads'; the page shows it to nobody else
        self._version = -1
        await self._refresh()

    @rx.event
    async def poll(self) -> None:
        if not self.lead_actions:
            return
        version = await run_service(board_version)
        if version != self._version or time.monotonic() - self._refreshed > CLOCK_SECONDS:
            # Before showing anything new: still signed in as a lead? (Without counting the
            # poll as activity, so an unattended board does not keep a session alive.)
            user = await run_service(resolve_session_for_event, self._cookie_value(), touch=False)
            if user is None or LEAD not in user.roles:
                self.lead_actions, self.held, self.referrals = False, [], []
                return
            await self._refresh()

    @rx.event
    def open_hand_back(self, case_id: int) -> None:
        self.handing_back, self.reason_error, self.action_message = int(case_id), "", ""

    @rx.event
    def cancel_hand_back(self) -> None:
        self.handing_back, self.reason_error = 0, ""

    @rx.event
    async def hand_back(self, form: dict[str, str]) -> None:
        user = await self.user_with_role(LEAD, handler="LiveBoardState.hand_back")
        if user is None:
            return
        case_id = self.handing_back
        try:
            await run_service(
                hand_back_case, case_id=case_id, lead_id=user.user_id, reason=form.get("reason", "")
            )
        except LeadActionRefused as refused:
            if refused.field == "reason":
                self.reason_error = refused.message
                return
            self.action_message = refused.message
        else:
            self.action_message = (
                f"Case {case_id} is back in the queue. Its checker will be told why."
            )
        self.handing_back, self.reason_error = 0, ""
        await self._refresh()

    @rx.event
    async def take_referral(self, case_id: int):  # type: ignore[no-untyped-def]
        user = await self.user_with_role(LEAD, handler="LiveBoardState.take_referral")
        if user is None:
            return None
        try:
            await run_service(
                take_referred_case,
                case_id=int(case_id),
                lead_id=user.user_id,
                lead_email=user.email,
            )
        except LeadActionRefused as refused:
            self.action_message = refused.message
            await self._refresh()
            return None
        return rx.redirect("/review")

    async def _refresh(self) -> None:
        board: LiveBoard = await run_service(live_board)
        self._version = board.version
        self._refreshed = time.monotonic()
        self.held = [
            HeldRow(
                case_id=h.case_id,
                checker=h.checker_name,
                since=london(h.since).strftime("%H:%M"),
                lease_left=_left(h.lease_left.total_seconds()),
                warning=h.warning,
            )
            for h in board.held
        ]
        self.referrals = [
            ReferralRow(
                r.case_id, r.referred_by_name, london(r.sla_due_at).strftime("%-d %b, %H:%M")
            )
            for r in board.referrals
        ]
        tiles = board.tiles
        self.waiting, self.in_review = tiles.waiting, tiles.in_review
        self.referred, self.breaching = tiles.referred, tiles.breaching_sla
        self.updated = london(utcnow()).strftime("%H:%M:%S")
