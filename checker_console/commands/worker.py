"""``checker-console worker``: send profile requests to CIM and emails to Notify (the outbox),
run the retention purge every ``CHECKER_PURGE_INTERVAL_SECONDS``, and roll up the dashboard's
closed days every ``CHECKER_ROLLUP_INTERVAL_SECONDS``.

Run as many as you like (scale mode); each claims its own messages under a lease. Stop with
Ctrl-C or SIGTERM: it finishes what it holds, then exits. If it is killed instead, whatever it
held is picked up again by any worker once the lease runs out.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from checker_console.services.background import dashboard_roller, retention_purger
from checker_console.services.downstream.worker import default_worker_id, run_worker_loop
from checker_console.settings import get_settings
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="handle what is due now, then exit")
    parser.add_argument(
        "--concurrency", type=int, help="messages handled at once (CHECKER_WORKER_CONCURRENCY)"
    )
    parser.add_argument("--worker-id", help="name in leases and the audit log (host:pid)")
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate the database")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()
    engine = get_engine(settings.database_url)
    if not args.no_migrate:
        migrate(engine)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    jobs = (
        []
        if args.once
        else [retention_purger(settings).start(), dashboard_roller(settings).start()]
    )
    stats = run_worker_loop(
        stop,
        engine=engine,
        settings=settings,
        worker_id=args.worker_id or default_worker_id(),
        concurrency=args.concurrency,
        once=args.once,
    )
    for job in jobs:
        job.stop()
    print(f"worker finished: {stats.claimed} messages claimed, {stats.finished} handled")
    return 0
