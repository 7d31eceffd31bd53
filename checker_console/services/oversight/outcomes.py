"""What becomes of applications: rejection reasons, and the journey from invitation to email.

Both are per organisation and cohort. Rejection reasons count rejections decided in the period
(summed from the day tallies of ``day_facts.py``);
a rejection may give several reasons, so a reason's share is of rejections, not of reasons.
The journey follows the invitations sent in the period through each step, so a lead sees where
people drop out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.services.downstream.outbox import OutboxKind, OutboxStatus
from checker_console.services.oversight.day_facts import ALL_REJECTIONS, Facts
from checker_console.services.oversight.scope import Period, counted
from checker_console.store.models import (
    Application,
    Invitation,
    Organisation,
    OutboxMessage,
)

DECIDED = (
    CaseStatus.APPROVED,
    CaseStatus.REJECTED,
    CaseStatus.PROFILE_PENDING,
    CaseStatus.PROFILE_CREATED,
    CaseStatus.PROFILE_FAILED,
)
JOURNEY_STEPS = ("invited", "submitted", "decided", "profile_created", "email_sent")
STEP_LABELS = {
    "invited": "Invited",
    "submitted": "Submitted",
    "decided": "Decided",
    "profile_created": "Profile created",
    "email_sent": "Email sent",
}


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    count: int
    #: Of the rejections in the same group, 0 to 1.
    share: float


@dataclass(frozen=True)
class GroupReasons:
    organisation: str
    cohort: str
    rejections: int
    reasons: list[ReasonCount]


@dataclass(frozen=True)
class Rejections:
    rejections: int
    reasons: list[ReasonCount]
    groups: list[GroupReasons]


@dataclass(frozen=True)
class JourneyRow:
    organisation: str
    cohort: str
    invited: int
    submitted: int
    decided: int
    profile_created: int
    email_sent: int

    def step(self, name: str) -> int:
        return int(getattr(self, name))

    @property
    def biggest_drop(self) -> tuple[str, str, int] | None:
        """(from step, to step, people lost) where most people stop, or None if nobody does."""
        drops = [
            (a, b, self.step(a) - self.step(b))
            for a, b in zip(JOURNEY_STEPS, JOURNEY_STEPS[1:], strict=False)
        ]
        worst = max(drops, key=lambda d: d[2])
        return worst if worst[2] > 0 else None


def rejections(session: Session, facts: Facts) -> Rejections:
    """Rejections decided in a period and their reasons, from the tallies of its days."""
    in_period = facts.reasons
    names = dict(
        session.exec(
            select(Organisation.id, Organisation.name).where(
                col(Organisation.id).in_({org for org, _, _ in in_period})
            )
        ).all()
    )
    overall: Counter[str] = Counter()
    grouped: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    group_size: Counter[tuple[str, str]] = Counter()
    for (organisation, cohort, reason), count in in_period.items():
        group = (names[organisation], cohort)
        if reason == ALL_REJECTIONS:
            group_size[group] += count
        else:
            overall[reason] += count
            grouped[group][reason] += count
    total = sum(group_size.values())
    return Rejections(
        rejections=total,
        reasons=_reason_counts(overall, total),
        groups=[
            GroupReasons(org, cohort, size, _reason_counts(grouped[(org, cohort)], size))
            for (org, cohort), size in sorted(group_size.items())
        ],
    )


def _reason_counts(counts: Counter[str], rejections: int) -> list[ReasonCount]:
    found = [
        ReasonCount(
            reason=reason,
            label=_label(reason),
            count=count,
            share=count / rejections if rejections else 0.0,
        )
        for reason, count in counts.items()
    ]
    return sorted(found, key=lambda r: (-r.count, r.label))


def _label(reason: str) -> str:
    try:
        return REASON_TEXT[RejectionReason(reason)].label
    except ValueError:
        return reason


def journey(session: Session, period: Period) -> list[JourneyRow]:
    """Per organisation and cohort, the invitations sent in the period and how far they got."""
    email = aliased(OutboxMessage)
    statement = (
        sa_select(
            col(Organisation.name),
            col(Invitation.cohort),
            func.count(col(Invitation.id)),
            func.count(col(Application.id)),
            func.sum(case((col(Application.status).in_(DECIDED), 1), else_=0)),
            func.sum(case((col(Application.status) == CaseStatus.PROFILE_CREATED, 1), else_=0)),
            func.count(col(email.id)),
        )
        .join(Organisation, col(Organisation.id) == col(Invitation.organisation_id))
        # Nothing is submitted, or emailed, before it was invited: the period's lower bound
        # holds for both, and lets each be read by its date index instead of whole.
        .outerjoin(
            Application,
            and_(
                col(Application.invitation_id) == col(Invitation.id),
                col(Application.submitted_at) >= period.start,
            ),
        )
        # One "your profile is ready" email per case at most (its idempotency key says so).
        .outerjoin(
            email,
            and_(
                col(email.application_id) == col(Application.id),
                col(email.kind) == OutboxKind.NOTIFY_PROFILE_CREATED.value,
                col(email.status) == OutboxStatus.DONE.value,
                col(email.created_at) >= period.start,
            ),
        )
        .where(col(Invitation.created_at) >= period.start)
        .where(col(Invitation.created_at) < period.end)
        .where(or_(col(Application.id).is_(None), counted(Application.id)))
        .group_by(col(Organisation.name), col(Invitation.cohort))
        .order_by(col(Organisation.name), col(Invitation.cohort))
    )
    return [
        JourneyRow(org, cohort, int(a), int(b), int(c or 0), int(d or 0), int(e or 0))
        for org, cohort, a, b, c, d, e in session.execute(statement).all()
    ]
