"""A known history for the dashboard's hand counts: cases and decisions at chosen moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from checker_console.domain.lifecycle import CaseStatus
from checker_console.store.models import Application, Decision, Organisation
from tests.factories import make_invitation, make_org

#: Thursday 29 October 2026, 12:00 in London (GMT): the Sunday before, the clocks went back.
NOW = datetime(2026, 10, 29, 12, 0, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def case(
    session: Session,
    *,
    status: CaseStatus = CaseStatus.QUEUED,
    submitted_at: datetime = NOW - timedelta(hours=1),
    sla_due_at: datetime | None = None,
    org: Organisation | None = None,
    cohort: str = "Nursing 2026",
    golden: bool = False,
    invited_at: datetime | None = None,
    lease_holder: str | None = None,
) -> Application:
    invitation = make_invitation(session, org=org or make_org(session), cohort=cohort)
    invitation.created_at = invited_at or submitted_at - timedelta(days=1)
    invitation.submitted_at = submitted_at
    application = Application(
        invitation_id=invitation.id,
        organisation_id=invitation.organisation_id,
        cohort=cohort,
        status=status,
        given_name=invitation.given_name,
        family_name=invitation.family_name,
        date_of_birth=invitation.date_of_birth,
        ni_number="QQ123456C",
        email=invitation.email,
        submitted_at=submitted_at,
        sla_due_at=sla_due_at or submitted_at + timedelta(days=2),
        is_golden=golden,
        lease_holder=lease_holder,
    )
    session.add_all([invitation, application])
    session.flush()
    return application


def decision(
    session: Session,
    decided_at: datetime,
    *,
    outcome: str = "approved",
    seconds: float | None = 120.0,
    checker: str = "checker.one",
    reasons: list[str] | None = None,
    golden: bool = False,
    org: Organisation | None = None,
    cohort: str = "Nursing 2026",
) -> Decision:
    """A decided case and its decision: the case's status follows the outcome."""
    status = {
        "approved": CaseStatus.PROFILE_PENDING,
        "rejected": CaseStatus.REJECTED,
        "referred": CaseStatus.REFERRED,
    }[outcome]
    application = case(
        session,
        status=status,
        submitted_at=decided_at - timedelta(hours=3),
        golden=golden,
        org=org,
        cohort=cohort,
    )
    row = Decision(
        application_id=application.id,
        checker_id=checker,
        outcome=outcome,
        reasons=reasons or [],
        seconds_to_decide=seconds,
        decided_at=decided_at,
    )
    session.add(row)
    session.flush()
    return row
