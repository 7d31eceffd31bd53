"""``checker-console rollups``: roll up the dashboard's closed days now, or count some again.

The background job (``CHECKER_ROLLUP_INTERVAL_SECONDS``) does the first on its own. ``--recount
FIRST LAST`` is for after decisions were written into past days from outside the console (a
restore, an import): those days' rollups are dropped and counted again from their decisions.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from checker_console.clock import utcnow
from checker_console.services.oversight.rollups import (
    ensure_rolled_up,
    forget_rollups,
    roll_up_recent_days,
)
from checker_console.services.oversight.scope import InvalidPeriod, london_days, parse_day
from checker_console.settings import get_settings
from checker_console.store.db import get_engine, session_scope
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recount",
        nargs=2,
        metavar=("FIRST", "LAST"),
        help="count these London days (YYYY-MM-DD) again from their decisions",
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    migrate(get_engine(settings.database_url))
    settle = timedelta(minutes=settings.rollup_settle_minutes)
    now = utcnow()
    with session_scope() as session:
        if args.recount:
            try:
                first = parse_day(args.recount[0], field="first day")
                last = parse_day(args.recount[1], field="last day")
                days = london_days(first, last).days
            except InvalidPeriod as error:
                raise SystemExit(f"rollups --recount: {error}") from None
            forget_rollups(session, first, last)
            rolled = ensure_rolled_up(session, days, now=now, settle=settle)
            waiting = len(days) - rolled
            print(f"counted {rolled} day(s) again" + _waiting(waiting))
        else:
            rolled = roll_up_recent_days(session, now=now, settle=settle)
            print(f"rolled up {rolled} closed day(s)")
    return 0


def _waiting(days: int) -> str:
    if not days:
        return ""
    minutes = get_settings().rollup_settle_minutes
    return f"; {days} not over for {minutes} minutes yet: counted on read until then"
