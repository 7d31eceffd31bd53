"""Earlier attempts in the review workspace, in Chromium, driven from the keyboard.

An applicant whose first attempt was rejected applies again. The checker who gets the new
attempt must be able to see, beside it, what was decided before and why: the earlier attempt's
outcome, its rejection reasons and its images. The data is arranged through the services (a
seeded sample case claimed and rejected by another checker, then a second attempt whose
``previous_application_id`` points to it); everything after that is done as a checker would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.reservations import release_reservation
from checker_console.services.review.decisions import reject_case
from checker_console.store.models import Application, Document, Organisation
from tests.factories import make_case
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console
from tests.ui.review_support import (
    HEADING,
    engine_for,
    reject_to_tidy,
    release_everything_held_by,
    shown_case_id,
    wait_until_both_images_painted,
)

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]

#: Who reviews the new attempt in the browser, and who rejected the first one.
REVIEWER = "checker.one"
FIRST_CHECKER = "checker.two"
FIRST_REASONS = [RejectionReason.DOCUMENT_UNREADABLE, RejectionReason.FACE_MISMATCH]
#: Enough presses of Tab to reach anything on the workspace.
MOST_TABS = 80


@dataclass(frozen=True)
class Resubmission:
    first_id: int
    first_attempt: int
    second_id: int
    #: The applicant's name as the workspace shows it.
    owner: str
    #: The rejected attempt's images, in the order the workspace lists them.
    first_document_ids: list[int]


def _reject_then_resubmit(database_url: str) -> Resubmission:
    """Another checker rejects a seeded case; its applicant applies again, first in the queue."""
    release_everything_held_by(database_url, FIRST_CHECKER, REVIEWER)
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            for checker in (FIRST_CHECKER, REVIEWER):
                release_reservation(session, checker_id=checker)
            claimed = claim_next_case(session, checker_id=FIRST_CHECKER)
            assert claimed is not None, "no queued sample case left to reject"
            reject_case(
                session,
                case_id=claimed.case_id,
                checker_id=FIRST_CHECKER,
                reasons=[reason.value for reason in FIRST_REASONS],
                applicant_message=None,
                internal_note="Photo page blurred; the selfie is not the passport holder.",
            )
            first = session.get(Application, claimed.case_id, populate_existing=True)
            assert first is not None and first.id is not None
            assert first.status == CaseStatus.REJECTED
            organisation = session.get(Organisation, first.organisation_id)
            assert organisation is not None
            documents = session.exec(
                select(Document)
                .where(Document.application_id == first.id)
                .order_by(col(Document.position), col(Document.id))
            ).all()
            head = session.exec(
                select(func.min(Application.sla_due_at)).where(
                    Application.status == CaseStatus.QUEUED
                )
            ).one()
            second = make_case(
                session,
                CaseStatus.QUEUED,
                actor="sample.seed",
                org=organisation,
                cohort=first.cohort,
                given_name=first.given_name,
                family_name=first.family_name,
                date_of_birth=first.date_of_birth,
                email=first.email,
                ni_number=first.ni_number,
            )
            second.attempt = first.attempt + 1
            second.previous_application_id = first.id
            # Due before everything else waiting, so the reviewer's next claim is this case.
            second.sla_due_at = (head or utcnow()) - timedelta(minutes=5)
            session.add(second)
            session.flush()
            for document in documents:  # the same photos sent again, as new uploads
                fields = document.model_dump(exclude={"id", "application_id", "created_at"})
                session.add(Document(**fields, application_id=second.id))
            session.commit()
            assert second.id is not None and documents
            return Resubmission(
                first_id=first.id,
                first_attempt=first.attempt,
                second_id=second.id,
                owner=f"{first.given_name} {first.family_name}",
                first_document_ids=[d.id for d in documents if d.id is not None],
            )
    finally:
        engine.dispose()


def _decide_if_still_held(database_url: str, case_id: int) -> None:
    """Take the new attempt out of the shared queue, so later tests get ordinary cases."""
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            case = session.get(Application, case_id)
            held = case is not None and case.lease_holder == REVIEWER
            session.rollback()
            if held:
                reject_to_tidy(session, case_id=case_id, checker_id=REVIEWER)
    finally:
        engine.dispose()


@pytest.fixture
def resubmission(open_as: OpenAs, review_console: Console) -> Iterator[Resubmission]:
    arranged = _reject_then_resubmit(review_console.database_url)
    yield arranged
    _decide_if_still_held(review_console.database_url, arranged.second_id)


def _claim_the_resubmission(open_as: OpenAs, resubmission: Resubmission) -> Page:
    page = open_as(REVIEWER)
    page.goto("/queue")
    expect(page.locator("#take-next")).to_be_visible()
    page.keyboard.press("n")
    assert shown_case_id(page) == resubmission.second_id
    expect(page.locator(HEADING)).to_be_focused()
    wait_until_both_images_painted(page)
    return page


def _tab_to(page: Page, target: Locator, *, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab), as a keyboard user would, until ``target`` has focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"{MOST_TABS} presses of {key} never reached {target}")


def _open_earlier_attempts_with_the_keyboard(page: Page) -> Locator:
    tab = page.get_by_role("tab", name="Earlier attempts (1)")
    _tab_to(page, tab)
    page.keyboard.press("Enter")
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(tab).to_be_focused()
    return tab


def _expect_painted(images: Locator, count: int) -> None:
    """Every image loaded through the image route (a refused or missing one has no width)."""
    expect(images).to_have_count(count)
    for index in range(count):
        image = images.nth(index)
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("image => image.naturalWidth") > 0, image


def test_a_resubmission_shows_the_rejected_attempt_beside_it(
    open_as: OpenAs, resubmission: Resubmission
) -> None:
    page = _claim_the_resubmission(open_as, resubmission)
    expect(page.locator(HEADING)).to_have_text(
        f"{resubmission.owner}, case {resubmission.second_id}"
    )
    expect(page.locator(".case-bar__fact").first).to_contain_text(
        f"attempt {resubmission.first_attempt + 1}"
    )
    details = page.get_by_role("tab", name="Details")
    expect(details).to_have_attribute("aria-selected", "true")
    expect(page.locator("#comparison")).to_be_visible()
    expect(page.locator("#side-panel .earlier")).to_have_count(0)

    _open_earlier_attempts_with_the_keyboard(page)

    expect(details).to_have_attribute("aria-selected", "false")
    expect(page.locator("#comparison")).to_have_count(0)
    earlier = page.get_by_role("tabpanel").locator(".earlier")
    expect(earlier).to_have_count(1)
    expect(earlier.get_by_role("heading", level=3)).to_have_text(
        re.compile(
            rf"^Attempt {resubmission.first_attempt} \(case {resubmission.first_id}\): "
            r"Rejected, \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d$"
        )
    )
    expect(earlier.locator(".earlier__reasons li")).to_have_text(
        [REASON_TEXT[reason].label for reason in FIRST_REASONS]
    )
    told = earlier.locator("details.earlier__message")
    told.locator("summary").click()
    expect(told.locator("p")).to_contain_text("We could not read your document.")
    expect(told.locator("p")).to_contain_text("We could not match your photo")
    thumbnails = earlier.get_by_role("button", name=re.compile(r"^Show "))
    expect(thumbnails).to_have_count(len(resubmission.first_document_ids))
    _expect_painted(earlier.locator("img"), len(resubmission.first_document_ids))
    for index, document_id in enumerate(resubmission.first_document_ids):
        expect(thumbnails.nth(index).locator("img")).to_have_attribute(
            "src", re.compile(rf"/images/{document_id}/thumbnail$")
        )
    # The current attempt's own images stay where they were.
    expect(page.locator("#viewer-selfie .viewer-frame")).to_have_attribute(
        "aria-label", re.compile(rf" of {re.escape(resubmission.owner)}$")
    )
    assert serious_accessibility_problems(page) == []


def test_an_earlier_attempts_image_opens_in_the_document_viewer_beside_the_current_selfie(
    open_as: OpenAs, resubmission: Resubmission
) -> None:
    page = _claim_the_resubmission(open_as, resubmission)
    tab = _open_earlier_attempts_with_the_keyboard(page)
    first_image = page.locator("#side-panel .earlier .thumbs__button").first
    label = first_image.locator(".thumbs__label").inner_text()

    _tab_to(page, first_image)
    page.keyboard.press("Enter")

    expect(first_image).to_have_attribute("aria-pressed", "true")
    expect(first_image).to_have_accessible_name(f"{label} (showing)")
    expect(first_image).to_be_focused()
    document = page.locator("#viewer-document")
    expect(document).to_have_attribute(
        "data-src", f"/images/{resubmission.first_document_ids[0]}/preview"
    )
    expect(document).to_have_attribute("data-loaded", "true")
    expect(document.locator(".viewer-frame")).to_have_attribute(
        "aria-label",
        f"{label.removeprefix(f'Earlier attempt {resubmission.first_attempt}: ')} "
        f"of {resubmission.owner}, attempt {resubmission.first_attempt}",
    )
    heading = page.get_by_role("heading", name=f"Document: {label}")
    expect(heading).to_be_visible()
    # Seen, not only heard: the heading says it is an earlier attempt's image, and stands out.
    expect(heading).to_have_text(
        re.compile(rf"^Document: Earlier attempt {resubmission.first_attempt}: ")
    )
    expect(heading).to_have_class(re.compile(r"pane__title--earlier"))
    selfie = page.locator("#viewer-selfie .viewer-frame")
    expect(selfie).not_to_have_attribute("aria-label", re.compile(r"attempt \d+$"))
    expect(page.locator("#viewer-selfie")).to_have_attribute("data-loaded", "true")

    _tab_to(page, page.get_by_role("tab", name="Details"), key="Shift+Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#comparison")).to_be_visible()
    expect(tab).to_have_attribute("aria-selected", "false")
    expect(page.get_by_role("tab", name="Details")).to_be_focused()
    # With the earlier attempt out of sight, so is its image: the document is this attempt's.
    expect(document).not_to_have_attribute(
        "data-src", f"/images/{resubmission.first_document_ids[0]}/preview"
    )
    expect(page.locator(".pane__title--earlier")).to_have_count(0)


def test_e_and_d_switch_between_earlier_attempts_and_details(
    open_as: OpenAs, resubmission: Resubmission
) -> None:
    page = _claim_the_resubmission(open_as, resubmission)
    earlier_tab = page.get_by_role("tab", name="Earlier attempts (1)")

    page.keyboard.press("e")
    expect(earlier_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#side-panel .earlier")).to_have_count(1)

    page.keyboard.press("d")
    expect(earlier_tab).to_have_attribute("aria-selected", "false")
    expect(page.locator("#comparison")).to_be_visible()
