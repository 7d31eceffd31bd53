"""Scale mode as ``scale-demo`` runs it: PostgreSQL, Redis, the S3 server, a background worker
and the console on two server workers. Reflex state is a cache; the database is the truth."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, make_url
from sqlmodel import Session, select

from bench._team_client import EVERY_ITEM_TICKED, ReviewTab, case_shown, moved_on_from
from bench._team_seed import seed_team_cases
from checker_console.devtools.console_server import ConsoleDidNotStart
from checker_console.devtools.databases import drop_database, ensure_database
from checker_console.devtools.scale_stack import ScaleStack, running_scale_stack
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.store.db import make_engine
from checker_console.store.models import Decision
from tests.conftest import TEST_DATABASE_URL
from tests.support.asyncio_run import run_async
from tests.support.cutting_proxy import CuttingProxy
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import REQUIRE_BROWSER, _progress
from tests.ui.review_support import wait_until_both_images_painted

pytestmark = pytest.mark.browser
CASE_HEADING = re.compile(r"case (\d+)$")


@pytest.fixture(scope="module")
def pg_proxy() -> Iterator[CuttingProxy]:
    """Every connection of the scale console goes through this: a test can cut one."""
    if not TEST_DATABASE_URL:
        pytest.skip("scale mode needs PostgreSQL: set TEST_DATABASE_URL")
    address = make_url(TEST_DATABASE_URL)
    proxy = CuttingProxy((address.host or "127.0.0.1", address.port or 5432))
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def scale_console(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, pg_proxy: CuttingProxy
) -> Iterator[ScaleStack]:
    if not TEST_DATABASE_URL:
        if REQUIRE_BROWSER:
            pytest.fail("scale mode needs PostgreSQL: set TEST_DATABASE_URL")
        pytest.skip("scale mode needs PostgreSQL: set TEST_DATABASE_URL")
    if shutil.which("redis-server") is None:
        if REQUIRE_BROWSER:
            pytest.fail("scale mode needs redis-server on PATH (apt-get install redis-server)")
        pytest.skip("scale mode needs redis-server on PATH (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("scale-console")
    name = f"checker_ui_scale_{folder.name[-8:].replace('-', '_')}"
    direct_url = ensure_database(TEST_DATABASE_URL, name, fresh=True)
    database_url = (
        make_url(direct_url)
        .set(host="127.0.0.1", port=pg_proxy.port)
        .render_as_string(hide_password=False)
    )
    try:
        with running_scale_stack(
            folder / "build",
            folder / "data",
            database_url=database_url,
            workers=2,
            seed=lambda env: _seed(env),
            env={"CHECKER_LEASE_SECONDS": "60", "CHECKER_HEARTBEAT_SECONDS": "5"},
            progress=_progress,
        ) as stack:
            yield stack
    except ConsoleDidNotStart as problem:
        if REQUIRE_BROWSER:
            pytest.fail(str(problem))
        pytest.skip(str(problem))
    finally:
        drop_database(TEST_DATABASE_URL, name)


def _seed(environment: dict[str, str]) -> None:
    import os

    os.environ.update({k: v for k, v in environment.items() if k.startswith("AWS_")})
    seed_team_cases(environment, 40)


def _cookie(stack: ScaleStack, user_id: str) -> str:
    engine = make_engine(stack.database_url)
    with Session(engine) as session:
        value, _ = create_session(session, user_id=user_id, display_name=user_id, roles=["checker"])
        session.commit()
    engine.dispose()
    return f"{SESSION_COOKIE}={value}"


def _decisions(stack: ScaleStack, case_id: int) -> int:
    engine = make_engine(stack.database_url)
    with Session(engine) as session:
        found = session.exec(
            select(func.count()).select_from(Decision).where(Decision.application_id == case_id)
        ).one()
    engine.dispose()
    return int(found)


async def _open(tab: ReviewTab) -> int:
    await tab.open()
    await tab.wait_for(case_shown, 30)
    return tab.case_id


def test_a_review_page_rebuilds_from_the_database_when_its_state_is_dropped(
    scale_console: ScaleStack,
) -> None:
    stack = scale_console
    cookie = _cookie(stack, "checker.rebuild")

    seen: dict[str, object] = {}

    async def scenario() -> None:
        first = ReviewTab(stack.url, cookie)
        seen["case"] = await _open(first)
        await first.close()
        # The state is dropped: every Redis key of this client token goes.
        client = redis.Redis.from_url(stack.redis_url)
        dropped = list(client.scan_iter(f"*{first.token}*"))
        if dropped:
            client.delete(*dropped)
        seen["dropped"] = len(dropped)
        same_token = ReviewTab(stack.url, cookie, token=first.token)
        seen["after_drop"] = await _open(same_token)
        await same_token.close()
        # A reconnect handed a fresh token (Reflex #6345): no state at all.
        fresh = ReviewTab(stack.url, cookie)
        seen["fresh_token"] = await _open(fresh)
        await fresh.send("approve", ticked=EVERY_ITEM_TICKED, shown=seen["fresh_token"])
        await fresh.wait_for(lambda v: case_shown(v) and v.get("case_id") != seen["case"], 30)
        seen["announcement"] = str(fresh.vars.get("announcement", ""))
        await fresh.close()

    run_async(scenario())

    case_id = seen["case"]
    assert isinstance(case_id, int) and case_id > 0
    assert seen["dropped"], "found no Reflex state in Redis to drop"
    assert seen["after_drop"] == case_id, "after its state was dropped the page showed another case"
    assert seen["fresh_token"] == case_id, "with a fresh token the page showed another case"
    assert str(seen["announcement"]).startswith(f"Case {case_id} approved.")
    assert _decisions(stack, case_id) == 1


def test_a_checker_whose_page_state_is_lost_mid_case_carries_on_with_the_same_case(
    scale_console: ScaleStack,
) -> None:
    """Redis restarted empty while the page stayed open: the socket is still up, but the next
    event finds no state. The page rebuilds from the database before acting on the key, so the
    approval (carrying the ticks the browser kept) lands on the checker's own case, and saves
    once."""
    stack = scale_console
    cookie = _cookie(stack, "checker.lost")
    seen: dict[str, object] = {}

    async def scenario() -> None:
        tab = ReviewTab(stack.url, cookie)
        seen["case"] = await _open(tab)
        redis.Redis.from_url(stack.redis_url).flushall()
        await asyncio.sleep(2)  # past the second a worker keeps a page's state to itself
        pressed = time.monotonic()
        await tab.send("approve", ticked=EVERY_ITEM_TICKED, shown=seen["case"])
        await tab.wait_for(moved_on_from(int(seen["case"])), 10)  # type: ignore[arg-type]
        seen["back_in_s"] = time.monotonic() - pressed
        seen["announcement"] = str(tab.vars.get("announcement", ""))
        await tab.close()

    run_async(scenario())

    case_id = seen["case"]
    assert str(seen["announcement"]).startswith(f"Case {case_id} approved.")
    assert _decisions(stack, case_id) == 1
    # 5 s is the bench's figure on a quiet machine; a test run shares the cores with others.
    assert float(seen["back_in_s"]) < 10  # type: ignore[arg-type]


def test_a_decision_sent_twice_decides_only_the_case_it_was_made_on(
    scale_console: ScaleStack,
) -> None:
    """A key pressed twice, or held down, sends the decision twice with the same case and
    ticks. The second is handled after the page moved on: it must not decide the next case with
    the first one's ticks."""
    stack = scale_console
    cookie = _cookie(stack, "checker.twice")
    seen: dict[str, int] = {}

    async def scenario() -> None:
        tab = ReviewTab(stack.url, cookie)
        seen["first"] = await _open(tab)
        await tab.send("approve", ticked=EVERY_ITEM_TICKED, shown=seen["first"])
        await tab.send("approve", ticked=EVERY_ITEM_TICKED, shown=seen["first"])
        await tab.wait_for(moved_on_from(seen["first"]), 20)
        seen["next"] = tab.case_id
        await asyncio.sleep(2)  # long enough for the second to have been handled
        seen["after"] = tab.case_id
        await tab.close()

    run_async(scenario())

    assert seen["next"] not in (0, seen["first"])
    assert _decisions(stack, seen["first"]) == 1
    assert _decisions(stack, seen["next"]) == 0
    assert seen["after"] == seen["next"]  # still on it: nothing moved the page on


