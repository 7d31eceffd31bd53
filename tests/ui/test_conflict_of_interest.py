"""A checker is never given their own application, in the browser as in the services.

The checker's email comes from their sign-in (CIS2's ``email`` claim; the demo people have
one too), so this proves the whole way from sign-in to claim, not only the claim service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import demo_user
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import release_case
from checker_console.services.queue.reservations import release_reservation
from checker_console.store.models import Application
from tests.factories import make_case
from tests.ui.conftest import Console
from tests.ui.review_support import (
    HEADING,
    engine_for,
    reject_to_tidy,
    release_everything_held_by,
    shown_case_id,
)

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]
CHECKER = "checker.one"
#: Takes the checker's own application out of the shared queue after the test.
TIDIER = "qa.tidier"


def _own_application_first_in_line(database_url: str) -> int:
    """A queued application made with the checker's own email, due before everything else."""
    user = demo_user(CHECKER)
    assert user is not None
    release_everything_held_by(database_url, CHECKER)
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            release_reservation(session, checker_id=CHECKER)
            head = session.exec(
                select(func.min(Application.sla_due_at)).where(
                    Application.status == CaseStatus.QUEUED
                )
            ).one()
            # Upper case: the same email however it was typed.
            own = make_case(session, CaseStatus.QUEUED, email=user.email.upper())
            own.sla_due_at = (head or utcnow()) - timedelta(minutes=5)
            session.add(own)
            session.commit()
            assert own.id is not None
            return own.id
    finally:
        engine.dispose()


def _take_out_of_the_queue(database_url: str, case_id: int) -> None:
    """Someone else claims the application (first in line) and decides it."""
    engine = engine_for(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            claimed = claim_next_case(session, checker_id=TIDIER)
            if claimed is None:
                return
            if claimed.case_id != case_id:
                release_case(session, case_id=claimed.case_id, checker_id=TIDIER)
                return
            reject_to_tidy(session, case_id=case_id, checker_id=TIDIER)
    finally:
        engine.dispose()


@pytest.fixture
def own_application(review_console: Console) -> Iterator[int]:
    case_id = _own_application_first_in_line(review_console.database_url)
    yield case_id
    _take_out_of_the_queue(review_console.database_url, case_id)


def test_a_checker_pressing_n_never_gets_their_own_application(
    open_as: OpenAs, own_application: int, review_console: Console
) -> None:
    page = open_as(CHECKER)
    page.goto("/queue")
    expect(page.locator("#take-next")).to_be_visible()

    page.keyboard.press("n")

    expect(page.locator(HEADING)).to_be_focused()
    assert shown_case_id(page) != own_application
    engine = engine_for(review_console.database_url)
    try:
        with Session(engine) as session:
            own = session.get(Application, own_application)
            assert own is not None and (own.status, own.lease_holder) == (CaseStatus.QUEUED, None)
            assert own.reserved_by != CHECKER  # nor is it fetched ahead as their next case
    finally:
        engine.dispose()
