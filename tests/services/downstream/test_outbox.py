"""The outbox end to end: approve or reject, the worker, the CIM and Notify stand-ins over HTTP.

Each test runs on SQLite and on PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.adapters.cim import CimClient
from checker_console.domain.lifecycle import CaseStatus, IllegalTransition
from checker_console.services.downstream.outbox import ClaimedMessage, claim_due
from checker_console.services.downstream.profile_requests import (
    build_profile_request,
    retry_profile,
)
from checker_console.services.downstream.status import DownstreamStatus, downstream_status
from checker_console.services.downstream.worker import start_background_worker
from checker_console.settings import Settings
from checker_console.standins.cim_store import NewProfile
from checker_console.standins.faults import FaultConfig
from checker_console.store.models import OutboxAttempt, OutboxMessage
from tests.standins.support import (
    CIM_KEY,
    RunningCim,
    RunningNotify,
    case_status,
    decide_all_queued,
    drain,
    outbox_settings,
    queued_case,
    running_cim,
    running_notify,
    selfie_jpeg,
)
from tests.support.asyncio_run import run_async


@dataclass
class Stack:
    engine: Engine
    settings: Settings
    cim: RunningCim
    notify: RunningNotify
    blobs: LocalBlobStore

    def status(self, case_id: int) -> DownstreamStatus:
        with Session(self.engine) as session:
            return downstream_status(session, case_id)

    def emails_to(self, address: str) -> list[dict]:
        return [e for e in self.notify.mailbox.find() if e["email_address"] == address]


@pytest.fixture
def stack(engine: Engine, tmp_path: Path, blobs: LocalBlobStore) -> Iterator[Stack]:
    base = outbox_settings(engine, tmp_path)
    with running_cim(tmp_path / "cim.db") as cim, running_notify(base) as notify:
        settings = replace(base, cim_base_url=cim.url, notify_base_url=notify.url)
        yield Stack(engine, settings, cim, notify, blobs)


def approved(stack: Stack, session: Session, number: int = 1, **fields: object) -> int:
    case = queued_case(session, stack.blobs, number=number, **fields)
    decide_all_queued(session)
    assert case.id is not None
    return case.id


def settled(stack: Stack, case_id: int, *statuses: CaseStatus) -> bool:
    return case_status(stack.engine, case_id) in statuses


def test_an_approved_case_gets_a_profile_and_the_applicant_gets_the_uuid_by_email(
    stack: Stack, session: Session
) -> None:
    case_id = approved(stack, session, email="mary.seacole@example.org")

    drain(stack.engine, stack.settings)

    status = stack.status(case_id)
    [profile] = stack.cim.store.profiles()
    assert status.case_status == CaseStatus.PROFILE_CREATED
    assert status.cim_uuid == profile.uuid
    assert (profile.ni_number, profile.verified_by, profile.organisation_code) == (
        "QQ000001C",
        "checker.ada",
        "RX1",
    )
    assert stack.cim.store.photo(profile.uuid) == selfie_jpeg()
    [email] = stack.emails_to("mary.seacole@example.org")
    assert f"Your UUID is: {profile.uuid}" in email["body"]
    assert [(n.recipient, n.status) for n in status.notifications] == [("applicant", "done")]


def test_a_duplicate_person_goes_to_a_lead_with_the_existing_uuid(
    stack: Stack, session: Session
) -> None:
    elsewhere = stack.cim.store.create_profile(
        "registered-elsewhere",
        NewProfile("Mary", "Seacole", "2001-05-12", "m@example.org", "QQ000001C", "x", "Y", b"1"),
    )
    case_id = approved(stack, session, email="mary.seacole@example.org")

    drain(stack.engine, stack.settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_FAILED
    assert status.existing_profile_uuid == elsewhere.profile.uuid
    assert elsewhere.profile.uuid in status.summary and status.can_retry
    assert len(stack.cim.store.profiles()) == 1
    assert stack.emails_to("mary.seacole@example.org") == []


def test_a_refusal_fails_the_case_at_once_with_cims_reason(stack: Stack, session: Session) -> None:
    case_id = approved(stack, session, ni_number="QQ12")

    drain(stack.engine, stack.settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_FAILED
    assert "not a National Insurance number" in (status.profile_error or "")
    assert status.attempts == 1


def test_a_case_without_a_selfie_fails_without_calling_cim(stack: Stack, session: Session) -> None:
    case_id = approved(stack, session, selfie=False)

    drain(stack.engine, stack.settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_FAILED
    assert "no selfie" in (status.profile_error or "")
    assert stack.cim.faults.counts.total() == 0


def test_downstream_status_shows_attempts_last_error_and_next_retry(
    stack: Stack, session: Session
) -> None:
    stack.cim.faults.configure(FaultConfig(error_rate=1.0))
    settings = replace(stack.settings, outbox_backoff_ms=60_000)
    case_id = approved(stack, session)

    drain(stack.engine, settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_PENDING
    assert status.attempts == 1
    assert "CIM answered 50" in (status.last_error or "")
    assert status.next_retry_at is not None and status.requested_at is not None
    assert status.next_retry_at > status.requested_at
    assert status.summary.startswith("Retrying after 1 try")
    assert [a.outcome for a in status.recent_attempts] == ["server_error"] * 3


def test_cim_down_fails_the_case_after_bounded_attempts_and_a_leads_retry_creates_it(
    stack: Stack, session: Session
) -> None:
    stack.cim.faults.configure(FaultConfig(error_rate=1.0))
    case_id = approved(stack, session, email="mary.seacole@example.org")

    drain(
        stack.engine,
        stack.settings,
        until=lambda: settled(stack, case_id, CaseStatus.PROFILE_FAILED),
    )
    failed = stack.status(case_id)
    with Session(stack.engine) as s:
        calls = s.exec(select(OutboxAttempt)).all()

    stack.cim.faults.configure(FaultConfig())
    with Session(stack.engine) as s:
        retry_profile(s, case_id=case_id, lead_id="lead.grace")
        s.commit()
    drain(stack.engine, stack.settings)

    assert failed.attempts == stack.settings.outbox_max_attempts == 4
    assert "Gave up after 4 attempts" in (failed.profile_error or "")
    assert len(calls) == 4 * 3  # every call to CIM is on the record
    done = stack.status(case_id)
    assert done.case_status == CaseStatus.PROFILE_CREATED
    assert len(stack.cim.store.profiles()) == 1
    assert len(stack.emails_to("mary.seacole@example.org")) == 1


def test_a_lead_cannot_retry_a_case_that_has_not_failed(stack: Stack, session: Session) -> None:
    case_id = approved(stack, session)

    with pytest.raises(IllegalTransition, match="profile_pending"):
        retry_profile(session, case_id=case_id, lead_id="lead.grace")


def test_a_rejection_tells_the_applicant_why_and_asks_the_ra_for_a_new_invitation(
    stack: Stack, session: Session
) -> None:
    case = queued_case(session, stack.blobs, number=1, email="mary.seacole@example.org")
    decide_all_queued(session, approve=False)

    drain(stack.engine, stack.settings)

    [to_applicant] = stack.emails_to("mary.seacole@example.org")
    [to_ra] = stack.emails_to("ra.rx1@example.org")
    assert "* ID has expired" in to_applicant["body"]
    assert "Passports can be up to 6 months past their expiry date" in to_applicant["body"]
    assert "Passport expired in 2019" not in to_applicant["body"]  # internal notes stay inside
    assert to_ra["subject"] == "Send a new invitation to Florence Nightingale"
    assert stack.cim.store.profiles() == []
    status = stack.status(case.id)  # type: ignore[arg-type]
    assert sorted((n.recipient, n.status) for n in status.notifications) == [
        ("applicant", "done"),
        ("inviting RA", "done"),
    ]


def test_a_live_lease_is_respected_and_an_expired_one_is_taken_over(
    stack: Stack, session: Session
) -> None:
    """A worker claimed the request, got the profile from CIM, and died before committing."""
    case_id = approved(stack, session)
    with Session(stack.engine) as s:
        [held] = claim_due(s, worker_id="crashed-worker", limit=10, lease_seconds=1.5)
        request = build_profile_request(s, held, stack.blobs)
        s.commit()
    first_answer = _create_directly(stack, request)

    drain(stack.engine, stack.settings)  # the lease is still live: nobody touches it
    still_pending = case_status(stack.engine, case_id)
    time.sleep(1.6)
    drain(stack.engine, stack.settings)

    assert still_pending == CaseStatus.PROFILE_PENDING
    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_CREATED
    assert status.cim_uuid == first_answer
    assert status.attempts == 2
    assert [p.uuid for p in stack.cim.store.profiles()] == [first_answer]


def _create_directly(stack: Stack, request: object) -> str:

    async def go() -> str:
        async with CimClient(base_url=stack.cim.url, api_key=CIM_KEY) as client:
            return (await client.create_profile(request)).uuid  # type: ignore[arg-type]

    return run_async(go())


def test_two_workers_never_claim_the_same_message(stack: Stack, session: Session) -> None:
    for number in range(1, 31):
        queued_case(session, stack.blobs, number=number)
    decide_all_queued(session)
    claims: dict[str, list[ClaimedMessage]] = {}
    start = threading.Barrier(2)

    def claim(worker: str) -> None:
        start.wait()
        found: list[ClaimedMessage] = []
        for _ in range(6):
            with Session(stack.engine) as s:
                found += claim_due(s, worker_id=worker, limit=5, lease_seconds=60)
                s.commit()
        claims[worker] = found

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    one = {m.id for m in claims["one"]}
    two = {m.id for m in claims["two"]}
    assert not one & two
    assert len(one | two) == 30
    with Session(stack.engine) as s:
        holders = {m.id: m.lease_holder for m in s.exec(select(OutboxMessage)).all()}
    assert all(holders[i] == "one" for i in one) and all(holders[i] == "two" for i in two)


def test_wrong_cim_credentials_keep_the_case_pending_and_say_which_setting_to_fix(
    stack: Stack, session: Session
) -> None:
    settings = replace(stack.settings, cim_api_key="not-the-key", outbox_backoff_ms=60_000)
    case_id = approved(stack, session)

    drain(stack.engine, settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_PENDING
    assert "CHECKER_CIM_API_KEY" in (status.last_error or "")
    assert [a.http_status for a in status.recent_attempts] == [401]  # not hammered


def test_an_email_notify_refuses_is_marked_failed_with_notifys_reason(
    stack: Stack, session: Session
) -> None:
    settings = replace(stack.settings, notify_template_profile_created="no-such-template")
    case_id = approved(stack, session)

    drain(stack.engine, settings)

    status = stack.status(case_id)
    assert status.case_status == CaseStatus.PROFILE_CREATED
    [email] = status.notifications
    assert email.status == "failed"
    assert "Template not found" in (email.last_error or "")
    assert stack.notify.mailbox.find() == []


def test_the_background_worker_inside_the_app_creates_profiles_until_stopped(
    stack: Stack, session: Session
) -> None:
    worker = start_background_worker(stack.settings, stack.engine)
    try:
        case_id = approved(stack, session)
        deadline = time.monotonic() + 20
        while not settled(stack, case_id, CaseStatus.PROFILE_CREATED):
            assert time.monotonic() < deadline, "the background worker did not create the profile"
            time.sleep(0.05)
    finally:
        worker.stop()

    assert not worker.is_running