def _claims_by_pid(stack: ScaleStack) -> list[dict]:
    log = stack.console_log
    events = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"case.claim"' in line:
            events.append(json.loads(line))
    return events


def _worker_of(stack: ScaleStack, case_id: int) -> int | None:
    """The server worker that last served a claim of ``case_id`` (from its JSON log)."""
    pids = [e["pid"] for e in _claims_by_pid(stack) if e.get("case_id") == case_id]
    return pids[-1] if pids else None


def _review(page: Page) -> int:
    page.goto("/review")
    heading = page.locator("#review-heading")
    expect(heading).to_have_text(CASE_HEADING, timeout=30_000)
    found = CASE_HEADING.search(heading.inner_text())
    assert found is not None
    return int(found.group(1))


def _tick_every_item(page: Page, *, deadline_s: float) -> float:
    """Press 1-8 for the unticked items until all eight are ticked, as a checker would after a
    hiccup; the moment the first press took effect (the page was live again)."""
    boxes = page.locator(".check__box")
    deadline = time.monotonic() + deadline_s
    live_at = None
    while time.monotonic() < deadline:
        ticked = [boxes.nth(n).is_checked() for n in range(8)]
        if any(ticked) and live_at is None:
            live_at = time.monotonic()
        if all(ticked):
            assert live_at is not None
            return live_at
        for n, done in enumerate(ticked):
            if not done:
                page.keyboard.press(str(n + 1))
        page.wait_for_timeout(500)
    raise AssertionError("the checklist could not be ticked: the page did not come back")


