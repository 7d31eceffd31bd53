"""The Reflex app: pages and the Starlette routes (images, sign-in, intake, health). Nothing else.

No data is loaded here: pages get their data from their state's ``on_load`` handlers, so
compiling the app never needs a database.
"""

from __future__ import annotations

import reflex as rx

from checker_console.heap import startup_objects_frozen
from checker_console.services.background import embedded_background
from checker_console.ui import person_guard
from checker_console.ui.components.layout import Page
from checker_console.ui.pages import (
    case_detail,
    cases,
    dashboard,
    downstream,
    home,
    qa,
    qa_adjudication,
    qa_agreement,
    qa_feedback,
    qa_replay,
    queue,
    retention,
    review,
    sign_in,
)
from checker_console.ui.theme import STYLESHEET
from checker_console.web.app import build_api

PAGES: tuple[Page, ...] = (
    home.PAGE,
    queue.PAGE,
    review.PAGE,
    cases.PAGE,
    case_detail.PAGE,
    downstream.PAGE,
    dashboard.PAGE,
    retention.PAGE,
    qa.PAGE,
    qa_replay.PAGE,
    qa_agreement.PAGE,
    qa_adjudication.PAGE,
    qa_feedback.PAGE,
    sign_in.PAGE,
)

app = rx.App(
    api_transformer=build_api(),
    html_lang="en-GB",
    # The stylesheet inline, and an empty icon so browsers do not ask for /favicon.ico.
    head_components=[rx.el.style(STYLESHEET), rx.el.link(rel="icon", href="data:,")],
    theme=None,
    toaster=None,
)

# A tab's page states never outlive the person signed in on it.
person_guard.install(app)

# Lease sweeper, and on the embedded default the outbox worker, for as long as the app runs.
app.register_lifespan_task(embedded_background)
# Full garbage collections skip the ~190,000 objects every worker loads at startup.
app.register_lifespan_task(startup_objects_frozen)

for page in PAGES:
    app.add_page(page.component, route=page.route, title=page.title, on_load=page.on_load)
