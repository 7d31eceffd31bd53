"""How an event handler calls a service: in a worker thread, inside one unit of work.

Handlers never open database sessions themselves. Running the blocking call in a thread keeps
one slow query from stalling every other user's events on the same server process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from checker_console.services.unit_of_work import NotSaved
from checker_console.store.db import session_scope

P = ParamSpec("P")
T = TypeVar("T")


async def run_service(
    service: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``service(session, *args, **kwargs)`` committed on success, rolled back if it raises.

    A dropped database connection becomes :class:`NotSaved`, so a page can say "not saved, try
    again" instead of failing silently.
    """

    def in_unit_of_work() -> T:
        with session_scope() as session:
            return service(session, *args, **kwargs)

    try:
        return await asyncio.to_thread(in_unit_of_work)
    except DBAPIError as error:
        if error.connection_invalidated or isinstance(error, OperationalError):
            raise NotSaved(NotSaved.message) from error
        raise
