"""``checker-console bench outbox``: profiles created per second through the outbox, against
calling the CIM stand-in directly in a loop, in the same run; and approve-to-profile latency.

The CIM and Notify stand-ins run as their own processes (``--faults`` injects faults into both),
the worker is ``checker-console worker`` in its own process, and the database is a temporary
SQLite file (or, with ``--pg-url``, a fresh PostgreSQL database, dropped afterwards).

1. direct: one client creates ``--cases`` profiles in a plain loop, no database (the baseline);
2. outbox, throughput: ``--cases`` approved cases wait in the outbox, the worker drains them
   (it sends the applicants' emails in the same window, as it would in service);
3. outbox, latency: with the worker running, ``--latency-cases`` cases are approved at a busy
   team's pace (``--approvals-per-s``); the time from each approval's commit to its case's
   ``profile_created``. (Back to back on SQLite, ``--approvals-per-s 0``, the approvals hold the
   single write lock almost all the time and the worker waits for it: that measures SQLite.)

Every decision's messages wait for its undo window (``--undo-seconds``, by default the
``CHECKER_UNDO_SECONDS`` setting, 10 s) before a worker may send them, so approve-to-profile
includes the window; ``after_window_p95_ms`` is the same latency counted from the window's end.

The last line is::

    RESULT outbox_per_s=.. direct_per_s=.. outbox_over_direct=.. approve_to_profile_p95_ms=..
        after_window_p95_ms=.. undo_window_s=..
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bench.claims import postgres_database, sqlite_database
from checker_console.adapters.blobs import LocalBlobStore
from checker_console.adapters.cim import CimClient, ProfileRequest
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.domain.reasons import ChecklistItem, DocumentKind
from checker_console.services.downstream.board import downstream_counts
from checker_console.services.downstream.outbox import OutboxKind
from checker_console.services.lifecycle import apply_transition
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case
from checker_console.settings import get_settings
from checker_console.standins._serve import StandinProcess
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import (
    Application,
    Document,
    Invitation,
    Organisation,
    OutboxAttempt,
    OutboxMessage,
)

API_KEY = "bench-cim-key"
CHECKER = "checker.bench"
ALL_CONFIRMED = {item.value: True for item in ChecklistItem}


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 180, 160)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _add_queued_cases(engine: Engine, blobs: LocalBlobStore, numbers: range) -> None:
    """Synthetic queued cases with a selfie (NI numbers ``QQnnnnnnB``), in one transaction."""
    photo_key = blobs.put(_photo())
    now = utcnow()
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.code == "BEN")).first()
        if org is None:
            org = Organisation(code="BEN", name="Benchmark University")
            session.add(org)
            session.flush()
        for n in numbers:
            invitation = Invitation(
                organisation_id=org.id,
                given_name="Ada",
                family_name=f"Bench{n}",
                date_of_birth=date(2000, 1, 1),
                email=f"applicant{n}@example.org",
                mobile="07700900000",
                import_key=f"bench-{n}",
                token=f"bench-token-{n}",
                expires_at=now + timedelta(days=28),
            )
            session.add(invitation)
            session.flush()
            case = Application(
                invitation_id=invitation.id,
                organisation_id=org.id,
                status=CaseStatus.SUBMITTED,
                given_name="Ada",
                family_name=f"Bench{n}",
                date_of_birth=date(2000, 1, 1),
                ni_number=f"QQ{n:06d}B",
                email=invitation.email,
                sla_due_at=now,
            )
            session.add(case)
            session.flush()
            session.add(
                Document(
                    application_id=case.id,
                    kind=DocumentKind.SELFIE,
                    content_type="image/jpeg",
                    blob_key=photo_key,
                    sha256=photo_key,
                    size_bytes=1,
                    width=300,
                    height=400,
                    preview_key=photo_key,
                    thumbnail_key=photo_key,
                )
            )
            apply_transition(session, case, CaseEvent.ENQUEUE, actor="bench", now=now)
        session.commit()


def _approve_queued(engine: Engine, per_second: float | None = None) -> int:
    """Claim and approve every queued case; at most ``per_second`` approvals a second."""
    approved = 0
    started = time.monotonic()
    with Session(engine) as session:
        while (claimed := claim_next_case(session, checker_id=CHECKER)) is not None:
            approve_case(
                session, case_id=claimed.case_id, checker_id=CHECKER, checklist=ALL_CONFIRMED
            )
            approved += 1
            if per_second:
                time.sleep(max(0.0, started + approved / per_second - time.monotonic()))
    return approved


def _created(engine: Engine) -> int:
    """Profiles created so far, as the Profiles page counts them."""
    with Session(engine) as session:
        return downstream_counts(session).cases[CaseStatus.PROFILE_CREATED]


def _wait_for(engine: Engine, target: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while _created(engine) < target:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {_created(engine)} of {target} profiles after {timeout_s}s")
        time.sleep(0.05)


def _wait_idle(engine: Engine, timeout_s: float) -> None:
    """Until nothing is left to send (the applicants' emails of the throughput run, too)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with Session(engine) as session:
            busy = session.exec(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.status).in_(["pending", "in_flight"]))
            ).one()
            session.rollback()
        if not busy:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"{busy} outbox messages still unsent after {timeout_s}s")
        time.sleep(0.05)


