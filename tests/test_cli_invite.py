from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "invitations_mixed.csv"


def test_invite_command_reports_bad_lines_and_is_repeatable(settings_env: Path) -> None:
    env_cmd = [sys.executable, "-m", "checker_console.cli", "invite", str(FIXTURE)]
    env = {**os.environ, "CHECKER_DATA_DIR": str(settings_env)}
    for code, name in (("RX1", "Riverside University"), ("RX2", "Riverside NHS Trust")):
        added = subprocess.run(
            [sys.executable, "-m", "checker_console.cli", "organisation", "add", code, name],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert added.returncode == 0 and f"Registered {code}: {name}" in added.stdout
    first = subprocess.run(env_cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 1  # some rows were refused
    assert "Imported 3 invitation(s)" in first.stdout
    assert "line 5: email 'not-an-email' is not an email address" in first.stderr

    second = subprocess.run(env_cmd, capture_output=True, text=True, env=env, timeout=120)
    assert "Imported 0 invitation(s); 3 already imported" in second.stdout


def test_a_mistyped_organisation_code_is_refused_and_creates_nothing(
    settings_env: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "typo.csv"
    csv.write_text(
        "given_name,family_name,date_of_birth,email,mobile,org_code,cohort\n"
        "Ada,Lovelace,2000-12-10,ada@example.org,07700900131,ZZZ99,Computing\n"
    )
    env = {**os.environ, "CHECKER_DATA_DIR": str(settings_env)}
    run = [sys.executable, "-m", "checker_console.cli"]

    imported = subprocess.run(
        [*run, "invite", str(csv)], capture_output=True, text=True, env=env, timeout=120
    )
    listed = subprocess.run(
        [*run, "organisation", "list"], capture_output=True, text=True, env=env, timeout=120
    )

    assert imported.returncode == 1
    assert "line 2: organisation ZZZ99 is not registered" in imported.stderr
    assert "ZZZ99" not in listed.stdout
