"""Background work runs below the console, so a cohort's face comparisons never slow a page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="per-thread and per-session CPU weights are Linux's"
)

_LOWER_AND_REPORT = """
import os, sys
from checker_console.cpu_priority import lower_this_process_priority
lower_this_process_priority(int(sys.argv[1]))
print(os.getpriority(os.PRIO_PROCESS, 0))
print(open('/proc/self/autogroup').read() if os.path.exists('/proc/self/autogroup') else '')
"""


def _in_a_session_of_its_own(niceness: int) -> tuple[int, str]:
    """What a service manager does: start the worker as the leader of a session. Returns its
    priority and its session's autogroup line."""
    child = subprocess.run(
        [sys.executable, "-c", _LOWER_AND_REPORT, str(niceness)],
        capture_output=True,
        text=True,
        check=True,
        start_new_session=True,
    )
    priority, _, autogroup = child.stdout.partition("\n")
    return int(priority), autogroup.strip()


def test_the_background_worker_runs_below_the_console() -> None:
    priority, _ = _in_a_session_of_its_own(10)

    assert priority == 10


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no autogroup scheduling")
def test_as_a_session_leader_the_worker_also_lowers_its_session_s_share_of_the_cpu() -> None:
    """With autogroups the kernel shares the CPU between sessions first; a plain nice would
    only rank the worker against its own threads, and its face comparer would still take as
    much CPU as every console worker together."""
    _, autogroup = _in_a_session_of_its_own(10)

    assert autogroup.split()[-1:] == ["10"]  # "/autogroup-123 nice 10"


def test_a_niceness_of_zero_leaves_the_worker_as_it_was() -> None:
    priority, _ = _in_a_session_of_its_own(0)

    assert priority == 0
