"""Who is signed in, re-checked on the server by every handler.

The browser never holds identity: the HttpOnly session cookie reaches the server with the
websocket handshake (``self.router.headers.cookie``), and each handler turns it back into a user
with ``services.identity.sessions.resolve_session``. The vars below are only what the header shows.
Page states subclass :class:`SessionState` and start every handler with
``user = await self.signed_in_user()``, or, for a handler only some roles may use,
``user = await self.user_with_role(LEAD, handler="...")``, which refuses and audits anyone else.
"""

from __future__ import annotations

import hashlib

import reflex as rx

from checker_console.domain.roles import CHECKER, CONSOLE_ROLES, LEAD, QA
from checker_console.services.identity.authorization import authorize, refusal_message
from checker_console.services.identity.sessions import (
    SignedInUser,
    cookie_value_from_header,
    resolve_session_for_event,
)
from checker_console.settings import get_settings
from checker_console.ui.calls import run_service
from checker_console.ui.person_guard import forget_page_states


class SessionState(rx.State):
    signed_in: bool = False
    has_console_role: bool = False
    session_checked: bool = False
    display_name: str = ""
    role_label: str = ""
    #: Leads and QA reviewers see identity images of any case (a checker only of leased cases).
    sees_every_case: bool = False
    #: Shows the lead's navigation and buttons; every lead handler still checks on the server.
    is_lead: bool = False
    #: Show the QA pages' links (QA reviewers and leads) and a checker's QA feedback link.
    is_qa: bool = False
    is_checker: bool = False
    #: Set when this browser asked for something its role may not do.
    refusal: str = ""
    demo_mode: bool = False
    #: Whose session cookie this tab's page states were built for (``ui/person_guard.py``).
    #: An opaque key for the person signed in, so that what the browser keeps for them (the
    #: checklist's ticks) is never shown to the next person on the same tab.
    person_key: str = ""
    _owner_mark: str = ""

    def _cookie_value(self) -> str | None:
        return cookie_value_from_header(self.router.headers.cookie)

    async def signed_in_user(self) -> SignedInUser | None:
        """The user behind this browser's cookie now, or None (and the sign-in page shows)."""
        user = await run_service(resolve_session_for_event, self._cookie_value())
        if user is None and self.signed_in:
            # The session ended (timeout, back-channel logout): drop everything it showed.
            mark = self._owner_mark
            await forget_page_states(self)
            self._owner_mark = mark
        self._show_user(user)
        if user is None or not user.has_any_role(CONSOLE_ROLES):
            return None
        return user

    async def user_with_role(self, role: str, *, handler: str) -> SignedInUser | None:
        """The signed-in user if they hold ``role``; otherwise None, with the refusal audited
        (``ui.refused``) and shown. ``handler`` names the handler for the audit record."""
        user = await self.signed_in_user()
        if user is None:
            return None
        if not await run_service(authorize, user, role, handler=handler):
            self.refusal = refusal_message(role)
            return None
        return user

    async def user_with_any_role(
        self, roles: tuple[str, ...], *, handler: str
    ) -> SignedInUser | None:
        """Like :meth:`user_with_role`, for a handler any of ``roles`` may use."""
        user = await self.signed_in_user()
        if user is None:
            return None
        if user.has_any_role(roles):
            return user
        await run_service(authorize, user, roles[0], handler=handler)
        self.refusal = refusal_message(roles[0])
        return None

    def _show_user(self, user: SignedInUser | None) -> None:
        self.session_checked = True
        self.refusal = ""
        self.demo_mode = get_settings().demo_mode
        self.signed_in = user is not None
        self.has_console_role = bool(user and user.has_any_role(CONSOLE_ROLES))
        self.display_name = user.display_name if user else ""
        self.person_key = hashlib.sha256(user.user_id.encode()).hexdigest()[:16] if user else ""
        self.role_label = user.role_label if user else ""
        self.sees_every_case = bool(user and user.sees_every_case)
        self.is_lead = bool(user and LEAD in user.roles)
        self.is_qa = bool(user and QA in user.roles)
        self.is_checker = bool(user and CHECKER in user.roles)

    @rx.event
    async def check_session(self) -> None:
        await self.signed_in_user()
