"""Throughput and handling time: decisions per London day and hour, p50 and p95 claim to decision.

Computed on read from ``decision`` (indexed by ``decided_at``): the counts are one ``GROUP BY``
over UTC hours, folded into London days and hours here, so a day that is 23 or 25 hours long (the
clock changes) is counted right. Handling time is ``Decision.seconds_to_decide``, the time from
the claim to the decision; percentiles are nearest-rank (PostgreSQL's ``percentile_disc``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from checker_console.clock import london
from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.scope import (
    Period,
    as_utc_hour,
    counted,
    hour_bucket,
    nearest_rank,
)
from checker_console.store.db import is_postgres
from checker_console.store.models import Decision


@dataclass
class OutcomeCounts:
    approved: int = 0
    rejected: int = 0
    referred: int = 0

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.referred

    def add(self, outcome: str, count: int) -> None:
        if outcome in (o.value for o in DecisionOutcome):
            setattr(self, outcome, getattr(self, outcome) + count)


@dataclass(frozen=True)
class DayCount:
    day: date
    counts: OutcomeCounts


@dataclass(frozen=True)
class HourCount:
    """Decisions in London hour ``hour`` (0-23) over the whole period."""

    hour: int
    counts: OutcomeCounts


@dataclass(frozen=True)
class CheckerFigures:
    checker_id: str
    name: str
    counts: OutcomeCounts
    p50_seconds: float | None
    p95_seconds: float | None


@dataclass(frozen=True)
class Throughput:
    total: OutcomeCounts
    #: Decisions in the period of the same length just before this one.
    previous_total: int
    per_day: list[DayCount]
    per_hour: list[HourCount]
    p50_seconds: float | None
    p95_seconds: float | None
    checkers: list[CheckerFigures] = field(default_factory=list)


def throughput(session: Session, period: Period) -> Throughput:
    """Every throughput and handling-time figure for ``period``, team and per checker."""
    per_day = {day: OutcomeCounts() for day in period.days}
    per_hour = {hour: OutcomeCounts() for hour in range(24)}
    total = OutcomeCounts()
    for utc_hour, outcome, count in _counts_by_hour(session, period):
        local = london(as_utc_hour(utc_hour))
        per_day[local.date()].add(outcome, count)
        per_hour[local.hour].add(outcome, count)
        total.add(outcome, count)
    previous = session.exec(_in_period(select(func.count()).select_from(Decision), period.before()))
    by_checker: dict[str, OutcomeCounts] = defaultdict(OutcomeCounts)
    for checker_id, outcome, count in session.exec(
        _in_period(select(Decision.checker_id, Decision.outcome, func.count()), period).group_by(
            col(Decision.checker_id), col(Decision.outcome)
        )
    ).all():
        by_checker[checker_id].add(outcome, count)
    team, each = _percentiles(session, period)
    names = display_names(session, list(by_checker))
    return Throughput(
        total=total,
        previous_total=previous.one(),
        per_day=[DayCount(day, counts) for day, counts in per_day.items()],
        per_hour=[HourCount(hour, counts) for hour, counts in per_hour.items()],
        p50_seconds=team[0],
        p95_seconds=team[1],
        checkers=sorted(
            (
                CheckerFigures(
                    checker_id=checker_id,
                    name=name_or_id(names, checker_id) or checker_id,
                    counts=counts,
                    p50_seconds=each.get(checker_id, (None, None))[0],
                    p95_seconds=each.get(checker_id, (None, None))[1],
                )
                for checker_id, counts in by_checker.items()
            ),
            key=lambda c: (-c.counts.total, c.name),
        ),
    )


def decisions_per_day(session: Session, period: Period) -> dict[date, int]:
    """Only the daily totals (the queue's arrivals-against-decisions chart)."""
    days = {day: 0 for day in period.days}
    for utc_hour, _outcome, count in _counts_by_hour(session, period):
        days[london(as_utc_hour(utc_hour)).date()] += count
    return days


def _in_period(statement, period: Period):  # type: ignore[no-untyped-def]
    return (
        statement.where(col(Decision.decided_at) >= period.start)
        .where(col(Decision.decided_at) < period.end)
        .where(counted(Decision.application_id))
    )


def _counts_by_hour(session: Session, period: Period) -> list[tuple[object, str, int]]:
    bucket = hour_bucket(session, Decision.decided_at).label("hour")
    statement = _in_period(select(bucket, Decision.outcome, func.count()), period).group_by(
        bucket, col(Decision.outcome)
    )
    return [tuple(row) for row in session.exec(statement).all()]  # type: ignore[misc]


Pair = tuple[float | None, float | None]


def _percentiles(session: Session, period: Period) -> tuple[Pair, dict[str, Pair]]:
    """(team p50, p95) and the same per checker, over decisions that have a claim time."""
    timed = col(Decision.seconds_to_decide).is_not(None)
    if is_postgres(session):
        seconds = col(Decision.seconds_to_decide)
        p50 = func.percentile_disc(0.5).within_group(seconds)
        p95 = func.percentile_disc(0.95).within_group(seconds)
        team = session.exec(_in_period(select(p50, p95), period).where(timed)).one()
        each = session.exec(
            _in_period(select(Decision.checker_id, p50, p95), period)
            .where(timed)
            .group_by(col(Decision.checker_id))
        ).all()
        return (team[0], team[1]), {row[0]: (row[1], row[2]) for row in each}
    rows = session.exec(
        _in_period(select(Decision.checker_id, Decision.seconds_to_decide), period)
        .where(timed)
        .order_by(col(Decision.seconds_to_decide))
    ).all()
    everyone = [seconds for _, seconds in rows if seconds is not None]
    values: dict[str, list[float]] = defaultdict(list)
    for checker_id, seconds in rows:
        if seconds is not None:
            values[checker_id].append(seconds)
    return (
        (nearest_rank(everyone, 0.5), nearest_rank(everyone, 0.95)),
        {cid: (nearest_rank(v, 0.5), nearest_rank(v, 0.95)) for cid, v in values.items()},
    )


def seconds_words(seconds: float | None) -> str:
    """ "4 min 05 s" for a handling time, or "no decisions"."""
    if seconds is None:
        return "no decisions"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


def since(moment: datetime, now: datetime) -> float:
    return (now - moment).total_seconds()
