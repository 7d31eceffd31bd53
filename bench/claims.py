"""``checker-console bench claims``: claims per second with concurrent checkers, none twice.

For each backend (a temporary SQLite file, then a fresh PostgreSQL database created and dropped
on the server named by ``--pg-url``), it bulk-loads ``--cases`` queued cases, then runs
``--claimers`` processes for ``--seconds``, alternately as a bare SQL ``SKIP LOCKED`` loop (the
baseline: one UPDATE per claim, no audit) and through ``services.queue.claims.claim_next_case``
(lease,
lifecycle transition, hash-chained audit event), ``--rounds`` times each, every run on a fresh
copy of the loaded queue. It reports claims per second, p95 latency, the queue page's timing and
plan at that size, and any case claimed twice. The last line is::

    RESULT double_claims=0 sqlite_claims_per_s=.. pg_claims_per_s=.. pg_p95_ms=.. pg_over_raw=.."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.working_days import add_working_days
from checker_console.services.audit import verify_audit_chain
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.listing import (
    QueueFilters,
    list_queue,
    queue_counts,
    queue_page_statement,
)
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import Application, AuditEvent, Invitation, Organisation

BATCH = 5_000
GIVEN = ["Ada", "Mary", "Florence", "Alan", "Grace", "Edith", "Rosalind", "Walter"]
FAMILY = ["Lovelace", "Seacole", "Nightingale", "Turing", "Hopper", "Cavell", "Franklin", "Tull"]

RAW_CLAIM_PG = (
    "UPDATE application SET status = 'in_review', lease_holder = %(holder)s, "
    "claimed_at = %(now)s, lease_expires_at = %(until)s WHERE id = ("
    "SELECT id FROM application WHERE status = 'queued' ORDER BY sla_due_at, id "
    "LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id"
)
RAW_CLAIM_SQLITE = (
    "UPDATE application SET status = 'in_review', lease_holder = :holder, "
    "claimed_at = :now, lease_expires_at = :until WHERE id = ("
    "SELECT id FROM application WHERE status = 'queued' ORDER BY sla_due_at, id LIMIT 1) "
    "RETURNING id"
)


@dataclass
class Run:
    """What one set of claimers achieved."""

    claims: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.claims) / self.elapsed if self.elapsed else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=20)[18] * 1000

    @property
    def double_claims(self) -> int:
        return sum(n - 1 for n in Counter(self.claims).values() if n > 1)


@dataclass
class Runs:
    """Several runs of one kind, each on its own copy of the queue, taken together."""

    runs: list[Run] = field(default_factory=list)

    def add(self, run: Run) -> None:
        self.runs.append(run)

    @property
    def per_second(self) -> float:
        elapsed = sum(run.elapsed for run in self.runs)
        return sum(len(run.claims) for run in self.runs) / elapsed if elapsed else 0.0

    @property
    def p95_ms(self) -> float:
        return Run(latencies=[t for run in self.runs for t in run.latencies]).p95_ms

    @property
    def double_claims(self) -> int:
        """Per run: each copy starts with every case queued, so one case in two runs is fine."""
        return sum(run.double_claims for run in self.runs)


def load_cases(engine: Engine, count: int, label: str) -> None:
    """``count`` queued cases with synthetic applicants, by batched Core inserts."""
    rng = random.Random(20260101)
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(Organisation), [{"id": 1, "code": "BEN", "name": "Bench U"}])
    started = time.perf_counter()
    for first in range(1, count + 1, BATCH):
        invitations, cases = [], []
        for n in range(first, min(first + BATCH, count + 1)):
            submitted = now - timedelta(minutes=rng.randrange(0, 7 * 24 * 60))
            person = {
                "given_name": GIVEN[n % len(GIVEN)],
                "family_name": FAMILY[(n // len(GIVEN)) % len(FAMILY)],
                "date_of_birth": date(1990 + n % 15, 1 + n % 12, 1 + n % 28),
                "email": f"applicant{n}@example.org",
            }
            invitations.append(
                {
                    "id": n,
                    "organisation_id": 1,
                    "cohort": f"Cohort {n % 20}",
                    "mobile": "07700900000",
                    "attempt": 1,
                    "import_key": f"bench-{n}",
                    "token": f"bench-token-{n}",
                    "created_at": submitted,
                    "expires_at": submitted + timedelta(days=28),
                    "submitted_at": submitted,
                    **person,
                }
            )
            cases.append(
                {
                    "id": n,
                    "invitation_id": n,
                    "organisation_id": 1,
                    "cohort": f"Cohort {n % 20}",
                    "attempt": 1,
                    "status": CaseStatus.QUEUED.value,
                    "ni_number": f"QQ{n % 1_000_000:06d}C",
                    "submitted_at": submitted,
                    "sla_due_at": add_working_days(submitted, 2),
                    "updated_at": submitted,
                    **person,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(Invitation), invitations)
            connection.execute(insert(Application), cases)
        done = min(first + BATCH - 1, count)
        print(
            f"  {label}: loaded {done:,} of {count:,} cases ({time.perf_counter() - started:.1f}s)",
            flush=True,
        )
    # The statistics (and on PostgreSQL the visibility map) a queue this long would have by now.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("invitation", "application"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})"
                )
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def run_claimers(url: str, kind: str, args: argparse.Namespace) -> Run:
    """``args.claimers`` processes claiming through ``kind`` ("raw" or "service") at once.

    Processes, not threads: in one process the GIL hands the CPU round 16 threads while one of
    them holds the claim's row and audit locks, which measures the interpreter, not the claim.
    Real checkers reach the database from several server processes.
    """
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(args.claimers + 1)
    results = context.Queue()
    per_process = max(1, args.max_claims // args.claimers)
    processes = [
        context.Process(
            target=_claimer_process,
            args=(url, kind, number, args.seconds, per_process, barrier, results),
        )
        for number in range(args.claimers)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    run = Run()
    for _ in processes:
        claims, latencies, elapsed = results.get()
        run.claims += claims
        run.latencies += latencies
        run.elapsed = max(run.elapsed, elapsed)
    for process in processes:
        process.join()
    return run


def _claimer_process(
    url: str,
    kind: str,
    number: int,
    seconds: float,
    max_claims: int,
    barrier: Any,
    results: Any,
) -> None:
    engine = make_engine(url)
    with engine.connect():
        pass  # connect before the clock starts
    claim = raw_claimer(engine) if kind == "raw" else service_claimer(engine)
    claims: list[int] = []
    latencies: list[float] = []
    barrier.wait()
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline and len(claims) < max_claims:
        before = time.perf_counter()
        case_id = claim(number, len(claims))
        if case_id is None:
            break
        latencies.append(time.perf_counter() - before)
        claims.append(case_id)
    results.put((claims, latencies, time.perf_counter() - started))
    engine.dispose()


def raw_claimer(engine: Engine) -> Callable[[int, int], int | None]:
    """The baseline: one UPDATE ... SKIP LOCKED per claim, nothing else."""
    postgres = engine.dialect.name == "postgresql"

    def claim(number: int, n: int) -> int | None:
        now = utcnow().replace(tzinfo=None)
        times = {"now": now, "until": now + timedelta(minutes=10)}
        params = {"holder": f"raw-{number}-{n}", **(times if postgres else _text(times))}
        with engine.begin() as connection:
            sql = RAW_CLAIM_PG if postgres else RAW_CLAIM_SQLITE
            return connection.exec_driver_sql(sql, params).scalar()

    return claim


def _text(times: dict[str, datetime]) -> dict[str, str]:
    return {key: value.isoformat(sep=" ") for key, value in times.items()}


def service_claimer(engine: Engine) -> Callable[[int, int], int | None]:
    """The real thing; every claim is a different checker, as a checker holds one case."""
    session = Session(engine, expire_on_commit=False)

    def claim(number: int, n: int) -> int | None:
        claimed = claim_next_case(session, checker_id=f"bench-{number}-{n}")
        return claimed.case_id if claimed else None

    return claim


def queue_page_report(engine: Engine) -> list[str]:
    """The queue page at full size: its plan, and how long the first and a deep page take."""
    lines = []
    statement = queue_page_statement(CaseStatus.QUEUED, QueueFilters(), utcnow())
    compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            plan = [r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}")]
        else:
            plan = [r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
        connection.rollback()
    queue_indexes = ("ix_application_queue", "ix_application_waiting")
    uses_index = any(index in line for line in plan for index in queue_indexes)
    lines.append(f"queue page plan reads a queue index: {'yes' if uses_index else 'NO'}")
    lines += [f"    {line}" for line in plan]
    with Session(engine) as session:
        list_queue(session, page_size=50)  # warm: connection and compiled statements
        timings: dict[int, float] = {}
        token: str | None = None
        page_number = 0
        while page_number < 200:
            page_number += 1
            started = time.perf_counter()
            page = list_queue(session, page=token, page_size=50)
            timings[page_number] = (time.perf_counter() - started) * 1000
            if page.next_page is None:
                break
            token = page.next_page
        started = time.perf_counter()
        counts = queue_counts(session)
        counts_ms = (time.perf_counter() - started) * 1000
    lines.append(
        f"queue page 1: {timings[1]:.1f} ms; page {page_number}: {timings[page_number]:.1f} ms; "
        f"counts: {counts_ms:.1f} ms ({counts.waiting:,} waiting, {counts.in_review:,} in review)"
    )
    return lines


def audit_double_claims(url: str) -> tuple[int, bool]:
    """Cases with more than one claim event, and whether the audit chain still verifies."""
    engine = make_engine(url)
    with Session(engine) as session:
        per_case = (
            select(AuditEvent.application_id, func.count().label("claims"))
            .where(AuditEvent.action == "case.claim")
            .group_by(AuditEvent.application_id)
            .subquery()
        )
        doubles = session.exec(
            select(func.count()).select_from(per_case).where(per_case.c.claims > 1)
        ).one()
        found, intact = int(doubles), verify_audit_chain(session).ok
    engine.dispose()
    return found, intact


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-claims-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server at ``server_url``, dropped afterwards."""
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"checker_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """A copy of the loaded database, dropped afterwards: every run starts from the same queue.

    Claiming leaves dead rows, index entries to step over and statistics that no longer fit,
    and a vacuum may start in the middle of whichever run comes next; on a copy, none of that
    carries over from one run to the next.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        target = source.with_name(f"run-{uuid.uuid4().hex[:8]}.db")
        shutil.copy(source, target)
        try:
            yield f"sqlite:///{target}"
        finally:
            for leftover in target.parent.glob(f"{target.name}*"):
                leftover.unlink()
        return
    name = f"{parsed.database}_run_{uuid.uuid4().hex[:6]}"
    admin = create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}" STRATEGY FILE_COPY'
        )
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class BackendResult:
    ours: Runs
    raw: Runs
    audit_doubles: int
    chain_ok: bool

    @property
    def double_claims(self) -> int:
        return self.ours.double_claims + self.raw.double_claims + self.audit_doubles


