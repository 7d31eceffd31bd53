"""``seed --history``: decided sample cases with QA replays, rulings and golden cases."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.sample.qa_history import seed_qa_history
from checker_console.sample.seeding import seed_cases
from checker_console.settings import get_settings
from checker_console.store.models import Application, OutboxMessage
from checker_console.store.qa_models import Adjudication, QaSample, QaVerdict

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_the_history_decides_cases_replays_some_and_never_sends_golden_cases_anywhere(
    engine: Engine, blobs: LocalBlobStore, settings_env: object
) -> None:
    seed_cases(engine, blobs, get_settings(), cases=5, seed=3, now=NOW)

    with Session(engine, expire_on_commit=False) as session:
        summary = seed_qa_history(session, cases=5, seed=3)

        def count(table: type, *where: object) -> int:
            return session.exec(select(func.count()).select_from(table).where(*where)).one()

        golden = session.exec(select(Application.id).where(Application.is_golden)).all()
        assert (summary.decided, summary.golden) == (5, 1)
        assert count(QaSample) == 4  # every decision but the golden ones: first 50 per checker
        assert count(QaVerdict) == summary.replayed > 0
        assert count(Adjudication) == summary.ruled
        assert count(OutboxMessage, OutboxMessage.application_id.in_(golden)) == 0
