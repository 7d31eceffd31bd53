"""One unit of work per use case, and reads that never leave a lock behind.

Convention for every service that changes something: it runs in the session it is given,
commits before it returns and rolls back if it raises, and it returns plain dataclasses built
before the commit, so callers never touch ORM objects after the transaction. Pass a session with
nothing pending (a fresh one, or one just committed): whatever it holds is committed or rolled
back with the call. Read-only functions end the transaction they start, so a SQLite write lock
is never left held by a page that only looked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


class NotSaved(Exception):
    """The database went away during the work: nothing was saved, and trying again is safe.

    A unit of work commits all or nothing, so a connection dropped before the commit leaves
    no trace; a retry runs the whole use case again on a fresh connection.
    """

    message = "Not saved: the connection to the database was lost. Nothing changed; try again."


@contextmanager
def unit_of_work(session: Session) -> Iterator[None]:
    """Commit the block's work, or roll all of it back if it raises."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def read_only(session: Session) -> Iterator[None]:
    """End the transaction a read started (and only that one): it holds a lock on SQLite."""
    started_here = not session.in_transaction()
    try:
        yield
    finally:
        if started_here:
            session.rollback()


def fresh(statement: SelectOfScalar[T]) -> SelectOfScalar[T]:
    """Overwrite objects the session already holds: a lease check must never read a stale copy.

    Sessions made with ``expire_on_commit=False`` keep what they loaded, and a row lock alone
    does not refresh it.
    """
    return statement.execution_options(populate_existing=True)
