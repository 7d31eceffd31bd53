"""Reading and nudging the review console's database from browser tests.

The tests drive the browser as a checker would; these helpers only look at what that changed,
or stand in for time passing (a lease running out) where waiting would make the suite slow.
"""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.reasons import RejectionReason
from checker_console.services.queue.leases import CaseNotLeasedToYou, release_case
from checker_console.services.review.decisions import reject_case
from checker_console.store.db import make_engine
from checker_console.store.models import Application, Decision

HEADING = "#review-heading"


def engine_for(database_url: str) -> Engine:
    return make_engine(database_url)


def case_row(database_url: str, case_id: int) -> Application:
    engine = engine_for(database_url)
    try:
        with Session(engine) as session:
            case = session.get(Application, case_id)
            assert case is not None
            session.expunge(case)
            return case
    finally:
        engine.dispose()


def decisions_of(database_url: str, case_id: int) -> list[Decision]:
    engine = engine_for(database_url)
    try:
        with Session(engine) as session:
            found = list(session.exec(select(Decision).where(Decision.application_id == case_id)))
            for decision in found:
                session.expunge(decision)
            return found
    finally:
        engine.dispose()


def release_everything_held_by(database_url: str, *checker_ids: str) -> None:
    """Hand back whatever these checkers hold, as their "Release case" button would."""
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            held = session.exec(
                select(Application.id, Application.lease_holder).where(
                    col(Application.lease_holder).in_(checker_ids)
                )
            ).all()
            session.rollback()
            for case_id, holder in held:
                release_case(session, case_id=case_id, checker_id=holder)
    finally:
        engine.dispose()


def let_lease_run_out(database_url: str, case_id: int) -> None:
    """Stand-in for the lease's minutes passing: its end moves into the past."""
    engine = engine_for(database_url)
    try:
        with Session(engine) as session:
            case = session.get(Application, case_id)
            assert case is not None
            case.lease_expires_at = utcnow() - timedelta(seconds=1)
            session.add(case)
            session.commit()
    finally:
        engine.dispose()


def shown_case_id(page: Page) -> int:
    """The case the workspace shows, from its heading ("Ada Quill, case 12")."""
    expect(page.locator(HEADING)).to_have_text(re.compile(r"case \d+$"))
    match = re.search(r"case (\d+)$", page.locator(HEADING).inner_text())
    assert match is not None
    return int(match.group(1))


def reject_by_keyboard(page: Page) -> int:
    """Reject the shown case (R, reason 6: unreadable document) and wait for the next one;
    the rejected case's id."""
    case_id = shown_case_id(page)
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    page.keyboard.press("6")
    page.get_by_role("button", name="Reject case").click()
    expect(page.locator(HEADING)).not_to_have_text(re.compile(rf"case {case_id}$"))
    return case_id


def wait_until_both_images_painted(page: Page) -> None:
    expect(page.locator("#viewer-document")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#viewer-selfie")).to_have_attribute("data-loaded", "true")


def reject_to_tidy(session: Session, *, case_id: int, checker_id: str) -> None:
    """Decide a case a test put in the shared queue, so later tests get ordinary cases.

    Does nothing if ``checker_id`` no longer holds it.
    """
    with contextlib.suppress(CaseNotLeasedToYou):
        reject_case(
            session,
            case_id=case_id,
            checker_id=checker_id,
            reasons=[RejectionReason.DOCUMENT_UNREADABLE.value],
            applicant_message=None,
            internal_note="",
        )