def _requests(engine: Engine, first_id: int) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.kind == OutboxKind.CREATE_PROFILE)
                .where(col(OutboxMessage.application_id) >= first_id)
            ).all()
        )


def _first_call(engine: Engine, message_ids: list[int]) -> float:
    with Session(engine) as session:
        first = session.exec(
            select(func.min(OutboxAttempt.started_at)).where(
                col(OutboxAttempt.outbox_id).in_(message_ids)
            )
        ).one()
    return first.timestamp()


async def _direct_loop(url: str, count: int, photo: bytes) -> float:
    """Profiles per second from one client calling the stand-in in a plain loop."""
    async with CimClient(base_url=url, api_key=API_KEY) as client:
        started = time.perf_counter()
        for n in range(count):
            await client.create_profile(
                ProfileRequest(
                    idempotency_key=f"bench-direct:{n}",
                    given_name="Ada",
                    family_name=f"Direct{n}",
                    date_of_birth=date(2000, 1, 1),
                    email=f"direct{n}@example.org",
                    ni_number=f"QQ{n:06d}A",
                    photo_jpeg=photo,
                    verified_by=CHECKER,
                    organisation_code="BEN",
                )
            )
        return count / (time.perf_counter() - started)


def _print_breakdown(engine: Engine, messages: list[OutboxMessage]) -> None:
    """Where approve-to-profile time goes: waiting to be claimed, CIM, writing the outcome."""
    ids = [m.id for m in messages if m.id]
    with Session(engine) as session:
        attempts = session.exec(
            select(OutboxAttempt).where(col(OutboxAttempt.outbox_id).in_(ids))
        ).all()
    first = {a.outbox_id: a for a in sorted(attempts, key=lambda a: a.started_at, reverse=True)}
    last = {a.outbox_id: a for a in sorted(attempts, key=lambda a: a.started_at)}
    waits, calls, records = [], [], []
    for m in messages:
        if m.id in first and m.completed_at and last[m.id].finished_at:
            waits.append((first[m.id].started_at - m.created_at).total_seconds() * 1000)
            calls.append((last[m.id].finished_at - first[m.id].started_at).total_seconds() * 1000)
            records.append((m.completed_at - last[m.id].finished_at).total_seconds() * 1000)
    print(
        f"median ms: waiting to be claimed {statistics.median(waits):.0f}, "
        f"CIM {statistics.median(calls):.0f}, recording {statistics.median(records):.0f}"
    )


def _p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 2 else values[0]


