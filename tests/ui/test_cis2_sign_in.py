"""Sign-in through NHS CIS2 in Chromium, the whole way, for every demo person.

The console's "Sign in with NHS CIS2" goes to the CIS2 stand-in (``tests/ui/standins.py``),
the person presses their name there, the stand-in redirects back with a code, and the console
redeems it (PKCE and ``private_key_jwt``), checks assurance level and role, and either signs
them in or says what they need.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from checker_console.standins.cis2 import Cis2Standin
from tests.ui.conftest import DASHBOARD_URL, QA_URL, QUEUE_URL

pytestmark = pytest.mark.browser

CHOOSER_TITLE = "Sign in with NHS CIS2 (stand-in)"


def _sign_in_through_cis2(page: Page, standin: Cis2Standin, username: str) -> None:
    """What a person does: open the console, choose CIS2, press their name at CIS2."""
    page.goto("/cases")
    page.locator("#cis2-sign-in").click()
    page.wait_for_url(re.compile(re.escape(standin.issuer) + r"/authorize\?.*"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CHOOSER_TITLE)
    page.get_by_role("button", name=re.compile(rf"\({re.escape(username)}\)$")).click()


@pytest.mark.parametrize(
    ("username", "name", "role", "landing", "heading"),
    [
        ("checker.one", "Sam Patel", "ID checker", QUEUE_URL, "Queue"),
        ("checker.two", "Alex Morgan", "ID checker", QUEUE_URL, "Queue"),
        ("lead.one", "Jordan Lee", "Team lead", DASHBOARD_URL, "Team dashboard"),
        ("qa.one", "Priya Shah", "QA reviewer", QA_URL, "Cases to replay"),
    ],
)
def test_a_person_with_a_console_role_signs_in_through_cis2_and_lands_on_their_start_page(
    page: Page,
    cis2_standin: Cis2Standin,
    username: str,
    name: str,
    role: str,
    landing: re.Pattern[str],
    heading: str,
) -> None:
    _sign_in_through_cis2(page, cis2_standin, username)

    page.wait_for_url(landing)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("header")).to_contain_text(name)
    expect(page.locator(".header__user-role")).to_have_text(f"({role})")
    session_cookie = next(c for c in page.context.cookies() if c["name"] == "cc_session")
    assert session_cookie["httpOnly"]


def test_a_person_signed_in_with_a_nurse_role_is_told_which_role_they_need(
    page: Page, cis2_standin: Cis2Standin
) -> None:
    _sign_in_through_cis2(page, cis2_standin, "no.role")

    expect(page.get_by_role("heading", level=1)).to_have_text("You need a checker console role")
    expect(page.locator("main")).to_contain_text("Robin Clarke, you have not been signed in")
    expect(page.locator("main")).to_contain_text(
        "You signed in to NHS CIS2 with the role Nurse (S8000:G8000:R8001) at X26"
    )
    expect(page.get_by_role("listitem").first).to_have_text("ID checker: RA ID checker (B0267)")
    expect(page.locator("main")).to_contain_text("Team lead: RA manager (R5080)")
    assert not [c for c in page.context.cookies() if c["name"] == "cc_session"]

    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_person_signed_in_with_a_password_is_asked_to_use_a_smartcard(
    page: Page, cis2_standin: Cis2Standin
) -> None:
    _sign_in_through_cis2(page, cis2_standin, "aal2.one")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in with your smartcard, Windows Hello or a security key"
    )
    expect(page.locator("main")).to_contain_text("at authentication assurance level 2")
    expect(page.locator("main")).to_contain_text("You have not been signed in to the console.")
    assert not [c for c in page.context.cookies() if c["name"] == "cc_session"]


def test_the_demo_shortcut_link_signs_in_without_cis2(page: Page) -> None:
    page.goto("/cases")

    page.get_by_role("link", name="Sign in as Jordan Lee").click()

    page.wait_for_url(DASHBOARD_URL)
    expect(page.locator("header")).to_contain_text("Jordan Lee")