def bench_backend(label: str, url: str, args: argparse.Namespace) -> BackendResult:
    """Load once, then alternate the loop and ours, each on its own copy, ``args.rounds`` times.

    Alternating spreads a slow spell of a shared machine over both instead of one.
    """
    engine = make_engine(url)
    try:
        migrate(engine)
        load_cases(engine, args.cases, label)
        for line in queue_page_report(engine):
            print(f"  {label}: {line}", flush=True)
    finally:
        engine.dispose()  # a template must have no connections; forked claimers must not share
    raw, ours = Runs(), Runs()
    doubles, chain_ok = 0, True
    for round_number in range(1, args.rounds + 1):
        for kind, runs in (("raw", raw), ("service", ours)):
            with copy_of(url) as run_url:
                run = run_claimers(run_url, kind, args)
                runs.add(run)
                name = "bare SKIP LOCKED loop" if kind == "raw" else "claim_next_case"
                print(
                    f"  {label}: round {round_number}: {name + ':':22} {run.per_second:,.0f} "
                    f"claims/s, p95 {run.p95_ms:.1f} ms ({len(run.claims):,} claims)",
                    flush=True,
                )
                if kind == "service":
                    found, intact = audit_double_claims(run_url)
                    doubles += found
                    chain_ok = chain_ok and intact
    result = BackendResult(ours=ours, raw=raw, audit_doubles=doubles, chain_ok=chain_ok)
    print(
        f"  {label}: loop {raw.per_second:,.0f} claims/s, ours {ours.per_second:,.0f} claims/s "
        f"(p95 {ours.p95_ms:.1f} ms); cases claimed twice: {result.double_claims}; "
        f"audit chain intact: {'yes' if chain_ok else 'NO'}",
        flush=True,
    )
    return result


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=100_000, help="queued cases to load")
    parser.add_argument("--claimers", type=int, default=16, help="concurrent claiming threads")
    parser.add_argument("--seconds", type=float, default=6.0, help="duration of each run")
    parser.add_argument(
        "--rounds", type=int, default=2, help="times the loop and ours each run, alternating"
    )
    parser.add_argument("--max-claims", type=int, default=50_000, help="stop a run after this many")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test",
        help="PostgreSQL server to create the temporary database on",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench claims", description=__doc__)
    configure(parser)
    args = parser.parse_args(argv)
    print(
        f"bench claims: {args.cases:,} cases, {args.claimers} claimers, {args.seconds:g}s per run"
    )
    with sqlite_database() as url:
        sqlite = bench_backend("sqlite", url, args)
    postgres = None
    if not args.skip_postgres:
        with postgres_database(args.pg_url) as url:
            postgres = bench_backend("postgres", url, args)
    doubles = sqlite.double_claims + (postgres.double_claims if postgres else 0)
    chains_ok = sqlite.chain_ok and (postgres.chain_ok if postgres else True)
    pg = {
        "pg_claims_per_s": f"{postgres.ours.per_second:.0f}" if postgres else "n/a",
        "pg_p95_ms": f"{postgres.ours.p95_ms:.1f}" if postgres else "n/a",
        "pg_over_raw": f"{postgres.ours.per_second / postgres.raw.per_second:.2f}"
        if postgres and postgres.raw.per_second
        else "n/a",
    }
    print(
        f"RESULT double_claims={doubles} sqlite_claims_per_s={sqlite.ours.per_second:.0f} "
        + " ".join(f"{key}={value}" for key, value in pg.items())
    )
    return 0 if doubles == 0 and chains_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
