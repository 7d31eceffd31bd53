"""Background work: the lease sweeper, the outbox worker, the retention purge, the dashboard's
rollups of closed days and the face comparer, once per deployment.

Where it runs:
- Embedded default (SQLite, one process): inside the console, in daemon threads.
- Scale mode (PostgreSQL, several console workers): in ``checker-console worker``, a process of
  its own. Console processes run none of it (``CHECKER_EMBEDDED_WORKER`` is off), so adding web
  workers for a burst never multiplies it, and a busy websocket worker never delays a sweep.

Either way the work runs only while its process leads (``services/leadership.py``: a PostgreSQL
advisory lock). Two worker processes for availability, or an embedded worker left on with
several web workers, still run it once; when the leader dies its lock goes with its session and
a standby takes over within ``LEADER_RETRY_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine

from checker_console.adapters.blobs import get_blob_store
from checker_console.observability.logs import log_event
from checker_console.observability.metrics import BACKGROUND_LEADING
from checker_console.services.downstream.worker import BackgroundWorker
from checker_console.services.leadership import Leadership
from checker_console.services.oversight.rollups import roll_up_recent_days
from checker_console.services.periodic import PeriodicJob
from checker_console.services.queue.leases import expire_leases
from checker_console.services.retention.policy import policy_in_force
from checker_console.services.retention.purge import purge
from checker_console.services.review.face_match import compute_pending
from checker_console.services.review.face_process import stop_face_process
from checker_console.settings import Settings, get_settings
from checker_console.store.db import get_engine, session_scope

log = logging.getLogger(__name__)


class _Stoppable(Protocol):
    def stop(self) -> None: ...


def sweep_leases() -> None:
    """Return cases whose lease ran out (closed tab, idle checker) to the queue."""
    with session_scope() as session:
        returned = expire_leases(session)
    if returned:
        log_event(log, "lease.expired", cases=returned)


def purge_expired_images(settings: Settings | None = None) -> None:
    """Delete the images of cases past the retention window (``services/retention``)."""
    settings = settings or get_settings()
    with session_scope() as session:
        report = purge(
            session, get_blob_store(), policy_in_force(settings), batch=settings.purge_batch
        )
    if report.cases or report.blobs_deleted or report.invitations_deleted:
        log_event(
            log,
            "retention.purged",
            cases=len(report.cases),
            blobs=report.blobs_deleted,
            invitations=report.invitations_deleted,
        )


def roll_up_dashboard_days(settings: Settings | None = None) -> None:
    """Roll up the dashboard figures of the London days that have settled (``oversight``)."""
    settings = settings or get_settings()
    with session_scope() as session:
        rolled = roll_up_recent_days(
            session, settle=timedelta(minutes=settings.rollup_settle_minutes)
        )
    if rolled:
        log_event(log, "dashboard.rolled_up", days=rolled)


class BackgroundRunner:
    """Wait to lead, then run the sweeper and (if asked) the outbox worker, the retention purge,
    the dashboard's rollups and the face comparer until stopped."""

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        engine: Engine | None = None,
        outbox: bool = True,
        sweep_s: float | None = None,
        retry_s: float | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.engine = engine or get_engine(self.settings.database_url)
        self.outbox = outbox
        self.sweep_s = sweep_s or self.settings.lease_sweep_seconds
        self.retry_s = retry_s or self.settings.leader_retry_seconds
        self.stop_event = threading.Event()
        self.leading = threading.Event()
        self.terms = 0
        self._leadership = Leadership(self.engine)
        self._thread = threading.Thread(target=self.run, name="background", daemon=True)

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                acquired = self._leadership.try_acquire()
            except Exception:  # noqa: BLE001 - the database may come back
                log.exception("could not ask for background leadership; trying again")
                acquired = False
            if not acquired:
                self.stop_event.wait(self.retry_s)
                continue
            self._lead()

    def _jobs(self) -> list[_Stoppable]:
        """What a leader runs: always the sweeper; with the outbox, everything else too."""
        settings = self.settings
        jobs: list[_Stoppable] = [PeriodicJob("lease-sweeper", self.sweep_s, sweep_leases).start()]
        if self.outbox:
            jobs.append(BackgroundWorker(settings=settings, engine=self.engine).start())
            jobs.append(
                PeriodicJob(
                    "retention-purge",
                    max(1, settings.purge_interval_seconds),
                    lambda: purge_expired_images(settings),
                ).start()
            )
            jobs.append(
                PeriodicJob(
                    "dashboard-rollups",
                    max(1, settings.rollup_interval_seconds),
                    lambda: roll_up_dashboard_days(settings),
                ).start()
            )
            if settings.face_match:  # dlib can take seconds a face: give it time to finish
                jobs.append(
                    PeriodicJob(
                        "face-matcher",
                        settings.face_match_poll_seconds,
                        lambda: compute_pending(limit=5),
                        first_now=True,
                        stop_timeout_s=30,
                    ).start()
                )
        return jobs

    def _lead(self) -> None:
        self.terms += 1
        self.leading.set()
        BACKGROUND_LEADING.set(1)
        log_event(log, "background.leading", pid=os.getpid(), outbox=self.outbox)
        jobs = self._jobs()
        try:
            while not self.stop_event.wait(self.retry_s):
                if not self._leadership.still_held():
                    log_event(log, "background.leadership_lost", level=logging.WARNING)
                    break
        finally:
            for job in jobs:
                job.stop()
            stop_face_process()  # started by the face comparer's first comparison, if any
            self._leadership.release()
            self.leading.clear()
            BACKGROUND_LEADING.set(0)
            log_event(log, "background.stopped", pid=os.getpid())

    def start(self) -> BackgroundRunner:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 40.0) -> None:
        self.stop_event.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout_s)


@asynccontextmanager
async def embedded_background(settings: Settings | None = None) -> AsyncIterator[None]:
    """In the console: on SQLite the sweeper (and the outbox worker, purge, rollups and face
    comparer unless ``CHECKER_EMBEDDED_WORKER=0``); on PostgreSQL all of it only if
    ``CHECKER_EMBEDDED_WORKER=1``, under leader election; otherwise ``checker-console worker``
    runs them."""
    settings = settings or get_settings()
    runner = None
    if settings.embedded_worker or settings.is_sqlite:
        runner = BackgroundRunner(settings=settings, outbox=settings.embedded_worker).start()
    try:
        yield
    finally:
        if runner is not None:
            runner.stop()
