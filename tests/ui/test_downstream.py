"""CIS profile creation as a team lead and a checker see it: the profiles page, the case page's
"Downstream" panel, the lead's retry, and the case list's status labels."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from checker_console.domain.lifecycle import CaseStatus
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console, sign_in_as
from tests.ui.console_data import (
    audit_events,
    case_status,
    count_in_status,
    fail_an_approved_case,
    mark_decided_by,
)

pytestmark = pytest.mark.browser

PHOTO_REFUSED = "CIM refused the request: the photo does not meet the smartcard rules"
DUPLICATE = "CIM already holds a profile for this person"
PROFILES_URL = re.compile(r".*/downstream/?$")


def _board_row(page: Page, case_id: int) -> Locator:
    return page.locator(
        "#unfinished-profiles tbody tr", has=page.locator(f'a[href="/cases/{case_id}"]')
    )


def _screenshot(page: Page, name: str) -> None:
    if folder := os.environ.get("CHECKER_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_a_lead_sees_a_failed_case_on_the_profiles_page_and_retries_it(
    page: Page, console: Console
) -> None:
    failed = fail_an_approved_case(console, reason=PHOTO_REFUSED)
    sign_in_as(page, "lead.one")

    page.get_by_role("link", name="Profiles", exact=True).click()
    page.wait_for_url(PROFILES_URL)
    row = _board_row(page, failed.id)
    expect(row).to_contain_text("Profile creation failed")
    expect(row).to_contain_text(PHOTO_REFUSED)
    expect(page.locator("#count-failed")).to_have_text(
        str(count_in_status(console, CaseStatus.PROFILE_FAILED))
    )
    expect(page.locator("#count-approved")).to_have_text(
        str(count_in_status(console, CaseStatus.APPROVED))
    )

    row.get_by_role("button", name=f"Retry profile creation for {failed.name}").click()
    confirm = row.get_by_role("button", name="Yes, retry profile creation")
    expect(confirm).to_be_focused()
    _screenshot(page, "profiles.png")
    confirm.click()

    expect(page.locator("#retry-result")).to_contain_text(f"Case {failed.id} was sent to CIM again")
    expect(row).to_contain_text("Profile being created")
    expect(row.get_by_role("button")).to_have_count(0)
    assert case_status(console, failed.id) == CaseStatus.PROFILE_PENDING
    page.get_by_label("Show").select_option(label="Failed")
    expect(row).to_have_count(0)
    page.get_by_label("Show").select_option(label="Being created")
    expect(row).to_contain_text("Profile being created")
    [retried] = audit_events(
        console, action="case.retry_profile", actor="lead.one", case_id=failed.id
    )
    assert retried.detail["previous_error"] == PHOTO_REFUSED


def test_the_profiles_page_links_to_the_notify_stand_in_s_mailbox_in_the_demo(
    page: Page, console: Console
) -> None:
    sign_in_as(page, "lead.one")

    page.goto("/downstream")

    link = page.get_by_role("link", name="Emails sent by the GOV.UK Notify stand-in")
    expect(link).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/mailbox$"))


def test_the_profiles_page_has_no_serious_accessibility_problems(
    page: Page, console: Console
) -> None:
    fail_an_approved_case(console, reason=PHOTO_REFUSED)
    sign_in_as(page, "lead.one")
    page.goto("/downstream")
    expect(page.locator("#unfinished-profiles tbody tr").first).to_be_visible()

    assert serious_accessibility_problems(page) == []


def test_the_case_page_names_a_duplicate_person_and_a_lead_who_cancels_changes_nothing(
    page: Page, console: Console
) -> None:
    duplicate = fail_an_approved_case(console, reason=DUPLICATE, existing_uuid="555000123456")
    sign_in_as(page, "lead.one")

    page.goto(f"/cases/{duplicate.id}")

    expect(page.locator("main .tag")).to_contain_text("Profile creation failed")
    status = page.locator("#profile-status")
    expect(status).to_contain_text("Creation failed")
    expect(status).to_contain_text("Duplicate person: existing UUID 555000123456")
    expect(status).to_contain_text(DUPLICATE)
    expect(page.get_by_text("No emails have been sent for this case yet.")).to_be_visible()
    _screenshot(page, "case-downstream.png")
    page.get_by_role("button", name=f"Retry profile creation for {duplicate.name}").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("button", name=re.compile("^Retry profile creation"))).to_be_visible()
    assert case_status(console, duplicate.id) == CaseStatus.PROFILE_FAILED


def test_a_checker_sees_where_a_case_stands_downstream_but_cannot_retry_it(
    page: Page, console: Console
) -> None:
    failed = fail_an_approved_case(console, reason=PHOTO_REFUSED)
    mark_decided_by(console, failed.id, "checker.one")  # checkers open the cases they decided
    sign_in_as(page, "checker.one")

    expect(page.get_by_role("link", name="Profiles")).to_have_count(0)

    page.goto(f"/cases/{failed.id}")
    expect(page.locator("#profile-status")).to_contain_text(PHOTO_REFUSED)
    expect(page.get_by_role("button", name=re.compile("Retry"))).to_have_count(0)


def test_a_checker_who_opens_the_profiles_page_is_refused_and_it_is_on_the_record(
    page: Page, console: Console
) -> None:
    sign_in_as(page, "checker.two")
    before = len(audit_events(console, action="ui.refused", actor="checker.two"))

    page.goto("/downstream")

    expect(page.get_by_text("This page is for team leads.")).to_be_visible()
    expect(page.locator("#unfinished-profiles")).to_have_count(0)
    refusals = audit_events(console, action="ui.refused", actor="checker.two")
    assert len(refusals) == before + 1
    assert refusals[-1].detail["handler"] == "DownstreamState.load_board"
