"""The review workspace in Chromium, driven the way a checker works: mostly from the keyboard."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from checker_console.domain.reasons import ChecklistItem
from tests.ui.axe import problems_with_rule, serious_accessibility_problems
from tests.ui.conftest import REVIEW_LEASE_SECONDS, Console
from tests.ui.review_support import (
    HEADING,
    case_row,
    decisions_of,
    let_lease_run_out,
    reject_by_keyboard,
    release_everything_held_by,
    shown_case_id,
    wait_until_both_images_painted,
)

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]


def _frame(page: Page, viewer: str) -> object:
    return page.locator(f"#viewer-{viewer} .viewer-frame")


def _open_review_and_press(open_as: OpenAs, key: str) -> tuple[Page, int]:
    """checker.one opens the case they are given and presses ``key``."""
    page = open_as("checker.one")
    page.goto("/review")
    case_id = shown_case_id(page)
    page.keyboard.press(key)
    return page, case_id


def _expect_refused(page: Page, message: str, *, field: str) -> None:
    """The error shows in the summary at the top and next to the field it is about."""
    expect(page.locator("#error-summary")).to_contain_text(message)
    expect(page.locator(f"#{field}-error")).to_contain_text(message)


def _fits_without_scrolling(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight")


def test_a_checker_claims_zooms_rotates_ticks_and_approves_with_the_keyboard_only(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/queue")
    expect(page.locator("#take-next")).to_be_visible()

    page.keyboard.press("n")
    case_id = shown_case_id(page)
    wait_until_both_images_painted(page)
    page.keyboard.press("+")
    expect(_frame(page, "document")).to_have_attribute("data-scale", "1.250")
    expect(_frame(page, "selfie")).to_have_attribute("data-scale", "1.250")  # zoom is linked
    page.keyboard.press("]")
    expect(_frame(page, "document")).to_have_attribute("data-rotation", "90")
    page.keyboard.press("0")
    expect(_frame(page, "document")).to_have_attribute("data-scale", "1.000")
    for key in "12345678":
        page.keyboard.press(key)
    expect(page.locator(".check__box:checked")).to_have_count(8)
    page.keyboard.press("a")

    next_case = page.locator(HEADING)
    expect(next_case).not_to_have_text(re.compile(rf"case {case_id}$"))
    assert case_row(review_console.database_url, case_id).status in {"approved", "profile_pending"}
    [decision] = [d for d in decisions_of(review_console.database_url, case_id) if not d.undone_at]
    assert (decision.outcome, decision.checker_id) == ("approved", "checker.one")
    assert all(decision.checklist.values())
    following = shown_case_id(page)
    held = case_row(review_console.database_url, following)
    assert (held.status, held.lease_holder) == ("in_review", "checker.one")
    expect(page.locator(".check__box:checked")).to_have_count(0)
    expect(next_case).to_be_focused()
    expect(page.get_by_role("status").first).to_contain_text(f"Case {case_id} approved.")


def test_approving_before_the_checklist_is_complete_is_refused_in_a_summary(
    open_as: OpenAs, review_console: Console
) -> None:
    page, case_id = _open_review_and_press(open_as, "a")

    page.keyboard.press("a")

    expect(page.locator("#error-summary")).to_have_text(
        re.compile("Confirm all 8 checklist items, or reject or refer$")
    )
    expect(page.locator("#error-summary a")).to_have_count(1)
    expect(page.locator("#error-summary a")).to_have_attribute(
        "href", re.compile("#check-accepted_type$")
    )
    expect(page.locator("#checklist-error")).to_contain_text("Confirm all 8 checklist items")
    expect(page.locator("#error-summary")).to_be_focused()
    assert case_row(review_console.database_url, case_id).status == "in_review"


def test_rejecting_without_a_reason_is_refused_then_a_reason_and_its_message_reject(
    open_as: OpenAs, review_console: Console
) -> None:
    page, case_id = _open_review_and_press(open_as, "r")
    expect(page.locator("#reject-form")).to_be_visible()
    reject = page.get_by_role("button", name="Reject case")

    reject.click()

    _expect_refused(page, "Select at least one reason", field="reasons")
    assert case_row(review_console.database_url, case_id).status == "in_review"

    page.keyboard.press("3")  # in the reject panel, 1-8 pick reasons
    message = page.locator("#applicant-message")
    expect(message).to_have_value(re.compile("does not match your invitation"))
    page.locator("#internal-note").fill("Surname spelt differently on the passport.")
    reject.click()

    expect(page.locator(HEADING)).not_to_have_text(re.compile(rf"case {case_id}$"))
    assert case_row(review_console.database_url, case_id).status == "rejected"
    [decision] = [d for d in decisions_of(review_console.database_url, case_id) if not d.undone_at]
    assert decision.reasons == ["details_mismatch"]
    assert "does not match your invitation" in decision.applicant_message
    assert decision.internal_note == "Surname spelt differently on the passport."


def test_referring_needs_a_note_and_puts_the_case_in_the_leads_queue(
    open_as: OpenAs, review_console: Console
) -> None:
    page, case_id = _open_review_and_press(open_as, "f")
    expect(page.locator("#refer-note")).to_be_focused()
    refer = page.get_by_role("button", name="Refer case")

    refer.click()

    _expect_refused(page, "Enter a note saying why", field="refer-note")
    page.locator("#refer-note").fill("The selfie may be of someone else: second opinion please.")
    refer.click()
    expect(page.locator(HEADING)).not_to_have_text(re.compile(rf"case {case_id}$"))
    case = case_row(review_console.database_url, case_id)
    assert (case.status, case.referred_by) == ("referred", "checker.one")
    lead = open_as("lead.one")
    lead.goto("/queue")
    row = lead.locator(
        "#queue-table tbody tr", has=lead.get_by_role("rowheader", name=str(case_id), exact=True)
    )
    expect(row).to_contain_text("Referred by Sam Patel")  # checker.one, by name


def test_two_checkers_claiming_at_once_get_different_cases(
    open_as: OpenAs, review_console: Console
) -> None:
    release_everything_held_by(review_console.database_url, "checker.one", "checker.two")
    first, second = open_as("checker.one"), open_as("checker.two")
    first.goto("/queue")
    second.goto("/queue")
    expect(first.locator("#take-next")).to_be_visible()
    expect(second.locator("#take-next")).to_be_visible()

    first.keyboard.press("n")
    second.keyboard.press("n")

    one, two = shown_case_id(first), shown_case_id(second)
    assert one != two
    assert case_row(review_console.database_url, one).lease_holder == "checker.one"
    assert case_row(review_console.database_url, two).lease_holder == "checker.two"


def test_an_abandoned_claim_returns_to_the_queue_after_the_lease(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.two")
    page.goto("/review")
    case_id = shown_case_id(page)

    page.context.close()  # the tab is closed: no more heartbeats
    time.sleep(REVIEW_LEASE_SECONDS + 2)

    lead = open_as("lead.one")
    lead.goto("/queue")
    row = lead.locator(
        "#queue-table tbody tr", has=lead.get_by_role("rowheader", name=str(case_id), exact=True)
    )
    expect(row).to_contain_text("Waiting")
    case = case_row(review_console.database_url, case_id)
    assert (case.status, case.lease_holder) == ("queued", None)


def test_an_open_page_keeps_its_lease_alive_with_heartbeats(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.two")
    page.goto("/review")
    case_id = shown_case_id(page)
    first_end = case_row(review_console.database_url, case_id).lease_expires_at

    page.wait_for_timeout(REVIEW_LEASE_SECONDS * 1000 + 2000)

    case = case_row(review_console.database_url, case_id)
    assert (case.status, case.lease_holder) == ("in_review", "checker.two")
    assert case.lease_expires_at is not None and first_end is not None
    assert case.lease_expires_at > first_end


def test_a_lost_lease_is_said_plainly_and_the_next_case_is_one_key_away(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    case_id = shown_case_id(page)
    let_lease_run_out(review_console.database_url, case_id)

    for key in "12345678":
        page.keyboard.press(key)
    page.keyboard.press("a")

    expect(page.get_by_role("heading", name="You no longer hold this case")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("ran out")
    assert [d for d in decisions_of(review_console.database_url, case_id) if not d.undone_at] == []
    page.keyboard.press("n")
    assert shown_case_id(page) > 0


def test_the_workspace_fits_1366_by_768_without_scrolling(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)
    wait_until_both_images_painted(page)

    assert _fits_without_scrolling(page)
    if folder := os.environ.get("CHECKER_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / "review-workspace.png"))
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    assert _fits_without_scrolling(page)
    expect(page.get_by_role("button", name="Reject case")).to_be_in_viewport()
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    expect(page.locator("#refer-form")).to_be_visible()
    assert _fits_without_scrolling(page)


def test_question_mark_lists_every_shortcut_and_escape_closes_the_list(open_as: OpenAs) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)

    page.keyboard.press("?")

    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    for key in ("N", "A", "R", "F", "1 to 8", "+ and -", "[ and ]", "0", "?", "Escape"):
        expect(dialog.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$"))).to_have_count(1)
    page.keyboard.press("a")  # the dialog owns the keyboard: nothing is approved behind it
    expect(page.locator("#error-summary")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def test_the_review_page_has_no_serious_accessibility_problems(open_as: OpenAs) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)
    wait_until_both_images_painted(page)

    assert serious_accessibility_problems(page) == []
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    assert serious_accessibility_problems(page) == []


def test_each_checklist_item_is_a_target_of_at_least_24_pixels_and_its_words_tick_it(
    open_as: OpenAs,
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)

    assert problems_with_rule(page, "target-size") == []
    boxes = page.locator("#checklist .check__box")
    expect(boxes).to_have_count(8)
    sizes = boxes.evaluate_all(
        "boxes => boxes.map(b => b.getBoundingClientRect()).map(r => [r.width, r.height])"
    )
    assert all(width >= 24 and height >= 24 for width, height in sizes), sizes
    label = page.locator("#checklist .check__label").nth(2)
    label_box = label.bounding_box()
    assert label_box is not None and label_box["height"] >= 24
    label.click(position={"x": label_box["width"] - 4, "y": label_box["height"] / 2})
    expect(boxes.nth(2)).to_be_checked()  # the far end of the row ticks it, not a neighbour
    expect(page.locator(".check__box:checked")).to_have_count(1)


def test_escape_in_the_refer_note_closes_the_panel_and_keeps_the_note_for_later(
    open_as: OpenAs, review_console: Console
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    case_id = shown_case_id(page)
    page.keyboard.press("f")
    note = page.locator("#refer-note")
    expect(note).to_be_focused()
    page.keyboard.type("Hologram looks odd")

    page.keyboard.press("Escape")

    expect(page.locator("#refer-form")).to_have_count(0)
    expect(page.locator("#checklist")).to_be_visible()
    page.keyboard.press("f")
    expect(page.locator("#refer-note")).to_have_value("Hologram looks odd")
    page.keyboard.press("Escape")
    expect(page.locator("#refer-form")).to_have_count(0)
    assert case_row(review_console.database_url, case_id).status == "in_review"


def test_the_aids_and_comparison_stay_in_sight_with_the_reject_or_refer_panel_open(
    open_as: OpenAs,
) -> None:
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)
    wait_until_both_images_painted(page)

    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    expect(page.locator(".aids")).to_be_in_viewport(ratio=1)
    expect(page.locator(".compare")).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Reject case")).to_be_in_viewport(ratio=1)
    assert _fits_without_scrolling(page)

    page.keyboard.press("Escape")
    page.keyboard.press("f")
    expect(page.locator("#refer-form")).to_be_visible()
    page.locator(HEADING).focus()  # leave the note: the page, not the box, is checked
    expect(page.locator(".aids")).to_be_in_viewport(ratio=1)
    expect(page.locator("#checklist")).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("button", name="Refer case")).to_be_in_viewport(ratio=1)
    assert _fits_without_scrolling(page)
    page.keyboard.press("Escape")


def test_ticks_stay_while_the_reject_panel_covers_the_checklist_and_are_saved_with_the_rejection(
    open_as: OpenAs, review_console: Console
) -> None:
    """The reject panel takes the checklist's place; closing it gives the checklist back as it
    was, and a rejection records the items the checker had ticked (QA compares them)."""
    page = open_as("checker.one")
    page.goto("/review")
    shown_case_id(page)
    for key in "123":
        page.keyboard.press(key)
    expect(page.locator("#checklist .check__count")).to_have_text("3 of 8 confirmed")
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    expect(page.locator("#checklist")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(page.locator(".check__box:checked")).to_have_count(3)
    expect(page.locator("#checklist .check__count")).to_have_text("3 of 8 confirmed")

    case_id = reject_by_keyboard(page)

    [decision] = [d for d in decisions_of(review_console.database_url, case_id) if not d.undone_at]
    assert decision.outcome == "rejected"
    first_three = {
        ChecklistItem.ACCEPTED_TYPE,
        ChecklistItem.IN_DATE,
        ChecklistItem.WHOLE_AND_READABLE,
    }
    assert {key for key, ticked in decision.checklist.items() if ticked} == first_three
    expect(page.locator(".check__box:checked")).to_have_count(0)


def test_what_a_checker_ticked_survives_reloading_the_page_on_the_same_case(
    open_as: OpenAs,
) -> None:
    """A reload (or a reconnect that runs the page's load again) shows the same case, and the
    ticks already made stay: the checker does not start the case over."""
    page = open_as("checker.one")
    page.goto("/review")
    case_id = shown_case_id(page)
    for key in "123":
        page.keyboard.press(key)
    expect(page.locator(".check__box:checked")).to_have_count(3)

    page.reload()

    assert shown_case_id(page) == case_id
    expect(page.locator(".check__box:checked")).to_have_count(3)
    for key in "45678":
        page.keyboard.press(key)
    expect(page.locator(".check__box:checked")).to_have_count(8)
