"""A background job on a daemon thread: the lease sweeper, the purge, the rollups, the faces.

After a pass that found work (the job returned a true value) it goes again at once, so a
backlog drains; otherwise it waits ``interval_s``. A failure is logged and retried after the
wait, so one bad pass never stops the job.

A job that only fills in something for later (the face comparer) runs ``only_when_idle``: its
thread alone runs in the kernel's idle class (``cpu_priority.py``), so the outbox and the
sweeper beside it, and the console's web workers, get the cores first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from checker_console.cpu_priority import run_this_thread_only_when_idle

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
        only_when_idle: bool = False,
    ) -> None:
        """``first_now``: run once at start rather than after the first wait.
        ``only_when_idle``: this job's thread runs only on CPU nothing else wants."""
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self.first_now = first_now
        self.stop_timeout_s = stop_timeout_s
        self.only_when_idle = only_when_idle
        self.stop_event = threading.Event()
        self.runs = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        if self.only_when_idle:
            run_this_thread_only_when_idle()
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
