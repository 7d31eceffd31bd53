"""The lead's view of CIS profile creation: how many cases are in each downstream state, and the
approved cases still waiting on CIM or stuck, a page at a time, oldest first.

A lead works this list from the top: the case approved longest ago without a profile is the
applicant who has waited longest for their UUID. One case's full story (attempt history,
emails) is :func:`services.downstream.status.downstream_status`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.outbox import OutboxKind, OutboxStatus
from checker_console.store.models import Application, Organisation, OutboxMessage

#: The downstream states a lead watches, in the order the page shows them.
DOWNSTREAM_STATUSES = (
    CaseStatus.APPROVED,
    CaseStatus.PROFILE_PENDING,
    CaseStatus.PROFILE_CREATED,
    CaseStatus.PROFILE_FAILED,
)
#: What the list shows: approved cases that do not have their profile yet.
UNFINISHED = {
    "": (CaseStatus.PROFILE_PENDING, CaseStatus.PROFILE_FAILED),
    "pending": (CaseStatus.PROFILE_PENDING,),
    "failed": (CaseStatus.PROFILE_FAILED,),
}
EMAIL_KINDS = (
    OutboxKind.NOTIFY_PROFILE_CREATED,
    OutboxKind.NOTIFY_REJECTED_APPLICANT,
    OutboxKind.NOTIFY_RA_REINVITE,
)
PAGE_SIZE = 25


class InvalidBoardQuery(ValueError):
    """A page or filter the list does not offer."""


@dataclass(frozen=True)
class DownstreamCounts:
    #: case status -> number of cases, for every status in DOWNSTREAM_STATUSES (zeros included).
    cases: dict[str, int]
    emails_sent: int
    emails_waiting: int
    emails_failed: int


@dataclass(frozen=True)
class UnfinishedProfile:
    case_id: int
    full_name: str
    organisation_name: str
    status: str
    approved_at: datetime | None
    #: Tries at the CIM request since it was last (re)opened.
    attempts: int
    #: CIM's reason (failed) or the last transient error (pending), if any.
    last_error: str | None
    next_retry_at: datetime | None
    existing_profile_uuid: str | None


@dataclass(frozen=True)
class UnfinishedPage:
    rows: list[UnfinishedProfile]
    total: int
    page: int
    page_size: int

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def downstream_counts(session: Session) -> DownstreamCounts:
    """Two grouped queries: cases by downstream status, and emails by outcome."""
    by_status = dict(
        session.exec(
            select(Application.status, func.count())
            .where(col(Application.status).in_(DOWNSTREAM_STATUSES))
            .where(col(Application.is_golden).is_(False))  # golden cases never go downstream
            .group_by(Application.status)
        ).all()
    )
    by_outcome = dict(
        session.exec(
            select(OutboxMessage.status, func.count())
            .where(col(OutboxMessage.kind).in_(EMAIL_KINDS))
            .group_by(OutboxMessage.status)
        ).all()
    )
    return DownstreamCounts(
        cases={str(status): int(by_status.get(status, 0)) for status in DOWNSTREAM_STATUSES},
        emails_sent=int(by_outcome.get(OutboxStatus.DONE, 0)),
        emails_waiting=int(
            by_outcome.get(OutboxStatus.PENDING, 0) + by_outcome.get(OutboxStatus.IN_FLIGHT, 0)
        ),
        emails_failed=int(by_outcome.get(OutboxStatus.FAILED, 0)),
    )


def list_unfinished_profiles(
    session: Session, *, show: str = "", page: int = 1, page_size: int = PAGE_SIZE
) -> UnfinishedPage:
    """Approved cases still without a profile (``show``: "", "pending" or "failed"), the
    longest-waiting first; a page past the end gives the last page."""
    if show not in UNFINISHED:
        raise InvalidBoardQuery(f"Cannot show {show!r}: choose pending, failed or both.")
    if page < 1 or not 1 <= page_size <= 100:
        raise InvalidBoardQuery("Pages start at 1 and hold 1 to 100 cases.")
    # A golden approval stays "approved" for good: it never goes to CIM, so it is not waiting.
    where = and_(
        col(Application.status).in_(UNFINISHED[show]), col(Application.is_golden).is_(False)
    )
    total = session.exec(select(func.count()).select_from(Application).where(where)).one()
    page = min(page, max(1, math.ceil(total / page_size)))
    request = and_(
        col(OutboxMessage.application_id) == col(Application.id),
        col(OutboxMessage.kind) == OutboxKind.CREATE_PROFILE,
    )
    approved_at = func.coalesce(Application.decided_at, Application.submitted_at)
    found = session.execute(
        select(Application, Organisation.name, OutboxMessage)
        .join(Organisation, col(Organisation.id) == col(Application.organisation_id))
        .outerjoin(OutboxMessage, request)
        .where(where)
        .order_by(approved_at, col(Application.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    rows = [_row(case, organisation, message) for case, organisation, message in found]
    return UnfinishedPage(rows=rows, total=int(total), page=page, page_size=page_size)


def _row(case: Application, organisation: str, message: OutboxMessage | None) -> UnfinishedProfile:
    assert case.id is not None
    failed = case.status == CaseStatus.PROFILE_FAILED
    waiting = message is not None and message.status == OutboxStatus.PENDING and not failed
    last_error = case.profile_error if failed else None
    return UnfinishedProfile(
        case_id=case.id,
        full_name=f"{case.given_name} {case.family_name}",
        organisation_name=organisation,
        status=case.status,
        approved_at=case.decided_at,
        attempts=message.attempts if message else 0,
        last_error=last_error or (message.last_error if message else None),
        next_retry_at=message.next_attempt_at if waiting and message else None,
        existing_profile_uuid=case.existing_profile_uuid,
    )
