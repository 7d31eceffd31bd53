"""Run a real ASGI server on 127.0.0.1 for a test, so HTTP is tested as HTTP.

``serve_app`` binds a socket to a free port itself (no race between finding a port and using
it), runs uvicorn on it in a background thread, and stops it when the block ends.
``app_settings`` points the app's settings at a test engine's database and a data folder, the
way a real process would be configured: through the environment.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import Engine

from checker_console.settings import get_settings
from checker_console.store.db import dispose_engines


@contextmanager
def serve_app(app: object, *, startup_timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 and yield its base URL, like ``http://127.0.0.1:53124``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test server on port {port} did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def app_settings(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, data_dir: Path, **env: str
) -> Iterator[None]:
    """Inside the block, ``get_settings()``/``get_engine()`` use ``engine``'s database.

    Extra ``env`` values (``CHECKER_INTAKE_TOKEN="..."``) are set too. The settings and engine
    caches are cleared on the way in and out; ``monkeypatch`` restores the environment after.
    """
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CHECKER_DATA_DIR", str(data_dir))
    monkeypatch.delenv("CHECKER_BLOB_DIR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    dispose_engines()
    try:
        yield
    finally:
        get_settings.cache_clear()
        dispose_engines()
