"""A background job on a daemon thread: the lease sweeper, the purge, the rollups, the faces.

After a pass that found work (the job returned a true value) it goes again at once, so a
backlog drains; otherwise it waits ``interval_s``. A failure is logged and retried after the
wait, so one bad pass never stops the job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicJob:
    def __init__(
        self,
        name: str,
        interval_s: float,
        job: Callable[[], object],
        *,
        first_now: bool = False,
        stop_timeout_s: float = 10.0,
    ) -> None:
        """``first_now``: run once at start rather than after the first wait."""
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self.first_now = first_now
        self.stop_timeout_s = stop_timeout_s
        self.stop_event = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        if not self.first_now and self.stop_event.wait(self.interval_s):
            return
        while not self.stop_event.is_set():
            found_work = False
            try:
                found_work = bool(self.job())
                self.runs += 1
            except Exception:  # noqa: BLE001 - keep going; the next pass retries
                log.exception("%s failed; trying again in %.0f s", self.name, self.interval_s)
            if not found_work and self.stop_event.wait(self.interval_s):
                return

    def start(self) -> PeriodicJob:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self._thread.join(timeout=self.stop_timeout_s)
