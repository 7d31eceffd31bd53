from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "invitations_mixed.csv"


def test_invite_command_reports_bad_lines_and_is_repeatable(settings_env: Path) -> None:
    env_cmd = [sys.executable, "-m", "checker_console.cli", "invite", str(FIXTURE)]
    env = {**os.environ, "CHECKER_DATA_DIR": str(settings_env)}
    first = subprocess.run(env_cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 1  # some rows were refused
    assert "Imported 3 invitation(s)" in first.stdout
    assert "line 5: email 'not-an-email' is not an email address" in first.stderr

    second = subprocess.run(env_cmd, capture_output=True, text=True, env=env, timeout=120)
    assert "Imported 0 invitation(s); 3 already imported" in second.stdout
