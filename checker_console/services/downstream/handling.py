"""What every outbox handler shares: the worker's context, the retry policy, and how a
transient failure is settled (retry later, or give up after the last attempt).

A handler (``services/downstream/profile_requests.py``, ``services/downstream/notifications.py``)
has two parts:
``process`` runs outside any transaction (it talks to the outside world), and ``give_up`` runs
inside the transaction that marks its message failed, to do whatever else failing means for that
kind of message (a profile request moves the case to ``profile_failed``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import BlobStore
from checker_console.adapters.cim import CallRecord, CimClient
from checker_console.adapters.notify import NotifyClient
from checker_console.clock import utcnow
from checker_console.services.downstream.outbox import (
    ClaimedMessage,
    holds_lease,
    lock_message,
    record_calls,
    schedule_retry,
)
from checker_console.settings import Settings
from checker_console.store.db import session_scope
from checker_console.store.models import OutboxMessage

log = logging.getLogger("checker_console.worker")

#: Who the audit log names for what the worker does on its own.
SYSTEM_ACTOR = "system.outbox"

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        if settings.outbox_max_attempts < 1:
            raise ValueError("CHECKER_OUTBOX_MAX_ATTEMPTS must be at least 1")
        return cls(settings.outbox_max_attempts, settings.outbox_backoff_ms / 1000)


@dataclass
class WorkerContext:
    engine: Engine
    settings: Settings
    worker_id: str
    cim: CimClient
    notify: NotifyClient
    blobs: BlobStore
    policy: RetryPolicy
    rng: random.Random = field(default_factory=random.Random)

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, ...)`` in its own transaction on a worker thread."""

        def call() -> T:
            with session_scope(self.engine) as session:
                return fn(session, *args, **kwargs)

        return await asyncio.to_thread(call)


class Handler(Protocol):
    async def process(self, ctx: WorkerContext, message: ClaimedMessage) -> None: ...

    def give_up(
        self, session: Session, message: OutboxMessage, *, reason: str, now: datetime
    ) -> None: ...


def settle_transient(
    session: Session,
    handler: Handler,
    *,
    message_id: int,
    worker_id: str,
    reason: str,
    calls: list[CallRecord] | None = None,
    policy: RetryPolicy,
    rng: random.Random,
    now: datetime | None = None,
) -> str:
    """Record a failure that may pass: retry later, or give up if that was the last attempt.

    Only the lease holder decides; a worker whose lease was taken over records its calls only.
    """
    when = now or utcnow()
    row = lock_message(session, message_id)
    record_calls(session, message_id, calls or [])
    if not holds_lease(row, worker_id):
        return "lease lost: calls recorded only"
    if row.attempts >= policy.max_attempts:
        final = f"Gave up after {row.attempts} attempts. Last error: {reason}"
        handler.give_up(session, row, reason=final, now=when)
        session.add(row)
        log.warning("message %s (%s) failed: %s", row.id, row.kind, final)
        return "failed"
    due = schedule_retry(row, error=reason, now=when, base_s=policy.backoff_s, rng=rng)
    session.add(row)
    return f"retry at {due.isoformat(timespec='seconds')}"


def give_up_now(
    session: Session, handler: Handler, *, message_id: int, worker_id: str, reason: str
) -> str:
    """Fail a message without another try (a permanent refusal, or a worker crash loop)."""
    row = lock_message(session, message_id)
    if not holds_lease(row, worker_id):
        return "lease lost"
    handler.give_up(session, row, reason=reason, now=utcnow())
    session.add(row)
    return "failed"
