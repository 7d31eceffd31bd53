"""What the decision figures are made of, per London day: read from decisions, or from rollups.

Every decision figure on the dashboard (counts per day and hour, handling-time percentiles per
checker and for the team, rejection reasons per organisation and cohort) is a sum over days of
three small tallies, :class:`Facts`. A closed day's tallies are kept in the rollup tables
(``rollups.py``); the open part of a period is tallied from its decisions on every read. Both
ways go through the same tallying here, so they cannot disagree.

Handling times are tallied in whole seconds, the unit the dashboard shows them in (``4 min 05 s``).
Rounding never reorders values, so the nearest-rank percentile of the rounded times is exactly
the rounded percentile of the raw times, and a month's percentile comes from a few hundred
(seconds, count) pairs per checker and day instead of every decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from checker_console.clock import london
from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.oversight.scope import (
    as_utc_hour,
    counted_decision,
    day_start,
    hour_bucket,
)
from checker_console.store.models import (
    Application,
    Decision,
)
from checker_console.store.rollup_models import (
    DecisionCountRollup,
    HandlingTimeRollup,
    RejectionRollup,
)

#: ``RejectionRollup.reason`` of the row that counts the rejections themselves.
ALL_REJECTIONS = ""

CountKey = tuple[date, int, str, str]  # London day, London hour, checker, outcome
TimeKey = tuple[str, int]  # checker, whole seconds
ReasonKey = tuple[int, str, str]  # organisation id, cohort, reason ("" = rejections)


@dataclass
class Facts:
    """What the decision figures of some days are computed from: decisions per London day,
    hour, checker and outcome; handling times per checker in whole seconds; rejections and
    their reasons per organisation and cohort. A rollup keeps one day's."""

    counts: Counter[CountKey] = field(default_factory=Counter)
    times: Counter[TimeKey] = field(default_factory=Counter)
    reasons: Counter[ReasonKey] = field(default_factory=Counter)

    def update(self, other: Facts) -> None:
        self.counts.update(other.counts)
        self.times.update(other.times)
        self.reasons.update(other.reasons)


def whole_seconds(seconds: float) -> int:
    """A handling time as the dashboard shows it (``seconds_words`` rounds the same way)."""
    return round(seconds)


def from_decisions(session: Session, days: Iterable[date]) -> Facts:
    """The tallies of ``days``, counted from their decisions now."""
    facts = Facts()
    for first, last in _runs(sorted(set(days))):
        start, end = day_start(first), day_start(last + timedelta(days=1))
        _tally_counts(session, facts, start, end)
        _tally_times(session, facts, start, end)
        _tally_rejections(session, facts, start, end)
    return facts


def decision_total(session: Session, days: Iterable[date]) -> int:
    """How many decisions ``days`` hold, counted now."""
    total = 0
    for first, last in _runs(sorted(set(days))):
        total += session.execute(
            _counted_between(
                sa_select(func.count()).select_from(Decision),
                day_start(first),
                day_start(last + timedelta(days=1)),
            )
        ).scalar_one()
    return int(total)


def from_rollups(session: Session, days: Iterable[date]) -> Facts:
    """The tallies of ``days`` as kept in the rollup tables, handling times and reasons summed
    over the days by the database."""
    facts = Facts()
    for first, last in _runs(sorted(set(days))):
        for d, hour, checker, outcome, count in session.execute(
            sa_select(
                col(DecisionCountRollup.day),
                col(DecisionCountRollup.hour),
                col(DecisionCountRollup.checker_id),
                col(DecisionCountRollup.outcome),
                col(DecisionCountRollup.count),
            ).where(col(DecisionCountRollup.day).between(first, last))
        ):
            facts.counts[(d, hour, checker, outcome)] += count
        checker, seconds = col(HandlingTimeRollup.checker_id), col(HandlingTimeRollup.seconds)
        for who, whole, count in session.execute(
            sa_select(checker, seconds, func.sum(col(HandlingTimeRollup.count)))
            .where(col(HandlingTimeRollup.day).between(first, last))
            .group_by(checker, seconds)
        ):
            facts.times[(who, whole)] += int(count)
        group = (
            col(RejectionRollup.organisation_id),
            col(RejectionRollup.cohort),
            col(RejectionRollup.reason),
        )
        for organisation, cohort, reason, count in session.execute(
            sa_select(*group, func.sum(col(RejectionRollup.count)))
            .where(col(RejectionRollup.day).between(first, last))
            .group_by(*group)
        ):
            facts.reasons[(organisation, cohort, reason)] += int(count)
    return facts


def rolled_up_total(session: Session, days: Iterable[date]) -> int:
    """How many decisions the rollups hold for ``days``."""
    total = 0
    for first, last in _runs(sorted(set(days))):
        total += session.execute(
            sa_select(func.coalesce(func.sum(col(DecisionCountRollup.count)), 0)).where(
                col(DecisionCountRollup.day).between(first, last)
            )
        ).scalar_one()
    return int(total)


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days, so each run is one range read."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _counted_between(statement: Any, start: datetime, end: datetime) -> Any:
    return (
        statement.where(col(Decision.decided_at) >= start)
        .where(col(Decision.decided_at) < end)
        .where(counted_decision())
    )


def _tally_counts(session: Session, facts: Facts, start: datetime, end: datetime) -> None:
    """Counted by the database per UTC hour: London's offset is whole hours, so each UTC hour
    is one London hour of one London day (the repeated 01:00 of October included)."""
    bucket = hour_bucket(session, Decision.decided_at).label("hour")
    checker, outcome = col(Decision.checker_id), col(Decision.outcome)
    rows = session.execute(
        _counted_between(sa_select(bucket, checker, outcome, func.count()), start, end).group_by(
            bucket, checker, outcome
        )
    )
    known = {o.value for o in DecisionOutcome}
    for utc_hour, who, what, count in rows:
        if what in known:
            local = london(as_utc_hour(utc_hour))
            facts.counts[(local.date(), local.hour, who, what)] += count


def _tally_times(session: Session, facts: Facts, start: datetime, end: datetime) -> None:
    seconds = col(Decision.seconds_to_decide)
    rows = session.execute(
        _counted_between(sa_select(col(Decision.checker_id), seconds), start, end).where(
            seconds.is_not(None)
        )
    )
    for checker, taken in rows:
        facts.times[(checker, whole_seconds(taken))] += 1


def _tally_rejections(session: Session, facts: Facts, start: datetime, end: datetime) -> None:
    rows = session.execute(
        _counted_between(
            sa_select(
                col(Application.organisation_id), col(Application.cohort), col(Decision.reasons)
            )
            .join(Application, col(Application.id) == col(Decision.application_id))
            .where(col(Decision.outcome) == DecisionOutcome.REJECTED),
            start,
            end,
        )
    )
    for organisation, cohort, reasons in rows:
        facts.reasons[(organisation, cohort, ALL_REJECTIONS)] += 1
        for reason in set(reasons or []):
            facts.reasons[(organisation, cohort, reason)] += 1
