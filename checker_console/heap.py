"""Keep Python's full garbage collections short in a long-running console process.

A server worker imports Reflex, the compiled pages, SQLAlchemy's mappers and the app's own
modules: some 190,000 objects that live as long as the process. Python's occasional full
(generation 2) collection walks every one of them, and while it does the worker's event loop
and service threads stand still: 30-200 ms at a time in the team benchmark, for every checker
on that worker. ``gc.freeze()`` moves what startup made into a generation the collector never
walks; what requests create afterwards is collected as before.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def freeze_what_startup_made() -> int:
    """Collect once, then exempt every surviving object from later collections; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@asynccontextmanager
async def startup_objects_frozen() -> AsyncIterator[None]:
    """A lifespan task: by the time a worker serves, the app it imported is frozen."""
    freeze_what_startup_made()
    yield
