"""Run a coroutine to completion from a synchronous test, whatever else the thread is doing.

Playwright's synchronous API keeps an event loop marked as running in the main thread for as
long as a browser fixture lives, and ``asyncio.run`` refuses to start inside it; a fresh thread
has no loop, so the coroutine always gets one of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
