"""A TCP proxy in front of PostgreSQL that can cut a connection in the middle of a statement.

A dropped database connection is a network fault: the console's pool cannot tell it from a
PostgreSQL restart or a failover. Armed with a piece of SQL, the proxy passes everything through
until a client sends that SQL, then resets both sides of that one connection before the server
sees it, so the transaction dies half done, exactly as a dropped connection leaves it.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttingProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._cut_on: bytes | None = None
        self.cuts = 0
        threading.Thread(target=self._accept, name="cutting-proxy", daemon=True).start()

    def cut_when_sent(self, sql: str) -> None:
        """Cut the first connection that sends ``sql`` (once)."""
        with self._lock:
            self._cut_on = sql.encode()

    def _should_cut(self, data: bytes) -> bool:
        with self._lock:
            if self._cut_on is None or self._cut_on not in data:
                return False
            self._cut_on = None
            self.cuts += 1
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
                server = socket.create_connection(self.upstream)
            except OSError:
                return
            for source, target, from_client in ((client, server, True), (server, client, False)):
                threading.Thread(
                    target=self._pump, args=(source, target, from_client), daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_client and self._should_cut(data):
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for side in (source, target):
                with contextlib.suppress(OSError):
                    side.shutdown(socket.SHUT_RDWR)
                side.close()

    def close(self) -> None:
        self._server.close()
