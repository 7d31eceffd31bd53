"""What every oversight figure is counted over: a period of London days, and no golden cases.

Golden cases (``Application.is_golden``) are synthetic cases with a known answer, put in the live
queue to measure checkers. They are never in throughput, SLA, queue or journey figures, and
:func:`counted` is the one place that says so: every query in this package filters through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select, true
from sqlmodel import Session, col

from checker_console.clock import LONDON, london
from checker_console.store.db import is_postgres
from checker_console.store.models import Application, Decision

#: The longest custom range a lead may ask for: a year of days keeps every chart readable.
MAX_DAYS = 366


class PeriodKind(StrEnum):
    TODAY = "today"
    LAST_7_DAYS = "7d"
    LAST_30_DAYS = "30d"
    CUSTOM = "custom"


class InvalidPeriod(ValueError):
    """A period the dashboard cannot show; the message says what to change."""


@dataclass(frozen=True)
class Period:
    """London days ``first`` to ``last`` inclusive, as UTC bounds ``[start, end)``."""

    first: date
    last: date
    start: datetime
    end: datetime
    label: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def before(self) -> Period:
        """The period of the same length just before this one (for "up 8% on the week before")."""
        length = (self.last - self.first).days + 1
        return london_days(self.first - timedelta(days=length), self.first - timedelta(days=1))


def day_start(day: date) -> datetime:
    """Midnight in London at the start of ``day``, in UTC (23:00 the day before in summer)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def london_days(first: date, last: date, label: str | None = None) -> Period:
    if last < first:
        raise InvalidPeriod(
            "The end date is before the start date: enter an end date on or after it."
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidPeriod(f"Choose a range of {MAX_DAYS} days or fewer.")
    if label is None:
        label = f"{first:%-d %B %Y}" if first == last else f"{first:%-d %B %Y} to {last:%-d %B %Y}"
    return Period(first, last, day_start(first), day_start(last + timedelta(days=1)), label)


def period_for(
    kind: PeriodKind | str,
    *,
    now: datetime,
    first: date | None = None,
    last: date | None = None,
) -> Period:
    """The period a lead picked; ``first`` and ``last`` are for a custom range."""
    today = london(now).date()
    try:
        kind = PeriodKind(kind)
    except ValueError:
        raise InvalidPeriod("Choose today, last 7 days, last 30 days or a custom range.") from None
    if kind is PeriodKind.TODAY:
        return london_days(today, today, "today")
    if kind is PeriodKind.LAST_7_DAYS:
        return london_days(today - timedelta(days=6), today, "last 7 days")
    if kind is PeriodKind.LAST_30_DAYS:
        return london_days(today - timedelta(days=29), today, "last 30 days")
    if first is None or last is None:
        raise InvalidPeriod("Enter both a start date and an end date for a custom range.")
    if first > today:
        raise InvalidPeriod("The start date is in the future: enter today or an earlier date.")
    return london_days(first, last)


def parse_day(text: str, *, field: str) -> date:
    """A date typed as YYYY-MM-DD (what a date input sends), or InvalidPeriod naming the field."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidPeriod(f"Enter the {field} as a date, like 2026-10-25.") from None


def golden_ids() -> Any:
    """The ids of golden cases: few, and read through the partial index ix_application_golden."""
    return select(col(Application.id)).where(col(Application.is_golden) == true())


def counted(case_id: Any) -> ColumnElement[bool]:
    """The filter every figure uses: the case with id ``case_id`` is not a golden case."""
    if case_id is Application.id:
        return col(Application.is_golden) == false()
    return col(case_id).not_in(golden_ids())


def counted_decision() -> ColumnElement[bool]:
    """The filter every decision figure uses (the rollups included): a decision that stands (not
    undone by its checker inside the undo window) on a case that is not golden."""
    return and_(col(Decision.undone_at).is_(None), counted(Decision.application_id))


def counted_by_status(session: Session, statuses: list[str]) -> dict[str, int]:
    """How many counted (not golden) cases are in each of ``statuses`` now."""
    rows = session.execute(
        select(col(Application.status), func.count())
        .where(col(Application.status).in_(statuses))
        .where(counted(Application.id))
        .group_by(col(Application.status))
    ).all()
    return {status: int(count) for status, count in rows}


def hour_bucket(session: Session, column: Any) -> Any:
    """The UTC hour ``column`` falls in (London's offset is whole hours, so London hours follow)."""
    if is_postgres(session):
        return func.date_trunc("hour", column)
    return func.strftime("%Y-%m-%d %H:00:00", column)


def as_utc_hour(value: Any) -> datetime:
    """A bucket from :func:`hour_bucket` as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC)


def nearest_rank(sorted_values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of them at or below.

    The same as PostgreSQL's ``percentile_disc``, so both databases give the same figure.
    """
    if not sorted_values:
        return None
    return sorted_values[rank_of(len(sorted_values), share) - 1]


def rank_of(size: int, share: float) -> int:
    """The 1-based rank of the nearest-rank percentile ``share`` among ``size`` values (>= 1)."""
    rank = max(1, -(-round(share * size * 1_000_000) // 1_000_000))
    return min(rank, size)
