from __future__ import annotations

import threading

from sqlalchemy import Engine, text
from sqlmodel import Session, select

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
