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

import os
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from checker_console.devtools.console_server import ConsoleDidNotStart, running_console
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate
from tests.ui.seeding import seed_small_cases

REQUIRE_BROWSER = os.environ.get("CHECKER_REQUIRE_BROWSER") == "1"
CASE_LIST_URL = re.compile(r".*/cases/?$")
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
def console(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Console]:
    folder = tmp_path_factory.mktemp("ui-console")
    database_url = f"sqlite:///{folder / 'checker.db'}"
    engine = make_engine(database_url)
    migrate(engine)
    statuses = seed_small_cases(engine, folder / "data" / "blobs")
    engine.dispose()
    try:
        with running_console(folder, database_url, progress=_progress) as url:
            yield Console(url=url, statuses=statuses, database_url=database_url)
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
    """The demo sign-in, as a person clicks it: it lands on the case list."""
    page.goto(f"/auth/demo-sign-in?user={user_id}")
    page.wait_for_url(CASE_LIST_URL)
