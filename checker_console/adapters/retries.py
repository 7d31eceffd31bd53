"""How the CIM and Notify clients retry: which answers, how often, and how long they wait.

A failed call that another call may mend raises :class:`TryAgain`; :func:`retrying` (or
:func:`async_retrying`) makes up to ``retries`` more calls, each after a full-jitter backoff
(:func:`backoff_seconds`), and then lets the last ``TryAgain`` out for the client to turn into its
own "unavailable" error. Anything else a call raises ends the loop at once.

The loop is tenacity's. Tenacity rather than stamina (a friendlier wrapper around tenacity):
stamina's backoff is exponential plus an added jitter from the global ``random``, under a 45 s
overall timeout by default, while these clients keep full jitter drawn from the
``random.Random`` the worker passes in (seeded in tests) and a worst case
(:func:`longest_backoff_seconds`) that the outbox lease is sized from. Tenacity takes our wait
function as it is.
"""

from __future__ import annotations

import random
from typing import Any, TypedDict

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
)

from checker_console.settings import Settings

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_S = 10.0


def backoff_seconds(
    retry: int, base_s: float, rng: random.Random, cap_s: float = MAX_BACKOFF_S
) -> float:
    """Full jitter: a random wait up to ``base * 2**retry`` (capped), so retries spread out."""
    return rng.uniform(0, min(cap_s, base_s * (2**retry)))


def longest_backoff_seconds(retries: int, base_s: float, cap_s: float = MAX_BACKOFF_S) -> float:
    """The most :func:`backoff_seconds` can add up to over ``retries`` retries."""
    return sum(min(cap_s, base_s * 2**n) for n in range(retries))


class RetryOptions(TypedDict):
    timeout_s: float
    retries: int
    backoff_s: float


def retry_options(settings: Settings) -> RetryOptions:
    """Timeout and retries from ``CHECKER_CIM_*``, which the Notify client follows too."""
    return RetryOptions(
        timeout_s=settings.cim_timeout_ms / 1000,
        retries=settings.cim_retries,
        backoff_s=settings.cim_backoff_ms / 1000,
    )


class TryAgain(Exception):
    """One call failed in a way that another call may mend; the message says how."""


def _policy(retries: int, base_s: float, rng: random.Random) -> dict[str, Any]:
    def wait(state: RetryCallState) -> float:
        if state.attempt_number > retries:  # the last call failed: no wait follows, draw nothing
            return 0.0
        return backoff_seconds(state.attempt_number - 1, base_s, rng)

    return {
        "stop": stop_after_attempt(retries + 1),
        "wait": wait,
        "retry": retry_if_exception_type(TryAgain),
        "reraise": True,  # the last TryAgain itself, for the client to name its own error
    }


def retrying(retries: int, base_s: float, rng: random.Random) -> Retrying:
    """Up to ``retries`` more calls after :class:`TryAgain`, each after :func:`backoff_seconds`."""
    return Retrying(**_policy(retries, base_s, rng))


def async_retrying(retries: int, base_s: float, rng: random.Random) -> AsyncRetrying:
    """:func:`retrying` for async code (waits with ``asyncio.sleep``)."""
    return AsyncRetrying(**_policy(retries, base_s, rng))
