"""Background work yields the CPU to people: lower scheduling priority for batch work.

The face comparer takes seconds of CPU a case, and when a university invites a whole cohort it
runs flat out for an hour. Nobody waits on it; checkers wait on every page event. On one host
(``scale-demo``, or a small deployment) the two share cores, so the background process runs
below the console, and its face process (``services/review/face_process.py``) asks the kernel
to run it only when the cores are otherwise idle.

Linux schedules threads one by one (so a thread's own id lowers that thread alone) and, with
autogroups on, shares the CPU between *sessions* first: a process that is its own session
leader (as a service is) sets its session's weight through ``/proc/self/autogroup``; a plain
``nice`` would only rank it against its own threads. Elsewhere these calls do what the platform
allows and never fail the caller.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

AUTOGROUP = Path("/proc/self/autogroup")
LOWEST = 19


def lower_this_threads_priority(by: int) -> None:
    """Lower the calling thread only (Linux); elsewhere the thread keeps its process's."""
    try:
        thread_id = threading.get_native_id()
        current = os.getpriority(os.PRIO_PROCESS, thread_id)
        os.setpriority(os.PRIO_PROCESS, thread_id, min(LOWEST, current + by))
    except (AttributeError, OSError):
        log.info("could not lower the priority of %s", threading.current_thread().name)


def run_this_thread_only_when_idle() -> None:
    """Put the calling thread in Linux's idle class (``SCHED_IDLE``); elsewhere, lowest nice.

    A niceness only weighs the thread lighter, and the kernel still lets it finish its slice
    before a waking console thread runs there. An idle-class thread is preempted at once, and a
    core running only idle-class threads counts as free when the kernel places a waking thread,
    so a page event never queues behind a face comparison.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread alone
    except (AttributeError, OSError):
        lower_this_threads_priority(LOWEST)


def lower_this_process_priority(niceness: int) -> None:
    """Run this process (and, if it leads its session, the session) at ``niceness``."""
    niceness = min(LOWEST, niceness)
    if niceness <= 0:
        return
    try:
        current = os.nice(0)
        if niceness > current:  # only ever lower it: as root, a negative step would raise it
            os.nice(niceness - current)
    except OSError:
        log.info("could not lower this process's priority")
    if AUTOGROUP.exists() and os.getsid(0) == os.getpid():
        try:
            AUTOGROUP.write_text(str(niceness))
        except OSError:
            log.info("could not lower this session's CPU weight")
