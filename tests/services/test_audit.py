from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from checker_console.domain.audit_chain import canonical_body, chain_hash
from checker_console.services.audit import append_audit, verify_audit_chain
from checker_console.store.models import AuditEvent


def _write_events(session: Session, count: int) -> None:
    for n in range(count):
        append_audit(session, actor="checker.one", action="image.view", detail={"n": n})
    session.commit()


def _run_together(threads: list[threading.Thread]) -> None:
    """Start every writer, then wait for all: they append at the same time."""
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_an_untouched_chain_verifies(session: Session) -> None:
    _write_events(session, 5)
    result = verify_audit_chain(session)
    assert result.ok
    assert result.events_checked == 5


def test_changing_a_row_is_detected_at_that_row(session: Session) -> None:
    _write_events(session, 5)
    session.execute(text("UPDATE auditevent SET actor = 'mallory' WHERE sequence = 3"))
    session.commit()
    result = verify_audit_chain(session)
    assert not result.ok
    assert result.breaks[0].sequence == 3
    assert "changed" in result.breaks[0].reason


def test_deleting_a_row_is_detected(session: Session) -> None:
    _write_events(session, 5)
    session.execute(text("DELETE FROM auditevent WHERE sequence = 2"))
    session.commit()
    result = verify_audit_chain(session)
    assert not result.ok
    assert result.breaks[0].sequence == 3


def test_deleting_the_newest_rows_is_detected(session: Session) -> None:
    _write_events(session, 5)
    session.execute(text("DELETE FROM auditevent WHERE sequence >= 4"))
    session.commit()
    result = verify_audit_chain(session)
    assert not result.ok
    assert "newest" in result.breaks[-1].reason


def test_concurrent_writers_extend_one_unbroken_chain(engine: Engine) -> None:
    def writer() -> None:
        for _ in range(10):
            with Session(engine) as session:
                append_audit(session, actor="worker", action="test.write")
                session.commit()

    _run_together([threading.Thread(target=writer) for _ in range(4)])

    with Session(engine) as session:
        result = verify_audit_chain(session)
        sequences = [
            e.sequence for e in session.exec(select(AuditEvent).order_by(AuditEvent.sequence))
        ]
    assert result.ok, result.breaks
    assert sequences == list(range(1, 41))


def test_a_row_rewritten_with_a_recomputed_hash_is_caught_at_the_next_row(
    session: Session,
) -> None:
    _write_events(session, 5)
    forged = session.exec(select(AuditEvent).where(AuditEvent.sequence == 3)).one()
    forged.actor = "mallory"
    body = canonical_body(
        occurred_at=forged.occurred_at,
        actor=forged.actor,
        action=forged.action,
        application_id=forged.application_id,
        detail=forged.detail,
    )
    forged.hash = chain_hash(forged.prev_hash, forged.sequence, body)  # a self-consistent row
    session.add(forged)
    session.commit()

    result = verify_audit_chain(session)

    assert not result.ok
    assert [(b.sequence, b.reason) for b in result.breaks] == [
        (4, "link to the previous event does not match")
    ]


def test_a_transactions_events_keep_their_order_among_other_writers(engine: Engine) -> None:
    """A transaction's events are written together at its commit (in statements of up to
    eight): the chain stays whole and each transaction's events keep the order it gave them."""

    def writer(name: str, per_transaction: int) -> None:
        for _ in range(3):
            with Session(engine) as session:
                for n in range(per_transaction):
                    append_audit(session, actor=name, action="test.write", detail={"n": n})
                session.commit()

    _run_together([threading.Thread(target=writer, args=(f"writer.{n}", n)) for n in (1, 3, 19)])

    with Session(engine) as session:
        result = verify_audit_chain(session)
        events = list(session.exec(select(AuditEvent).order_by(AuditEvent.sequence)))
    assert result.ok, result.breaks
    assert [e.sequence for e in events] == list(range(1, 3 * (1 + 3 + 19) + 1))
    big = [e.detail["n"] for e in events if e.actor == "writer.19"]
    assert big == list(range(19)) * 3


def test_a_rolled_back_transaction_leaves_no_events_and_the_chain_goes_on(
    session: Session,
) -> None:
    append_audit(session, actor="checker.one", action="test.lost")
    session.rollback()
    _write_events(session, 2)

    assert [e.action for e in session.exec(select(AuditEvent))] == ["image.view"] * 2
    assert verify_audit_chain(session).ok


def test_reading_the_log_in_the_same_transaction_sees_what_it_appended(session: Session) -> None:
    append_audit(session, actor="checker.one", action="test.seen", detail={"n": 1})

    seen = session.exec(select(AuditEvent.action)).all()
    append_audit(session, actor="checker.one", action="test.seen_raw")
    seen_raw = session.execute(text("SELECT action FROM auditevent ORDER BY sequence")).all()

    assert seen == ["test.seen"]
    assert [row[0] for row in seen_raw] == ["test.seen", "test.seen_raw"]
    session.commit()
    assert verify_audit_chain(session).ok


def test_an_open_transaction_does_not_hold_the_chain_from_other_writers(engine: Engine) -> None:
    """The tip is taken by a transaction's last statement, not by its first append: a use case
    still at work (or waiting on its process) keeps no one else from writing the log."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the log does")
    with Session(engine) as busy, Session(engine) as other:
        append_audit(busy, actor="checker.one", action="test.first")
        busy.execute(text("SELECT 1"))  # the transaction is open, and has appended

        other.execute(text("SET LOCAL lock_timeout = '2s'"))
        append_audit(other, actor="checker.two", action="test.second")
        other.commit()  # before the change, this waited on the tip and timed out

        busy.commit()
    with Session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.sequence))]
        assert actions == ["test.second", "test.first"]
        assert verify_audit_chain(session).ok
