"""The background job runner: drains a backlog at once, waits when idle, outlives a failure."""

from __future__ import annotations

import threading
import time

from checker_console.services.periodic import PeriodicJob


def test_a_job_that_finds_work_goes_again_at_once_and_waits_when_there_is_none() -> None:
    backlog = [3]  # three passes find work, then the job is idle
    idle = threading.Event()

    def one_pass() -> bool:
        if backlog[0]:
            backlog[0] -= 1
            return True
        idle.set()
        return False

    job = PeriodicJob("test", 60.0, one_pass, first_now=True).start()
    try:
        assert idle.wait(5)  # all three done without waiting the 60 s between them
        time.sleep(0.2)
        assert job.runs == 4  # and then it waits: no fifth pass
    finally:
        job.stop()


def test_a_failing_pass_is_logged_and_the_job_carries_on() -> None:
    passes: list[int] = []
    second = threading.Event()

    def flaky() -> None:
        passes.append(1)
        if len(passes) == 1:
            raise RuntimeError("the database went away")
        second.set()

    job = PeriodicJob("test", 0.05, flaky).start()
    try:
        assert second.wait(5)
    finally:
        job.stop()
    assert len(passes) >= 2


def test_without_first_now_the_job_waits_before_its_first_pass() -> None:
    ran = threading.Event()
    job = PeriodicJob("test", 60.0, ran.set).start()
    try:
        assert not ran.wait(0.3)
    finally:
        job.stop()
