"""The lead's dashboard: every figure for one period, in one read-only call.

What is computed on read, and what is kept, and why:

- **Kept in rollups, per closed London day** (``rollups.py``, ``day_facts.py``): decisions per
  London hour, checker and outcome; handling times per checker in whole seconds; rejections and
  their reasons per organisation and cohort. A past day's decisions never change (decisions
  are never edited or deleted, their time is stamped by the server, erasure keeps outcomes and
  reasons), so once a day has settled its tallies are final. They are written by a periodic
  job rather than in each decision's transaction: nothing is added to the checkers' hot path,
  and there is no second copy that each decision must keep in step. A read that finds a
  settled day not rolled up yet rolls it up first, so figures are never wrong, only slower the
  first time. Percentiles stay exact: the page shows whole seconds, and a tally of whole
  seconds gives exactly the nearest-rank percentile of the rounded times.
- **Computed on read**: today and any day not settled yet (from its decisions, through the
  same tallying, so the two ways cannot disagree; the tests compare them); the journey (it
  follows the invitations of the period to where each person is *now*, so a past day's figures
  keep changing for weeks: it reads three index-only scans instead); the queue, SLA and
  forecast (they are about now); downstream failures (now).

Golden cases are in neither (``scope.counted``). What it costs at 1,000,000 decisions is in
``docs/BENCHMARKS.md`` (``bench/dashboard.py``).

Quality figures (QA agreement, kappa, golden-case accuracy) belong to QA and join this
dashboard as ``Dashboard.quality`` once QA provides them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.board import EMAIL_KINDS
from checker_console.services.downstream.outbox import OutboxStatus
from checker_console.services.oversight.day_facts import (
    decision_total,
    from_decisions,
    from_rollups,
    rolled_up_total,
)
from checker_console.services.oversight.outcomes import JourneyRow, Rejections, journey, rejections
from checker_console.services.oversight.queue_health import QueueHealth, queue_health
from checker_console.services.oversight.rollups import ensure_rolled_up, rolled_up_days
from checker_console.services.oversight.scope import Period, counted_by_status
from checker_console.services.oversight.throughput import (
    Throughput,
    decisions_per_day,
    throughput,
)
from checker_console.services.unit_of_work import read_only
from checker_console.settings import get_settings
from checker_console.store.db import is_postgres
from checker_console.store.models import OutboxMessage


@dataclass(frozen=True)
class Downstream:
    profiles_pending: int
    profiles_failed: int
    emails_failed: int


@dataclass(frozen=True)
class Dashboard:
    period: Period
    now: datetime
    throughput: Throughput
    queue: QueueHealth
    rejections: Rejections
    journey: list[JourneyRow]
    downstream: Downstream
    #: The QA figures slot in here (agreement and kappa per checker, golden-case accuracy).
    quality: object | None = None


def dashboard(
    session: Session,
    period: Period,
    *,
    now: datetime | None = None,
    rollups: bool = True,
    settle: timedelta | None = None,
) -> Dashboard:
    """Every figure for ``period``, from what is committed.

    With ``rollups`` (the default) the settled days of the period and the one before come from
    the rollup tables, any not rolled up yet being rolled up first; without, every day is counted
    from its decisions. Both give the same figures (the tests compare them).

    On PostgreSQL the parts run at once, each on a connection of its own, so a lead waits
    for the slowest rather than the sum; SQLite reads them in turn.
    """
    now = now or utcnow()
    if settle is None:
        settle = timedelta(minutes=get_settings().rollup_settle_minutes)
    if rollups:
        ensure_rolled_up(session, [*period.before().days, *period.days], now=now, settle=settle)
    parts: dict[str, Callable[[Session], Any]] = {
        "decisions": lambda s: _decision_figures(s, period, rollups=rollups),
        "journey": lambda s: journey(s, period),
        "rest": lambda s: (
            queue_health(s, period, now=now, decided={}),
            downstream(s),
        ),
    }
    if is_postgres(session):
        engine = session.get_bind()
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            futures = {name: pool.submit(_read_apart, engine, part) for name, part in parts.items()}
            found = {name: future.result() for name, future in futures.items()}
    else:
        found = {name: _read(session, part) for name, part in parts.items()}
    decisions, rejected = found["decisions"]
    queue, downstream_now = found["rest"]
    decided = decisions_per_day(decisions)
    flow = [replace(day, decisions=decided.get(day.day, 0)) for day in queue.flow]
    return Dashboard(
        period=period,
        now=now,
        throughput=decisions,
        queue=replace(queue, flow=flow),
        rejections=rejected,
        journey=found["journey"],
        downstream=downstream_now,
    )


def _decision_figures(
    session: Session, period: Period, *, rollups: bool
) -> tuple[Throughput, Rejections]:
    before = period.before().days
    kept = rolled_up_days(session, [*before, *period.days]) if rollups else set()
    facts = from_rollups(session, [day for day in period.days if day in kept])
    facts.update(from_decisions(session, [day for day in period.days if day not in kept]))
    previous = rolled_up_total(session, [day for day in before if day in kept]) + decision_total(
        session, [day for day in before if day not in kept]
    )
    return throughput(session, period, facts, previous), rejections(session, facts)


def _read_apart(engine: Any, part: Callable[[Session], Any]) -> Any:
    with Session(engine) as session:
        return _read(session, part)


def _read(session: Session, part: Callable[[Session], Any]) -> Any:
    with read_only(session):
        return part(session)


def downstream(session: Session) -> Downstream:
    """Profiles not yet created or failed, and emails Notify did not send (now, all time)."""
    by_status = counted_by_status(
        session, [CaseStatus.APPROVED, CaseStatus.PROFILE_PENDING, CaseStatus.PROFILE_FAILED]
    )
    emails_failed = session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(col(OutboxMessage.kind).in_(EMAIL_KINDS))
        .where(col(OutboxMessage.status) == OutboxStatus.FAILED)
    ).one()
    return Downstream(
        profiles_pending=by_status.get(CaseStatus.APPROVED, 0)
        + by_status.get(CaseStatus.PROFILE_PENDING, 0),
        profiles_failed=by_status.get(CaseStatus.PROFILE_FAILED, 0),
        emails_failed=emails_failed,
    )
