"""Run a stand-in's ASGI app with uvicorn: blocking for the CLI, or in a thread for tests and demo.

Both bind the socket first, so ``port=0`` picks a free port with no race, and the real address
is known before the first request.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _config(app: Any) -> uvicorn.Config:
    # No access log: thousands of requests per test run would drown the useful lines.
    return uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")


def serve_forever(app: Any, *, host: str, port: int, announce: bool = True) -> None:
    """Serve until interrupted; prints ``listening on URL`` (with the real port) when ready."""
    sock = bind(host, port)
    url = f"http://{host}:{sock.getsockname()[1]}"
    if announce:
        print(f"listening on {url}", flush=True)
    uvicorn.Server(_config(app)).run(sockets=[sock])


class ServerThread:
    """A stand-in served from a daemon thread of this process: ``with ServerThread(app) as s:``."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = bind(host, port)
        self.url = f"http://{host}:{self._sock.getsockname()[1]}"
        self._server = uvicorn.Server(_config(app))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self, timeout_s: float = 10.0) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the stand-in at {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class StandinProcess:
    """A stand-in started as its own process (``checker-console standin-...``), for the
    exactly-once test and the benchmark: ``with StandinProcess("standin-cim", ...) as cim:``."""

    def __init__(
        self,
        command: str,
        *args: str,
        env: dict[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self._log = open(log_path or os.devnull, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checker_console.cli", command, "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env={**os.environ, **(env or {})},
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"{command} did not start (said {line!r}); see {log_path}")
        self.url = line.removeprefix("listening on ")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def __enter__(self) -> StandinProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
