"""QA in Chromium: a blind replay by keyboard, the reveal, a lead's ruling, the checker's feedback.

Runs on the review console (real synthetic sample cases). The checker decides three cases; QA
replays the one the checker rejected and approves it, a lead upholds QA, and the checker reads
the result. axe-core checks every QA page on the way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from checker_console.store.qa_models import QaSample
from checker_console.ui.pages.qa_adjudication import AdjudicationState
from checker_console.ui.pages.qa_replay_state import ReplayState
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console
from tests.ui.console_data import audit_events
from tests.ui.review_support import (
    engine_for,
    release_everything_held_by,
    shown_case_id,
    wait_until_both_images_painted,
)
from tests.ui.test_refusals import SEND_EVENT

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]
CHECKER_NOTE = "Corner of the licence is cut off"


def _sample_of(database_url: str, case_id: int) -> int:
    engine = engine_for(database_url)
    try:
        with Session(engine) as session:
            return session.exec(select(QaSample.id).where(QaSample.application_id == case_id)).one()
    finally:
        engine.dispose()


def _decide_three(page: Page) -> int:
    """Approve two cases by keyboard and reject one with a note; the rejected case's id."""
    page.goto("/review")
    for _ in range(2):
        shown = shown_case_id(page)
        for key in "12345678":
            page.keyboard.press(key)
        page.keyboard.press("a")
        expect(page.locator("#review-heading")).not_to_have_text(re.compile(rf"case {shown}$"))
    rejected = shown_case_id(page)
    wait_until_both_images_painted(page)
    page.keyboard.press("+")  # the checker zooms in and looks for a few seconds
    page.wait_for_timeout(3000)
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    page.keyboard.press("7")  # part of the document not visible
    expect(page.locator("#reason-document_incomplete")).to_be_checked()
    page.locator("#internal-note").fill(CHECKER_NOTE)
    page.locator("#reject-form button[type=submit]").click()
    expect(page.locator("#review-heading")).not_to_have_text(re.compile(rf"case {rejected}$"))
    return rejected


def test_qa_replays_blind_records_a_different_verdict_and_the_lead_and_checker_see_it(
    open_as: OpenAs, review_console: Console
) -> None:
    checker = open_as("checker.one")
    rejected = _decide_three(checker)
    release_everything_held_by(review_console.database_url, "checker.one")
    sample_id = _sample_of(review_console.database_url, rejected)

    qa = open_as("qa.one")
    qa.goto("/qa")
    expect(qa.locator(f'a[href="/qa/replay/{sample_id}"]')).to_be_visible()
    assert serious_accessibility_problems(qa) == []
    qa.locator(f'a[href="/qa/replay/{sample_id}"]').click()
    expect(qa.locator("#replay-heading")).to_have_text(f"Blind replay of case {rejected}")
    wait_until_both_images_painted(qa)
    before = qa.content()
    for secret in (CHECKER_NOTE, "Sam Patel", "checker.one", "Part of the document"):
        assert secret not in before, f"{secret!r} shows before the verdict"
    assert serious_accessibility_problems(qa) == []

    qa.keyboard.press("+")
    for key in "12345678":
        qa.keyboard.press(key)
    qa.keyboard.press("a")

    expect(qa.locator("#reveal-heading")).to_be_visible()
    table = qa.locator("#reveal-table")
    expect(table).to_contain_text("Sam Patel")
    expect(table).to_contain_text(CHECKER_NOTE)
    expect(table.locator("tr", has_text="Outcome")).to_contain_text("Reject")
    expect(table.locator("tr", has_text="Outcome")).to_contain_text("Approve")
    expect(qa.get_by_text("You disagree with the checker")).to_be_visible()
    expect(qa.locator("#viewing-trail")).to_contain_text("Selfie: on screen")
    expect(qa.locator("#viewing-trail")).to_contain_text("zoomed up to 1.2×")
    assert serious_accessibility_problems(qa) == []

    lead = open_as("lead.one")
    lead.goto("/qa/agreement")
    expect(lead.locator("#agreement-table")).to_contain_text("Sam Patel")
    assert serious_accessibility_problems(lead) == []
    lead.goto("/qa/adjudication")
    item = lead.locator("article", has_text=f"Case {rejected},")
    item.get_by_label("Uphold QA").check()
    item.locator("textarea").fill("The whole licence is visible in the second photo.")
    item.get_by_role("button", name="Record ruling").click()
    expect(lead.locator("#adjudication-result")).to_contain_text(
        "asked to invite the applicant of case"
    )
    assert serious_accessibility_problems(lead) == []

    checker.goto("/qa/feedback")
    feedback = checker.locator("article", has_text=f"Case {rejected},")
    expect(feedback).to_contain_text("QA would have approved")
    expect(feedback).to_contain_text("The whole licence is visible in the second photo.")
    assert serious_accessibility_problems(checker) == []
    release_everything_held_by(review_console.database_url, "checker.one")


def test_a_checker_sending_qa_and_lead_events_from_their_own_websocket_is_refused_and_audited(
    open_as: OpenAs, review_console: Console
) -> None:
    checker = open_as("checker.two")
    checker.goto("/qa/feedback")
    expect(checker.locator("h1")).to_have_text("Your QA feedback")

    for handler, payload in (
        (
            f"{AdjudicationState.get_full_name()}.rule",
            {"form": {"verdict_id": "1", "upheld": "checker", "note": "Mine"}},
        ),
        (f"{ReplayState.get_full_name()}.approve", {}),
    ):
        checker.evaluate(SEND_EVENT, [handler, payload])
        expect(checker.get_by_role("alert")).to_contain_text("Only a")

    wanted = {"AdjudicationState.rule", "ReplayState.verdict"}
    for _ in range(100):  # the second event is handled out of sight
        refusals = audit_events(review_console, action="ui.refused", actor="checker.two")
        handlers = {event.detail["handler"] for event in refusals}
        if wanted <= handlers:
            break
        checker.wait_for_timeout(100)
    assert wanted <= handlers
    assert audit_events(review_console, action="qa.adjudicated", actor="checker.two") == []
    assert audit_events(review_console, action="qa.verdict", actor="checker.two") == []
