"""``checker-console migrate``: bring the database to the newest schema."""

from __future__ import annotations

import argparse

from checker_console.settings import get_settings
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="defaults to DATABASE_URL or the embedded SQLite")


def run(args: argparse.Namespace) -> int:
    url = args.database_url or get_settings().database_url
    migrate(get_engine(url))
    print(f"Database is up to date ({url.split('@')[-1]}).")
    return 0
