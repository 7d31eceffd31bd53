"""The queue and outbox figures behind the metrics' gauges, from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.outbox import OutboxStatus
from checker_console.store.db import session_scope
from checker_console.store.models import Application, OutboxMessage


@dataclass(frozen=True)
class QueueFigures:
    queued: int
    in_review: int
    oldest_queued_age_s: float
    breached: int
    outbox_pending: int
    outbox_lag_s: float
    outbox_failed: int


def read_figures() -> QueueFigures:
    from checker_console.observability.metrics import seconds_since

    now = utcnow()
    with session_scope() as session:
        counts = dict(
            session.exec(
                select(col(Application.status), func.count())
                .where(col(Application.status).in_([CaseStatus.QUEUED, CaseStatus.IN_REVIEW]))
                .group_by(col(Application.status))
            ).all()
        )
        oldest = session.exec(
            select(func.min(Application.submitted_at)).where(
                Application.status == CaseStatus.QUEUED
            )
        ).one()
        breached = session.exec(
            select(func.count()).where(
                Application.status == CaseStatus.QUEUED, Application.sla_due_at < now
            )
        ).one()
        outbox = dict(
            session.exec(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status != OutboxStatus.DONE)
                .group_by(OutboxMessage.status)
            ).all()
        )
        oldest_due = session.exec(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            )
        ).one()
    return QueueFigures(
        queued=int(counts.get(CaseStatus.QUEUED, 0)),
        in_review=int(counts.get(CaseStatus.IN_REVIEW, 0)),
        oldest_queued_age_s=seconds_since(_aware(oldest), now),
        breached=int(breached),
        outbox_pending=int(outbox.get(OutboxStatus.PENDING, 0))
        + int(outbox.get(OutboxStatus.IN_FLIGHT, 0)),
        outbox_lag_s=seconds_since(_aware(oldest_due), now),
        outbox_failed=int(outbox.get(OutboxStatus.FAILED, 0)),
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
