"""The queue page in Chromium: the totals, who holds what, the filters, and one key to start."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console
from tests.ui.review_support import shown_case_id

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]


def test_the_queue_shows_its_totals_and_who_is_reviewing_what(
    open_as: OpenAs, review_console: Console
) -> None:
    checker = open_as("checker.two")
    checker.goto("/review")
    held = shown_case_id(checker)

    lead = open_as("lead.one")
    lead.goto("/queue")

    expect(lead.get_by_role("heading", level=1)).to_have_text("Queue")
    expect(lead.locator("#count-in-review")).not_to_have_text("0")
    expect(lead.locator("#count-oldest")).not_to_be_empty()
    row = lead.locator(
        "#queue-table tbody tr", has=lead.get_by_role("rowheader", name=str(held), exact=True)
    )
    expect(row).to_contain_text("In review")
    expect(row).to_contain_text("Alex Morgan since ")  # checker.two, by name
    expect(lead.locator("#take-next")).to_contain_text("Take the next case or referral")


def test_filtering_by_cohort_lists_only_that_cohort(open_as: OpenAs) -> None:
    page = open_as("lead.one")
    page.goto("/queue")
    expect(page.locator("#queue-cohort option").nth(1)).to_be_attached()  # after "All cohorts"
    cohorts = page.locator("#queue-cohort option").all_inner_texts()[1:]
    assert cohorts, "the seeded cases have cohorts"

    page.get_by_label("Cohort").select_option(label=cohorts[0])

    expect(page.locator("#queue-table tbody tr").first).to_contain_text(cohorts[0])
    cells = page.locator("#queue-table tbody tr td:nth-child(3)").all_inner_texts()
    assert set(cells) == {cohorts[0]}
    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_label("Cohort")).to_have_value("")


def test_pressing_n_on_the_queue_opens_the_next_case(open_as: OpenAs) -> None:
    page = open_as("checker.one")
    page.goto("/queue")
    expect(page.locator("#take-next")).to_be_visible()

    page.keyboard.press("n")

    page.wait_for_url("**/review")
    assert shown_case_id(page) > 0


def test_a_qa_reviewer_sees_the_queue_but_no_button_to_take_cases(open_as: OpenAs) -> None:
    page = open_as("qa.one")
    page.goto("/queue")

    expect(page.locator("#count-waiting")).to_be_visible()
    expect(page.locator("#take-next")).to_have_count(0)


def test_the_queue_page_has_no_serious_accessibility_problems(open_as: OpenAs) -> None:
    page = open_as("checker.one")
    page.goto("/queue")
    expect(page.locator("#queue-table tbody tr").first).to_be_visible()

    assert serious_accessibility_problems(page) == []


def test_the_queue_pager_says_which_page_of_how_many_like_the_case_list(open_as: OpenAs) -> None:
    page = open_as("lead.one")
    page.goto("/queue")

    expect(page.locator("#queue-pager-status")).to_have_text("Page 1 of 1")