def run(url: str, folder: Path, args: argparse.Namespace) -> dict[str, float]:
    engine = make_engine(url)
    migrate(engine)
    blobs = LocalBlobStore(folder / "blobs")
    faults = ["--faults", args.faults] if args.faults else []
    env = {
        "DATABASE_URL": url,
        "CHECKER_DATA_DIR": str(folder),
        "CHECKER_BLOB_DIR": str(folder / "blobs"),
        "CHECKER_CIM_API_KEY": API_KEY,
        "CHECKER_OUTBOX_LEASE_SECONDS": "60",
    }
    with (
        StandinProcess("standin-cim", "--store", str(folder / "cim.db"), *faults, env=env) as cim,
        StandinProcess("standin-notify", "--store", str(folder / "notify.db"), *faults) as notify,
    ):
        env |= {"CHECKER_CIM_BASE_URL": cim.url, "CHECKER_NOTIFY_BASE_URL": notify.url}
        direct_per_s = asyncio.run(_direct_loop(cim.url, args.cases, _photo()))
        print(f"direct: {args.cases} profiles, {direct_per_s:.1f}/s", flush=True)

        _add_queued_cases(engine, blobs, range(1, args.cases + 1))
        _approve_queued(engine)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "checker_console.cli",
                "worker",
                "--no-migrate",
                "--concurrency",
                str(args.concurrency),
            ],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(engine, args.cases, timeout_s=600)
            backlog = _requests(engine, 1)
            window = max(
                m.completed_at.timestamp() for m in backlog if m.completed_at
            ) - _first_call(engine, [m.id for m in backlog if m.id])
            outbox_per_s = args.cases / window
            print(
                f"outbox: {args.cases} profiles in {window:.2f}s, {outbox_per_s:.1f}/s", flush=True
            )

            _wait_idle(engine, timeout_s=600)
            first_id = args.cases + 1
            _add_queued_cases(engine, blobs, range(first_id, first_id + args.latency_cases))
            _approve_queued(engine, per_second=args.approvals_per_s)
            _wait_for(engine, args.cases + args.latency_cases, timeout_s=600)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        latencies = [
            (m.completed_at - m.created_at).total_seconds() * 1000
            for m in _requests(engine, first_id)
            if m.completed_at
        ]
    _print_breakdown(engine, _requests(engine, first_id))
    engine.dispose()
    p95 = _p95(latencies)
    median = statistics.median(latencies)
    window_ms = args.undo_seconds * 1000
    print(f"approve to profile_created: median {median:.0f} ms, p95 {p95:.0f} ms")
    print(f"  of which the undo window: {window_ms} ms (messages are held back that long)")
    after_window = _p95([max(0.0, latency - window_ms) for latency in latencies])
    return {"outbox": outbox_per_s, "direct": direct_per_s, "p95": p95, "after": after_window}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench outbox", description=__doc__)
    parser.add_argument("--cases", type=int, default=300, help="profiles per throughput run")
    parser.add_argument("--latency-cases", type=int, default=100, help="approvals timed one by one")
    parser.add_argument(
        "--approvals-per-s",
        type=float,
        default=5.0,
        help="pace of the timed approvals (a busy team; 0 = back to back)",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="the worker's concurrency")
    parser.add_argument(
        "--faults", default="", help="stand-in faults, e.g. '{\"fault_rate\": 0.3}'"
    )
    parser.add_argument("--pg-url", help="run on a fresh database on this PostgreSQL server")
    parser.add_argument(
        "--undo-seconds",
        type=int,
        default=get_settings().undo_seconds,
        help="the undo window decisions hold their messages for (default: the setting)",
    )
    args = parser.parse_args(list(argv or []))
    os.environ["CHECKER_UNDO_SECONDS"] = str(args.undo_seconds)  # the approvals made here
    get_settings.cache_clear()
    database = postgres_database(args.pg_url) if args.pg_url else sqlite_database()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as folder, database as url:
        print(
            f"database: {url.split('@')[-1]}; faults: {args.faults or 'none'}; "
            f"undo window: {args.undo_seconds} s",
            flush=True,
        )
        result = run(url, Path(folder), args)
    print(
        f"RESULT outbox_per_s={result['outbox']:.1f} direct_per_s={result['direct']:.1f} "
        f"outbox_over_direct={result['outbox'] / result['direct']:.2f} "
        f"approve_to_profile_p95_ms={result['p95']:.0f} "
        f"after_window_p95_ms={result['after']:.0f} undo_window_s={args.undo_seconds}"
    )
    return 0
