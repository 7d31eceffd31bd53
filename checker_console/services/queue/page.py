"""What the queue page needs in one call: leases that ran out returned, the counts, one page.

The queue page is where checkers start their day, so loading it is also a natural moment to
return abandoned cases to the queue (``expire_leases``): a case whose checker closed the tab
reappears for everyone within one lease, even before any background loop runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.queue.leases import expire_leases
from checker_console.services.queue.listing import (
    OPEN_STATUSES,
    QueueCounts,
    QueueFilters,
    QueuePage,
    list_queue,
    queue_counts,
)
from checker_console.services.unit_of_work import read_only
from checker_console.store.models import Application, Organisation

#: The age filter's choices: label -> time since submission.
AGE_CHOICES: dict[str, timedelta] = {
    "1": timedelta(days=1),
    "2": timedelta(days=2),
    "5": timedelta(days=5),
}


@dataclass(frozen=True)
class QueueFilterOptions:
    organisations: list[tuple[int, str]]
    cohorts: list[str]
    attempts: list[int]


@dataclass(frozen=True)
class QueueView:
    counts: QueueCounts
    page: QueuePage
    returned_to_queue: int


def queue_filter_options(session: Session) -> QueueFilterOptions:
    """The organisations, cohorts and attempt numbers that open cases have, for the dropdowns."""
    with read_only(session):
        open_cases = col(Application.status).in_(OPEN_STATUSES)
        organisations = session.exec(
            select(Organisation.id, Organisation.name)
            .where(
                col(Organisation.id).in_(
                    select(Application.organisation_id).where(open_cases).distinct()
                )
            )
            .order_by(col(Organisation.name))
        ).all()
        cohorts = session.exec(
            select(Application.cohort).where(open_cases).distinct().order_by(Application.cohort)
        ).all()
        attempts = session.exec(
            select(Application.attempt)
            .where(open_cases)
            .distinct()
            .order_by(col(Application.attempt))
        ).all()
        return QueueFilterOptions(
            organisations=[(i, name) for i, name in organisations if i is not None],
            cohorts=[c for c in cohorts if c],
            attempts=list(attempts),
        )


def load_queue_view(
    session: Session,
    *,
    filters: QueueFilters,
    page: str | None = None,
    page_size: int = 25,
    now: datetime | None = None,
) -> QueueView:
    """Return expired leases to the queue, then count and list it (in that order, so the page
    never shows a case as held by someone whose hold has run out)."""
    now = now or utcnow()
    returned = expire_leases(session, now=now)
    return QueueView(
        counts=queue_counts(session, now=now),
        page=list_queue(session, filters=filters, page=page, page_size=page_size, now=now),
        returned_to_queue=returned,
    )


def queue_statuses(*, include_referred: bool) -> tuple[CaseStatus, ...]:
    """What a queue page lists: waiting and in review, and referred cases for leads."""
    base = (CaseStatus.QUEUED, CaseStatus.IN_REVIEW)
    return (*base, CaseStatus.REFERRED) if include_referred else base
