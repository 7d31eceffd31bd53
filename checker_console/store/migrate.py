"""Apply Alembic migrations programmatically: the console migrates itself on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to run on every start."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        ensure_audit_head(connection)


def ensure_audit_head(connection: Connection) -> None:
    """The audit chain's tip row must exist before two writers race to create it."""
    connection.execute(
        text(
            "INSERT INTO audithead (id, sequence, hash, prev_hash) SELECT 1, 0, :genesis, :genesis "
            "WHERE NOT EXISTS (SELECT 1 FROM audithead WHERE id = 1)"
        ),
        {"genesis": "0" * 64},
    )
