"""``checker-console scale-demo --workers N``: scale mode on this machine, to try it out.

PostgreSQL (``--pg-url``, a database called ``checker_scale_demo`` there), a Redis of its own,
moto's S3 server for the images, the CIM and Notify stand-ins, one ``checker-console worker``
for the background work, and the console on N server workers, with the same synthetic sample
cases as ``demo`` (drawn again at every start: the local S3 server keeps its objects in memory,
so the database starts empty too). Sign in at ``/auth/demo-sign-in?user=checker.one`` (demo
mode is on). Stop with Ctrl+C; everything it started stops with it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from checker_console.devtools.databases import ensure_database
from checker_console.devtools.scale_stack import running_scale_stack
from checker_console.services.identity.sessions import DEMO_USERS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=2, help="console server workers (2)")
    parser.add_argument("--port", type=int, default=3000, help="the console's port (3000)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CHECKER_SCALE_PG_URL", DEFAULT_PG),
        help="a PostgreSQL server where a database may be created (CHECKER_SCALE_PG_URL)",
    )
    parser.add_argument("--cases", type=int, default=60, help="sample cases on a new database")


def run(args: argparse.Namespace) -> int:
    # The local S3 server keeps objects in memory only: every start begins again, database too.
    database_url = ensure_database(args.pg_url, "checker_scale_demo", fresh=True)
    folder = PROJECT_ROOT / "data" / "scale-demo"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def seed(environment: dict[str, str]) -> None:
        print("Adding synthetic sample cases if there are none (about a second each)…")
        subprocess.run(
            [sys.executable, "-m", "checker_console.cli", "seed", "--cases", str(args.cases),
             "--seed", "7", "--if-empty"],
            env=environment,
            check=False,
        )  # fmt: skip

    with running_scale_stack(
        folder / "build",
        folder / "data",
        database_url=database_url,
        workers=args.workers,
        seed=seed,
        port=args.port,
    ) as stack:
        lines = [
            "",
            f"Scale mode is running: {stack.url}/cases on {args.workers} server workers.",
            f"  PostgreSQL {database_url.split('@')[-1]}, Redis {stack.redis_url}, "
            f"S3 {stack.s3_endpoint}",
            f"  Worker processes: {', '.join(map(str, stack.console_worker_pids())) or 'one'}",
            f"  Metrics: {stack.url}/metrics   Health: {stack.url}/_health",
            "Sign in directly:",
            *(
                f"  {user.display_name:<12} {stack.url}/auth/demo-sign-in?user={user.user_id}"
                for user in DEMO_USERS
            ),
            "Stop with Ctrl+C.",
        ]
        print("\n".join(lines), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0
