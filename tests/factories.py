"""Memorable fake data for tests: organisations, invitations and cases in a chosen status."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.services.lifecycle import apply_transition
from checker_console.store.models import Application, Invitation, Organisation

#: The events that take a freshly submitted case to each status.
PATH_TO: dict[CaseStatus, list[CaseEvent]] = {
    CaseStatus.SUBMITTED: [],
    CaseStatus.QUEUED: [CaseEvent.ENQUEUE],
    CaseStatus.IN_REVIEW: [CaseEvent.ENQUEUE, CaseEvent.CLAIM],
    CaseStatus.APPROVED: [CaseEvent.ENQUEUE, CaseEvent.CLAIM, CaseEvent.APPROVE],
    CaseStatus.REJECTED: [CaseEvent.ENQUEUE, CaseEvent.CLAIM, CaseEvent.REJECT],
    CaseStatus.REFERRED: [CaseEvent.ENQUEUE, CaseEvent.CLAIM, CaseEvent.REFER],
}


def make_org(
    session: Session, code: str = "RX1", name: str = "Riverside University"
) -> Organisation:
    existing = session.exec(select(Organisation).where(Organisation.code == code)).first()
    if existing:
        return existing
    org = Organisation(code=code, name=name)
    session.add(org)
    session.flush()
    return org


def make_invitation(
    session: Session,
    *,
    org: Organisation | None = None,
    given_name: str = "Florence",
    family_name: str = "Nightingale",
    date_of_birth: date = date(2001, 5, 12),
    email: str | None = None,
    cohort: str = "Nursing 2026",
    expires_in_days: int = 28,
) -> Invitation:
    org = org or make_org(session)
    invitation = Invitation(
        organisation_id=org.id,
        cohort=cohort,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        email=email or f"applicant-{secrets.token_hex(4)}@example.org",
        mobile="07700900123",
        import_key=secrets.token_hex(32),
        token=secrets.token_urlsafe(24),
        expires_at=utcnow() + timedelta(days=expires_in_days),
    )
    session.add(invitation)
    session.flush()
    return invitation


def make_case(
    session: Session,
    status: CaseStatus = CaseStatus.QUEUED,
    *,
    actor: str = "test.checker",
    ni_number: str = "QQ123456C",
    **invitation_fields: object,
) -> Application:
    """A case that reached ``status`` the legal way, with its audit events."""
    invitation = make_invitation(session, **invitation_fields)  # type: ignore[arg-type]
    now = utcnow()
    case = Application(
        invitation_id=invitation.id,
        organisation_id=invitation.organisation_id,
        cohort=invitation.cohort,
        status=CaseStatus.SUBMITTED,
        given_name=invitation.given_name,
        family_name=invitation.family_name,
        date_of_birth=invitation.date_of_birth,
        ni_number=ni_number,
        email=invitation.email,
        submitted_at=now,
        sla_due_at=now + timedelta(days=2),
    )
    session.add(case)
    session.flush()
    for event in PATH_TO[status]:
        apply_transition(session, case, event, actor=actor)
    session.flush()
    return case
