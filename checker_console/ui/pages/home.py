"""``/``: opens where the signed-in person's role starts (``domain.roles.landing_route``)."""

from __future__ import annotations

import reflex as rx

from checker_console.domain.roles import landing_route
from checker_console.ui.components.layout import template
from checker_console.ui.state import SessionState


class HomeState(SessionState):
    @rx.event
    async def open_landing_page(self):  # noqa: ANN201 - an event spec or None
        user = await self.signed_in_user()
        if user is None:
            return None
        return rx.redirect(landing_route(user.roles), replace=True)


@template(route="/", title="Start", on_load=HomeState.open_landing_page)
def home_page() -> rx.Component:
    return rx.el.p("Opening your starting page…", role="status")


PAGE = home_page