@pytest.fixture
def checker_pages(browser: Browser, scale_console: ScaleStack) -> Iterator[Callable[[str], Page]]:
    contexts: list[BrowserContext] = []

    def open_as(user_id: str) -> Page:
        context = browser.new_context(
            base_url=scale_console.url, viewport={"width": 1366, "height": 768}
        )
        context.set_default_timeout(30_000)
        name, value = _cookie(scale_console, user_id).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": scale_console.url}])
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def test_two_checkers_on_different_workers_get_different_cases_and_survive_a_killed_worker(
    scale_console: ScaleStack, checker_pages: Callable[[str], Page]
) -> None:
    stack = scale_console
    first, second = checker_pages("checker.west"), checker_pages("checker.east")
    first.goto("/queue")
    second.goto("/queue")
    first.keyboard.press("n")  # both take the next case at once
    second.keyboard.press("n")
    first_case, second_case = _review(first), _review(second)
    assert first_case != second_case
    # The images come from the S3 bucket, through the console's own route.
    expect(first.locator("#viewer-document")).to_have_attribute("data-loaded", "true")
    expect(first.locator("#viewer-selfie")).to_have_attribute("data-loaded", "true")
    for _ in range(8):  # reload until the two websockets are on different workers
        first_worker, second_worker = _worker_of(stack, first_case), _worker_of(stack, second_case)
        if first_worker and second_worker and first_worker != second_worker:
            break
        assert _review(second) == second_case  # a reload resumes the same case
        time.sleep(0.5)
    assert first_worker != second_worker, "both checkers stayed on one worker"

    stack.kill_console_worker(first_worker)
    killed_at = time.monotonic()

    # The first checker's websocket died with its worker: the page reconnects to the other
    # worker, rebuilds from the database, and the checker carries on with the same case.
    heading = first.locator("#review-heading")
    expect(heading).to_have_text(re.compile(rf"case {first_case}$"), timeout=15_000)
    carried_on_s = _tick_every_item(first, deadline_s=30)
    assert carried_on_s - killed_at < 10, "the checker could not carry on within 10 s"
    expect(heading).to_have_text(re.compile(rf"case {first_case}$"))
    first.keyboard.press("a")
    expect(heading).not_to_have_text(re.compile(rf"case {first_case}$"), timeout=20_000)
    assert _decisions(stack, first_case) == 1
    assert _decisions(stack, second_case) == 0


def test_a_connection_dropped_during_a_decision_says_not_saved_and_pressing_a_again_saves_once(
    checker_pages: Callable[[str], Page], scale_console: ScaleStack, pg_proxy: CuttingProxy
) -> None:
    page = checker_pages("checker.unlucky")
    case_id = _review(page)
    wait_until_both_images_painted(page)
    _tick_every_item(page, deadline_s=20)

    pg_proxy.cut_when_sent("INSERT INTO decision ")
    page.keyboard.press("a")

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Not saved")
    expect(summary).to_contain_text("try again")
    assert pg_proxy.cuts == 1
    assert _decisions(scale_console, case_id) == 0
    expect(page.locator("#review-heading")).to_have_text(re.compile(rf"case {case_id}$"))
    assert serious_accessibility_problems(page) == []

    page.keyboard.press("a")

    expect(page.locator("#review-heading")).not_to_have_text(re.compile(rf"case {case_id}$"))
    assert _decisions(scale_console, case_id) == 1
