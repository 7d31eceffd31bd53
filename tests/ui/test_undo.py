"""After a decision: a visible confirmation, and Undo for a few seconds, from the keyboard."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.ui.conftest import Console
from tests.ui.review_support import (
    HEADING,
    case_row,
    decisions_of,
    reject_by_keyboard,
    shown_case_id,
)

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]
UNDO_SECONDS = 10  # the review console runs with the default window


def test_a_decision_is_confirmed_on_screen_and_u_undoes_it_within_the_window(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    rejected = reject_by_keyboard(page)
    following = shown_case_id(page)

    confirmation = page.locator("#decision-confirmation")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_contain_text(f"Case {rejected} rejected. Now showing case {following}.")
    expect(page.locator(HEADING)).to_be_focused()  # the confirmation did not take focus
    page.keyboard.press("u")

    expect(page.locator(HEADING)).to_have_text(re.compile(rf"case {rejected}$"))
    case = case_row(review_console.database_url, rejected)
    assert (case.status, case.lease_holder) == ("in_review", "checker.one")
    [decision] = decisions_of(review_console.database_url, rejected)
    assert decision.undone_at is not None
    assert case_row(review_console.database_url, following).lease_holder is None
    expect(page.get_by_role("status").first).to_contain_text(
        f"Your decision on case {rejected} is undone"
    )


def test_the_confirmation_and_its_undo_leave_when_the_window_closes(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.two")
    page.goto("/review")
    rejected = reject_by_keyboard(page)
    expect(page.locator("#undo-decision")).to_be_visible()

    time.sleep(UNDO_SECONDS + 1)

    expect(page.locator("#decision-confirmation")).to_have_count(0)
    page.keyboard.press("u")  # nothing to press any more
    time.sleep(1)
    assert case_row(review_console.database_url, rejected).status == "rejected"
