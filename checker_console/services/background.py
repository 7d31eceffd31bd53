"""Background work the app does itself on the embedded default.

In scale mode these run as their own processes (``checker-console worker``) and any console
process may expire leases; on the embedded default one process does everything, so the app
starts the outbox worker, a lease sweeper, the retention purge and the dashboard's rollups of
closed days in daemon threads for as long
as it runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from checker_console.adapters.blobs import get_blob_store
from checker_console.services.downstream.worker import start_background_worker
from checker_console.services.oversight.rollups import roll_up_recent_days
from checker_console.services.queue.leases import expire_leases
from checker_console.services.retention.policy import policy_in_force
from checker_console.services.retention.purge import purge
from checker_console.settings import Settings, get_settings
from checker_console.store.db import session_scope

log = logging.getLogger(__name__)

LEASE_SWEEP_SECONDS = 15.0


class PeriodicJob:
    """Runs ``job`` every ``interval_s`` in a daemon thread; a failure is logged and retried."""

    def __init__(self, name: str, interval_s: float, job: Callable[[], None]) -> None:
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self.stop_event = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        while not self.stop_event.wait(self.interval_s):
            try:
                self.job()
            except Exception:  # noqa: BLE001 - keep going; the next pass retries
                log.exception("%s failed; trying again in %.0f s", self.name, self.interval_s)

    def start(self) -> PeriodicJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self._thread.join(timeout=10)


def sweep_leases() -> None:
    """Return cases whose lease ran out (closed tab, idle checker) to the queue."""
    with session_scope() as session:
        returned = expire_leases(session)
    if returned:
        log.info("returned %d case(s) with expired leases to the queue", returned)


def purge_expired_images(settings: Settings | None = None) -> None:
    """Delete the images of cases past the retention window (``services/retention``)."""
    settings = settings or get_settings()
    with session_scope() as session:
        report = purge(
            session, get_blob_store(), policy_in_force(settings), batch=settings.purge_batch
        )
    if report.cases or report.blobs_deleted or report.invitations_deleted:
        log.info("retention purge: %s", report.lines()[-1])


def roll_up_dashboard_days(settings: Settings | None = None) -> None:
    """Roll up the dashboard figures of the London days that have settled (``oversight``)."""
    settings = settings or get_settings()
    with session_scope() as session:
        rolled = roll_up_recent_days(
            session, settle=timedelta(minutes=settings.rollup_settle_minutes)
        )
    if rolled:
        log.info("dashboard: rolled up %d closed day(s)", rolled)


def dashboard_roller(settings: Settings) -> PeriodicJob:
    return PeriodicJob(
        "dashboard-rollups",
        max(1, settings.rollup_interval_seconds),
        lambda: roll_up_dashboard_days(settings),
    )


def lease_sweeper(interval_s: float = LEASE_SWEEP_SECONDS) -> PeriodicJob:
    return PeriodicJob("lease-sweeper", interval_s, sweep_leases)


def retention_purger(settings: Settings) -> PeriodicJob:
    return PeriodicJob(
        "retention-purge",
        max(1, settings.purge_interval_seconds),
        lambda: purge_expired_images(settings),
    )


@asynccontextmanager
async def embedded_background(settings: Settings | None = None) -> AsyncIterator[None]:
    """Run the lease sweeper, and with the embedded worker the outbox, purge and rollups."""
    settings = settings or get_settings()
    jobs = [lease_sweeper().start()]
    worker = None
    if settings.embedded_worker:
        worker = start_background_worker(settings)
        jobs.append(retention_purger(settings).start())
        jobs.append(dashboard_roller(settings).start())
    try:
        yield
    finally:
        for job in jobs:
            job.stop()
        if worker is not None:
            worker.stop(timeout_s=10)
