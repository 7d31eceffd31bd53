"""Background work the app does itself on the embedded default.

In scale mode these run as their own processes (``checker-console worker``) and any console
process may expire leases; on the embedded default one process does everything, so the app
starts the outbox worker and a lease sweeper in daemon threads for as long as it runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from checker_console.services.downstream.worker import start_background_worker
from checker_console.services.queue.leases import expire_leases
from checker_console.services.review.face_match import FaceMatcher
from checker_console.settings import Settings, get_settings
from checker_console.store.db import session_scope

log = logging.getLogger(__name__)

LEASE_SWEEP_SECONDS = 15.0


class LeaseSweeper:
    """Returns cases whose lease ran out (closed tab, idle checker) to the queue."""

    def __init__(self, interval_s: float = LEASE_SWEEP_SECONDS) -> None:
        self.interval_s = interval_s
        self.stop_event = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-sweeper", daemon=True)

    def _run(self) -> None:
        while not self.stop_event.wait(self.interval_s):
            try:
                with session_scope() as session:
                    returned = expire_leases(session)
                if returned:
                    log.info("returned %d case(s) with expired leases to the queue", returned)
            except Exception:  # noqa: BLE001 - keep sweeping; the next pass retries
                log.exception("lease sweep failed; trying again in %.0f s", self.interval_s)

    def start(self) -> LeaseSweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self._thread.join(timeout=10)


@asynccontextmanager
async def embedded_background(settings: Settings | None = None) -> AsyncIterator[None]:
    """Run the lease sweeper, and the outbox worker and face comparer if settings ask."""
    settings = settings or get_settings()
    sweeper = LeaseSweeper().start()
    worker = start_background_worker(settings) if settings.embedded_worker else None
    faces = (
        FaceMatcher(settings.face_match_poll_seconds).start()
        if settings.face_match and settings.embedded_worker
        else None
    )
    try:
        yield
    finally:
        sweeper.stop()
        if faces is not None:
            faces.stop()
        if worker is not None:
            worker.stop(timeout_s=10)
