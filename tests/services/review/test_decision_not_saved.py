"""A database connection dropped in the middle of a decision: "not saved, try again", and the
retry saves it exactly once (PostgreSQL: the connection is really terminated by the server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case
from checker_console.services.unit_of_work import NotSaved
from checker_console.store.db import get_engine
from checker_console.store.models import Application, Decision
from checker_console.ui.calls import run_service
from tests.standins.support import ALL_CONFIRMED, CHECKER, queued_case
from tests.support.asyncio_run import run_async
from tests.support.servers import app_settings


def _decisions(engine: Engine, case_id: int) -> int:
    with Session(engine) as session:
        return int(
            session.exec(
                select(func.count()).select_from(Decision).where(Decision.application_id == case_id)
            ).one()
        )


def test_a_dropped_connection_during_a_decision_says_not_saved_and_the_retry_saves_once(
    engine: Engine, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the server ends the connection: PostgreSQL only")
    case = queued_case(session, LocalBlobStore(tmp_path / "blobs"), number=1)
    assert claim_next_case(session, checker_id=CHECKER) is not None
    with app_settings(monkeypatch, engine, tmp_path / "data"):
        console_engine = get_engine()
        dropped: list[int] = []

        @event.listens_for(console_engine, "before_cursor_execute")
        def drop_once(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if not dropped and statement.lstrip().upper().startswith("INSERT INTO DECISION"):
                pid = conn.connection.dbapi_connection.info.backend_pid
                dropped.append(pid)
                with engine.connect() as admin:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                    admin.commit()

        with pytest.raises(NotSaved) as not_saved:
            run_async(
                run_service(
                    approve_case, case_id=case.id, checker_id=CHECKER, checklist=ALL_CONFIRMED
                )
            )
        assert dropped, "the decision never reached the database"
        assert "Not saved" in str(not_saved.value) and "try again" in str(not_saved.value)
        assert _decisions(engine, case.id) == 0

        result = run_async(
            run_service(approve_case, case_id=case.id, checker_id=CHECKER, checklist=ALL_CONFIRMED)
        )

    assert result.case_id == case.id
    assert _decisions(engine, case.id) == 1
    with Session(engine) as fresh:
        saved = fresh.get(Application, case.id)
        assert saved is not None and saved.status == CaseStatus.PROFILE_PENDING
