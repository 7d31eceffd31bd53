"""The queue page's list and counts: what is waiting, in queue order, paged by keyset.

Read-only: each function ends the transaction it starts (see ``services/queue/claims.py``), so a
page
that only looks never holds SQLite's write lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.queue.claims import QueueKey, in_queue_order, queue_key
from checker_console.services.unit_of_work import fresh, read_only
from checker_console.store.models import Application, Organisation

T = TypeVar("T")

#: Cases still waiting for a decision, as the queue page counts them.
OPEN_STATUSES = (CaseStatus.QUEUED, CaseStatus.IN_REVIEW, CaseStatus.REFERRED)


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page narrows to. ``older_than`` is the time since submission."""

    statuses: tuple[CaseStatus, ...] = (CaseStatus.QUEUED, CaseStatus.IN_REVIEW)
    organisation_id: int | None = None
    cohort: str | None = None
    attempt: int | None = None
    older_than: timedelta | None = None


@dataclass(frozen=True)
class QueueRow:
    case_id: int
    status: str
    organisation_id: int
    organisation_code: str
    organisation_name: str
    cohort: str
    attempt: int
    submitted_at: datetime
    sla_due_at: datetime
    age: timedelta
    breaching_sla: bool
    #: Who is reviewing it and since when (in_review only).
    held_by: str | None
    held_since: datetime | None
    lease_expires_at: datetime | None
    referred_by: str | None
    #: How the page names them: the name they signed in with, or the id if they never did.
    held_by_name: str | None
    referred_by_name: str | None


@dataclass(frozen=True)
class QueuePage:
    """One page in queue order. ``next_page`` is the token for the following page, or None."""

    rows: list[QueueRow]
    next_page: str | None
    total: int
    page_size: int


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    in_review: int
    referred: int
    breaching_sla: int
    #: How long the longest-waiting open case has waited since submission, or None.
    oldest_age: timedelta | None


def list_queue(
    session: Session,
    *,
    filters: QueueFilters | None = None,
    page: str | None = None,
    page_size: int = 50,
    now: datetime | None = None,
) -> QueuePage:
    """One page of the queue, soonest SLA first, resuming after the token ``page``.

    Keyset paging: each status is read as its own range of ``ix_application_queue`` and the
    ranges merged, so page 2,000 costs what page 1 does. To go back, the page keeps the tokens
    it has seen (None is the first page).
    """
    if not 1 <= page_size <= 500:
        raise ValueError(f"page_size must be between 1 and 500, not {page_size}")
    filters = filters or QueueFilters()
    now = now or utcnow()
    after = _decode_page_token(page)
    with read_only(session):
        found: list[Application] = []
        for status in filters.statuses:
            statement = _filtered(in_queue_order(select(Application), status, after), filters, now)
            found += session.exec(fresh(statement.limit(page_size + 1))).all()
        found.sort(key=queue_key)
        rows, more = found[:page_size], len(found) > page_size
        total = session.exec(
            _filtered(
                select(func.count())
                .select_from(Application)
                .where(col(Application.status).in_(filters.statuses)),
                filters,
                now,
            )
        ).one()
        organisations = _organisations(session, {c.organisation_id for c in rows})
        names = display_names(session, [p for c in rows for p in (c.lease_holder, c.referred_by)])
        return QueuePage(
            rows=[_row(c, organisations, names, now) for c in rows],
            next_page=_page_token(rows[-1]) if more else None,
            total=total,
            page_size=page_size,
        )


def queue_page_statement(
    status: CaseStatus, filters: QueueFilters, now: datetime, limit: int = 50
) -> SelectOfScalar[Application]:
    """The query behind one status of a queue page, for EXPLAIN in tests and the benchmark."""
    return _filtered(in_queue_order(select(Application), status, None), filters, now).limit(limit)


def _filtered(
    statement: SelectOfScalar[T], filters: QueueFilters, now: datetime
) -> SelectOfScalar[T]:
    if filters.organisation_id is not None:
        statement = statement.where(Application.organisation_id == filters.organisation_id)
    if filters.cohort:
        statement = statement.where(Application.cohort == filters.cohort)
    if filters.attempt is not None:
        statement = statement.where(Application.attempt == filters.attempt)
    if filters.older_than is not None:
        statement = statement.where(col(Application.submitted_at) <= now - filters.older_than)
    return statement


def queue_counts(session: Session, *, now: datetime | None = None) -> QueueCounts:
    """The numbers at the top of the queue page; each is an index-only count."""
    now = now or utcnow()
    with read_only(session):
        by_status = dict(
            session.exec(
                select(Application.status, func.count())
                .where(col(Application.status).in_(OPEN_STATUSES))
                .group_by(Application.status)
            ).all()
        )
        breaching = session.exec(
            select(func.count())
            .select_from(Application)
            .where(col(Application.status).in_(OPEN_STATUSES))
            .where(col(Application.sla_due_at) < now)
        ).one()
        # The longest wait, not the wait of the case first in SLA order: a later SLA (a
        # referral, a second attempt) can sit behind cases that were submitted after it.
        earliest = session.exec(
            select(func.min(Application.submitted_at)).where(
                col(Application.status).in_(OPEN_STATUSES)
            )
        ).one()
        submitted = [earliest] if earliest is not None else []
        return QueueCounts(
            waiting=by_status.get(CaseStatus.QUEUED, 0),
            in_review=by_status.get(CaseStatus.IN_REVIEW, 0),
            referred=by_status.get(CaseStatus.REFERRED, 0),
            breaching_sla=breaching,
            oldest_age=now - min(submitted) if submitted else None,
        )


def _organisations(session: Session, ids: set[int]) -> dict[int, Organisation]:
    if not ids:
        return {}
    found = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {org.id: org for org in found if org.id is not None}


def _row(
    case: Application,
    organisations: dict[int, Organisation],
    names: dict[str, str],
    now: datetime,
) -> QueueRow:
    org = organisations.get(case.organisation_id)
    in_review = case.status == CaseStatus.IN_REVIEW
    held_by = case.lease_holder if in_review else None
    return QueueRow(
        case_id=case.id or 0,
        status=case.status,
        organisation_id=case.organisation_id,
        organisation_code=org.code if org else "",
        organisation_name=org.name if org else "",
        cohort=case.cohort,
        attempt=case.attempt,
        submitted_at=case.submitted_at,
        sla_due_at=case.sla_due_at,
        age=now - case.submitted_at,
        breaching_sla=case.sla_due_at < now,
        held_by=held_by,
        held_since=case.claimed_at if in_review else None,
        lease_expires_at=case.lease_expires_at if in_review else None,
        referred_by=case.referred_by,
        held_by_name=name_or_id(names, held_by),
        referred_by_name=name_or_id(names, case.referred_by),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _page_token(case: Application) -> str:
    micros = (case.sla_due_at - _EPOCH) // timedelta(microseconds=1)
    return f"{case.queue_band}.{micros}.{case.id}"


def _decode_page_token(token: str | None) -> QueueKey | None:
    if not token:
        return None
    try:
        band, micros, case_id = (int(part) for part in token.split("."))
    except ValueError:
        raise ValueError(
            f"Page token {token!r} is not one this queue made: go back to the first page."
        ) from None
    return band, _EPOCH + timedelta(microseconds=micros), case_id
