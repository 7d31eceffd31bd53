"""``checker-console bench dashboard``: the leads' whole dashboard at national scale.

Loads ``--decisions`` decisions (default 1,000,000) over ``--cases`` cases (300,000) spread over
a year into a scratch PostgreSQL database with COPY, and a smaller set into SQLite, then times
``services.oversight.dashboard.dashboard`` (every figure on the page) for today, the last 7 days
and the last 30 days, ``--rounds`` times each, after the periodic job has rolled up the closed
days (as it would have in a running console; its time is printed too). The baseline, measured
in the same run, is one plain indexed ``GROUP BY`` over the decisions of the same periods. It
also times the live board's poll (``board_version``) and rebuild (``live_board``), and how long
a change takes to reach a listener pushed through PostgreSQL ``LISTEN``/``NOTIFY``, the
alternative to polling.
The last line is::

    RESULT pg_p95_ms=.. pg_baseline_ms=.. pg_over_baseline=.. sqlite_p95_ms=..
"""

from __future__ import annotations

import argparse
import math
import os
import select
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.claims import postgres_database, sqlite_database
from checker_console.clock import utcnow
from checker_console.sample.history import history_rows
from checker_console.sample.history_writer import (
    ensure_sample_organisations,
    next_free_id,
    write_history,
)
from checker_console.services.oversight.dashboard import dashboard
from checker_console.services.oversight.live_board import board_version, live_board
from checker_console.services.oversight.rollups import roll_up_recent_days
from checker_console.services.oversight.scope import Period, period_for
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate

DAYS = 365
#: Days written per batch: keeps the rows in memory to a few hundred MB at most.
BLOCK_DAYS = 15
PERIODS = ("today", "7d", "30d")


def load(engine: Engine, *, cases: int, decisions: int) -> None:
    """About ``cases`` applications and ``decisions`` decisions over the last year, one in 150
    still open (queued), planner statistics gathered."""
    with Session(engine) as session:
        organisation_ids = ensure_sample_organisations(session)
    # Arrivals a weekday; weekends have a third. One invitation in ten is never taken up.
    per_day = math.ceil(cases / 0.9 / (DAYS * (5 + 2 / 3) / 7))
    now = utcnow()
    for end in range(0, DAYS, BLOCK_DAYS):
        rows = history_rows(
            now=now - timedelta(days=end),
            days=min(BLOCK_DAYS, DAYS - end),
            cases_per_day=per_day,
            organisation_ids=organisation_ids,
            first_id=next_free_id(engine),
            seed=end + 1,
            decisions_per_case=decisions / cases,
        )
        write_history(engine, rows)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE application SET status = 'queued', decided_at = NULL, "
                "cim_uuid = NULL WHERE id % 150 = 0"
            )
        )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    action()  # warm the cache, as the second look at a page would be
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


_BASELINE = text(
    "SELECT outcome, count(*) FROM decision WHERE decided_at >= :start AND decided_at < :end "
    "GROUP BY outcome"
)


