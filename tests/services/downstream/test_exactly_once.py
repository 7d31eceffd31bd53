"""Exactly once, whatever fails: 500 approvals, 30% faults of every kind, a worker killed twice.

Everything runs as it does in production, as separate processes talking HTTP on 127.0.0.1: the
CIM stand-in (own SQLite store), the Notify stand-in, and ``checker-console worker``, which the
test kills with SIGKILL twice while it has work in flight, and starts again. The cases are
approved the way a checker approves them (claim, then approve) while the worker runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.audit import verify_audit_chain
from checker_console.services.downstream.board import downstream_counts
from checker_console.services.downstream.outbox import OutboxKind, OutboxStatus
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case
from checker_console.settings import get_settings
from checker_console.standins._serve import StandinProcess
from checker_console.store.models import Application, OutboxAttempt, OutboxMessage
from tests.standins.support import ALL_CONFIRMED, CIM_KEY, queued_cases

CASES = 500
#: The undo window the decisions run with (shorter than the 10 s default, to keep the run short).
UNDO_SECONDS = 3
#: A share of 30% of requests fail, split evenly over error, timeout, drop and lost response.
FAULTS = {"fault_rate": 0.3, "latency_ms": 20, "hang_seconds": 2}
#: Notify has no idempotency: a request it handles after we gave up could only be caught by
#: asking for it later, so its timeouts never complete late (see
#: services/downstream/notifications.py).
NOTIFY_FAULTS = {**FAULTS, "timeout_then_process": False}


def _worker_env(engine: Engine, tmp_path: Path, cim_url: str, notify_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CHECKER_DATA_DIR": str(tmp_path / "data"),
        "CHECKER_BLOB_DIR": str(tmp_path / "blobs"),
        "CHECKER_CIM_BASE_URL": cim_url,
        "CHECKER_CIM_API_KEY": CIM_KEY,
        "CHECKER_NOTIFY_BASE_URL": notify_url,
        "CHECKER_CIM_TIMEOUT_MS": "1000",
        "CHECKER_CIM_RETRIES": "3",
        "CHECKER_CIM_BACKOFF_MS": "50",
        "CHECKER_OUTBOX_BACKOFF_MS": "200",
        "CHECKER_OUTBOX_MAX_ATTEMPTS": "12",
        "CHECKER_OUTBOX_LEASE_SECONDS": "10",
        "CHECKER_OUTBOX_POLL_MS": "50",
    }


class Worker:
    """``checker-console worker`` as its own process, which the test may kill at any moment."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "checker_console.cli",
                    "worker",
                    "--no-migrate",
                    "--concurrency",
                    "16",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None and self.process.poll() is None, self.log_tail()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def _created(engine: Engine) -> int:
    """Profiles created so far, as the Profiles page counts them."""
    with Session(engine) as session:
        return downstream_counts(session).cases[CaseStatus.PROFILE_CREATED]


def _in_flight(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.IN_FLIGHT)
        ).one()
        session.rollback()
        return int(found)


def _wait(condition: Callable[[], bool], worker: Worker, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.log_tail()}")
        time.sleep(0.1)


def _emails_done(engine: Engine) -> bool:
    with Session(engine) as session:
        done = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == OutboxKind.NOTIFY_PROFILE_CREATED)
            .where(OutboxMessage.status == OutboxStatus.DONE)
        ).one()
        session.rollback()
        return int(done) == CASES


class Checkers:
    """A team approving every queued case in parallel, as checkers do: claim, then approve."""

    def __init__(self, engine: Engine, team: int = 4) -> None:
        self.engine = engine
        self.approved = 0
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._work, args=(f"checker.{n}",)) for n in range(team)
        ]

    def _work(self, checker_id: str) -> None:
        try:
            with Session(self.engine) as session:
                while (claimed := claim_next_case(session, checker_id=checker_id)) is not None:
                    approve_case(
                        session,
                        case_id=claimed.case_id,
                        checker_id=checker_id,
                        checklist=ALL_CONFIRMED,
                    )
                    with self._lock:
                        self.approved += 1
        except BaseException as exc:  # noqa: BLE001 - re-raised by join()
            self.errors.append(exc)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        if self.errors:
            raise self.errors[0]


