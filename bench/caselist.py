"""``checker-console bench caselist``: how fast one page of the case list is at 100,000 cases.

For each backend (a temporary SQLite file; PostgreSQL too with ``--pg-url``) it bulk-loads
``--cases`` cases (mixed statuses, 12 organisations, 40 cohorts, one photo ID each) with Core
inserts, then times ``services.cases.listing.list_cases`` for each sort, a deep page, the filters,
and ``case_filters``: the median of ``--repeat`` runs each. The baseline is the cheapest page there
is, 25 rows by primary-key range, measured in the same run. The last line is::

    RESULT sqlite_worst_ms=.. sqlite_worst_over_baseline=.. [pg_worst_ms=.. ...]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy import Engine, insert, text
from sqlmodel import Session

from bench.claims import postgres_database, sqlite_database
from checker_console.clock import utcnow
from checker_console.services.cases.listing import case_filters, list_cases
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import Application, Document, Invitation, Organisation

BATCH = 5_000
STATUSES = ["queued"] * 5 + ["in_review", "approved", "approved", "rejected", "referred"]
GIVEN = ["Ada", "Bryn", "Cara", "Dev", "Elin", "Femi", "Gus", "Hana"]
FAMILY = ["Quill", "Rowan", "Sable", "Thorn", "Umber", "Vale", "Wren"]


def load(engine: Engine, count: int) -> None:
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(
            insert(Organisation),
            [{"id": n, "code": f"ORG{n}", "name": f"Organisation {n}"} for n in range(1, 13)],
        )
    for first in range(1, count + 1, BATCH):
        invitations, cases, documents = [], [], []
        for n in range(first, min(first + BATCH, count + 1)):
            submitted = now - timedelta(minutes=n * 3)
            common = {
                "organisation_id": 1 + n % 12,
                "cohort": f"Cohort {n % 40}",
                "given_name": GIVEN[n % len(GIVEN)],
                "family_name": FAMILY[n // 8 % len(FAMILY)],
                "date_of_birth": date(1995, 1, 1) + timedelta(days=n % 3000),
                "email": f"applicant{n}@example.org",
            }
            invitations.append(
                {
                    "id": n,
                    "mobile": "07700900000",
                    "import_key": f"bench-{n}",
                    "token": f"bench-token-{n}",
                    "created_at": submitted,
                    "expires_at": submitted + timedelta(days=28),
                    **common,
                }
            )
            cases.append(
                {
                    "id": n,
                    "invitation_id": n,
                    "status": STATUSES[n % len(STATUSES)],
                    "ni_number": f"QQ{n % 1_000_000:06d}C",
                    "submitted_at": submitted,
                    "sla_due_at": submitted + timedelta(days=2 + n % 3),
                    "updated_at": submitted,
                    **common,
                }
            )
            documents.append(
                {
                    "application_id": n,
                    "position": 0,
                    "kind": "passport",
                    "side": "page",
                    "page": 1,
                    "content_type": "image/jpeg",
                    "blob_key": "0" * 64,
                    "sha256": "0" * 64,
                    "size_bytes": 1,
                    "width": 1,
                    "height": 1,
                    "preview_key": "0" * 64,
                    "thumbnail_key": "0" * 64,
                    "created_at": submitted,
                }
            )
        with engine.begin() as connection:
            connection.execute(insert(Invitation), invitations)
            connection.execute(insert(Application), cases)
            connection.execute(insert(Document), documents)
    # Planner statistics, and on PostgreSQL the visibility map that index-only scans need (as
    # autovacuum would have made by now). VACUUM cannot run inside a transaction; ANALYZE on
    # SQLite must, or it is rolled back.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm the cache, as a user's second page would be
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(engine: Engine, count: int, repeat: int) -> tuple[float, dict[str, float]]:
    last_page = (count + 24) // 25
    queries: dict[str, Callable[[Session], object]] = {
        "newest first": lambda s: list_cases(s),
        "deepest page": lambda s: list_cases(s, page=last_page),
        "by SLA due": lambda s: list_cases(s, sort="sla_due", descending=False),
        "by name": lambda s: list_cases(s, sort="name", descending=False),
        "by status": lambda s: list_cases(s, sort="status", descending=False),
        "status=referred": lambda s: list_cases(s, status="referred"),
        "organisation": lambda s: list_cases(s, organisation_code="ORG7"),
        "cohort + status": lambda s: list_cases(s, cohort="Cohort 3", status="queued"),
        "100 a page": lambda s: list_cases(s, page_size=100),
        "filter choices": lambda s: case_filters(s),
    }
    with Session(engine) as session:
        baseline = median_ms(
            lambda: session.execute(
                text("SELECT * FROM application WHERE id BETWEEN 5000 AND 5024")
            ).all(),
            repeat,
        )
        timings = {
            name: median_ms(lambda q=query: q(session), repeat) for name, query in queries.items()
        }
    return baseline, timings


def bench(label: str, url: str, args: argparse.Namespace) -> tuple[float, float]:
    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    load(engine, args.cases)
    print(f"{label}: loaded {args.cases:,} cases in {time.perf_counter() - started:.1f}s")
    baseline, timings = measure(engine, args.cases, args.repeat)
    engine.dispose()
    print(f"  baseline (25 rows by id range): {baseline:.2f} ms")
    for name, ms in timings.items():
        print(f"  {name:<16} {ms:8.2f} ms  ({ms / baseline:6.1f} x baseline)")
    worst = max(timings.values())
    return worst, worst / baseline


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pg-url", help="a PostgreSQL server to create a scratch database on")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench caselist")
    configure(parser)
    args = parser.parse_args(argv)
    results: list[str] = []
    with sqlite_database() as url:
        worst, ratio = bench("SQLite", url, args)
        results += [f"sqlite_worst_ms={worst:.1f}", f"sqlite_worst_over_baseline={ratio:.0f}"]
    if args.pg_url:
        with postgres_database(args.pg_url) as url:
            worst, ratio = bench("PostgreSQL", url, args)
            results += [f"pg_worst_ms={worst:.1f}", f"pg_worst_over_baseline={ratio:.0f}"]
    print("RESULT " + " ".join(results))
    return 0
