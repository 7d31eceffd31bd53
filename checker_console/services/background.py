"""Background work: the lease sweeper and the outbox worker, once per deployment.

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

from sqlalchemy import Engine

from checker_console.observability.logs import log_event
from checker_console.observability.metrics import BACKGROUND_LEADING
from checker_console.services.downstream.worker import BackgroundWorker
from checker_console.services.leadership import Leadership
from checker_console.services.queue.leases import expire_leases
from checker_console.settings import Settings, get_settings
from checker_console.store.db import get_engine, session_scope

log = logging.getLogger(__name__)

LEASE_SWEEP_SECONDS = 15.0


class LeaseSweeper:
    """Returns cases whose lease ran out (closed tab, idle checker) to the queue."""

    def __init__(self, interval_s: float = LEASE_SWEEP_SECONDS) -> None:
        self.interval_s = interval_s
        self.stop_event = threading.Event()
        self.sweeps = 0
        self._thread = threading.Thread(target=self._run, name="lease-sweeper", daemon=True)

    def _run(self) -> None:
        while not self.stop_event.wait(self.interval_s):
            try:
                with session_scope() as session:
                    returned = expire_leases(session)
                self.sweeps += 1
                if returned:
                    log_event(log, "lease.expired", cases=returned)
            except Exception:  # noqa: BLE001 - keep sweeping; the next pass retries
                log.exception("lease sweep failed; trying again in %.0f s", self.interval_s)

    def start(self) -> LeaseSweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self._thread.join(timeout=10)


class BackgroundRunner:
    """Wait to lead, then run the sweeper and (if asked) the outbox worker until stopped."""

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

    def _lead(self) -> None:
        self.terms += 1
        self.leading.set()
        BACKGROUND_LEADING.set(1)
        log_event(log, "background.leading", pid=os.getpid(), outbox=self.outbox)
        sweeper = LeaseSweeper(self.sweep_s).start()
        worker = (
            BackgroundWorker(settings=self.settings, engine=self.engine).start()
            if self.outbox
            else None
        )
        try:
            while not self.stop_event.wait(self.retry_s):
                if not self._leadership.still_held():
                    log_event(log, "background.leadership_lost", level=logging.WARNING)
                    break
        finally:
            sweeper.stop()
            if worker is not None:
                worker.stop(timeout_s=30)
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
    """In the console: on SQLite the sweeper (and the outbox worker unless
    ``CHECKER_EMBEDDED_WORKER=0``); on PostgreSQL both only if ``CHECKER_EMBEDDED_WORKER=1``,
    under leader election; otherwise ``checker-console worker`` runs them."""
    settings = settings or get_settings()
    runner = None
    if settings.embedded_worker or settings.is_sqlite:
        runner = BackgroundRunner(settings=settings, outbox=settings.embedded_worker).start()
    try:
        yield
    finally:
        if runner is not None:
            runner.stop()
