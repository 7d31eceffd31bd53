"""Nothing of one person's work reaches the next person who uses the same browser tab.

Reflex keeps page state per browser tab (its client token, kept in the tab's session storage),
not per signed-in person. Without this guard, a checker who signs out leaves their last case's
heading, images and announcements in that tab's state, and whoever signs in next on that tab is
sent all of it when the page hydrates. So every page state is wiped:

- before any event, including the first snapshot a page asks for, when the session cookie the
  browser sent is not the one this tab's state was built for (sign-out, another person signing
  in, a back-channel logout followed by a new sign-in): :class:`PersonGuard`;
- when a handler finds that the session behind the cookie has ended (idle or absolute timeout,
  a back-channel logout): :func:`forget_page_states`, called by ``SessionState``.

The owner mark is a keyed digest of the cookie held in a backend var: never sent to the browser,
and not the digest the sessions table is keyed by.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import reflex as rx
from reflex.middleware import Middleware

from checker_console.services.identity.sessions import cookie_value_from_header

if TYPE_CHECKING:
    from reflex.state import BaseState

_OWNER_PREFIX = b"checker-console page state owner\x00"


def owner_mark(cookie_header: str | None) -> str:
    """Who this tab's page state belongs to: derived from the session cookie, "" for nobody."""
    value = cookie_value_from_header(cookie_header)
    if not value:
        return ""
    return hashlib.sha256(_OWNER_PREFIX + value.encode()).hexdigest()


def _page_state_classes(root_cls: type[BaseState]) -> list[type[BaseState]]:
    """Every state class under the root, leaves included, parents before children."""
    found: list[type[BaseState]] = []
    pending = list(root_cls.get_substates())
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.get_substates())
    return found


async def forget_page_states(any_state: BaseState) -> None:
    """Reset every page state of this tab to its defaults (the browser gets the defaults)."""
    root = any_state._get_root_state()
    for cls in _page_state_classes(type(root)):
        if cls.__module__.startswith("checker_console."):
            await root.get_state(cls)
    for substate in root.substates.values():
        substate.reset()


class PersonGuard(Middleware):
    """Wipes a tab's page states before an event that comes with another person's cookie."""

    async def preprocess(self, app: Any, state: BaseState, event: Any) -> None:
        from checker_console.ui.state import SessionState

        root = state._get_root_state()
        mark = owner_mark(root.router.headers.cookie)
        session_state = await root.get_state(SessionState)
        if session_state._owner_mark != mark:
            await forget_page_states(root)
            session_state._owner_mark = mark
        return None


def install(app: rx.App) -> None:
    """Run the guard before every event (ahead of any other middleware)."""
    app.add_middleware(PersonGuard(), index=0)
