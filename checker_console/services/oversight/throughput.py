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
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from checker_console.clock import london
from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.scope import (
    Period,
    as_utc_hour,
    counted_decision,
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
    """Every throughput and handling-time figure for ``period``, team and per checker.

    Three queries: counts by UTC hour, the period before's total, and per checker (with the
    team's total) counts and percentiles.
    """
    per_day = {day: OutcomeCounts() for day in period.days}
    per_hour = {hour: OutcomeCounts() for hour in range(24)}
    total = OutcomeCounts()
    before = period.before()
    previous = session.exec(
        _in_period(select(func.count()).select_from(Decision), before.start, before.end)
    ).one()
    for utc_hour, outcome, count in _counts_by_hour(session, period.start, period.end):
        local = london(as_utc_hour(utc_hour))
        per_day[local.date()].add(outcome, count)
        per_hour[local.hour].add(outcome, count)
        total.add(outcome, count)
    team, each = _per_checker(session, period)
    names = display_names(session, list(each))
    return Throughput(
        total=total,
        previous_total=previous,
        per_day=[DayCount(day, counts) for day, counts in per_day.items()],
        per_hour=[HourCount(hour, counts) for hour, counts in per_hour.items()],
        p50_seconds=team[1],
        p95_seconds=team[2],
        checkers=sorted(
            (
                CheckerFigures(
                    checker_id=checker_id,
                    name=name_or_id(names, checker_id) or checker_id,
                    counts=counts,
                    p50_seconds=p50,
                    p95_seconds=p95,
                )
                for checker_id, (counts, p50, p95) in each.items()
            ),
            key=lambda c: (-c.counts.total, c.name),
        ),
    )


def decisions_per_day(throughput: Throughput) -> dict[date, int]:
    """Only the daily totals (the queue's arrivals-against-decisions chart)."""
    return {day.day: day.counts.total for day in throughput.per_day}


def _in_period(statement, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return (
        statement.where(col(Decision.decided_at) >= start)
        .where(col(Decision.decided_at) < end)
        .where(counted_decision())
    )


def _counts_by_hour(
    session: Session, start: datetime, end: datetime
) -> list[tuple[object, str, int]]:
    bucket = hour_bucket(session, Decision.decided_at).label("hour")
    statement = _in_period(select(bucket, Decision.outcome, func.count()), start, end).group_by(
        bucket, col(Decision.outcome)
    )
    return [tuple(row) for row in session.exec(statement).all()]


Figures = tuple[OutcomeCounts, float | None, float | None]


def _per_checker(session: Session, period: Period) -> tuple[Figures, dict[str, Figures]]:
    """(team figures, figures per checker): counts, p50 and p95 of the timed decisions."""
    if is_postgres(session):
        seconds = col(Decision.seconds_to_decide)
        outcome = col(Decision.outcome)
        rows = session.exec(
            _in_period(
                sa_select(
                    col(Decision.checker_id),
                    *[func.count().filter(outcome == o.value) for o in DecisionOutcome],
                    func.percentile_disc(0.5).within_group(seconds),  # NULLs are left out
                    func.percentile_disc(0.95).within_group(seconds),
                ),
                period.start,
                period.end,
            ).group_by(func.rollup(col(Decision.checker_id)))
        ).all()
        found = {row[0]: (OutcomeCounts(*row[1:4]), row[4], row[5]) for row in rows}
        team = found.pop(None, (OutcomeCounts(), None, None))
        return team, found
    rows = session.exec(
        _in_period(
            select(Decision.checker_id, Decision.outcome, Decision.seconds_to_decide),
            period.start,
            period.end,
        ).order_by(col(Decision.seconds_to_decide))
    ).all()
    counts: dict[str | None, OutcomeCounts] = defaultdict(OutcomeCounts)
    values: dict[str | None, list[float]] = defaultdict(list)
    for checker_id, outcome, seconds in rows:
        for who in (checker_id, None):
            counts[who].add(outcome, 1)
            if seconds is not None:
                values[who].append(seconds)
    figures = {
        who: (counts[who], nearest_rank(values[who], 0.5), nearest_rank(values[who], 0.95))
        for who in counts
    }
    team = figures.pop(None, (OutcomeCounts(), None, None))
    return team, figures  # type: ignore[return-value]


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