@pytest.mark.slow
def test_500_approvals_make_500_profiles_and_500_emails_despite_faults_and_kills(
    engine: Engine,
    session: Session,
    tmp_path: Path,
    blobs: LocalBlobStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the undo window on: every decision's messages are held back for it, then sent."""
    monkeypatch.setenv("CHECKER_UNDO_SECONDS", str(UNDO_SECONDS))
    get_settings.cache_clear()
    queued_cases(session, blobs, CASES)
    faults, notify_faults = json.dumps(FAULTS), json.dumps(NOTIFY_FAULTS)
    cim_store, notify_store = tmp_path / "cim.db", tmp_path / "notify.db"
    with (
        StandinProcess(
            "standin-cim",
            "--store",
            str(cim_store),
            "--faults",
            faults,
            "--seed",
            "1",
            env={"CHECKER_CIM_API_KEY": CIM_KEY},
            log_path=tmp_path / "cim.log",
        ) as cim,
        StandinProcess(
            "standin-notify",
            "--store",
            str(notify_store),
            "--faults",
            notify_faults,
            "--seed",
            "2",
            log_path=tmp_path / "notify.log",
        ) as notify,
    ):
        worker = Worker(_worker_env(engine, tmp_path, cim.url, notify.url), tmp_path / "worker.log")
        checkers = Checkers(engine)
        worker.start()
        checkers.start()
        try:
            _wait(
                lambda: checkers.approved >= CASES // 3 and _in_flight(engine) > 0,
                worker,
                120,
                "a third of the approvals, with work in flight",
            )
            worker.kill()  # mid-run: approvals still coming, requests in flight
            worker.start()
            checkers.join()
            _wait(
                lambda: _created(engine) >= CASES * 2 // 3 and _in_flight(engine) > 0,
                worker,
                120,
                "two thirds of the profiles, with work in flight",
            )
            created_before_second_kill = _created(engine)
            worker.kill()
            worker.start()
            _wait(
                lambda: _created(engine) == CASES,
                worker,
                120,
                "every profile",
            )
            _wait(lambda: _emails_done(engine), worker, 60, "every email")
        finally:
            worker.stop()
            checkers.join()
        with httpx.Client(base_url=cim.url) as http:
            profiles = http.get("/admin/profiles").json()
            stats = http.get("/admin/stats").json()
        with httpx.Client(base_url=notify.url) as http:
            emails = http.get("/mailbox.json").json()

    with Session(engine) as check:
        cases = check.exec(select(Application)).all()
        requests = check.exec(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.CREATE_PROFILE)
        ).all()
        audit = verify_audit_chain(check)
        first_calls = dict(
            check.exec(
                select(OutboxAttempt.outbox_id, func.min(OutboxAttempt.started_at)).group_by(
                    OutboxAttempt.outbox_id
                )
            ).all()
        )

    assert worker.kills == 2 and created_before_second_kill < CASES
    # Exactly 500 profiles, none twice, each the one its case records.
    assert len(profiles) == CASES
    assert len({p["ni_number"] for p in profiles}) == CASES
    assert {c.cim_uuid for c in cases} == {p["uuid"] for p in profiles}
    assert {c.status for c in cases} == {CaseStatus.PROFILE_CREATED}
    # Every applicant got one email, with their own UUID.
    per_address = Counter(e["email_address"] for e in emails)
    assert len(emails) == CASES
    assert set(per_address.values()) == {1}
    for case in cases:
        [email] = [e for e in emails if e["email_address"] == case.email]
        assert f"Your UUID is: {case.cim_uuid}" in email["body"]
    # The faults really happened, and the killed worker's requests were taken over.
    assert {"error", "timeout", "drop", "lost_response"} <= set(stats["faults"])
    assert stats.get("requests_replayed", 0) > 0  # lost answers healed by the same key
    assert any(r.attempts > 1 for r in requests)
    assert audit.ok, audit.breaks[:3]
    # No profile was asked for before its decision's undo window had closed.
    window = timedelta(seconds=UNDO_SECONDS)
    assert all(first_calls[r.id] >= r.created_at + window for r in requests)
