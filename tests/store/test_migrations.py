"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

import checker_console.store.models  # noqa: F401  (registers the tables)
from checker_console.store.migrate import alembic_config, migrate


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == [], "add a migration for: " + repr(differences)


def test_claims_read_the_head_of_the_queue_by_a_queue_index(engine: Engine) -> None:
    """Not by ix_application_sla_due, which holds every case: a claim would step over them all.

    PostgreSQL is given ix_application_waiting (queued cases only) for this; SQLite reads
    ix_application_queue as a covering range, which serves as well.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            plan = "\n".join(
                row[0]
                for row in connection.exec_driver_sql(
                    "EXPLAIN SELECT id FROM application WHERE status = 'queued' "
                    "ORDER BY sla_due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
                )
            )
        else:
            plan = "\n".join(
                str(row[-1])
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT id FROM application WHERE status = 'queued' "
                    "ORDER BY sla_due_at, id LIMIT 1"
                )
            )
    expected = (
        "ix_application_waiting" if engine.dialect.name == "postgresql" else "ix_application_"
    )
    assert expected in plan and "ix_application_sla_due" not in plan


def test_a_database_from_the_first_release_upgrades_in_place_keeping_its_rows(
    engine: Engine,
) -> None:
    """What a console started on an existing database does: 0001 to the newest, data kept."""
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO usersession (id, user_id, display_name, roles, created_at, "
                "last_seen_at, expires_at) VALUES ('kept', 'checker.one', 'Sam Patel', '[]', "
                ":now, :now, :now)"
            ),
            {"now": datetime(2026, 11, 1, 9, 0)},
        )

    migrate(engine)

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        kept = connection.execute(
            text("SELECT display_name, email FROM usersession WHERE id = 'kept'")
        ).one()
    assert differences == []
    assert tuple(kept) == ("Sam Patel", None)
