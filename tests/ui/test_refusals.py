"""The server, not the browser, decides: a checker's own websocket asking for a lead's action,
and a session used after its idle timeout, are both refused.

A hidden button is no protection: any client can send any Reflex event. These tests send one
the way the page itself does, through the page's own Reflex event loop and socket (Reflex 0.10
publishes both as ``window.__reflex``: ``$/utils/state`` builds events, and the
``$/utils/context-registry`` ``eventLoop`` queues them on the page's connected socket, with the
HttpOnly session cookie the browser sent when the socket opened).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.authorization import refusal_message
from checker_console.ui.pages.downstream import DownstreamState
from tests.ui.conftest import Console, sign_in_as, sign_in_to
from tests.ui.console_data import (
    audit_events,
    case_status,
    fail_an_approved_case,
    leave_sessions_idle,
)

pytestmark = pytest.mark.browser

SEND_EVENT = """([name, payload]) => {
    const reflex = window.__reflex;
    const event = reflex["$/utils/state"].ReflexEvent(name, payload);
    reflex["$/utils/context-registry"].eventLoop.addEvents([event]);
}"""


def _send_event(page: Page, handler: str, payload: dict[str, Any]) -> None:
    """Queue ``handler`` (a full Reflex handler name) on this page's own websocket."""
    page.evaluate(SEND_EVENT, [handler, payload])


def test_a_lead_only_event_sent_from_a_checker_s_websocket_is_refused_and_audited(
    page: Page, console: Console
) -> None:
    failed = fail_an_approved_case(console, reason="CIM did not answer after 8 attempts")
    sign_in_as(page, "checker.one")
    page.goto("/cases")
    expect(page.locator("#case-count")).to_be_visible()
    before = len(audit_events(console, action="ui.refused", actor="checker.one"))

    _send_event(page, f"{DownstreamState.get_full_name()}.retry_profile", {"case_id": failed.id})

    expect(page.get_by_role("alert")).to_have_text(refusal_message("lead"))
    assert case_status(console, failed.id) == CaseStatus.PROFILE_FAILED
    assert audit_events(console, action="case.retry_profile", actor="checker.one") == []
    refusals = audit_events(console, action="ui.refused", actor="checker.one")
    assert len(refusals) == before + 1
    assert refusals[-1].detail["handler"] == "DownstreamState.retry_profile"
    assert refusals[-1].detail["needs"] == "lead"


def test_the_same_event_from_a_lead_s_websocket_is_carried_out(
    page: Page, console: Console
) -> None:
    """The control for the test above: the event as sent there is one the server acts on."""
    failed = fail_an_approved_case(console, reason="CIM did not answer after 8 attempts")
    sign_in_to(page, "lead.one", "/cases")
    expect(page.locator("#case-count")).to_contain_text("cases")

    _send_event(page, f"{DownstreamState.get_full_name()}.retry_profile", {"case_id": failed.id})

    for _ in range(100):  # the event is handled out of sight (the page is the case list)
        if case_status(console, failed.id) != CaseStatus.PROFILE_FAILED:
            break
        page.wait_for_timeout(100)
    assert case_status(console, failed.id) == CaseStatus.PROFILE_PENDING
    assert (
        len(audit_events(console, action="case.retry_profile", actor="lead.one", case_id=failed.id))
        == 1
    )


def test_a_session_used_after_its_idle_timeout_is_refused_and_the_sign_in_page_shows(
    page: Page, console: Console
) -> None:
    sign_in_to(page, "qa.one", "/cases")
    expect(page.locator("header")).to_contain_text("Priya Shah")
    expect(page.locator("#pager-status")).to_have_text("Page 1 of 3")

    assert leave_sessions_idle(console, "qa.one", minutes=16) >= 1
    page.get_by_role("button", name="Next page").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("header")).not_to_contain_text("Priya Shah")
    expect(page.locator("table")).to_have_count(0)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
