"""Rollups of closed London days: what the dashboard keeps instead of recounting a month.

A London day's decision figures stop changing once the day is over: a decision's time is set
by the server when it is written, decisions are never edited or deleted, and erasure keeps
outcomes and reasons. So a day is rolled up once it has been over for ``settle`` (an hour by
default, ``CHECKER_ROLLUP_SETTLE_MINUTES``: far longer than any transaction that stamped a
decision just before midnight takes to commit, and than a checker's window to undo a decision,
which must stay shorter), and its rollup is never recomputed unless :func:`forget_rollups` is
called (``checker-console rollups --recount``). The one writer of decisions in past days is
the sample history (``seed --history-days``), which drops those days' rollups as it writes.

Rolling up is idempotent and safe from several processes at once: the day's ``rollup_day``
row is written first, so a second process rolling the same day waits on that key and then
gives way. The periodic job (:func:`roll_up_recent_days`) keeps the last
:data:`JOB_DAYS` days ready; a dashboard read rolls up any other settled day it needs first
(:func:`ensure_rolled_up`), so figures are never wrong, only slower the first time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from checker_console.clock import london, utcnow
from checker_console.services.oversight.day_facts import from_decisions
from checker_console.services.oversight.scope import day_start
from checker_console.services.unit_of_work import read_only
from checker_console.store.rollup_models import (
    ROLLUP_TABLES,
    DecisionCountRollup,
    HandlingTimeRollup,
    RejectionRollup,
    RollupDay,
)

#: How long a day must have been over before it is rolled up.
DEFAULT_SETTLE = timedelta(hours=1)
#: Days the periodic job keeps rolled up: the last 30 days and the 30 before (the comparison).
JOB_DAYS = 62


def settled(day: date, *, now: datetime, settle: timedelta = DEFAULT_SETTLE) -> bool:
    """Whether ``day`` has been over for at least ``settle`` at ``now``."""
    return day_start(day + timedelta(days=1)) + settle <= now


def rolled_up_days(session: Session, days: Iterable[date]) -> set[date]:
    wanted = sorted(set(days))
    if not wanted:
        return set()
    found = session.execute(
        sa_select(col(RollupDay.day)).where(col(RollupDay.day).between(wanted[0], wanted[-1]))
    ).scalars()
    return set(found) & set(wanted)


def roll_up_day(session: Session, day: date) -> bool:
    """Count ``day``'s decisions into the rollup tables and commit; False if it already was.

    The caller makes sure the day is settled. Core inserts, not ORM objects: a day whose
    rollups were forgotten can be rolled up again in the same session.
    """
    marker = col(RollupDay.day) == day
    try:
        if session.execute(sa_select(col(RollupDay.day)).where(marker)).first() is not None:
            session.rollback()
            return False
        # Takes the day's key first: another process rolling it up waits here, then gives way.
        session.execute(insert(RollupDay).values(day=day, rolled_at=utcnow()))
        facts = from_decisions(session, [day])
        rows = {
            DecisionCountRollup: [
                {"day": d, "hour": h, "checker_id": c, "outcome": o, "count": n}
                for (d, h, c, o), n in facts.counts.items()
            ],
            HandlingTimeRollup: [
                {"day": day, "checker_id": c, "seconds": s, "count": n}
                for (c, s), n in facts.times.items()
            ],
            RejectionRollup: [
                {"day": day, "organisation_id": org, "cohort": cohort, "reason": r, "count": n}
                for (org, cohort, r), n in facts.reasons.items()
            ],
        }
        for table, values in rows.items():
            if values:
                session.execute(insert(table), values)
        session.commit()
    except IntegrityError:
        session.rollback()  # someone else rolled it up first
        return False
    except BaseException:
        session.rollback()
        raise
    return True


def ensure_rolled_up(
    session: Session,
    days: Iterable[date],
    *,
    now: datetime,
    settle: timedelta = DEFAULT_SETTLE,
) -> int:
    """Roll up every settled day of ``days`` not rolled up yet; returns how many were."""
    wanted = [day for day in set(days) if settled(day, now=now, settle=settle)]
    with read_only(session):  # each day is then rolled up in a transaction of its own
        missing = sorted(set(wanted) - rolled_up_days(session, wanted))
    return sum(roll_up_day(session, day) for day in missing)


def roll_up_recent_days(
    session: Session,
    *,
    now: datetime | None = None,
    settle: timedelta = DEFAULT_SETTLE,
    days: int = JOB_DAYS,
) -> int:
    """The periodic job: the last ``days`` London days that are settled, each rolled up once."""
    now = now or utcnow()
    today = london(now).date()
    return ensure_rolled_up(
        session, [today - timedelta(days=n) for n in range(days + 1)], now=now, settle=settle
    )


def forget_rollups(session: Session, first: date, last: date) -> None:
    """Drop the rollups of ``first`` to ``last`` (after writing decisions into those days);
    the next read or job pass counts them again. Commits."""
    for table in ROLLUP_TABLES:
        session.execute(delete(table).where(table.c.day.between(first, last)))
    session.commit()
