"""One browser tab, several people: nothing of one person's work reaches the next one's page.

Reflex keeps page state per tab, so these tests sign people in and out on the same tab and read
what the next person's browser holds: the whole DOM, and every websocket message it received.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.ui.conftest import Console, sign_in_as
from tests.ui.console_data import leave_sessions_idle
from tests.ui.review_support import case_row, reject_by_keyboard, shown_case_id

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]


def _record_websocket_messages(page: Page) -> list[str]:
    received: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: received.append(str(payload)))

    page.on("websocket", watch)
    return received


def _traces_of(console: Console, *case_ids: int) -> list[str]:
    """What would give the checker's work away: their announcement, and the workspace's heading
    ("Ada Quill, case 12") and case numbers. (Applicants' names alone are not a trace: a lead's
    or QA reviewer's own case list holds every one of them; nor is the checker's name, which the
    lead's live board and QA's list of replays per checker show by right.)"""
    traces = ["rejected. Now showing"]
    for case_id in case_ids:
        case = case_row(console.database_url, case_id)
        traces += [f"{case.given_name} {case.family_name}, case {case_id}", f"case {case_id}"]
    return traces


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")


def test_after_a_checker_signs_out_the_next_people_on_that_tab_see_nothing_of_their_work(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    rejected = reject_by_keyboard(page)
    following = shown_case_id(page)
    expect(page.get_by_role("status").first).to_contain_text(f"Case {rejected} rejected.")
    _sign_out(page)

    sign_in_as(page, "lead.one")
    expect(page.locator("header")).to_contain_text("Jordan Lee")
    _sign_out(page)
    sign_in_as(page, "qa.one")
    # QA start on their own list, whose per-checker counts name checkers by right: let it load
    # before listening, so what is checked is what the switch itself sends.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases to replay")
    expect(page.locator("main")).not_to_contain_text("Loading…")
    received = _record_websocket_messages(page)
    page.goto("/review")
    expect(page.locator("header")).to_contain_text("Priya Shah")
    expect(page.locator("main")).to_contain_text("Only ID checkers and team leads review cases")

    dom = page.content()
    messages = "\n".join(received)
    assert received, "the QA reviewer's page received no websocket messages at all"
    for trace in _traces_of(review_console, rejected, following):
        assert trace not in dom, f"{trace!r} is still in the QA reviewer's page"
        assert trace not in messages, f"{trace!r} was sent to the QA reviewer's browser"


def test_when_a_checker_s_session_times_out_their_case_leaves_the_tab_s_state(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.two")
    page.goto("/review")
    case_id = shown_case_id(page)
    traces = _traces_of(review_console, case_id)[1:]

    assert leave_sessions_idle(review_console, "checker.two", minutes=16) >= 1
    # The page's next heartbeat (every few seconds here) finds that the session has ended.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    received = _record_websocket_messages(page)
    page.reload()  # the tab asks for its whole state again, still with the ended session's cookie
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    dom = page.content()
    messages = "\n".join(received)
    assert received, "the reloaded page received no websocket messages at all"
    for trace in traces:
        assert trace not in dom, f"{trace!r} is still in the page after the session ended"
        assert trace not in messages, f"{trace!r} was sent again after the session ended"
