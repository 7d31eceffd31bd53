"""Throwaway PostgreSQL databases for ``scale-demo``, ``bench team`` and the scale-mode tests."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url


def ensure_database(pg_server_url: str, name: str, *, fresh: bool) -> str:
    """A database called ``name`` on the server; emptied first when ``fresh``."""
    admin_url = make_url(pg_server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists and fresh:
                _disconnect_everyone(connection, name)
                connection.execute(text(f'DROP DATABASE "{name}"'))
            if not exists or fresh:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_database(pg_server_url: str, name: str) -> None:
    admin = create_engine(
        make_url(pg_server_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            _disconnect_everyone(connection, name)
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


def _disconnect_everyone(connection: Connection, name: str) -> None:
    connection.execute(
        text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"
        ),
        {"name": name},
    )
