"""Writing the synthetic past fast: multi-row inserts on SQLite, COPY on PostgreSQL.

The rows come from ``history.py``; ``bench/dashboard.py`` writes a million decisions this way.
Rows carry their ids, so ``next_free_id`` keeps them clear of what the console already holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text
from sqlmodel import Session, col

from checker_console.clock import LONDON
from checker_console.sample.organisations import SAMPLE_ORGS
from checker_console.store.models import (
    Application,
    Decision,
    Invitation,
    Organisation,
    OutboxMessage,
)
from checker_console.store.rollup_models import ROLLUP_TABLES

if TYPE_CHECKING:  # history.py imports this module to write what it makes
    from checker_console.sample.history import HistoryRows


def ensure_sample_organisations(session: Session) -> list[int]:
    """The sample organisations' ids, creating any that are missing."""
    ids = []
    for org in SAMPLE_ORGS:
        found = session.scalar(
            select(col(Organisation.id)).where(col(Organisation.code) == org.code)
        )
        if found is None:
            row = Organisation(code=org.code, name=org.name)
            session.add(row)
            session.flush()
            found = row.id
        assert found is not None
        ids.append(found)
    session.commit()
    return [int(i) for i in ids]


def next_free_id(engine: Engine) -> int:
    """One more than the highest id in any history table: rows are written with their ids."""
    with engine.connect() as connection:
        highest = [
            connection.execute(select(func.max(model.id))).scalar() or 0
            for model in (Invitation, Application, OutboxMessage)
        ]
    return max(highest) + 1


def write_history(engine: Engine, rows: HistoryRows, *, chunk: int = 5000) -> None:
    """Insert the rows (COPY on PostgreSQL, multi-row INSERTs on SQLite); ids carry on after."""
    outbox_base = next_free_id(engine)
    for row in rows.outbox:
        row["id"] += outbox_base
    tables = [
        (Invitation, rows.invitations),
        (Application, rows.applications),
        (Decision, rows.decisions),
        (OutboxMessage, rows.outbox),
    ]
    with engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        for model, table_rows in tables:
            table = model.__table__  # type: ignore[attr-defined]
            if not table_rows:
                continue
            if postgres:
                _copy(connection, table.name, table_rows)
            else:
                for part in _chunks(table_rows, chunk):
                    connection.execute(insert(table), _sqlite_values(part))
        _forget_rollups_of(connection, rows.decisions)
        if postgres:
            for model, _ in tables:
                name = model.__table__.name  # type: ignore[attr-defined]
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'),"
                        f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
                    )
                )


def _forget_rollups_of(connection: Connection, decisions: list[dict[str, Any]]) -> None:
    """History writes decisions into past days: the dashboard counts those days again."""
    if not decisions:
        return
    days = [d["decided_at"].astimezone(LONDON).date() for d in decisions]
    for table in ROLLUP_TABLES:
        connection.execute(delete(table).where(table.c.day.between(min(days), max(days))))


def _chunks(items: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_values(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: json.loads(v) if k in ("reasons", "checklist", "payload") else v for k, v in r.items()}
        for r in rows
    ]


def _copy(connection: Any, table: str, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_naive(row[c]) for c in columns])


def _naive(value: Any) -> Any:
    """Stored times are naive UTC (``store.types.UTCDateTime``)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value
