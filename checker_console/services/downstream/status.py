"""Where an approved (or rejected) case stands downstream: CIM profile and emails.

For the case page and the queue: :func:`downstream_status` for one case, and
:func:`downstream_statuses` for a page of them in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.outbox import OutboxKind, OutboxStatus
from checker_console.store.models import Application, OutboxAttempt, OutboxMessage

#: Who each kind of email goes to, as the console says it.
RECIPIENTS = {
    OutboxKind.NOTIFY_PROFILE_CREATED: "applicant",
    OutboxKind.NOTIFY_REJECTED_APPLICANT: "applicant",
    OutboxKind.NOTIFY_RA_REINVITE: "inviting RA",
}

#: How many of the latest calls to CIM the case page shows.
RECENT_ATTEMPTS = 5


@dataclass(frozen=True)
class AttemptView:
    started_at: datetime
    outcome: str
    http_status: int | None
    error: str | None


@dataclass(frozen=True)
class NotificationView:
    kind: str
    recipient: str
    #: pending, in_flight, done (sent) or failed.
    status: str
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class DownstreamStatus:
    case_id: int
    case_status: str
    #: One line for people: "Profile created", "Retrying: CIM did not answer", ...
    summary: str
    cim_uuid: str | None
    existing_profile_uuid: str | None
    #: Tries at the CIM request since it was last (re)opened; each may hold several calls.
    attempts: int
    last_error: str | None
    next_retry_at: datetime | None
    profile_error: str | None
    requested_at: datetime | None
    completed_at: datetime | None
    can_retry: bool
    notifications: list[NotificationView] = field(default_factory=list)
    recent_attempts: list[AttemptView] = field(default_factory=list)

    @property
    def notifications_sent(self) -> int:
        return sum(1 for n in self.notifications if n.status == OutboxStatus.DONE)


def _summary(case: Application, request: OutboxMessage | None) -> str:
    status = case.status
    if status == CaseStatus.PROFILE_CREATED:
        return f"Profile created: UUID {case.cim_uuid}"
    if status == CaseStatus.PROFILE_FAILED:
        if case.existing_profile_uuid:
            return f"Needs a lead: CIM already has this person (UUID {case.existing_profile_uuid})"
        return "Needs a lead: the profile could not be created"
    if status == CaseStatus.PROFILE_PENDING:
        if request is None or request.attempts == 0:
            return "Waiting to be sent to CIM"
        if request.status == OutboxStatus.IN_FLIGHT:
            return "Sending to CIM now"
        tries = "1 try" if request.attempts == 1 else f"{request.attempts} tries"
        return f"Retrying after {tries}: {request.last_error or 'no answer yet'}"
    if status == CaseStatus.APPROVED:
        return "Approved: profile not yet requested"
    if status == CaseStatus.REJECTED:
        return "Rejected"
    return "Not decided yet"


def _status_of(
    case: Application, messages: list[OutboxMessage], attempts: list[OutboxAttempt]
) -> DownstreamStatus:
    assert case.id is not None
    request = next((m for m in messages if m.kind == OutboxKind.CREATE_PROFILE), None)
    notifications = [
        NotificationView(
            kind=m.kind,
            recipient=RECIPIENTS[OutboxKind(m.kind)],
            status=m.status,
            sent_at=m.completed_at if m.status == OutboxStatus.DONE else None,
            last_error=m.last_error,
        )
        for m in sorted(messages, key=lambda m: m.id or 0)
        if m.kind in RECIPIENTS
    ]
    pending = request is not None and request.status == OutboxStatus.PENDING
    return DownstreamStatus(
        case_id=case.id,
        case_status=case.status,
        summary=_summary(case, request),
        cim_uuid=case.cim_uuid,
        existing_profile_uuid=case.existing_profile_uuid,
        attempts=request.attempts if request else 0,
        last_error=request.last_error if request else None,
        next_retry_at=request.next_attempt_at if pending and request else None,
        profile_error=case.profile_error,
        requested_at=request.created_at if request else None,
        completed_at=request.completed_at if request else None,
        can_retry=case.status == CaseStatus.PROFILE_FAILED,
        notifications=notifications,
        recent_attempts=[
            AttemptView(a.started_at, a.outcome, a.http_status, a.error)
            for a in attempts[:RECENT_ATTEMPTS]
        ],
    )


def downstream_statuses(session: Session, case_ids: Sequence[int]) -> dict[int, DownstreamStatus]:
    """Statuses for many cases in three queries (the queue shows a page at a time)."""
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        return {}
    cases = session.exec(select(Application).where(col(Application.id).in_(ids))).all()
    messages = session.exec(
        select(OutboxMessage).where(col(OutboxMessage.application_id).in_(ids))
    ).all()
    by_case: dict[int, list[OutboxMessage]] = defaultdict(list)
    for message in messages:
        by_case[message.application_id or 0].append(message)
    request_ids = {m.id: m.application_id for m in messages if m.kind == OutboxKind.CREATE_PROFILE}
    attempts_by_case: dict[int, list[OutboxAttempt]] = defaultdict(list)
    if request_ids:
        rows = session.exec(
            select(OutboxAttempt)
            .where(col(OutboxAttempt.outbox_id).in_(list(request_ids)))
            .order_by(col(OutboxAttempt.started_at).desc(), col(OutboxAttempt.id).desc())
        ).all()
        for attempt in rows:
            attempts_by_case[request_ids[attempt.outbox_id] or 0].append(attempt)
    return {
        case.id: _status_of(case, by_case[case.id], attempts_by_case[case.id])
        for case in cases
        if case.id is not None
    }


def downstream_status(session: Session, case_id: int) -> DownstreamStatus:
    """Where one case stands downstream; raises LookupError if there is no such case."""
    found = downstream_statuses(session, [case_id])
    if case_id not in found:
        raise LookupError(f"There is no case {case_id}.")
    return found[case_id]
