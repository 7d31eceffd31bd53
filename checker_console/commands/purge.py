"""``checker-console purge``: delete the images of cases past the retention policy's window.

``--dry-run`` lists what would go and changes nothing. The background worker runs the same
purge every ``CHECKER_PURGE_INTERVAL_SECONDS``; this command is for seeing it, and for running
it by hand (a rerun after any failure finishes what was left).
"""

from __future__ import annotations

import argparse
from datetime import datetime

from checker_console.adapters.blobs import get_blob_store
from checker_console.clock import utcnow
from checker_console.services.retention.policy import policy_in_force
from checker_console.services.retention.purge import purge
from checker_console.settings import get_settings
from checker_console.store.db import get_engine, session_scope
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="report what would go; change nothing"
    )
    parser.add_argument(
        "--as-of", help="purge as if it were this moment (ISO 8601, e.g. 2027-03-03T09:00Z)"
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    migrate(get_engine(settings.database_url))
    now = _moment(args.as_of) if args.as_of else utcnow()
    policy = policy_in_force(settings)
    for what, how_long in policy.describe():
        print(f"policy: {what}: {how_long}")
    with session_scope() as session:
        report = purge(
            session,
            get_blob_store(),
            policy,
            now=now,
            batch=settings.purge_batch,
            dry_run=args.dry_run,
        )
    for line in report.lines():
        print(line)
    return 0


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SystemExit(f"--as-of {text!r} is not a date and time: use 2027-03-03T09:00Z") from exc
    if moment.tzinfo is None:
        raise SystemExit(f"--as-of {text!r} has no time zone: add Z for UTC")
    return moment
