"""The case list in Chromium, as a team lead, a checker and a signed-out visitor use it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import LocatorAssertions, Page, expect

from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import QUEUE_URL, Console, sign_in_as, sign_in_to
from tests.ui.console_data import other_applicant_names, record_a_decision

pytestmark = pytest.mark.browser

FOCUS_YELLOW = "rgb(255, 235, 59)"


_serious_accessibility_problems = serious_accessibility_problems


def _case_count(page: Page) -> LocatorAssertions:
    return expect(page.locator("#case-count"))


def _case_links(page: Page) -> list[str]:
    """The case each row links to: names repeat in the synthetic data, case numbers do not."""
    return page.locator("table tbody tr td a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def test_a_visitor_who_is_not_signed_in_is_offered_the_demo_users_and_no_cases(
    page: Page,
) -> None:
    page.goto("/cases")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("link", name="Sign in as Jordan Lee")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert _serious_accessibility_problems(page) == []


def test_the_home_page_opens_the_queue_for_a_checker(page: Page) -> None:
    sign_in_as(page, "checker.one")

    page.goto("/")

    page.wait_for_url(QUEUE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")


def test_the_home_page_opens_the_dashboard_for_a_team_lead(page: Page) -> None:
    sign_in_as(page, "lead.one")

    page.goto("/")

    page.wait_for_url(re.compile(r".*/dashboard/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team dashboard")


def test_a_lead_pages_through_the_cases(page: Page, console: Console) -> None:
    sign_in_to(page, "lead.one", "/cases")
    expect(page.locator("header")).to_contain_text("Jordan Lee")
    _case_count(page).to_have_text(f"Showing 1 to 25 of {console.total} cases")
    expect(page.locator("#pager-status")).to_have_text("Page 1 of 3")
    first_page = _case_links(page)
    previous = page.get_by_role("button", name="Previous page")
    following = page.get_by_role("button", name="Next page")
    expect(previous).to_be_disabled()

    following.click()
    expect(page.locator("#pager-status")).to_have_text("Page 2 of 3")
    _case_count(page).to_have_text(f"Showing 26 to 50 of {console.total} cases")
    second_page = _case_links(page)
    assert len(second_page) == 25
    assert not set(second_page) & set(first_page)

    following.click()
    expect(page.locator("#pager-status")).to_have_text("Page 3 of 3")
    expect(page.locator("table tbody tr")).to_have_count(console.total - 50)
    expect(following).to_be_disabled()

    previous.click()
    expect(page.locator("#pager-status")).to_have_text("Page 2 of 3")
    assert _case_links(page) == second_page


def test_filtering_by_status_shows_only_cases_in_that_status(page: Page, console: Console) -> None:
    sign_in_to(page, "lead.one", "/cases")
    _case_count(page).to_contain_text(f"of {console.total} cases")

    page.get_by_label("Status").select_option(label="Referred")

    referred = console.statuses["referred"]
    _case_count(page).to_have_text(f"Showing 1 to {referred} of {referred} cases")
    expect(page.locator("table tbody .tag")).to_have_count(referred)
    tags = page.locator("table tbody .tag").all_inner_texts()
    assert all(tag.endswith("Referred") for tag in tags)

    page.get_by_role("button", name="Clear filters").click()
    _case_count(page).to_contain_text(f"of {console.total} cases")


def test_sorting_by_name_puts_the_first_family_name_first(page: Page) -> None:
    sign_in_to(page, "lead.one", "/cases")

    page.get_by_role("button", name="Name").click()

    expect(page.locator("table tbody tr").first.locator("a")).to_have_text("Ada Quill")
    header = page.locator("th", has=page.get_by_role("button", name="Name"))
    expect(header).to_have_attribute("aria-sort", "ascending")


def test_a_lead_sees_each_case_s_photo_id_thumbnail(page: Page) -> None:
    sign_in_to(page, "lead.one", "/cases")
    thumbnail = page.locator("img.thumbnail").first
    expect(thumbnail).to_be_visible()

    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )

    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    assert thumbnail.get_attribute("alt", timeout=1000).startswith("Photo ID of ")
    if folder := os.environ.get("CHECKER_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / "case-list.png"), full_page=True)


def test_a_checker_lands_on_the_queue_and_their_case_list_shows_only_their_decisions(
    page: Page, console: Console
) -> None:
    decided_id, decided_name = record_a_decision(console, "checker.one", "rejected")
    sign_in_as(page, "checker.one")
    page.wait_for_url(QUEUE_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")

    page.goto("/cases")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your decisions")
    _case_count(page).to_have_text("Showing 1 to 1 of 1 case")
    assert _case_links(page) == [f"/cases/{decided_id}"]
    row = page.locator("table tbody tr")
    expect(row).to_contain_text(decided_name)
    expect(row).to_contain_text("Rejected")
    expect(page.locator("table img")).to_have_count(0)
    others = other_applicant_names(console, decided_id)
    main_text = page.locator("main").inner_text()
    assert not [name for name in others if name in main_text]
    assert _serious_accessibility_problems(page) == []


def test_the_case_list_has_no_serious_accessibility_problems(page: Page, console: Console) -> None:
    sign_in_to(page, "lead.one", "/cases")
    _case_count(page).to_contain_text(f"of {console.total} cases")

    assert _serious_accessibility_problems(page) == []


def test_the_pager_works_from_the_keyboard_with_a_visible_focus(page: Page) -> None:
    sign_in_to(page, "lead.one", "/cases")
    expect(page.locator("#pager-status")).to_have_text("Page 1 of 3")

    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Next page":
            break
    else:
        pytest.fail("Tab never reached the Next page button")
    focused_background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    page.keyboard.press("Enter")

    expect(page.locator("#pager-status")).to_have_text("Page 2 of 3")
    assert focused_background == FOCUS_YELLOW


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(page: Page) -> None:
    sign_in_to(page, "lead.one", "/cases")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"


def test_a_case_opens_read_only_with_its_documents(page: Page) -> None:
    sign_in_to(page, "lead.one", "/cases")
    first = page.locator("table tbody tr").first.locator("a")
    name = first.inner_text()

    first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    image = page.locator(".documents img").first
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def test_signing_out_ends_the_session(page: Page) -> None:
    sign_in_to(page, "qa.one", "/cases")
    expect(page.locator("header")).to_contain_text("Priya Shah")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_the_first_load_asks_for_nothing_that_is_not_there(page: Page) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto("/")  # a visitor first: the sign-in choices
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in_to(page, "lead.one", "/cases")
    _case_count(page).to_contain_text("cases")
    page.goto("/queue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    page.wait_for_load_state("networkidle")

    assert missing == []
    assert [e for e in errors if "404" in e] == []
