"""Throughput and handling time: decisions per London day and hour, p50 and p95 claim to decision.

Summed from the day tallies of ``day_facts.py`` (rollups for closed days, the decisions
themselves for the rest), kept per London day and hour, so a day that is 23 or 25 hours long
(the clocks change) is counted right. Handling time is ``Decision.seconds_to_decide``, the time
from the claim to the decision, in whole seconds as shown; percentiles are nearest-rank
(PostgreSQL's ``percentile_disc``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.day_facts import Facts
from checker_console.services.oversight.scope import Period, rank_of

_OUTCOMES = frozenset(o.value for o in DecisionOutcome)


@dataclass
class OutcomeCounts:
    approved: int = 0
    rejected: int = 0
    referred: int = 0

    @property
    def total(self) -> int:
        return self.approved + self.rejected + self.referred

    def add(self, outcome: str, count: int) -> None:
        if outcome in _OUTCOMES:
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


def throughput(session: Session, period: Period, facts: Facts, previous: int) -> Throughput:
    """Every throughput and handling-time figure for ``period``, team and per checker, from the
    tallies of its days (see ``day_facts.py``); ``previous`` is the period before's total."""
    per_day = {day: OutcomeCounts() for day in period.days}
    per_hour = {hour: OutcomeCounts() for hour in range(24)}
    total = OutcomeCounts()
    each: dict[str, OutcomeCounts] = defaultdict(OutcomeCounts)
    by_day: Counter[tuple[date, str]] = Counter()
    by_hour: Counter[tuple[int, str]] = Counter()
    by_checker: Counter[tuple[str, str]] = Counter()
    for (day, hour, checker, outcome), count in facts.counts.items():
        by_day[(day, outcome)] += count
        by_hour[(hour, outcome)] += count
        by_checker[(checker, outcome)] += count
    for (day, outcome), count in by_day.items():
        per_day[day].add(outcome, count)
        total.add(outcome, count)
    for (hour, outcome), count in by_hour.items():
        per_hour[hour].add(outcome, count)
    for (checker, outcome), count in by_checker.items():
        each[checker].add(outcome, count)
    times: dict[str | None, Counter[int]] = defaultdict(Counter)
    for (checker, seconds), count in facts.times.items():
        times[checker][seconds] += count
        times[None][seconds] += count
    names = display_names(session, list(each))
    return Throughput(
        total=total,
        previous_total=previous,
        per_day=[DayCount(day, counts) for day, counts in per_day.items()],
        per_hour=[HourCount(hour, counts) for hour, counts in per_hour.items()],
        p50_seconds=percentile(times[None], 0.5),
        p95_seconds=percentile(times[None], 0.95),
        checkers=sorted(
            (
                CheckerFigures(
                    checker_id=checker_id,
                    name=name_or_id(names, checker_id) or checker_id,
                    counts=counts,
                    p50_seconds=percentile(times[checker_id], 0.5),
                    p95_seconds=percentile(times[checker_id], 0.95),
                )
                for checker_id, counts in each.items()
            ),
            key=lambda c: (-c.counts.total, c.name),
        ),
    )


def percentile(tally: Counter[int], share: float) -> float | None:
    """The nearest-rank percentile (``scope.nearest_rank``) of the times tallied in ``tally``."""
    size = sum(tally.values())
    if not size:
        return None
    rank = rank_of(size, share)
    seen = 0
    for seconds in sorted(tally):
        seen += tally[seconds]
        if seen >= rank:
            return float(seconds)
    raise AssertionError("unreachable: the tally holds ``size`` times")


def decisions_per_day(throughput: Throughput) -> dict[date, int]:
    """Only the daily totals (the queue's arrivals-against-decisions chart)."""
    return {day.day: day.counts.total for day in throughput.per_day}


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
