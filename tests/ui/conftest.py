"""The console built and run in production mode, and Debian's Chromium to drive it.

``console`` is session-scoped: it migrates a fresh SQLite database, seeds 60 small synthetic
cases, then starts ``checker-console serve`` on a free port, exactly as a deployment would
(Reflex's production build, one port), and stops the whole process group at the end. The build
gets its own Reflex web folder, so a demo running from the same checkout is never disturbed.
The first build installs the frontend packages and can take a few minutes.

With CHECKER_REQUIRE_BROWSER=1 (CI sets it), a missing Chromium or a failed build fails the
run; otherwise those browser tests are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.devtools.console_server import ConsoleDidNotStart, running_console
from checker_console.services.review.face_match import compute_pending
from checker_console.standins.cis2 import Cis2Standin
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate
from tests.ui.seeding import seed_sample_cases, seed_small_cases
from tests.ui.standins import cis2_for_console, console_environment, register_console

REQUIRE_BROWSER = os.environ.get("CHECKER_REQUIRE_BROWSER") == "1"
CASE_LIST_URL = re.compile(r".*/cases/?$")
QUEUE_URL = re.compile(r".*/queue/?$")
DASHBOARD_URL = re.compile(r".*/dashboard/?$")
QA_URL = re.compile(r".*/qa/?$")
#: Where sign-in lands: checkers on the queue, leads on the dashboard, QA on their replay list.
LANDING_URL = re.compile(r".*/(cases|queue|dashboard|qa)/?$")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class Console:
    url: str
    #: How many seeded cases are in each status.
    statuses: Counter[str]
    #: The console's own database, for tests that check what a click changed.
    database_url: str = ""

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def _cannot_run(reason: str) -> NoReturn:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (CHECKER_REQUIRE_BROWSER=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


def _progress(message: str) -> None:
    """Shown even while pytest captures output: a first build is long enough to need it."""
    print(f"[ui console] {message}", file=sys.__stderr__, flush=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        _cannot_run("Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def cis2_standin() -> Iterator[Cis2Standin]:
    """The NHS CIS2 stand-in ``console`` signs people in with (see ``tests/ui/standins.py``)."""
    with cis2_for_console() as standin:
        yield standin


@pytest.fixture(scope="session")
def console(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, cis2_standin: Cis2Standin
) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("ui-console")
    database_url = f"sqlite:///{folder / 'checker.db'}"
    engine = make_engine(database_url)
    migrate(engine)
    statuses = seed_small_cases(engine, folder / "data" / "blobs")
    engine.dispose()
    settings = console_environment(cis2_standin)
    try:
        with running_console(folder, database_url, env=settings, progress=_progress) as url:
            register_console(cis2_standin, url)
            yield Console(url=url, statuses=statuses, database_url=database_url)
    except ConsoleDidNotStart as problem:
        _cannot_run(str(problem))


#: The review console's lease and heartbeat: short, so a test can watch an abandoned case return.
REVIEW_LEASE_SECONDS = 20
REVIEW_HEARTBEAT_SECONDS = 4


@pytest.fixture(scope="session")
def review_console(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[Console]:
    """A second console for the queue and review pages, with real synthetic sample cases
    (documents, selfies, MRZs: about a second each to draw) and a 20-second lease.

    Kept apart from ``console`` so that claiming and deciding cases never changes the case
    list those tests count.
    """
    folder = tmp_path_factory.mktemp("ui-review-console")
    database_url = f"sqlite:///{folder / 'checker.db'}"
    engine = make_engine(database_url)
    migrate(engine)
    seeded = seed_sample_cases(engine, folder / "data" / "blobs", cases=16)
    # The face-similarity aid, computed now as the background worker would, so it is there.
    compute_pending(limit=seeded, db=engine, blobs=LocalBlobStore(folder / "data" / "blobs"))
    engine.dispose()
    settings = {
        "CHECKER_LEASE_SECONDS": str(REVIEW_LEASE_SECONDS),
        "CHECKER_HEARTBEAT_SECONDS": str(REVIEW_HEARTBEAT_SECONDS),
        "CHECKER_FACE_MATCH": "1",
    }
    try:
        with running_console(folder, database_url, env=settings, progress=_progress) as url:
            yield Console(url=url, statuses=Counter(queued=seeded), database_url=database_url)
    except ConsoleDidNotStart as problem:
        _cannot_run(str(problem))


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A fresh browser profile (no cookies) with the console as its base URL."""
    context = browser.new_context(base_url=console.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in_as(page: Page, user_id: str) -> None:
    """The demo sign-in, as a person clicks it: it lands on the person's starting page."""
    page.goto(f"/auth/demo-sign-in?user={user_id}")
    page.wait_for_url(LANDING_URL)


def sign_in_to(page: Page, user_id: str, path: str) -> None:
    """Sign in as ``user_id``, then open ``path`` (leads and QA start elsewhere)."""
    sign_in_as(page, user_id)
    page.goto(path)


@pytest.fixture
def open_as(browser: Browser, review_console: Console) -> Iterator[Callable[..., Page]]:
    """``open_as("checker.one")``: a fresh browser profile on the review console, signed in.

    Each call is a separate browser context (its own cookies), so two calls are two people.
    Contexts still open at the end of the test are closed.
    """
    contexts: list[BrowserContext] = []

    def open_page(user_id: str, *, width: int = 1366, height: int = 768) -> Page:
        context = browser.new_context(
            base_url=review_console.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in_as(page, user_id)
        return page

    yield open_page
    for context in contexts:
        with contextlib.suppress(Exception):  # a test may have closed it already
            context.close()