def measure(engine: Engine, rounds: int) -> tuple[list[float], list[float]]:
    """(every dashboard time, every baseline time) over the periods, with a line per period."""
    everything: list[float] = []
    baseline: list[float] = []
    now = utcnow()
    with Session(engine) as session:
        for kind in PERIODS:
            period: Period = period_for(kind, now=now)
            bounds = {
                "start": period.start.replace(tzinfo=None),
                "end": period.end.replace(tzinfo=None),
            }
            base = timed(lambda b=bounds: session.execute(_BASELINE, b).all(), rounds)
            whole = timed(lambda p=period: dashboard(session, p, now=now), rounds)
            figures = dashboard(session, period, now=now)
            # For comparison, not in RESULT: every day counted from its decisions, no rollups.
            on_read = timed(
                lambda p=period: dashboard(session, p, now=now, rollups=False), max(3, rounds // 3)
            )
            if dashboard(session, period, now=now, rollups=False) != figures:
                raise SystemExit(f"{period.label}: the rollups and the decisions disagree")
            print(
                f"  {period.label:<13} {figures.throughput.total.total:>8,} decisions: "
                f"dashboard p95 {p95(whole):7.1f} ms, median {statistics.median(whole):7.1f} ms; "
                f"baseline p95 {p95(base):6.1f} ms; without rollups p95 {p95(on_read):7.1f} ms"
            )
            everything += whole
            baseline += base
    return everything, baseline


def board_costs(engine: Engine, rounds: int) -> tuple[float, float]:
    """(poll p95 ms, rebuild p95 ms) for the live board."""
    with Session(engine) as session:
        poll = timed(lambda: board_version(session), rounds * 5)
        rebuild = timed(lambda: live_board(session), rounds)
    return p95(poll), p95(rebuild)


def push_latency(url: str, rounds: int) -> float:
    """p95 ms from a committed NOTIFY to a listener waking: what pushing from PostgreSQL costs."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    listener = psycopg.connect(conninfo, autocommit=True)
    sender = psycopg.connect(conninfo, autocommit=True)
    listener.execute("LISTEN board")
    latencies = []
    for _ in range(rounds):
        sent: list[float] = []

        def send(sent: list[float] = sent) -> None:
            time.sleep(0.01)
            sent.append(time.perf_counter())
            sender.execute("SELECT pg_notify('board', '')")

        thread = threading.Thread(target=send)
        thread.start()
        select.select([listener.fileno()], [], [], 5)
        received = time.perf_counter()
        list(listener.notifies(timeout=0))
        thread.join()
        latencies.append((received - sent[0]) * 1000)
    listener.close()
    sender.close()
    return p95(latencies)


def bench(label: str, url: str, *, cases: int, decisions: int, rounds: int) -> tuple[float, float]:
    """(dashboard p95 ms, baseline p95 ms) over every period and round."""
    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    load(engine, cases=cases, decisions=decisions)
    with Session(engine) as session:
        loaded = session.execute(text("SELECT count(*) FROM decision")).scalar_one()
        open_cases = session.execute(text("SELECT count(*) FROM application")).scalar_one()
    print(
        f"{label}: loaded {loaded:,} decisions and {open_cases:,} cases "
        f"in {time.perf_counter() - started:.0f} s"
    )
    started = time.perf_counter()
    with Session(engine) as session:
        rolled = roll_up_recent_days(session)
    print(
        f"  rollups: the periodic job rolled up {rolled} closed days "
        f"in {time.perf_counter() - started:.1f} s"
    )
    whole, base = measure(engine, rounds)
    poll, rebuild = board_costs(engine, rounds)
    print(f"  live board: poll p95 {poll:.2f} ms, rebuild p95 {rebuild:.1f} ms")
    engine.dispose()
    return p95(whole), p95(base)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--sqlite-decisions", type=int, default=100_000)
    parser.add_argument("--sqlite-cases", type=int, default=30_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server to create a scratch database on",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench dashboard")
    configure(parser)
    args = parser.parse_args(argv)
    with postgres_database(args.pg_url) as url:
        pg, pg_baseline = bench(
            "PostgreSQL", url, cases=args.cases, decisions=args.decisions, rounds=args.rounds
        )
        print(f"  push (LISTEN/NOTIFY): p95 {push_latency(url, args.rounds):.2f} ms to a listener")
    with sqlite_database() as url:
        sqlite, _ = bench(
            "SQLite",
            url,
            cases=args.sqlite_cases,
            decisions=args.sqlite_decisions,
            rounds=args.rounds,
        )
    print(
        f"RESULT pg_p95_ms={pg:.1f} pg_baseline_ms={pg_baseline:.2f} "
        f"pg_over_baseline={pg / pg_baseline:.1f} sqlite_p95_ms={sqlite:.1f}"
    )
    return 0
