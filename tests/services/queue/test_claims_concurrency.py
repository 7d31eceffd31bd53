"""Claims under load: many sessions in many threads, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlmodel import Session, select

from checker_console.services.audit import verify_audit_chain
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import expire_leases
from checker_console.store.models import Application, AuditEvent
from tests.services.queue.test_claims import T0, queued_cases

R = TypeVar("R")


def in_threads(engine: Engine, threads: int, work: Callable[[Session, int], R]) -> list[R]:
    """Run ``work(session, thread_number)`` in parallel threads, each with its own session."""

    def run(number: int) -> R:
        with Session(engine, expire_on_commit=False) as session:
            return work(session, number)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


def audit_counts(session: Session, action: str) -> Counter[int]:
    events = session.exec(select(AuditEvent.application_id).where(AuditEvent.action == action))
    return Counter(events.all())


def test_two_checkers_never_get_the_same_case(engine: Engine, session: Session) -> None:
    case_ids = queued_cases(session, list(range(200)))

    def claim_25(thread_session: Session, thread: int) -> list[int]:
        claims = [
            claim_next_case(thread_session, checker_id=f"checker.{thread}.{n}", now=T0)
            for n in range(25)
        ]
        return [claim.case_id for claim in claims if claim is not None]

    claimed = [case_id for per_thread in in_threads(engine, 8, claim_25) for case_id in per_thread]

    assert len(claimed) == 200
    assert sorted(claimed) == sorted(case_ids)
    assert audit_counts(session, "case.claim") == Counter(case_ids)
    holders = session.exec(select(Application.lease_holder)).all()
    assert len(set(holders)) == 200
    assert verify_audit_chain(session).ok


def test_one_checker_in_several_tabs_holds_one_case(engine: Engine, session: Session) -> None:
    queued_cases(session, list(range(10)))

    def claim_as_same_checker(thread_session: Session, _thread: int) -> int | None:
        claim = claim_next_case(thread_session, checker_id="checker.one", now=T0)
        return claim.case_id if claim else None

    claimed = in_threads(engine, 6, claim_as_same_checker)

    assert len(set(claimed)) == 1
    in_review = session.exec(select(Application).where(Application.status == "in_review")).all()
    assert [case.id for case in in_review] == claimed[:1]


def test_lease_expiry_from_many_processes_returns_each_case_once(
    engine: Engine, session: Session
) -> None:
    case_ids = queued_cases(session, list(range(30)))
    for n in range(30):
        claim_next_case(session, checker_id=f"checker.{n}", now=T0)
    later = T0 + timedelta(hours=1)

    returned = in_threads(engine, 4, lambda s, _n: expire_leases(s, now=later, batch=7))

    assert sum(returned) == 30
    assert audit_counts(session, "case.release") == Counter(case_ids)
    statuses = session.exec(select(Application.status)).all()
    assert set(statuses) == {"queued"}
