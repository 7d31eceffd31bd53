"""The outbox worker: claims due messages under a lease and hands each to its handler.

Runs as ``checker-console worker`` (its own process, scale mode) or inside the app on the
embedded default (:func:`start_background_worker`). Any number may run at once: claims never
hand one message to two live workers, and a dead worker's messages come back when its lease ends.

Each message gets a deadline shorter than its lease, so a live worker always finishes (or
abandons) a message before anyone else may take it over.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import get_blob_store
from checker_console.adapters.cim import CimClient
from checker_console.adapters.notify import NotifyClient
from checker_console.services.downstream.handling import (
    Handler,
    RetryPolicy,
    WorkerContext,
    give_up_now,
    settle_transient,
)
from checker_console.services.downstream.notifications import NotificationHandler
from checker_console.services.downstream.outbox import (
    ClaimedMessage,
    OutboxKind,
    claim_due,
    mark_failed,
)
from checker_console.services.downstream.profile_requests import ProfileRequestHandler
from checker_console.settings import Settings, get_settings
from checker_console.store.db import get_engine
from checker_console.store.models import OutboxMessage

log = logging.getLogger("checker_console.worker")

_notifications = NotificationHandler()
HANDLERS: dict[str, Handler] = {
    OutboxKind.CREATE_PROFILE: ProfileRequestHandler(),
    OutboxKind.NOTIFY_REJECTED: _notifications,
    OutboxKind.NOTIFY_PROFILE_CREATED: _notifications,
    OutboxKind.NOTIFY_REJECTED_APPLICANT: _notifications,
    OutboxKind.NOTIFY_RA_REINVITE: _notifications,
}

#: Share of the lease a message may take before the worker abandons it.
DEADLINE_SHARE = 0.8


@dataclass
class WorkerStats:
    claimed: int = 0
    finished: int = 0
    errors: int = 0


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class _Unhandled:
    """Stands in for a handler when a message's kind is unknown: it can only fail."""

    async def process(self, ctx: WorkerContext, message: ClaimedMessage) -> None:
        await ctx.db(
            give_up_now,
            self,
            message_id=message.id,
            worker_id=ctx.worker_id,
            reason=f"No handler for messages of kind {message.kind!r}: is this worker too old?",
        )

    def give_up(
        self, session: Session, message: OutboxMessage, *, reason: str, now: datetime
    ) -> None:
        mark_failed(message, error=reason, now=now)


async def _run_one(ctx: WorkerContext, message: ClaimedMessage, deadline_s: float) -> None:
    handler = HANDLERS.get(message.kind) or _Unhandled()
    if message.attempts > ctx.policy.max_attempts:
        reason = (
            f"Claimed {message.attempts} times without an outcome: the worker stopped each time "
            "it handled this. Look at the worker's log before retrying."
        )
        await ctx.db(
            give_up_now, handler, message_id=message.id, worker_id=ctx.worker_id, reason=reason
        )
        return
    try:
        async with asyncio.timeout(deadline_s):
            await handler.process(ctx, message)
        return
    except TimeoutError:
        reason = f"Took longer than {deadline_s:.0f}s; abandoned so that another try can start."
    except Exception as exc:  # noqa: BLE001 - a bug in one message must not stop the others
        log.exception("message %s (%s) failed unexpectedly", message.id, message.kind)
        reason = f"Unexpected error in the worker: {type(exc).__name__}: {exc}"[:1000]
    await ctx.db(
        settle_transient,
        handler,
        message_id=message.id,
        worker_id=ctx.worker_id,
        reason=reason,
        policy=ctx.policy,
        rng=ctx.rng,
    )


def _count_finished(tasks: set[asyncio.Task[None]], stats: WorkerStats) -> None:
    """Count finished tasks; one that failed even to record its failure (the database went
    away) is only logged: its lease runs out and another try picks it up."""
    for task in tasks:
        stats.finished += 1
        if not task.cancelled() and task.exception() is not None:
            stats.errors += 1
            log.error("recording an outcome failed: %r", task.exception())


