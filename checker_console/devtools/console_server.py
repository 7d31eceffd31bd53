"""Run the console built in production mode on a free port, for browser tests and benchmarks.

``running_console`` starts ``checker-console serve`` exactly as a deployment would (Reflex's
production build, one port) against a database and data folder of the caller's, waits until it
serves pages, and stops the whole process group at the end. The build gets its own Reflex web
folder, so a demo running from the same checkout is never disturbed. The first build installs
the frontend packages and can take a few minutes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT_S = 600


class ConsoleDidNotStart(Exception):
    """The console exited, or did not answer in time; the message ends with its log's tail."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log_tail(log_path: Path, lines: int = 40) -> str:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _wait_until_ready(
    url: str,
    process: subprocess.Popen[bytes],
    log_path: Path,
    progress: Callable[[str], None],
    timeout_s: float,
) -> None:
    started = time.monotonic()
    last_report = started
    while True:
        if process.poll() is not None:
            raise ConsoleDidNotStart(
                f"the console exited with code {process.returncode} before it served pages:\n"
                f"{log_tail(log_path)}"
            )
        try:
            response = httpx.get(f"{url}/cases/", timeout=5)
            if response.status_code == 200 and "<html" in response.text.lower():
                progress(f"ready at {url} after {time.monotonic() - started:.0f}s")
                return
        except httpx.HTTPError:
            pass
        now = time.monotonic()
        if now - started > timeout_s:
            raise ConsoleDidNotStart(
                f"the console did not answer within {timeout_s:.0f}s:\n{log_tail(log_path)}"
            )
        if now - last_report >= 30:
            last_report = now
            last_line = (log_tail(log_path, 1) or "starting").strip()[:120]
            progress(f"still building ({now - started:.0f}s): {last_line}")
        time.sleep(1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End the console and everything it started (Reflex, its server workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # workers that outlived their parent


@contextlib.contextmanager
def running_console(
    folder: Path,
    database_url: str,
    *,
    env: Mapping[str, str] | None = None,
    progress: Callable[[str], None] = print,
    timeout_s: float = BUILD_TIMEOUT_S,
    port: int | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> Iterator[str]:
    """Serve the console from ``folder`` (data, Reflex build, log) and yield its base URL.

    ``env`` adds or overrides settings (for example a short ``CHECKER_LEASE_SECONDS``).
    ``on_start`` is given the console's process (the leader of its process group) at once.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CHECKER_DATA_DIR": str(folder / "data"),
        "CHECKER_DEMO_MODE": "1",
        "CHECKER_APP_URL": url,
        "REFLEX_WEB_WORKDIR": str(folder / "web"),
        "REFLEX_STATES_WORKDIR": str(folder / "states"),
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("CHECKER_BLOB_DIR", None)
    environment.pop("CHECKER_REDIS_URL", None)
    environment.update(env or {})
    log_path = folder / "console.log"
    command = [sys.executable, "-m", "checker_console.cli", "serve", "--port", str(port)]
    progress(f"building and starting the console on {url} (log: {log_path})")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    if on_start is not None:
        on_start(process)
    try:
        _wait_until_ready(url, process, log_path, progress, timeout_s)
        yield url
    finally:
        stop(process)
