"""A decided case's page says what was decided, and shows leads and QA its audit timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from checker_console.domain.reasons import ChecklistItem
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console, sign_in_as
from tests.ui.console_data import record_a_decision

pytestmark = pytest.mark.browser


def _decided_case(console: Console) -> int:
    case_id, _ = record_a_decision(
        console,
        "checker.two",
        "rejected",
        nth=1,
        reasons=["face_mismatch"],
        checklist={item.value: item != ChecklistItem.FACE_MATCHES for item in ChecklistItem},
        applicant_message="The selfie does not match your photo ID.",
        internal_note="Selfie is of someone else.",
        seconds_to_decide=83.0,
    )
    return case_id


def test_a_lead_sees_who_decided_what_and_why_and_a_verified_timeline(
    page: Page, console: Console
) -> None:
    case_id = _decided_case(console)
    sign_in_as(page, "lead.one")

    page.goto(f"/cases/{case_id}")

    record = page.locator("#decision-record")
    expect(record).to_contain_text("Rejected")
    expect(record).to_contain_text("checker.two")
    expect(record).to_contain_text("Face does not match")
    expect(record).to_contain_text("The selfie does not match your photo ID.")
    expect(record).to_contain_text("Selfie is of someone else.")
    expect(record).to_contain_text("1 min 23 s")
    expect(record.get_by_role("row", name="Face matches")).to_contain_text("Not confirmed")
    expect(page.locator("#chain-status")).to_contain_text("Chain verified")
    expect(page.locator("#timeline tbody tr").first).to_contain_text("Put in the queue")
    assert serious_accessibility_problems(page) == []


def test_a_checker_cannot_open_a_case_another_checker_decided_by_its_number(
    page: Page, console: Console
) -> None:
    case_id = _decided_case(console)
    sign_in_as(page, "checker.one")

    page.goto(f"/cases/{case_id}")

    expect(page.locator("h1")).to_have_text("Case not found")
    expect(page.locator("main")).to_contain_text("that you can open")
    expect(page.locator("#decision-record")).to_have_count(0)
    expect(page.locator("#timeline")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Selfie is of someone else.")
    expect(page.locator("main")).not_to_contain_text(str(case_id))
