"""``checker-console golden``: top the live queue up to the golden-case rate a lead set.

With ``CHECKER_GOLDEN_ONE_IN=N`` (0, the default, is off) the queue should hold one golden case
in N. The command draws as many synthetic sample cases as are missing, through the real intake,
and marks them golden (``services/oversight/golden.py``). Run it from a scheduler (for example
every hour) or by hand. Golden cases never create a CIS profile and never send an email.
"""

from __future__ import annotations

import argparse

from sqlmodel import Session, func, select

from checker_console.adapters.blobs import get_blob_store
from checker_console.sample.seeding import seed_cases
from checker_console.services.oversight.golden import golden_needed, mark_golden
from checker_console.settings import get_settings
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import Application

#: Golden cases are drawn from seeds of their own, apart from the demo's sample cases.
GOLDEN_SEED_BASE = 900_000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--one-in",
        type=int,
        default=None,
        help="the rate to top up to (default: CHECKER_GOLDEN_ONE_IN; 0 is off)",
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    one_in = settings.golden_one_in if args.one_in is None else args.one_in
    if one_in < 0:
        print("--one-in must be 0 (off) or more, for example 50.")
        return 2
    engine = get_engine()
    migrate(engine)
    with Session(engine, expire_on_commit=False) as session:
        needed = golden_needed(session, one_in)
        if needed == 0:
            state = "off" if one_in == 0 else f"at one in {one_in} already"
            print(f"No golden cases added: the golden rate is {state}.")
            return 0
        golden_so_far = session.exec(
            select(func.count()).select_from(Application).where(Application.is_golden)
        ).one()
        session.rollback()
    summary = seed_cases(
        engine,
        get_blob_store(settings.blob_dir),
        settings,
        cases=needed,
        seed=GOLDEN_SEED_BASE + golden_so_far,
    )
    with Session(engine, expire_on_commit=False) as session:
        marked = mark_golden(session, summary.application_ids)
    print(f"Added {marked} golden case(s) to the queue (one in {one_in}).")
    return 1 if summary.refused else 0
