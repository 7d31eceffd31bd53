"""Engine and session factory for SQLite (embedded default) and PostgreSQL (scale mode).

SQLite runs in WAL mode with ``BEGIN IMMEDIATE`` for every transaction: a transaction that reads
and then writes never fails half way with "database is locked", it waits for its turn instead.
That single writer at a time is also what makes a claim atomic on SQLite.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session

_engines: dict[str, Engine] = {}
#: A pooled PostgreSQL connection idle this long is pinged before it is used again: longer than
#: a busy console leaves one (well under a second), shorter than a database restart takes.
PING_AFTER_IDLE_S = 5.0


def _sha256_bytes(data: bytes | str) -> bytes:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).digest()


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # PostgreSQL has sha256() built in; the one-statement audit append needs it here too.
        dbapi_connection.create_function("sha256", 1, _sha256_bytes, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite files get their folder created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True
        )
        _prepare_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg"))
    # hide_parameters: a failed statement must not copy applicants' details into the logs.
    pool_size, max_overflow = _pool_sizes()
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_use_lifo=True,  # the connections in use stay warm; the others age into a ping
        hide_parameters=True,
    )
    _ping_connections_left_idle(engine)
    return engine


def _ping_connections_left_idle(engine: Engine) -> None:
    """Test a pooled connection before use only if it sat idle for ``PING_AFTER_IDLE_S``.

    Pinging every checkout (``pool_pre_ping``) costs each unit of work a round trip, and a team
    at work checks out a connection for every page event. A connection in steady use is
    known good; one left idle may have been closed by a proxy, a firewall, the server's idle
    timeout or a restart, and is replaced here before anyone sees an error. A connection that
    breaks under a statement fails its unit of work as a whole ("not saved, try again", see
    ``ui/calls.py``), and the pool then replaces every connection as old as the broken one.
    """

    @event.listens_for(engine, "checkin")
    def note_when_idle(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("a pooled connection left idle has gone") from error
        if not alive:
            raise DisconnectionError("a pooled connection left idle has gone")


def _pool_sizes() -> tuple[int, int]:
    """Connections per process (``CHECKER_DB_POOL_SIZE``/``_MAX_OVERFLOW``): every server
    worker has its own pool, so PostgreSQL must allow workers x (size + overflow) + workers."""
    from checker_console.settings import get_settings

    settings = get_settings()
    return settings.db_pool_size, settings.db_max_overflow


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the settings' DATABASE_URL)."""
    if url is None:
        from checker_console.settings import get_settings

        url = get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commits if the block finishes, rolls back if it raises."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_postgres(session_or_engine: Session | Engine) -> bool:
    bind = (
        session_or_engine.get_bind()
        if isinstance(session_or_engine, Session)
        else session_or_engine
    )
    return bind.dialect.name == "postgresql"
