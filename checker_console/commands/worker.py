"""``checker-console worker``: the deployment's background work, in a process of its own.

It runs the lease sweeper, the outbox worker (profile requests to CIM, emails to Notify), the
retention purge, the dashboard's rollups of closed days and the face comparer
(``CHECKER_FACE_MATCH``), but only while it leads: on
PostgreSQL one advisory lock names the leader, so a second worker process waits as a hot standby
and takes over within seconds if the leader dies. Stop with Ctrl-C or SIGTERM: it finishes what
it holds, then exits. It runs at a lower CPU priority than the console
(``CHECKER_WORKER_NICENESS``, see ``cpu_priority.py``): nothing in it is waited on by a person
the way page events are. If it is killed instead, whatever it held is picked up again by the next
leader once the lease runs out.

``--once`` handles the outbox messages due now and exits (no sweeper, no election).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from dataclasses import replace

from checker_console.cpu_priority import lower_this_process_priority
from checker_console.heap import freeze_what_startup_made
from checker_console.observability.logs import configure_logging
from checker_console.services.background import BackgroundRunner
from checker_console.services.downstream.worker import default_worker_id, run_worker_loop
from checker_console.settings import Settings, get_settings
from checker_console.standins._serve import ServerThread
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="handle what is due now, then exit")
    parser.add_argument(
        "--concurrency", type=int, help="messages handled at once (CHECKER_WORKER_CONCURRENCY)"
    )
    parser.add_argument("--worker-id", help="name in leases and the audit log (host:pid)")
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate the database")
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=get_settings().worker_metrics_port,
        help="serve /metrics on this port (CHECKER_WORKER_METRICS_PORT; default none)",
    )
    parser.add_argument("--metrics-host", default="127.0.0.1", help="address for /metrics")


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings.log_format)
    logging.getLogger("checker_console").info("worker starting")
    engine = get_engine(settings.database_url)
    if not args.no_migrate:
        migrate(engine)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.once:
        stats = run_worker_loop(
            stop,
            engine=engine,
            settings=settings,
            worker_id=args.worker_id or default_worker_id(),
            concurrency=args.concurrency,
            once=True,
        )
        print(f"worker finished: {stats.claimed} messages claimed, {stats.finished} handled")
        return 0
    if args.concurrency:
        settings = _with_concurrency(settings, args.concurrency)
    metrics = _serve_metrics(args.metrics_host, args.metrics_port) if args.metrics_port else None
    lower_this_process_priority(settings.worker_niceness)
    # A long pause to collect garbage here could fall while the worker holds the audit tip.
    freeze_what_startup_made()
    runner = BackgroundRunner(settings=settings, engine=engine).start()
    stop.wait()
    runner.stop()
    if metrics is not None:
        metrics.stop()
    print(f"worker finished after {runner.terms} term(s) as leader")
    return 0


def _serve_metrics(host: str, port: int) -> ServerThread:
    """The worker's own ``/metrics`` (same access rules as the console's)."""
    from starlette.applications import Starlette

    from checker_console.web.metrics import routes

    server = ServerThread(Starlette(routes=routes), host=host, port=port).start()
    logging.getLogger("checker_console").info("metrics at %s/metrics", server.url)
    return server


def _with_concurrency(settings: Settings, concurrency: int) -> Settings:
    return replace(settings, worker_concurrency=concurrency)
