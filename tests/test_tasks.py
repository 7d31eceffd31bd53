"""``python3 tasks.py demo`` stops quietly on Ctrl+C: no traceback, exit code 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: A child that serves until interrupted and then stops quietly, as ``checker-console demo`` does.
SERVER = (
    "import time\nprint('serving', flush=True)\n"
    "try:\n    time.sleep(60)\nexcept KeyboardInterrupt:\n    raise SystemExit(130)"
)
#: tasks.py's runner around that child.
RUNNER = f"import sys, tasks; sys.exit(tasks.run_until_stopped([sys.executable, '-c', {SERVER!r}]))"


def test_ctrl_c_on_a_running_task_stops_it_quietly_with_exit_code_130() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "serving"
    time.sleep(0.2)

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C does: the whole group gets SIGINT
    stdout, stderr = process.communicate(timeout=30)

    assert process.returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "Stopped." in stdout
