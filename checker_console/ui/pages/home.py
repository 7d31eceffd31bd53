"""``/``: team leads land on their dashboard; everyone else on the case list."""

from __future__ import annotations

import reflex as rx

from checker_console.domain.roles import LEAD
from checker_console.ui.components.layout import template
from checker_console.ui.state import SessionState


class HomeState(SessionState):
    @rx.event
    async def land(self):  # type: ignore[no-untyped-def]
        user = await self.signed_in_user()
        if user is not None and LEAD in user.roles:
            return rx.redirect("/dashboard", replace=True)
        return rx.redirect("/cases", replace=True)


@template(route="/", title="Cases", on_load=HomeState.land)
def home_page() -> rx.Component:
    return rx.el.p("Opening the console…", role="status")


PAGE = home_page
