"""The next-case reservation follows the claim's rules: never a checker's own application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from sqlalchemy import event
from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import release_case
from checker_console.services.queue.reservations import reserve_next_case
from checker_console.store.models import Application
from tests.factories import make_case

T0 = utcnow().replace(microsecond=0)


class _Case(Protocol):
    """A reservation or a claim: each names its case."""

    @property
    def case_id(self) -> int: ...


def _queued(session: Session, due_in_hours: int, email: str) -> int:
    case = make_case(session, CaseStatus.QUEUED)
    case.sla_due_at = T0 + timedelta(hours=due_in_hours)
    case.email = email
    session.add(case)
    session.commit()
    assert case.id is not None
    return case.id


def test_a_checker_s_next_case_is_never_reserved_from_their_own_application(
    session: Session,
) -> None:
    own = _queued(session, 1, "Mary.Seacole@example.org")  # first in line
    other = _queued(session, 2, "florence@example.org")

    reservation = reserve_next_case(
        session, checker_id="mary", checker_email="mary.seacole@example.org ", now=T0
    )
    session.commit()

    assert reservation is not None and reservation.case_id == other
    assert session.get(Application, own, populate_existing=True).reserved_by is None


def test_when_only_their_own_application_waits_a_checker_has_nothing_reserved(
    session: Session,
) -> None:
    own = _queued(session, 1, "mary.seacole@example.org")

    reservation = reserve_next_case(
        session, checker_id="mary", checker_email="mary.seacole@example.org", now=T0
    )
    session.commit()

    assert reservation is None
    assert session.get(Application, own, populate_existing=True).reserved_by is None


def _statements_for(session: Session, step: Callable[[], _Case | None]) -> tuple[int, int | None]:
    """How many SQL statements ``step`` (a reservation or a claim) and its commit took, and
    the case it got."""
    statements: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        got = step()
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), got.case_id if got else None


def _statements_to_reserve(session: Session, checker_id: str) -> tuple[int, int | None]:
    return _statements_for(
        session, lambda: reserve_next_case(session, checker_id=checker_id, now=T0)
    )


def _statements_to_claim(session: Session, checker_id: str) -> tuple[int, int | None]:
    return _statements_for(session, lambda: claim_next_case(session, checker_id=checker_id, now=T0))


def test_finding_a_checker_s_next_case_costs_the_same_however_many_colleagues_reserved_ahead(
    session: Session,
) -> None:
    """With a team at work the head of the queue is all colleagues' next cases: stepping over
    them one query at a time made every decision slower the bigger the team."""
    cases = [_queued(session, hours, f"applicant{hours}@example.org") for hours in range(1, 43)]
    alone, first = _statements_to_reserve(session, "checker.first")
    assert first == cases[0]
    for n in range(2, 41):
        reserve_next_case(session, checker_id=f"checker.{n}", now=T0)
        session.commit()

    behind_a_team, next_free = _statements_to_reserve(session, "checker.last")

    assert next_free == cases[40]  # the first case nobody has reserved
    assert behind_a_team == alone


def test_taking_one_s_reserved_case_costs_no_more_than_taking_the_head_of_the_queue(
    session: Session,
) -> None:
    """With a team at work nearly every claim takes a reservation. Every claim holds the audit
    chain's single tip until it commits; on PostgreSQL the queue head's claim is one statement,
    and a reserved case's claim took five round trips with the tip held, so the whole team's
    next cases queued behind each other."""
    first, second, _ = (
        _queued(session, hours, f"applicant{hours}@example.org") for hours in (1, 2, 3)
    )
    from_the_head, claimed = _statements_to_claim(session, "checker.one")
    assert claimed == first
    reservation = reserve_next_case(session, checker_id="checker.one", now=T0)
    assert reservation is not None and reservation.case_id == second
    release_case(session, case_id=first, checker_id="checker.one", now=T0)
    session.commit()

    from_the_reservation, claimed = _statements_to_claim(session, "checker.one")

    assert claimed == second
    assert from_the_reservation <= from_the_head
