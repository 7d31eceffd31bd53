"""Pooled PostgreSQL connections: pinged before use only after sitting idle, and replaced then
if the server closed them, so nobody sees the error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from checker_console.store import db
from checker_console.store.db import make_engine


@pytest.fixture
def pooled(engine: Engine) -> Iterator[Engine]:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite connections are files: nothing closes them behind the pool's back")
    console = make_engine(engine.url.render_as_string(hide_password=False))
    yield console
    console.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_the_server_closed_while_it_sat_idle_is_replaced_before_use(
    engine: Engine, pooled: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    closed = _backend_pid(pooled)
    with engine.connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": closed})
        admin.commit()

    assert _backend_pid(pooled) != closed  # no error: a new connection took its place


def test_a_connection_in_steady_use_is_not_pinged(
    pooled: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings: list[object] = []
    real_ping = pooled.dialect.do_ping
    monkeypatch.setattr(pooled.dialect, "do_ping", lambda c: pings.append(c) or real_ping(c))

    first = _backend_pid(pooled)
    assert _backend_pid(pooled) == first  # the same connection, back from the pool
    assert pings == []

    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    assert _backend_pid(pooled) == first
    assert len(pings) == 1
