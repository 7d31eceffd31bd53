"""The frame of every page: skip link, NHS blue header with the signed-in user, navigation, and
a sign-in gate, so no page can show its content to someone who is not signed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.ui.components.native_form import NativeForm
from checker_console.ui.components.sign_in_panel import sign_in_panel
from checker_console.ui.state import SessionState

SERVICE_NAME = "Apply for Care ID – checker console"

#: (key, label, route): only pages that exist; placeholders are not allowed.
NAVIGATION = (("queue", "Queue", "/queue"), ("cases", "Cases", "/cases"))
#: Shown to team leads only (their pages refuse anyone else on the server as well).
LEAD_NAVIGATION = (
    ("dashboard", "Dashboard", "/dashboard"),
    ("downstream", "Profiles", "/downstream"),
    ("adjudication", "Adjudication", "/qa/adjudication"),
    ("retention", "Retention", "/retention"),
)
#: Shown to QA reviewers and team leads; a checker sees their own QA feedback instead.
QA_NAVIGATION = (("qa", "QA", "/qa"), ("agreement", "Agreement", "/qa/agreement"))
CHECKER_QA_NAVIGATION = (("feedback", "QA feedback", "/qa/feedback"),)


@dataclass(frozen=True)
class Page:
    """What ``checker_console.py`` needs to register a page."""

    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: Any


def template(
    *, route: str, title: str, on_load: Any, section: str = "", dense: bool = False
) -> Callable[[Callable[[], rx.Component]], Page]:
    """Wrap a page body in the layout; ``section`` marks the navigation item as current.

    ``dense`` is for the review workspace: a slimmer header and the full window width.
    """

    def wrap(body: Callable[[], rx.Component]) -> Page:
        def component() -> rx.Component:
            return page_layout(body(), section=section, dense=dense)

        component.__name__ = body.__name__
        full_title = f"{title} – {SERVICE_NAME}"
        return Page(route=route, title=full_title, component=component, on_load=on_load)

    return wrap


def page_layout(content: rx.Component, *, section: str = "", dense: bool = False) -> rx.Component:
    main_class = "main main--dense" if dense else "main"
    return rx.fragment(
        rx.el.a("Skip to main content", href="#main-content", class_name="skip-link"),
        _header(),
        rx.cond(SessionState.has_console_role, _navigation(section)),
        rx.el.main(_gate(content), id="main-content", class_name=main_class, tab_index=-1),
    )


def _header() -> rx.Component:
    return rx.el.header(
        rx.el.div(
            ReactRouterLink.create(SERVICE_NAME, to="/", class_name="header__service"),
            rx.cond(
                SessionState.signed_in,
                rx.el.div(
                    rx.el.span(
                        rx.el.span("Signed in as ", class_name="visually-hidden"),
                        rx.el.strong(SessionState.display_name),
                        " ",
                        rx.el.span(
                            "(", SessionState.role_label, ")", class_name="header__user-role"
                        ),
                    ),
                    NativeForm.create(
                        rx.el.button(
                            "Sign out", type="submit", class_name="button button--reverse"
                        ),
                        action="/auth/sign-out",
                        method="post",
                    ),
                    class_name="header__user",
                ),
            ),
            class_name="header__inner",
        ),
        class_name="header",
    )


def _navigation(section: str) -> rx.Component:
    items = [_navigation_item(key, label, route, section) for key, label, route in NAVIGATION]
    items += [
        rx.cond(SessionState.is_lead, _navigation_item(key, label, route, section))
        for key, label, route in LEAD_NAVIGATION
    ]
    items += [
        rx.cond(SessionState.is_qa | SessionState.is_lead, _navigation_item(*item, section))
        for item in QA_NAVIGATION
    ]
    items += [
        rx.cond(SessionState.is_checker, _navigation_item(*item, section))
        for item in CHECKER_QA_NAVIGATION
    ]
    return rx.el.nav(
        rx.el.div(rx.el.ul(*items, class_name="nav__list"), class_name="nav__inner"),
        class_name="nav",
        aria_label="Main",
    )


def _navigation_item(key: str, label: str, route: str, section: str) -> rx.Component:
    return rx.el.li(
        ReactRouterLink.create(
            label,
            to=route,
            class_name="nav__link",
            aria_current="page" if key == section else None,
        )
    )


def _refusal() -> rx.Component:
    """What a refused handler said (``SessionState.user_with_role``), above the page."""
    return rx.cond(
        SessionState.refusal != "",
        rx.el.div(rx.el.p(SessionState.refusal), class_name="error-summary", role="alert"),
    )


def _gate(content: rx.Component) -> rx.Component:
    return rx.cond(
        SessionState.has_console_role,
        rx.fragment(_refusal(), content),
        rx.cond(
            SessionState.signed_in,
            rx.el.div(
                rx.el.h1("You do not have access to the checker console"),
                rx.el.p(
                    "Your account has no ID checker, team lead or QA reviewer role. "
                    "Ask your Registration Authority manager to add one, then sign in again."
                ),
            ),
            rx.cond(
                SessionState.session_checked,
                sign_in_panel(),
                rx.el.p("Checking that you are signed in…", role="status"),
            ),
        ),
    )