async def run_worker(
    stop: threading.Event,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    worker_id: str | None = None,
    concurrency: int | None = None,
    once: bool = False,
) -> WorkerStats:
    """Claim and process messages until ``stop`` is set (or, with ``once``, until none is due)."""
    settings = settings or get_settings()
    concurrency = max(1, concurrency or settings.worker_concurrency)
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=concurrency * 2 + 4, thread_name_prefix="outbox")
    )
    lease_s = float(settings.outbox_lease_seconds)
    deadline_s = lease_s * DEADLINE_SHARE
    ctx = WorkerContext(
        engine=engine or get_engine(settings.database_url),
        settings=settings,
        worker_id=worker_id or default_worker_id(),
        cim=CimClient.from_settings(settings),
        notify=NotifyClient.from_settings(settings),
        blobs=get_blob_store(settings.blob_dir),
        policy=RetryPolicy.from_settings(settings),
        rng=random.Random(),
    )
    worst_case_s = max(ctx.cim.worst_case_seconds, ctx.notify.worst_case_seconds)
    if worst_case_s > deadline_s:
        log.warning(
            "a call to CIM or Notify can take up to %.0fs but a message gets %.0fs: raise "
            "CHECKER_OUTBOX_LEASE_SECONDS or lower CHECKER_CIM_TIMEOUT_MS/RETRIES",
            worst_case_s,
            deadline_s,
        )
    stats = WorkerStats()
    running: set[asyncio.Task[None]] = set()
    poll_s = settings.outbox_poll_ms / 1000
    batch = max(1, concurrency // 4)
    log.info("worker %s started (concurrency %d)", ctx.worker_id, concurrency)
    try:
        while not stop.is_set():
            claimed: list[ClaimedMessage] = []
            room = concurrency - len(running)
            # Claim in batches while busy: one claim transaction per message would compete
            # with the outcomes for the database.
            if room >= batch or (room > 0 and not running):
                try:
                    claimed = await ctx.db(
                        claim_due, worker_id=ctx.worker_id, limit=room, lease_seconds=lease_s
                    )
                except Exception:  # noqa: BLE001 - the database may be back on the next poll
                    log.exception("claiming messages failed; trying again shortly")
                    stats.errors += 1
            for message in claimed:
                task = asyncio.create_task(_run_one(ctx, message, deadline_s))
                running.add(task)
            stats.claimed += len(claimed)
            if once and not claimed and not running:
                break
            if claimed and len(running) < concurrency:
                continue  # there may be more due right now
            if running:
                done, _ = await asyncio.wait(
                    running, timeout=poll_s, return_when=asyncio.FIRST_COMPLETED
                )
                running -= done
                _count_finished(done, stats)
            else:
                await asyncio.sleep(poll_s)
        if running:
            await asyncio.wait(running)
            _count_finished(running, stats)
    finally:
        await ctx.cim.aclose()
        log.info("worker %s stopped: %s", ctx.worker_id, stats)
    return stats


def run_worker_loop(
    stop_event: threading.Event | None = None,
    *,
    engine: Engine | None = None,
    settings: Settings | None = None,
    worker_id: str | None = None,
    concurrency: int | None = None,
    once: bool = False,
) -> WorkerStats:
    """Blocking: run the worker on a fresh event loop in this thread (CLI, app thread, tests)."""
    return asyncio.run(
        run_worker(
            stop_event or threading.Event(),
            engine=engine,
            settings=settings,
            worker_id=worker_id,
            concurrency=concurrency,
            once=once,
        )
    )


class BackgroundWorker:
    """The worker in a daemon thread of the app (embedded default): ``start()``, ``stop()``."""

    def __init__(self, *, settings: Settings | None = None, engine: Engine | None = None) -> None:
        self.stop_event = threading.Event()
        self._thread = threading.Thread(
            target=run_worker_loop,
            args=(self.stop_event,),
            kwargs={
                "settings": settings,
                "engine": engine,
                "worker_id": f"app:{default_worker_id()}",
            },
            name="outbox-worker",
            daemon=True,
        )

    def start(self) -> BackgroundWorker:
        self._thread.start()
        return self

    @property
    def is_running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout_s: float = 30.0) -> None:
        self.stop_event.set()
        self._thread.join(timeout=timeout_s)


def start_background_worker(
    settings: Settings | None = None, engine: Engine | None = None
) -> BackgroundWorker:
    return BackgroundWorker(settings=settings, engine=engine).start()
