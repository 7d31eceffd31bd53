"""``checker-console seed --cases N --seed S``: fill the console with synthetic sample cases."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from sqlmodel import Session, func, select
from tqdm import tqdm

from checker_console.adapters.blobs import get_blob_store
from checker_console.clock import utcnow
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.sample.cases import DEFAULT_DEFECT_SHARE
from checker_console.sample.history import seed_history
from checker_console.sample.qa_history import seed_qa_history
from checker_console.sample.seeding import SeedSummary, seed_cases
from checker_console.settings import get_settings
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import Application


def _share(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{raw!r} is not a number: give a share like 0.3"
        ) from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{raw} is outside 0 to 1: give a share like 0.3")
    return value


def _count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the number of cases cannot be negative")
    return value


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=_count, default=60, help="how many cases (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same cases (default 1)")
    parser.add_argument(
        "--defect-share",
        type=_share,
        default=DEFAULT_DEFECT_SHARE,
        help=f"share of cases with defects a checker must catch (default {DEFAULT_DEFECT_SHARE})",
    )
    parser.add_argument(
        "--history-days",
        type=_count,
        default=21,
        help="also add this many days of decided history for the leads' dashboard, if the "
        "console has no decisions yet (default 21; 0 for none)",
    )
    parser.add_argument(
        "--history",
        type=_count,
        default=0,
        help="then decide this many as the demo checkers, with QA replays and golden cases",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="seed only if the console has no applications yet (used by the demo)",
    )


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    engine = get_engine()
    migrate(engine)
    if args.if_empty:
        with Session(engine) as session:
            existing = session.exec(select(func.count()).select_from(Application)).one()
        if existing:
            print(f"Not seeding: the console already has {existing} application(s).")
            return 0
    blobs = get_blob_store(settings.blob_dir)
    with progress_reporter(args.cases, sys.stdout) as step:
        summary = seed_cases(
            engine,
            blobs,
            settings,
            cases=args.cases,
            seed=args.seed,
            defect_share=args.defect_share,
            progress=lambda _case: step(),
        )
    print(describe(summary, seed=args.seed))
    history = seed_history(engine, days=args.history_days, seed=args.seed, now=utcnow())
    if not history.skipped:
        print(
            f"History: {history.cases:,} decided cases and {history.decisions:,} decisions "
            f"over the last {args.history_days} days, for the leads' dashboard."
        )
    qa_cases = getattr(args, "history", 0)
    if qa_cases and not summary.refused:
        with Session(engine, expire_on_commit=False) as session:
            qa = seed_qa_history(session, cases=qa_cases, seed=args.seed)
        print(
            f"QA history: {qa.decided} decided ({qa.golden} golden), "
            f"{qa.replayed} replayed by QA, {qa.ruled} disagreements ruled on."
        )
    return 1 if summary.refused else 0


@contextmanager
def progress_reporter(total: int, stream: TextIO) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; plain lines ("Seeding: 6 of 60 cases") every tenth of the
    way otherwise, so a log file or a pipe gets readable lines, not one long redrawn one."""
    if stream.isatty():
        with tqdm(total=total, unit="case", desc="Seeding", disable=total < 2, file=stream) as bar:

            def advance() -> None:
                bar.update(1)

            yield advance
        return
    done = 0
    every = max(1, total // 10)

    def step() -> None:
        nonlocal done
        done += 1
        if done % every == 0 or done == total:
            print(f"Seeding: {done} of {total} cases", file=stream, flush=True)

    yield step


def describe(summary: SeedSummary, *, seed: int) -> str:
    """The run in a few lines: how many cases, how a correct checker decides them, and why."""
    total = summary.approve + summary.reject
    lines = [
        f"Seed {seed}: {total} sample {'case' if total == 1 else 'cases'} ({summary.written} new, "
        f"{summary.already_present} already there) in {summary.seconds:.1f} s.",
        f"  approve: {summary.approve}",
        f"  reject:  {summary.reject}",
    ]
    for reason in RejectionReason:
        if summary.by_reason[reason]:
            lines.append(f"    {summary.by_reason[reason]:>3}  {REASON_TEXT[reason].label}")
    if summary.by_defect:
        defects = ", ".join(f"{name} {n}" for name, n in sorted(summary.by_defect.items()))
        lines.append(f"  defects: {defects}")
    for refusal in summary.refused:
        lines.append(f"  refused by intake: {refusal}")
    if summary.refused:
        lines.append("  Fix the cause above and run the same command again to finish.")
    return "\n".join(lines)
