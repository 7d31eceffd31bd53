"""Where the console's own background work runs: in-process on the embedded default only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.background import embedded_background
from checker_console.settings import get_settings
from checker_console.store.models import Application
from tests.factories import make_case
from tests.support.asyncio_run import run_async
from tests.support.servers import app_settings


def _case_with_a_run_out_lease(engine: Engine) -> int:
    with Session(engine, expire_on_commit=False) as session:
        case = make_case(session, CaseStatus.IN_REVIEW, actor="checker.one")
        case.lease_holder = "checker.one"
        case.lease_expires_at = utcnow() - timedelta(minutes=1)
        session.add(case)
        session.commit()
        assert case.id is not None
        return case.id


async def _run_console_for(seconds: float) -> None:
    async with embedded_background(get_settings()):
        await asyncio.sleep(seconds)


def _status(engine: Engine, case_id: int) -> str:
    with Session(engine) as session:
        case = session.get(Application, case_id)
        assert case is not None
        return case.status


def test_the_embedded_console_sweeps_leases_itself_but_a_scale_mode_console_leaves_it(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = _case_with_a_run_out_lease(engine)
    with app_settings(monkeypatch, engine, tmp_path / "data", CHECKER_LEASE_SWEEP_SECONDS="0.2"):
        run_async(_run_console_for(1.5))

    if engine.dialect.name == "sqlite":
        assert _status(engine, case_id) == CaseStatus.QUEUED
    else:  # scale mode: `checker-console worker` sweeps, once for the deployment
        assert _status(engine, case_id) == CaseStatus.IN_REVIEW
