"""The case lifecycle: which transitions are legal, and what each one changes.

Every change of a case's status goes through :func:`transition`. It is pure: it checks the
move is legal, updates the case object and returns the audit record to write. The service layer
(``services/lifecycle.py``) writes both in one transaction, so a status never changes without
its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class CaseStatus(StrEnum):
    INVITED = "invited"
    SUBMITTED = "submitted"
    QUEUED = "queued"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    REFERRED = "referred"
    PROFILE_PENDING = "profile_pending"
    PROFILE_CREATED = "profile_created"
    PROFILE_FAILED = "profile_failed"


class CaseEvent(StrEnum):
    SUBMIT = "submit"
    ENQUEUE = "enqueue"
    CLAIM = "claim"
    RELEASE = "release"
    APPROVE = "approve"
    REJECT = "reject"
    REFER = "refer"
    REQUEST_PROFILE = "request_profile"
    PROFILE_CREATED = "profile_created"
    PROFILE_FAILED = "profile_failed"
    RETRY_PROFILE = "retry_profile"
    #: The deciding checker takes their decision back, inside the short undo window.
    UNDO = "undo"


S = CaseStatus
E = CaseEvent

#: event -> (statuses it may start from, status it leads to). RELEASE is special-cased: a
#: released referral goes back to the referral queue, anything else back to the main queue.
TRANSITIONS: dict[CaseEvent, tuple[frozenset[CaseStatus], CaseStatus]] = {
    E.SUBMIT: (frozenset({S.INVITED}), S.SUBMITTED),
    E.ENQUEUE: (frozenset({S.SUBMITTED}), S.QUEUED),
    E.CLAIM: (frozenset({S.QUEUED, S.REFERRED}), S.IN_REVIEW),
    E.RELEASE: (frozenset({S.IN_REVIEW}), S.QUEUED),
    E.APPROVE: (frozenset({S.IN_REVIEW}), S.APPROVED),
    E.REJECT: (frozenset({S.IN_REVIEW}), S.REJECTED),
    E.REFER: (frozenset({S.IN_REVIEW}), S.REFERRED),
    E.REQUEST_PROFILE: (frozenset({S.APPROVED}), S.PROFILE_PENDING),
    E.PROFILE_CREATED: (frozenset({S.PROFILE_PENDING}), S.PROFILE_CREATED),
    E.PROFILE_FAILED: (frozenset({S.PROFILE_PENDING}), S.PROFILE_FAILED),
    E.RETRY_PROFILE: (frozenset({S.PROFILE_FAILED}), S.PROFILE_PENDING),
    E.UNDO: (frozenset({S.APPROVED, S.PROFILE_PENDING, S.REJECTED, S.REFERRED}), S.IN_REVIEW),
}

#: Statuses from which nothing more happens to this application (a new attempt is a new case).
FINAL_STATUSES = frozenset({S.REJECTED, S.PROFILE_CREATED})


class IllegalTransition(Exception):
    """A case was asked to move in a way the lifecycle does not allow."""

    def __init__(self, case_id: int | None, status: str, event: str) -> None:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[CaseEvent(event)][0]))
        super().__init__(
            f"Case {case_id} is {status}; it cannot {event} (only a case that is {allowed} can)."
        )
        self.case_id = case_id
        self.status = status
        self.event = event


class CaseLike(Protocol):
    """What the lifecycle needs of a case: the SQLModel table satisfies it."""

    id: int | None
    status: str
    referred_by: str | None


@dataclass(frozen=True)
class AuditRecord:
    """What happened, by whom, to which case: the service layer chains and stores it."""

    action: str
    actor: str
    application_id: int | None
    occurred_at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


def allowed_events(status: str) -> list[CaseEvent]:
    """The events a case in ``status`` may take, for buttons and error messages."""
    return [event for event, (sources, _) in TRANSITIONS.items() if status in sources]


def target_status(case: CaseLike, event: CaseEvent) -> CaseStatus:
    sources, target = TRANSITIONS[event]
    if case.status not in sources:
        raise IllegalTransition(case.id, case.status, event)
    if event is E.RELEASE and case.referred_by:
        return S.REFERRED
    return target


def transition(
    case: CaseLike,
    event: CaseEvent | str,
    *,
    actor: str,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    """Move ``case`` by ``event`` or raise :class:`IllegalTransition`; return its audit record."""
    event = CaseEvent(event)
    previous = case.status
    case.status = target_status(case, event)
    record_detail = {"from": str(previous), "to": str(case.status)}
    record_detail.update(detail or {})
    return AuditRecord(
        action=f"case.{event.value}",
        actor=actor,
        application_id=case.id,
        occurred_at=now,
        detail=record_detail,
    )
