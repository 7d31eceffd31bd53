from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def _rollups(settings_env: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "checker_console.cli", "rollups", *args]
    env = {**os.environ, "CHECKER_DATA_DIR": str(settings_env)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_rollups_command_rolls_up_closed_days_once_and_recounts_days_on_request(
    settings_env: Path,
) -> None:
    first = _rollups(settings_env)
    rolled = re.search(r"rolled up (\d+) closed day\(s\)", first.stdout)
    # How many of the sample's days are closed depends on today's date; some always are.
    assert first.returncode == 0 and rolled is not None and int(rolled.group(1)) > 0
    assert "rolled up 0 closed day(s)" in _rollups(settings_env).stdout
    again = _rollups(settings_env, "--recount", "2026-10-24", "2026-10-26")
    assert again.returncode == 0 and "counted 3 day(s) again" in again.stdout


def test_rollups_command_says_what_to_type_for_a_bad_date(settings_env: Path) -> None:
    refused = _rollups(settings_env, "--recount", "24/10/2026", "2026-10-26")
    assert refused.returncode != 0
    assert "Enter the first day as a date, like 2026-10-25" in refused.stderr
