#!/usr/bin/env python3
"""The two quick-start commands, with nothing but Python needed to run them.

    python3 tasks.py demo   # virtualenv, install, migrate, sample cases, console on :3000
    python3 tasks.py test   # virtualenv, install, the whole test suite

and, for CI and before a commit, ``python3 tasks.py typecheck`` (mypy below ui/).
Everything else is ``checker-console COMMAND`` inside the virtualenv (``.venv``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"


def _say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_venv() -> None:
    """Create the virtualenv and install the project once; again only when pyproject changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 is
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        _say(f"Creating the virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    _say("Installing checker-console and its test tools (first run takes a few minutes)")
    subprocess.run([PYTHON, "-m", "pip", "install", "--upgrade", "pip"], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("REFLEX_USE_NPM", "1")
    return env


def run_until_stopped(command: list[str | Path]) -> int:
    """Run ``command`` and return its exit code. Ctrl+C reaches the child too (same process
    group): wait for it to finish stopping, then say so, without a traceback."""
    process = subprocess.Popen(command, cwd=ROOT, env=_env())
    try:
        return process.wait()
    except KeyboardInterrupt:
        try:
            process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.kill()
            process.wait()
        _say("Stopped.")
        return 130


def demo(args: list[str]) -> int:
    ensure_venv()
    return run_until_stopped([BIN / "checker-console", "demo", *args])


def test(args: list[str]) -> int:
    ensure_venv()
    return run_until_stopped([PYTHON, "-m", "pytest", *args])


def typecheck(args: list[str]) -> int:
    """mypy over the layers below ui/, as configured in pyproject.toml (CI runs it first)."""
    ensure_venv()
    return subprocess.call([PYTHON, "-m", "mypy", *args], cwd=ROOT, env=_env())


def main() -> int:
    commands = {"demo": demo, "test": test, "typecheck": typecheck}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except KeyboardInterrupt:  # while the virtualenv was being made
        _say("Stopped.")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
