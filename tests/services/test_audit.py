from __future__ import annotations

import threading

from sqlalchemy import Engine, text
from sqlmodel import Session, select

from checker_console.domain.audit_chain import canonical_body, chain_hash
from checker_console.services.audit import append_audit, verify_audit_chain
from checker_console.store.models import AuditEvent


def _write_events(session: Session, count: int) -> None:
    for n in range(count):
        append_audit(session, actor="checker.one", action="image.view", detail={"n": n})
    session.commit()


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

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

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
