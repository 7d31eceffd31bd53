"""Retention in Chromium: a purged case says when its images went; a lead sees the policy and
erases an applicant from their case page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.oversight.decision_record import record_for_qa
from checker_console.services.retention.purge import delete_purged_blobs
from checker_console.store.db import make_engine
from checker_console.store.models import Application, Decision, Document
from checker_console.store.qa_models import QaSample
from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console, sign_in_as

pytestmark = pytest.mark.browser


def _oldest_case(console: Console, status: CaseStatus) -> int:
    """The oldest case in ``status``: last in the case list, so no other test looks at it."""
    engine = make_engine(console.database_url)
    with Session(engine) as session:
        case_id = session.exec(
            select(Application.id)
            .where(Application.status == status, col(Application.erased_at).is_(None))
            .where(col(Application.images_purged_at).is_(None))
            .order_by(col(Application.submitted_at))
        ).first()
    engine.dispose()
    assert case_id is not None
    return case_id


def _blob_store(console: Console) -> LocalBlobStore:
    folder = Path(console.database_url.removeprefix("sqlite:///")).parent
    return LocalBlobStore(folder / "data" / "blobs")


def test_a_purged_case_page_says_when_its_images_were_deleted(page: Page, console: Console) -> None:
    case_id = _oldest_case(console, CaseStatus.REJECTED)
    engine = make_engine(console.database_url)
    with Session(engine) as session:
        case = session.get(Application, case_id)
        case.images_purged_at = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
        session.add(case)
        session.commit()
        delete_purged_blobs(session, _blob_store(console))
        keys = [d.preview_key for d in session.exec(select(Document).where(
            Document.application_id == case_id))]  # fmt: skip
    engine.dispose()
    assert keys and not any(_blob_store(console).exists(k) for k in keys)

    sign_in_as(page, "lead.one")
    page.goto(f"/cases/{case_id}")

    expect(page.locator("#images-deleted")).to_have_text(
        "Images deleted on 3 March 2027 under the retention policy."
    )
    expect(page.locator(".documents img")).to_have_count(0)  # no broken images
    assert serious_accessibility_problems(page) == []


def test_a_lead_reads_the_policy_and_erases_an_applicant_from_their_case_page(
    page: Page, console: Console
) -> None:
    sign_in_as(page, "lead.one")
    page.goto("/retention")
    expect(page.locator("#retention-policy")).to_contain_text("Rejected case")
    expect(page.locator("#retention-policy")).to_contain_text("180 days after the decision")
    assert serious_accessibility_problems(page) == []

    case_id = _oldest_case(console, CaseStatus.REJECTED)
    page.goto(f"/cases/{case_id}")
    heading = page.locator("h1").inner_text()
    page.get_by_role("button", name="Erase personal data").click()
    page.get_by_label("Data protection officer's reference").fill("DPO-2026-0099")
    page.get_by_label("Why is the data being erased?").fill("ok")
    page.get_by_role("button", name="Erase this applicant's personal data").click()
    expect(page.locator("#erase-error")).to_contain_text("at least 10 characters")
    assert serious_accessibility_problems(page) == []

    page.get_by_label("Why is the data being erased?").fill(
        "The applicant asked for erasure; approved by the DPO."
    )
    page.get_by_role("button", name="Erase this applicant's personal data").click()

    expect(page.locator("#erase-result")).to_contain_text("personal data was erased")
    expect(page.locator("h1")).to_have_text("[erased] [erased]")
    expect(page.locator("main")).not_to_contain_text(heading)
    expect(page.locator("#images-deleted")).to_contain_text("when the applicant's data was erased")
    page.goto("/retention")
    expect(page.locator("#recent-erasures")).to_contain_text("DPO-2026-0099")


def test_a_checker_cannot_erase_anyone(page: Page, console: Console) -> None:
    case_id = _oldest_case(console, CaseStatus.REJECTED)
    sign_in_as(page, "checker.one")
    page.goto(f"/cases/{case_id}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("button", name="Erase personal data")).to_have_count(0)
    page.goto("/retention")
    expect(page.locator("main")).to_contain_text("This page is for team leads")


def test_qa_replay_of_a_purged_case_says_when_its_images_were_deleted(
    page: Page, console: Console
) -> None:
    """QA opens a drawn decision whose case has since been purged: the replay says so, and
    still shows the recorded details, instead of failing on images that are gone."""
    case_id = _oldest_case(console, CaseStatus.REJECTED)
    engine = make_engine(console.database_url)
    with Session(engine) as session:
        case = session.get(Application, case_id)
        decision = Decision(
            application_id=case_id, checker_id="checker.four", outcome="rejected",
            reasons=["document_unreadable"],
        )  # fmt: skip
        session.add(decision)
        session.flush()
        record_for_qa(session, case, decision, utcnow())  # a new checker's decisions are drawn
        case.images_purged_at = datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
        session.add(case)
        session.commit()
        delete_purged_blobs(session, _blob_store(console))
        sample_id = session.exec(
            select(QaSample.id).where(QaSample.application_id == case_id)
        ).one()
    engine.dispose()

    sign_in_as(page, "qa.one")
    page.goto(f"/qa/replay/{sample_id}")

    expect(page.locator("#images-deleted")).to_contain_text(
        "Images deleted on 3 March 2027 under the retention policy"
    )
    expect(page.locator("#images-deleted")).to_contain_text("cannot be replayed")
    expect(page.locator("img[src*='/qa/images/']")).to_have_count(0)
    assert serious_accessibility_problems(page) == []
