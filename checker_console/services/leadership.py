"""One leader per deployment for periodic background work, by a PostgreSQL advisory lock.

The lease sweeper and the outbox worker must run once for the whole deployment, not once per
process. Whoever holds the session-level advisory lock ``BACKGROUND_LOCK`` is the leader. The
lock lives on a connection of its own, so it is released the moment the leader's process dies
(even by SIGKILL): PostgreSQL ends the session, and a standby takes over at its next try. A
leader that finds its connection gone stops its work before anyone else could start.

On SQLite there is one process by design (the embedded default), so it always leads.
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

log = logging.getLogger(__name__)

#: An arbitrary, fixed 64-bit key naming "the console's background work".
BACKGROUND_LOCK = 7_204_311_118_001


class Leadership:
    """``try_acquire()`` the lock; ``still_held()`` while working; ``release()`` at the end."""

    def __init__(self, engine: Engine, *, key: int = BACKGROUND_LOCK) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._is_sqlite

    @property
    def _is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def try_acquire(self) -> bool:
        if self._is_sqlite or self._connection is not None:
            return True
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar_one()
        except Exception:
            connection.invalidate()
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def still_held(self) -> bool:
        """True while our session (and so the lock) is alive."""
        if self._is_sqlite:
            return True
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() "
                    "AND objid = CAST(CAST(:key AS bigint) & 4294967295 AS oid) "
                    "AND classid = CAST(CAST(:key AS bigint) >> 32 AS oid)"
                ),
                {"key": self.key},
            ).scalar_one()
        except Exception:  # noqa: BLE001 - a dead connection means the lock is gone
            log.warning("lost the database connection that held background leadership")
            self._drop()
            return False
        if not held:
            self._drop()
        return bool(held)

    def release(self) -> None:
        if self._connection is None:
            return
        with contextlib.suppress(Exception):  # closing the session releases it anyway
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001
                connection.invalidate()
