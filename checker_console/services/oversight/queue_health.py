"""The queue as a lead sees it: what waits and for how long, SLA breaches, and when it clears.

Everything here is "now", except arrivals against decisions, which is per London day of the
period. The forecast divides the open cases by the last 7 days' rate of final decisions
(approvals and rejections: a referral does not take a case out of the queue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from checker_console.clock import london
from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.oversight.scope import (
    Period,
    as_utc_hour,
    counted,
    counted_decision,
    hour_bucket,
)
from checker_console.store.models import Application, Decision

#: Cases a checker or a lead still has to decide.
OPEN_STATUSES = (CaseStatus.QUEUED, CaseStatus.IN_REVIEW, CaseStatus.REFERRED)
#: How far back the forecast's decision rate looks.
FORECAST_WINDOW = timedelta(days=7)
#: Age bands of what waits: (label, lower bound inclusive). The last band has no upper bound.
AGE_BANDS: tuple[tuple[str, timedelta], ...] = (
    ("Under 4 hours", timedelta(0)),
    ("4 to 24 hours", timedelta(hours=4)),
    ("1 to 2 days", timedelta(days=1)),
    ("2 to 5 days", timedelta(days=2)),
    ("Over 5 days", timedelta(days=5)),
)


@dataclass(frozen=True)
class AgeBand:
    label: str
    count: int


@dataclass(frozen=True)
class DayFlow:
    day: date
    arrivals: int
    decisions: int


@dataclass(frozen=True)
class Forecast:
    #: Final decisions an hour over the last 7 days (0 when there were none).
    rate_per_hour: float
    open_cases: int
    #: When the open cases are all decided at that rate; None if the rate is 0 or nothing is open.
    clears_at: datetime | None


@dataclass(frozen=True)
class QueueHealth:
    waiting: int
    in_review: int
    referred: int
    ages: list[AgeBand]
    breaching_now: int
    breaching_within_24h: int
    flow: list[DayFlow]
    forecast: Forecast


def queue_health(
    session: Session, period: Period, *, now: datetime, decided: dict[date, int]
) -> QueueHealth:
    """The queue now, and per day of ``period`` arrivals against ``decided`` (from throughput).

    One query over the open cases gives the counts, the breaches and the age bands.
    """
    queued = col(Application.status) == CaseStatus.QUEUED
    submitted, due = col(Application.submitted_at), col(Application.sla_due_at)
    bands = []
    for (_, lower), upper in zip(AGE_BANDS, [*[b for _, b in AGE_BANDS[1:]], None], strict=True):
        inside = and_(queued, submitted <= now - lower)
        if upper is not None:
            inside = and_(inside, submitted > now - upper)
        bands.append(func.sum(case((inside, 1), else_=0)))
    rows = session.exec(
        select(
            Application.status,
            func.count(),
            func.sum(case((due < now, 1), else_=0)),
            func.sum(case((and_(due >= now, due < now + timedelta(hours=24)), 1), else_=0)),
            *bands,
        )
        .where(col(Application.status).in_(OPEN_STATUSES))
        .where(counted(Application.id))
        .group_by(col(Application.status))
    ).all()
    by_status = {row[0]: int(row[1]) for row in rows}
    ages = [sum(int(row[4 + n] or 0) for row in rows) for n in range(len(AGE_BANDS))]
    open_cases = sum(by_status.values())
    return QueueHealth(
        waiting=by_status.get(CaseStatus.QUEUED, 0),
        in_review=by_status.get(CaseStatus.IN_REVIEW, 0),
        referred=by_status.get(CaseStatus.REFERRED, 0),
        ages=[AgeBand(label, count) for (label, _), count in zip(AGE_BANDS, ages, strict=True)],
        breaching_now=sum(int(row[2] or 0) for row in rows),
        breaching_within_24h=sum(int(row[3] or 0) for row in rows),
        flow=_flow(session, period, decided),
        forecast=forecast(session, now=now, open_cases=open_cases),
    )


def forecast(session: Session, *, now: datetime, open_cases: int) -> Forecast:
    """When the open cases clear at the pace of the last 7 days' final decisions."""
    decided = session.exec(
        select(func.count())
        .select_from(Decision)
        .where(col(Decision.decided_at) >= now - FORECAST_WINDOW)
        .where(col(Decision.decided_at) < now)
        .where(col(Decision.outcome).in_([DecisionOutcome.APPROVED, DecisionOutcome.REJECTED]))
        .where(counted_decision())
    ).one()
    rate = decided / (FORECAST_WINDOW.total_seconds() / 3600)
    clears_at = None
    if rate > 0 and open_cases > 0:
        clears_at = now + timedelta(hours=open_cases / rate)
    return Forecast(rate_per_hour=rate, open_cases=open_cases, clears_at=clears_at)


def _flow(session: Session, period: Period, decided: dict[date, int]) -> list[DayFlow]:
    arrivals = {day: 0 for day in period.days}
    bucket = hour_bucket(session, Application.submitted_at).label("hour")
    for utc_hour, count in session.exec(
        select(bucket, func.count())
        .where(col(Application.submitted_at) >= period.start)
        .where(col(Application.submitted_at) < period.end)
        .where(counted(Application.id))
        .group_by(bucket)
    ).all():
        arrivals[london(as_utc_hour(utc_hour)).date()] += count
    return [DayFlow(day, arrivals[day], decided.get(day, 0)) for day in period.days]
